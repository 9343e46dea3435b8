"""Run commands: ``reesim run``, ``reesim compare``, ``reesim runs list|show|delete|export`` and
``reesim report``. Every run is stored (DuckDB + Parquet) and reported (HTML with SVG charts)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from reesim.cli.common import err, friendly, out, output_folder, print_problems, runs_progress
from reesim.cli.tables import Format, FormatOpt, Grid, chosen, print_grid
from reesim.errors import InputError, Problem

runs_app = typer.Typer(no_args_is_help=True, help="List, show, delete and export stored runs.")

StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="Results store (DuckDB file); default: REESIM_STORE or user data dir."),
]
OutOpt = Annotated[Path, typer.Option("--out", help="Folder for reports.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of the table.")]


def _store(path: Path | None) -> Any:
    from reesim.store import Store

    return Store(path)


def _headline_grid(done: Any, title: str) -> Grid:
    """The headline as a grid: magnet rows, and element rows with a shortfall above 5%."""
    from reesim.report.headline_html import cells

    head = done.headline
    short = ["place", "item", "first short", "peak", "peak in", "unmet t", "low stock (mo)", "stockpile out",
             "price x", "plants stopped", "not built"]  # fmt: skip
    grid = Grid(title, short, keys=2, right=frozenset({3, 4, 5, 6, 8, 9}),
                caption="See the report for what each column means.")  # fmt: skip
    names = element_names()
    for row in head.rows:
        if row.item == "magnets" or row.peak_shortfall.p50 > 0.05:
            texts = cells(head, row)
            texts[1] = names.get(texts[1], texts[1])
            grid.add(texts, style="red" if row.peak_shortfall.p50 > 0.005 else None)
    return grid


def element_names() -> dict[str, str]:
    """Element symbols to "europium (Eu)": a symbol beside a place (Eu beside the EU) misleads."""
    from reesim.dataset import load_dataset
    from reesim.report.run_report import element_names as names_in

    return names_in(load_dataset())


def _progress_run(ref: str, runs: int, store: Any, out_dir: Path, **kw: Any) -> Any:
    """Simulate, store and report ``ref`` with a progress bar, having first warned on standard
    error about instruments outside the months to be simulated."""
    from reesim.scenarios import load
    from reesim.store.runs import execute

    resolved = load(ref)
    _warn_outside(resolved, kw.get("horizon_years"))
    with runs_progress() as bar:
        task = bar.add_task(f"simulating {escape(str(ref))}", total=runs)
        return execute(
            resolved, store, out_dir, runs=runs, progress=lambda i, n: bar.update(task, completed=i), **kw
        )


def _warn_outside(resolved: Any, years: float | None) -> None:
    """Warn about instruments outside the run's months (with ``--horizon``, the shortened ones)."""
    import math

    from reesim.engine.batch import MAX_HORIZON_YEARS
    from reesim.engine.run import with_horizon
    from reesim.scenarios.horizon import outside_horizon

    if years is not None:
        if not (math.isfinite(years) and 0 < years <= MAX_HORIZON_YEARS):
            return  # the run refuses such a horizon, with its own message
        resolved = with_horizon(resolved, years)
    print_problems(outside_horizon(resolved))


def run(
    scenario: Annotated[str, typer.Argument(help="Shipped scenario name or path to a YAML file.")],
    runs: Annotated[int, typer.Option("--runs", min=1, max=100_000, help="Monte Carlo runs (draws).")] = 1,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the draws (recorded).")] = None,
    horizon: Annotated[float | None, typer.Option("--horizon", min=0.1, help="Years to simulate.")] = None,
    out_dir: OutOpt = Path("reports"),
    as_json: JsonOpt = False,
    fmt: FormatOpt = Format.table,
    store: StoreOpt = None,
    full: Annotated[bool, typer.Option("--full", help="Also store the central run's full outputs.")] = False,
    executor: Annotated[str, typer.Option("--executor", help="serial, processes or dask.")] = "serial",
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Worker processes.")] = None,
    address: Annotated[str | None, typer.Option("--address", help="Dask scheduler address.")] = None,
) -> None:
    """Simulate a scenario, print its headline table, store the run and write its report."""
    from reesim.uncertainty.executors import EXECUTORS

    if executor not in EXECUTORS:
        from reesim.dataset.parse import did_you_mean

        hint = did_you_mean(executor, EXECUTORS)
        raise InputError([Problem("--executor", None, "--executor", f"unknown executor {executor!r}", hint)])
    if executor == "dask":
        from reesim.extras import require

        require("distributed")
    output_folder(out_dir)
    done = _progress_run(scenario, runs, _store(store), out_dir, seed=seed, horizon_years=horizon, full=full,
                         executor=executor, workers=workers, address=address)  # fmt: skip
    if chosen(fmt, as_json) is Format.json:
        from reesim.results.plain import dumps

        typer.echo(dumps(_run_json(done)))
        _exit_if_unreported(done.record)
        return
    head = done.headline
    grid = _headline_grid(done, f"{done.record.title} ({head.months[0]} to {head.months[-1]}, {runs} run(s))")
    print_grid(grid, out, fmt)
    if fmt is Format.csv:
        _exit_if_unreported(done.record)
        return
    indep = head.label(head.independence.p50)
    out.print(f"Chain outside China stands alone: {indep if indep != 'none' else 'not within the horizon'}")
    for text, chance in head.probabilities.items():
        out.print(f"  chance that {text}: {chance:.0%}")
    from reesim.report.headline_html import number_text

    if head.floor_cost is not None and head.floor_cost.p90 > 0:
        paid = number_text(head.floor_cost, "{:,.1f}", 1e-6)
        out.print(f"Price floors paid producers (public cost over the horizon): USD {paid} million")
    if head.stockpile_cost is not None and head.stockpile_cost.p90 > 0:
        bought = number_text(head.stockpile_cost, "{:,.1f}", 1e-6)
        out.print(f"Strategic stockpiles paid for their purchases (over the horizon): USD {bought} million")
    _print_central(head)
    out.print(f"Run [bold]{done.record.id}[/bold] stored in {escape(str(_store_path(store)))}")
    if not done.record.report_error:
        out.print(f"Report written to [bold]{escape(str(done.report))}[/bold]")
    _exit_if_unreported(done.record)


def _report_note(record: Any) -> str:
    from reesim.store.runs import report_note

    return report_note(record)


def _exit_if_unreported(record: Any) -> None:
    """A run whose report failed is stored, but the command did not do all it was asked: say so
    on standard error and exit 1 (a report that fails is a bug in reesim)."""
    if record.report_error:
        err.print(f"[red]internal error:[/red] {escape(_report_note(record))}", soft_wrap=True)
        err.print("The run is stored; this is a bug in reesim: please report it with the command you ran.")
        raise typer.Exit(1)


def _run_json(done: Any) -> dict[str, Any]:
    """A run as ``reesim run --json`` prints it: what was run, its report and its headline."""
    from reesim.results.plain import headline_json

    indicators = headline_json(done.headline)
    return {
        "run_id": done.record.id, "scenario": done.record.scenario, "seed": done.record.seed,
        "runs": done.record.runs,
        "report": None if done.record.report_error else (done.record.report or None),
        "report_error": _report_note(done.record) or None,
        "central_run": indicators.pop("central_run", None), "indicators": indicators,
    }  # fmt: skip


def _print_central(head: Any) -> None:
    """What the central run is and, over Monte Carlo runs, where it departs from their median."""
    from reesim.results.central import lines

    if head.central_run is None:
        return
    found = lines(head.central_run)
    for i, text in enumerate(found):
        style = "yellow" if head.central_run.differences and i > 0 else None
        out.print(escape(text), style=style)


def _store_path(store: Path | None) -> Path:
    from reesim.store import default_store_path

    return store or default_store_path()


def compare(
    scenarios: Annotated[
        list[str], typer.Argument(help="Two or more scenario names, files or stored run ids.")
    ],
    out_dir: OutOpt = Path("reports"),
    store: StoreOpt = None,
    runs: Annotated[int, typer.Option("--runs", min=1, help="Runs per scenario not yet stored.")] = 1,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print each run's headline as one JSON object, not the table.")
    ] = False,
) -> None:
    """The same indicators side by side, with differences, and a comparison report."""
    from reesim.report.compare_report import compare_rows, write_compare_report
    from reesim.store.runs import rebuild

    if len(scenarios) < 2:
        raise InputError(
            [
                Problem(
                    "compare",
                    None,
                    "SCENARIOS",
                    "give at least two scenarios",
                    "e.g. busan-truce truce-lapses",
                )
            ]
        )
    output_folder(out_dir)
    st = _store(store)
    done = []
    for ref in scenarios:
        stored = [i for i in st.list_runs()["id"] if str(i).startswith(ref)] if len(ref) >= 4 else []
        done.append(
            rebuild(st, ref) if len(stored) == 1 else _progress_run(ref, runs, st, out_dir, seed=seed)
        )
    for d in done:
        if d.record.report_error:
            note = escape(_report_note(d.record))
            err.print(f"[yellow]note:[/yellow] run {d.record.id}: {note}", soft_wrap=True)
    if as_json:
        from reesim.results.plain import dumps

        path = write_compare_report(done, out_dir)
        runs_json = [{**_run_json(d), "title": d.record.title} for d in done]
        typer.echo(dumps({"report": str(path), "runs": runs_json}))
        return
    names = [d.record.scenario for d in done]
    table = Table(title="Magnets: " + " vs ".join(escape(n) for n in names))
    columns, rows = compare_rows(done)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    out.print(table)
    path = write_compare_report(done, out_dir)
    out.print(f"Comparison report written to [bold]{escape(str(path))}[/bold]")


@runs_app.command("list")
@friendly
def runs_list(store: StoreOpt = None, as_json: JsonOpt = False, fmt: FormatOpt = Format.table) -> None:
    """Stored runs, newest first."""
    frame = _store(store).list_runs()
    records = [
        {"id": str(r.id), "created": str(r.created)[:19], "scenario": str(r.scenario),
         "title": str(r.title), "runs": int(r.runs), "seed": int(r.seed), "months": int(r.months),
         "report": r.report if isinstance(r.report, str) and r.report else None,
         "report_error": r.report_error if isinstance(r.report_error, str) and r.report_error else None}
        for r in frame.itertuples(index=False)
    ]  # fmt: skip
    if chosen(fmt, as_json) is Format.json:
        from reesim.results.plain import dumps

        typer.echo(dumps({"store": _store_path(store), "runs": records}))
        return
    columns = ["id", "created", "scenario", "runs", "seed", "months", "report"]
    grid = Grid(f"Runs in {_store_path(store)}", columns, right=frozenset({3, 4, 5}))
    for rec in records:
        failed = f"failed: `reesim report {rec['id']}` writes it again"
        shown = {**rec, "report": failed} if rec["report_error"] else rec
        grid.add([shown[c] if shown[c] is not None else "-" for c in columns])
    if records or fmt is Format.csv:
        print_grid(grid, out, fmt)
    else:
        out.print("No runs stored yet: try `reesim run baseline`.")


@runs_app.command("show")
@friendly
def runs_show(
    run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """A stored run: what was run, with what, and its headline table."""
    from reesim.store.runs import rebuild

    st = _store(store)
    done = rebuild(st, run_id)
    r = done.record
    if chosen(fmt, as_json) is Format.json:
        typer.echo(_record_json(r, st.tables(r.id), done.headline))
        return
    if fmt is Format.csv:
        print_grid(_headline_grid(done, "Headline"), out, fmt)
        return
    out.print(f"[bold]{r.id}[/bold] {escape(r.scenario)}: {escape(r.title)}")
    out.print(f"created {r.created}; {r.runs} run(s), seed {r.seed}")
    versions = "".join(f", {k} {v}" for k, v in r.environment.items())
    out.print(escape(f"reesim {r.package_version}, data {r.dataset_version}{versions}"))
    out.print(f"timings: {r.timings_json}; tables: {', '.join(st.tables(r.id))}")
    print_grid(_headline_grid(done, "Headline"), out)
    _print_central(done.headline)
    note = _report_note(r)
    out.print(f"report: {escape(note or r.report or '-')}", style="red" if note else None)


def _record_json(r: Any, tables: list[str], head: Any) -> str:
    """A stored run as strict JSON: its record, timings, tables and headline."""
    import json

    from reesim.results.plain import dumps, headline_json
    from reesim.store.runs import report_note

    indicators = headline_json(head)
    payload = {
        "run_id": r.id, "scenario": r.scenario, "title": r.title, "created": str(r.created)[:19],
        "runs": int(r.runs), "seed": int(r.seed), "months": int(r.months),
        "package_version": r.package_version, "dataset_version": r.dataset_version,
        "environment": r.environment,
        "timings": json.loads(r.timings_json), "tables": list(tables), "report": r.report or None,
        "report_error": report_note(r) or None,
        "central_run": indicators.pop("central_run", None), "indicators": indicators,
    }  # fmt: skip
    return dumps(payload)


def _interactive() -> bool:
    """Whether a person can answer a question: standard input is a terminal."""
    return sys.stdin.isatty()


@runs_app.command("delete")
@friendly
def runs_delete(
    run_id: Annotated[str, typer.Argument(help="Run id (or a prefix only it has).")],
    store: StoreOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Delete without asking.")] = False,
) -> None:
    """Delete a stored run and its files, after asking (unless --yes)."""
    st = _store(store)
    full = st.resolve_id(run_id)  # a prefix several runs share is refused, naming them
    if not yes:
        if not _interactive():
            message = f"run {full} not deleted: there is no terminal to confirm on"
            raise InputError(
                [Problem("runs delete", None, "--yes", message, "add --yes to delete without asking")]
            )
        listed = st.list_runs()  # the listed columns only: a damaged run can still be deleted
        r = listed[listed["id"] == full].iloc[0]
        what = f"{r['scenario']}, {r['runs']} run(s), created {str(r['created'])[:19]}"
        if not typer.confirm(f"Delete run {full} ({what}) and its files?", default=False):
            out.print(f"run {full} kept")
            return
    out.print(f"deleted {st.delete(full)}")


@runs_app.command("export")
@friendly
def runs_export(
    run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")],
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv")] = "parquet",
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write to.")] = Path("export"),
    store: StoreOpt = None,
) -> None:
    """Write a run's tables (series, central run, full outputs if kept) as Parquet or CSV files,
    each with a unit column saying what its values are."""
    if fmt not in {"parquet", "csv"}:
        raise InputError(
            [Problem("--format", None, "--format", f"unknown format {fmt!r}", "use parquet or csv")]
        )
    from reesim.results.units import unit_of

    st = _store(store)
    full = st.resolve_id(run_id)
    names = st.tables(full)  # checks the run's files before anything is written
    target = output_folder(out_dir / full)
    for name in names:
        frame = st.table(full, name)
        if "value" in frame.columns:
            frame = frame.assign(unit=unit_of(name))
        if fmt == "csv":
            frame.to_csv(target / f"{name}.csv", index=False)
        else:
            frame.to_parquet(target / f"{name}.parquet", index=False)
    out.print(
        f"{len(names)} tables written to [bold]{escape(str(target))}[/bold] (units in their unit column)"
    )


def report(
    run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")],
    out_dir: OutOpt = Path("reports"),
    store: StoreOpt = None,
) -> None:
    """Rebuild a stored run's report."""
    from reesim.dataset import load_dataset
    from reesim.store.runs import rebuild, write_report

    output_folder(out_dir)
    st = _store(store)
    ds = load_dataset()
    path = write_report(rebuild(st, run_id, ds), ds, out_dir)
    st.set_report(st.resolve_id(run_id), str(path))
    out.print(f"Report written to [bold]{escape(str(path))}[/bold]")


def register(app: typer.Typer) -> None:
    """Add the run commands to the main app."""
    app.command("run")(friendly(run))
    app.command("compare")(friendly(compare))
    app.command("report")(friendly(report))
    app.add_typer(runs_app, name="runs")
