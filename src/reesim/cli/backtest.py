"""``reesim backtest [CASE]``: the model against observed series, with a fit table and a report;
``reesim calibrate``: the market parameters fitted to the price criteria under the fit's rules."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from reesim.cli.common import err, friendly, out


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


def calibrate(
    iterations: Annotated[
        int, typer.Option("--iterations", min=1, help="Moves to try (a few seconds each).")
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random moves.")] = 0,
    start: Annotated[
        Path | None,
        typer.Option("--start", help="JSON file of parameter values to start from (name: value)."),
    ] = None,
    rules: Annotated[
        bool, typer.Option("--rules/--no-rules", help="Keep only sets under which the fit's rules hold.")
    ] = True,
    save: Annotated[
        Path | None, typer.Option("--save", help="Write the best values to this JSON file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Fit the market parameters to the price criteria (prices-2009-2014, april-2025), each within
    its range in parameters.csv; prints the best set found against the bundled values."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from reesim.backtest.calibrate import MARKET_PARAMETERS, Rank, check_start, search
    from reesim.dataset import load_dataset
    from reesim.errors import InputError, Problem

    if save is not None and not save.parent.is_dir():
        raise InputError([Problem(str(save), None, None, "its folder does not exist",
                                  "create the folder first, or save elsewhere")])  # fmt: skip
    ds = load_dataset()
    values: dict[str, float] = {}
    if start is not None:
        try:
            values = {str(k): float(v) for k, v in json.loads(start.read_text(encoding="utf-8")).items()}
        except (OSError, ValueError, AttributeError, TypeError) as exc:
            raise InputError([Problem(str(start), None, None, f"not a JSON object of parameter values: {exc}",
                                      'write {"price_adjust_months": 2.4, ...}')]) from None  # fmt: skip
        check_start(ds, values, str(start))
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} moves"),
    )
    with Progress(*columns, TimeElapsedColumn(), transient=True, console=out) as bar:
        task = bar.add_task("calibrating", total=iterations)

        def moved(i: int, tried: Rank, best: Rank) -> None:
            bar.update(task, completed=i, description=f"best: {best.passed} criteria, error {best.error:.3f}")

        result = search(ds, iterations, seed=seed, start=values, rules=rules, progress=moved)
    defaults = ds.parameter_defaults()
    if save is not None:
        save.write_text(json.dumps(result.values, indent=1) + "\n", encoding="utf-8")
    if as_json:
        typer.echo(json.dumps({"passed": result.rank.passed, "log_error": result.rank.error,
                               "criteria": len(result.criteria), "tried": result.tried, "kept": result.kept,
                               "rules_failed": result.rules_failed, "values": result.values}))  # fmt: skip
        return
    title = (
        f"{result.rank.passed} of {sum(c.passed is not None for c in result.criteria)} price criteria pass, "
        f"summed log error {result.rank.error:.3f} ({result.kept} of {result.tried} moves kept)"
    )
    table = Table(title=title)
    for col in ("parameter", "bundled", "found"):
        table.add_column(col)
    for name in MARKET_PARAMETERS:
        table.add_row(name, f"{defaults[name]:.4g}", f"{result.values[name]:.4g}")
    out.print(table)
    if result.rules_failed:
        err.print("Rules that fail: " + "; ".join(result.rules_failed))
    elif result.rules_failed is None:
        err.print("The rules were not checked (--no-rules).")
    if save is not None:
        out.print(
            f"Values written to [bold]{save}[/bold]; make them the defaults in parameters.csv to keep them."
        )


def register(app: typer.Typer) -> None:
    """Add ``reesim backtest`` and ``reesim calibrate``."""
    app.command("backtest")(friendly(backtest))
    app.command("calibrate")(friendly(calibrate))
