"""``reesim sensitivity``: which assumptions drive an indicator (SALib Morris or Sobol)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from reesim.cli.common import friendly, out, runs_progress


def sensitivity(
    scenario: Annotated[str, typer.Argument(help="Shipped scenario name or path to a YAML file.")],
    indicator: Annotated[
        str, typer.Option("--indicator", help="What to explain, e.g. us_magnet_peak_shortfall.")
    ],
    method: Annotated[
        str, typer.Option("--method", help="morris (screening) or sobol (indices).")
    ] = "morris",
    samples: Annotated[
        int, typer.Option("--samples", min=2, help="Morris trajectories or Sobol base samples.")
    ] = 8,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    horizon: Annotated[float | None, typer.Option("--horizon", min=0.1, help="Years to simulate.")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the report.")] = Path("reports"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the table as JSON.")] = False,
) -> None:
    """Rank the scenario's uncertain inputs by their effect on an indicator; name the top three."""
    from reesim.dataset import load_dataset
    from reesim.engine.run import with_horizon
    from reesim.model.baseline import build_baseline
    from reesim.results.measures import MEASURES
    from reesim.scenarios import load
    from reesim.uncertainty.analyze import factors
    from reesim.uncertainty.analyze import sensitivity as analyse

    ds = load_dataset()
    base = build_baseline(ds)
    resolved = load(scenario, ds)
    if horizon is not None:
        resolved = with_horizon(resolved, horizon)
    n = len(factors(resolved, ds))
    total = samples * (n + (2 if method == "sobol" else 1)) + 2 * n + 1
    with runs_progress() as bar:
        task = bar.add_task(f"{escape(method)}: {n} factors", total=total)
        result = analyse(resolved, ds, base, indicator, method, samples, seed,
                         progress=lambda i, t: bar.update(task, completed=i, total=t))  # fmt: skip
    rows = result.table()
    if as_json:
        from reesim.results.plain import dumps

        typer.echo(dumps({"indicator": indicator, "method": method, "runs": result.runs, "factors": rows}))
        return
    keys = list(rows[0])[3:5]
    title = f"{indicator} ({MEASURES[indicator][1]}) in {resolved.name}: {method}, {result.runs} runs"
    table = Table(title=escape(title))
    for col in ("factor", "range", *keys, "at low", "at high"):
        table.add_column(col, justify="left" if col in {"factor", "range"} else "right")
    for row in rows[:15]:
        table.add_row(escape(row["factor"]), f"{row['low']:g} to {row['high']:g}",
                      *(f"{row[k]:.3g}" for k in keys),
                      f"{row['indicator_at_low']:.3g}", f"{row['indicator_at_high']:.3g}")  # fmt: skip
    out.print(table)
    top = escape(", ".join(r["factor"] for r in rows[:3]))
    out.print(f"The three assumptions that matter most for {indicator}: [bold]{top}[/bold]")
    path = write_sensitivity_report(result, resolved.name, out_dir)
    out.print(f"Report written to [bold]{escape(str(path))}[/bold]")


def write_sensitivity_report(result: Any, name: str, out_dir: Path) -> Path:
    """A small HTML report: the tornado chart and the table of indices (PNG beside it)."""
    from reesim.report import charts
    from reesim.report.headline_html import write_page
    from reesim.uncertainty.analyze import tornado

    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"sensitivity-{name}-{result.indicator}-{result.method}"
    fig = tornado(result)
    charts.png(fig, out_dir / f"{stem}.png")
    rows = result.table()
    keys = list(rows[0])
    head = "".join(f"<th>{html.escape(k)}</th>" for k in keys)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(v if isinstance(v, str) else f'{v:.4g}')}</td>" for v in r.values())
        + "</tr>"
        for r in rows
    )
    text = (
        f"<h1>What drives {html.escape(result.indicator)} in {html.escape(name)}</h1>"
        f"<p>{result.method} design, {result.runs} runs. Most influential: "
        f"<b>{html.escape(', '.join(r['factor'] for r in rows[:3]))}</b>.</p>"
        f'<figure class="chart" id="chart-tornado">{charts.svg(fig)}</figure>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
    return write_page(out_dir / f"{stem}.html", stem, text)


def register(app: typer.Typer) -> None:
    """Add ``reesim sensitivity``."""
    app.command("sensitivity")(friendly(sensitivity))
