"""``reesim backtest [CASE]``: the model against observed series, with a fit table and a report."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from reesim.cli.common import friendly, out


def backtest(
    case: Annotated[
        str | None,
        typer.Argument(help="quota-2010, prices-2009-2014, april-2025 or busan-truce; all if omitted."),
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the report.")] = Path("reports"),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the fits, price criteria and stoppages as JSON.")
    ] = False,
) -> None:
    """Run each backtest case and its no-policy counterfactual; compare with what was observed."""
    from reesim.backtest.cases import CASES
    from reesim.backtest.criteria import as_json as criterion_json
    from reesim.backtest.criteria import strict
    from reesim.backtest.fit import run_case, stoppages
    from reesim.backtest.prices import price_criteria
    from reesim.backtest.report import COLUMNS, CRITERIA_COLUMNS, criterion_row, row, write_backtest_report
    from reesim.dataset import load_dataset
    from reesim.model.baseline import build_baseline

    ds = load_dataset()
    base = build_baseline(ds)
    names = [case] if case else list(CASES)
    fits = [fit for name in names for fit in run_case(name, ds, base)]
    stops = [s for name in names for s in stoppages(name, ds, base)]
    criteria = [c for name in names for c in price_criteria(name, ds, base)]
    if as_json:
        doc = {
            "series": [asdict(f) for f in fits],
            "criteria": [criterion_json(c) for c in criteria],
            "stoppages": [asdict(s) for s in stops],
        }
        typer.echo(json.dumps(strict(doc), allow_nan=False))
        return
    table = Table(title="Backtests: simulated against observed (indices, 1 = before the policy)")
    for col in COLUMNS:
        table.add_column(col, overflow="fold")
    for fit in fits:
        table.add_row(*row(fit), style=None if fit.direction_ok else "red")
    out.print(table)
    if criteria:
        prices = Table(title="Price criteria: pass or miss")
        for col in CRITERIA_COLUMNS:
            prices.add_column(col, overflow="fold")
        for c in criteria:
            prices.add_row(*criterion_row(c), style={"miss": "red", "no data": "dim"}.get(c.verdict))
        out.print(prices)
    for s in stops:
        model = (
            f"first shortfall {s.simulated}"
            if s.simulated
            else f"no shortfall (lowest stock {s.lowest_cover_months:.2f} months)"
        )
        sectors = ", ".join(s.sectors_short) or "none"
        out.print(
            f"Plant stoppage in {s.place}, observed {s.observed} ({s.source_id}); model: {model}; "
            f"sectors short that month: {sectors} (magnet stock {s.cover_then_months:.2f} months)"
        )
    out.print(f"Report written to [bold]{write_backtest_report(fits, out_dir, stops, criteria)}[/bold]")


def register(app: typer.Typer) -> None:
    """Add ``reesim backtest``."""
    app.command("backtest")(friendly(backtest))
