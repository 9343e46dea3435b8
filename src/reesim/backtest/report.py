"""The backtest report: a fit table and, per series, observed against simulated (HTML + PNG)."""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from reesim.backtest.cases import CASES
from reesim.backtest.criteria import Criterion, shown
from reesim.backtest.fit import SeriesFit, Stoppage
from reesim.report import charts
from reesim.report.headline_html import STYLE

COLUMNS = ("case", "series", "direction (obs/sim)", "move observed", "move simulated", "timing error",
           "size ratio", "error out of sample")  # fmt: skip
CRITERIA_COLUMNS = ("case", "series", "criterion", "rule", "observed", "simulated", "verdict", "note")


def _direction(x: int) -> str:
    return {-1: "fall", 0: "flat", 1: "rise"}[x]


def row(fit: SeriesFit) -> list[str]:
    """The fit table's cells for one series."""
    unit = "yr" if len(fit.periods[0]) == 4 else "mo"
    err = "-" if math.isnan(fit.error_out_of_sample) else f"{fit.error_out_of_sample:.2f}"
    return [
        fit.case, fit.label, f"{_direction(fit.direction_observed)}/{_direction(fit.direction_simulated)}",
        f"{fit.move_observed[1]:.2f} in {fit.move_observed[0]}",
        f"{fit.move_simulated[1]:.2f} in {fit.move_simulated[0]}",
        f"{fit.timing_error:+d} {unit}", f"{fit.size_ratio:.2f}", err,
    ]  # fmt: skip


def criterion_row(c: Criterion) -> list[str]:
    """The price-criteria table's cells for one criterion."""
    return [c.case, c.series, c.name, c.rule, shown(c.observed), shown(c.simulated), c.verdict, c.note]


def _criteria_html(criteria: list[Criterion]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in CRITERIA_COLUMNS)
    cells = ("".join(f"<td>{html.escape(cell)}</td>" for cell in criterion_row(c)) for c in criteria)
    body = "".join(f"<tr>{row_html}</tr>" for row_html in cells)
    guide = (
        '<div class="guide">Each price criterion passes or misses on the numbers shown ("no data": nothing '
        "observed to compare with). Indices are prices over the level before the policy (observed) or over "
        "the price without the policy (simulated); <i>fall</i> is the later year's mean over the peak.</div>"
    )
    return f"<h2>Price criteria</h2>{guide}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def chart(fit: SeriesFit) -> Any:
    """Observed and simulated index, calibration periods shaded."""
    fig, ax = plt.subplots(figsize=(7, 2.8))
    x = np.arange(len(fit.periods))
    ax.plot(x, fit.observed, "o-", color="#333333", label="observed")
    ax.plot(x, fit.simulated, "s--", color="#c0392b", label="simulated (policy / no policy)")
    for k, p in enumerate(fit.periods):
        if p in fit.calibrated:
            ax.axvspan(k - 0.5, k + 0.5, color="#f1c40f", alpha=0.25, lw=0)
    ax.axhline(1.0, color="#999", lw=0.8)
    ax.set_xticks(x, fit.periods, rotation=45, fontsize=7)
    ax.set_ylabel("index (1 = before the policy)")
    ax.set_title(fit.label)
    ax.legend(fontsize=7, frameon=False)
    return fig


def write_backtest_report(
    fits: list[SeriesFit], out_dir: Path, stops: list[Stoppage] | None = None,
    criteria: list[Criterion] | None = None,
) -> Path:  # fmt: skip
    """Write ``backtest.html`` (fit table, price criteria, stoppages, charts) and one PNG per series
    to ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    png_dir = out_dir / "backtest-charts"
    png_dir.mkdir(exist_ok=True)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row(f)) + "</tr>" for f in fits)
    parts = [
        "<h1>Backtests: the model against what happened</h1>",
        '<div class="guide">Each series is an index: observed values over their level before the policy, '
        "simulated values over a run of the same months without the policy. <i>Direction</i>: does the "
        "model move the same way; <i>timing error</i>: simulated minus observed period of the trough or "
        "peak; <i>size ratio</i>: simulated over observed deviation from 1 at that extreme (1 = right size); "
        "<i>error out of sample</i>: mean absolute log ratio over periods not used for calibration "
        "(shaded yellow in the charts).</div>",
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
    ]
    if criteria:
        parts.append(_criteria_html(criteria))
    if stops:
        items = "".join(
            f"<li>{html.escape(s.place)}, observed {s.observed}: {html.escape(s.what)} "
            f"({html.escape(s.source_id)}). "
            f"Model: {html.escape(s.simulated or 'no shortfall')} (lowest magnet stock "
            f"{s.lowest_cover_months:.2f} months of demand); sectors short that month: "
            f"{html.escape(', '.join(s.sectors_short) or 'none')} while the magnet stock held "
            f"{s.cover_then_months:.2f} months of demand.</li>"
            for s in stops
        )
        parts.append(f"<h2>Plant stoppages outside China</h2><ul>{items}</ul>")
    for case in dict.fromkeys(f.case for f in fits):
        parts.append(
            f"<h2>{html.escape(CASES[case].title)}</h2><p>{html.escape(CASES[case].calibration)}</p>"
        )
        for fit in (f for f in fits if f.case == case):
            fig = chart(fit)
            name = f"{fit.case}-{fit.key}"
            charts.png(fig, png_dir / f"{name}.png")
            parts.append(
                f'<figure class="chart" id="chart-{name}">{charts.svg(fig)}<figcaption>Observed: '
                f"{html.escape(fit.reference)}; sources: {html.escape(', '.join(fit.sources))}."
                "</figcaption></figure>"
            )
    path = out_dir / "backtest.html"
    meta = f'<meta charset="utf-8"><title>reesim backtests</title><style>{STYLE}</style>'
    path.write_text(f'<!DOCTYPE html><html lang="en"><head>{meta}</head><body>{"".join(parts)}</body></html>',
                    encoding="utf-8")  # fmt: skip
    return path
