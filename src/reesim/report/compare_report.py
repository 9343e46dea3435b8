"""Comparing runs: the headline indicators side by side with differences, and a report with the
runs' magnet shortfalls, stock cover and race charts overlaid."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from reesim.report import charts
from reesim.report.headline_html import STYLE, headline_table, month_text, number_text
from reesim.results.headline import Row

PLACES = ("USA", "EU", "Japan", "Korea", "outside China")


def _row(done: Any, place: str, item: str = "magnets") -> Row | None:
    rows: list[Row] = done.headline.rows
    return next((r for r in rows if r.place == place and r.item == item), None)


def _element_rows(done: list[Any], place: str) -> list[list[str]]:
    """Rows for the elements short in any of the runs at ``place``."""
    items = sorted(
        {r.item for d in done for r in d.headline.rows if r.place == place and r.item != "magnets"}
    )
    rows = []
    for item in items:
        found = [_row(d, place, item) for d in done]
        firsts = [
            month_text(d.headline, r.first_shortfall) if r else "none"
            for d, r in zip(done, found, strict=True)
        ]
        rows.append([place, f"{item}: first shortfall", *firsts, ""])
        for label, attr, fmt, scale in (("peak shortfall", "peak_shortfall", "{:.1f}%", 100.0),
                                        ("unmet (t)", "cumulative_unmet_t", "{:,.0f}", 1.0)):  # fmt: skip
            values = [getattr(r, attr) if r else None for r in found]
            shown = [number_text(v, fmt, scale) if v else fmt.format(0) for v in values]
            diff = ((values[-1].p50 if values[-1] else 0.0) - (values[0].p50 if values[0] else 0.0)) * scale
            rows.append([place, f"{item}: {label}", *shown, ("+" if diff > 0 else "") + fmt.format(diff)])
    return rows


def compare_rows(done: list[Any]) -> tuple[list[str], list[list[str]]]:
    """Columns and rows: per place and indicator, each run's value, then the last minus the first."""
    names = [d.record.scenario for d in done]
    columns = ["place", "indicator", *names, f"{names[-1]} - {names[0]}"]
    rows: list[list[str]] = []
    for place in PLACES:
        found = [r for d in done if (r := _row(d, place)) is not None]
        first = [month_text(d.headline, r.first_shortfall) for d, r in zip(done, found, strict=True)]
        rows.append([place, "first shortfall", *first, ""])
        for label, attr, fmt, scale in (
            ("peak shortfall", "peak_shortfall", "{:.1f}%", 100.0),
            ("unmet magnets (t)", "cumulative_unmet_t", "{:,.0f}", 1.0),
            ("lowest stock (months)", "lowest_cover_months", "{:.2f}", 1.0),
            ("price outside China", "price_multiple", "{:.2f}x", 1.0),
        ):
            spreads = [getattr(r, attr) for r in found]
            diff = (spreads[-1].p50 - spreads[0].p50) * scale
            change = ("+" if diff > 0 else "") + fmt.format(diff) if np.isfinite(diff) else "-"
            rows.append([place, label, *(number_text(s, fmt, scale) for s in spreads), change])
        rows += _element_rows(done, place)
    return columns, rows


def _overlay(done: list[Any], variable: str, title: str, ylabel: str) -> Any:
    fig, axes = plt.subplots(1, len(PLACES) - 1, figsize=(11, 2.8), sharex=True)
    cmap = plt.get_cmap("tab10")
    for ax, place in zip(axes, PLACES[:-1], strict=True):
        for j, d in enumerate(done):
            s = d.batch.series
            x = np.array([np.datetime64(str(m)) for m in s["month"].values])
            if variable == "share":
                values = (
                    (s["unmet"] / s["demand"].where(s["demand"] > 0))
                    .fillna(0.0)
                    .sel(place=place, item="magnets")
                )
                values = 100 * values
            else:
                values = s[variable].sel(place=place)
            charts.band(ax, x, np.asarray(values.values), cmap(j), d.record.scenario)
        ax.set_title(place)
        ax.tick_params(axis="x", labelrotation=45)
    axes[0].set_ylabel(ylabel)
    axes[0].legend(fontsize=7, frameon=False)
    fig.suptitle(title)
    return fig


def write_compare_report(done: list[Any], out_dir: Path) -> Path:
    """Write the comparison report (HTML + PNGs) and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "compare-" + "-".join(d.record.id for d in done)
    png_dir = out_dir / f"{stem}-charts"
    png_dir.mkdir(exist_ok=True)
    columns, rows = compare_rows(done)
    table = (
        "<table><thead><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in columns) + "</tr></thead><tbody>"
    )
    table += (
        "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
        + "</tbody></table>"
    )
    figures = []
    for name, fig, caption in (
        (
            "shortfall",
            _overlay(done, "share", "Magnet shortfall", "% of demand unmet"),
            "Unmet share of magnet demand per place.",
        ),
        (
            "cover",
            _overlay(done, "cover", "Working stock of magnets", "months of demand"),
            "Magnet stocks in months of demand.",
        ),
    ):
        charts.png(fig, png_dir / f"{name}.png")
        figure = f'<figure class="chart" id="chart-{name}">{charts.svg(fig)}'
        figures.append(f"{figure}<figcaption>{caption}</figcaption></figure>")
    sections = "".join(
        f"<h2>{html.escape(d.record.scenario)} (run {d.record.id})</h2>{headline_table(d.headline, 2)}"
        f'<p class="muted">Full report: {html.escape(str(d.record.report or d.report))}</p>'
        for d in done
    )
    names = " vs ".join(html.escape(d.record.scenario) for d in done)
    body = (f"<h1>Comparison: {names}</h1><p>Differences are the last scenario minus the first (medians).</p>"
            f"{table}{''.join(figures)}{sections}")  # fmt: skip
    path = out_dir / f"{stem}.html"
    head = f'<meta charset="utf-8"><title>{names} - reesim</title><style>{STYLE}</style>'
    page = f'<!DOCTYPE html><html lang="en"><head>{head}</head><body>{body}</body></html>'
    path.write_text(page, encoding="utf-8")
    return path
