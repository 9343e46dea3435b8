"""The root of the ``reesim`` command line (Typer): the app, the ``data`` verbs and ``flagship``.

The other modules of :mod:`reesim.cli` each add their verbs to the app with ``register(app)``.
Verbs are grouped by what they act on: ``reesim data list|show|check`` for the bundled dataset,
``reesim scenarios list|show``, ``reesim validate`` and ``reesim schema`` for scenarios
(:mod:`reesim.cli.scenarios`), ``reesim flagship`` for the quick start. Bad input exits with
code 2 and a message naming file, line and field; internal errors exit with code 1 and a hint
to report them. Heavy modules are imported inside the commands so that ``reesim --help`` stays
fast.
"""

from __future__ import annotations

import gc
import math
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from reesim.cli.analyze import register as register_analyze
from reesim.cli.backtest import register as register_backtest
from reesim.cli.check import register as register_check
from reesim.cli.common import err, friendly, out, print_problems
from reesim.cli.runs import register as register_runs
from reesim.cli.scenarios import register as register_scenarios
from reesim.cli.serve import register as register_serve
from reesim.cli.tables import Format as TableFormat
from reesim.cli.tables import FormatOpt, Grid, chosen, print_grid
from reesim.errors import InputError, Problem

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Simulate the global rare-earth supply chain.",
    context_settings={"help_option_names": ["-h", "--help"]},  # subcommands inherit -h
)
data_app = typer.Typer(no_args_is_help=True, help="List, show and check the bundled, sourced dataset.")
app.add_typer(data_app, name="data")


DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Folder of dataset CSV files to use instead of the bundled data."),
]


def _print_version(value: bool) -> None:
    """Print reesim's version and the bundled dataset's (the hash every stored run records)."""
    if not value:
        return
    from reesim import __version__
    from reesim.dataset import load_dataset

    try:
        data = load_dataset().version
    except InputError:
        data = "unreadable (`reesim data check` says why)"
    typer.echo(f"reesim {__version__}, dataset {data}")
    raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the reesim and dataset versions."
        ),
    ] = False,
    extends_from: Annotated[
        list[Path] | None,
        typer.Option(
            "--extends-from",
            envvar="REESIM_EXTENDS_FROM",
            help="Folder whose scenario files any scenario may extend (repeatable); without it, "
            "`extends` names shipped scenarios and files in the extending file's own folder only.",
            exists=True,
            file_okay=False,
            dir_okay=True,
        ),
    ] = None,
) -> None:
    """Simulate the global rare-earth supply chain."""
    from reesim.scenarios.parents import allow_folders

    allow_folders(extends_from or [])


#: Long free-text columns hidden from the terminal view unless --full is given.
_LONG_COLUMNS = frozenset({"locator", "note", "funding_note", "description", "what"})


class Format(StrEnum):
    """Output formats of ``reesim data show``."""

    table = "table"
    csv = "csv"
    json = "json"


@data_app.command("list")
@friendly
def data_list(
    data_dir: DataDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object, not the table.")] = False,
    fmt: FormatOpt = TableFormat.table,
) -> None:
    """List the tables with their rows, coverage and how many rows are reported, derived or assumed."""
    from dataclasses import asdict

    from reesim.dataset import load_dataset
    from reesim.dataset.summary import coverage

    ds = load_dataset(data_dir)
    if chosen(fmt, as_json) is TableFormat.json:
        from reesim.results.plain import dumps

        typer.echo(dumps({"version": ds.version, "tables": [asdict(c) for c in coverage(ds)]}))
        return
    columns = ["table", "rows", "years", "places", "reported", "derived", "assumed", "what"]
    grid = Grid(f"reesim dataset {ds.version}", columns, right=frozenset({1, 3, 4, 5, 6}))
    for c in coverage(ds):
        grid.add(
            [c.table, c.rows, c.years, c.places or "", c.reported, c.derived, c.assumption, c.description]
        )
    print_grid(grid, out, chosen(fmt, as_json))


def _parse_where(where: list[str], columns: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for clause in where:
        column, sep, value = clause.partition("=")
        if not sep:
            raise InputError(
                [Problem("--where", None, clause, "is not of the form COLUMN=VALUE", "e.g. --where iso3=CHN")]
            )
        if column not in columns:
            from reesim.dataset.parse import did_you_mean

            raise InputError(
                [
                    Problem(
                        "--where",
                        None,
                        column,
                        "is not a column of this table",
                        did_you_mean(column, columns),
                    )
                ]
            )
        pairs.append((column, value))
    return pairs


@data_app.command("show")
@friendly
def data_show(
    table: Annotated[str, typer.Argument(help="Table name (see `reesim data list`).")],
    where: Annotated[
        list[str] | None, typer.Option("--where", "-w", help="Keep rows with COLUMN=VALUE (repeatable).")
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="table (terminal), csv or json.")
    ] = Format.table,
    limit: Annotated[int, typer.Option(help="Show at most this many rows in the terminal (0 = all).")] = 50,
    columns: Annotated[
        str | None, typer.Option("--columns", "-c", help="Comma-separated columns to show.")
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Show locator and note columns in the terminal too.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Show a table with the sources of its rows, in the terminal or as CSV/JSON."""
    from reesim.dataset import load_dataset
    from reesim.dataset.parse import LINE, did_you_mean

    ds = load_dataset(data_dir)
    if table not in ds.tables:
        raise InputError(
            [Problem("TABLE", None, table, "is not a table", did_you_mean(table, list(ds.tables)))]
        )
    frame = ds[table]
    names = [c.name for c in ds.spec(table).columns]
    for column, value in _parse_where(where or [], names):
        frame = frame[frame[column].map(_cell) == value]
    cited = _cited_sources(ds, frame)
    if fmt is Format.csv:
        frame[names].to_csv(sys.stdout, index=False)
        return
    if fmt is Format.json:
        from reesim.results.plain import dumps

        whole = {c.name for c in ds.spec(table).columns if c.type in {"int", "year"}}
        rows = [
            {n: _whole(v) if n in whole else v for n, v in zip(names, rec, strict=True)}
            for rec in frame[names].to_numpy()
        ]
        sys.stdout.write(dumps({"table": table, "rows": rows, "sources": cited}, indent=2) + "\n")
        return
    shown = frame if limit <= 0 else frame.head(limit)
    if columns:
        visible = [c.strip() for c in columns.split(",") if c.strip()]
        for c in visible:
            if c not in names:
                raise InputError(
                    [Problem("--columns", None, c, "is not a column of this table", did_you_mean(c, names))]
                )
    else:
        visible = [c for c in names if full or c not in _LONG_COLUMNS]
    view = Table(title=f"{table}: {len(frame)} row(s)", show_lines=False)
    view.add_column("line", justify="right", style="dim")
    for c in visible:
        view.add_column(c, overflow="fold")
    for rec in shown[[LINE, *visible]].to_numpy():
        view.add_row(*(escape(_cell(v)) for v in rec))
    out.print(view)
    hidden = [c for c in names if c not in visible]
    if hidden:
        out.print(f"[dim]hidden: {', '.join(hidden)} (use --full, --columns or --format csv)[/dim]")
    if len(shown) < len(frame):
        out.print(f"... {len(frame) - len(shown)} more row(s); use --limit 0 or --format csv")
    if cited:
        out.print("[bold]Sources[/bold]")
        for s in cited:
            out.print(
                f"  [cyan]{escape(s['source_id'])}[/cyan]: "
                + escape(f"{s['publisher']}, {s['title']} ({s['year']}). {s['url']}"),
                highlight=False,
                soft_wrap=True,
            )


def _whole(value: object) -> object:
    """A year or count read as a float (a column with empty cells) as an integer, for JSON."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else (f"{value:.0f}" if value.is_integer() else f"{value:g}")
    return str(value)


def _cited_sources(ds: Any, frame: Any) -> list[dict[str, str]]:
    if "source_id" not in frame.columns or ds.spec("sources") is None:
        return []
    ids = sorted({part for v in frame["source_id"] for part in str(v).split(";") if part})
    src = ds.sources.set_index("source_id")
    return [
        {"source_id": i, **{k: _cell(src.at[i, k]) for k in ("publisher", "title", "year", "url")}}
        for i in ids
        if i in src.index
    ]


@data_app.command("check")
@friendly
def data_check(data_dir: DataDir = None) -> None:
    """Check the dataset: every row sourced, types and units valid, shares, totals and balances plausible."""
    from reesim.dataset import check_dataset

    problems = check_dataset(data_dir)
    errors = [p for p in problems if p.severity == "error"]
    print_problems(problems)
    if errors:
        err.print(
            f"[red]data check failed:[/red] {len(errors)} error(s), {len(problems) - len(errors)} warning(s)"
        )
        raise typer.Exit(1)
    out.print(f"[green]data check passed[/green] ({len(problems)} warning(s))")


@app.command()
@friendly
def flagship(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the report.")] = Path("reports"),
    data_dir: DataDir = None,
) -> None:
    """Quick start: check the data, run the baseline and the April 2025 controls, write the report."""
    from reesim.dataset import check_dataset, load_dataset
    from reesim.engine.run import run
    from reesim.examples import april_2025, baseline
    from reesim.model.baseline import build_baseline
    from reesim.report.dataset_report import write_dataset_report
    from reesim.results.indicators import bloc_nodes, lowest_stock_cover, months_until_first_shortfall

    problems = check_dataset(data_dir)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    ds = load_dataset(data_dir)
    data_list(data_dir)
    base = build_baseline(ds)
    table = Table(title="Magnets: baseline against the April 2025 controls (from 2025-04)")
    for col in ("scenario", "place", "first shortfall", "lowest stock (months of use)", "in"):
        table.add_column(col)
    for scenario in (baseline(), april_2025()):
        result = run(scenario, dataset=ds, baseline=base, kernel="reference")
        for place in ("USA", "eu", "JPN"):
            nodes = bloc_nodes(ds, base, place)
            first = months_until_first_shortfall(result, nodes, after="2025-04")
            cover, month = lowest_stock_cover(result, nodes)
            table.add_row(
                scenario.name,
                place,
                "none" if math.isinf(first) else f"after {first:.0f} months",
                f"{cover:.2f}",
                month,
            )
    out.print(table)
    path = write_dataset_report(ds, out_dir)
    out.print(f"Report written to [bold]{escape(str(path))}[/bold]")


register_scenarios(app)
register_runs(app)
register_analyze(app)
register_backtest(app)
register_check(app)
register_serve(app)


#: Allocations between two collections of the youngest generation (Python's default: 700); the
#: older generations keep their defaults, so a long command (the dashboard) still collects them.
GC_THRESHOLD = (20_000, 10, 10)


def main() -> None:
    """Entry point of the ``reesim`` script and of ``python -m reesim``.

    A command keeps many long-lived objects (libraries, tables, the scenario's model) that
    Python's cyclic garbage collector would scan again and again while the command runs and once
    more at exit: about a sixth of a warm single run. It collects less often here, and the
    objects left when the command ends are frozen (no longer scanned) before the interpreter
    exits. Memory is still freed as usual, by reference counts.
    """
    gc.set_threshold(*GC_THRESHOLD)
    try:
        app(prog_name="reesim")
    finally:
        gc.freeze()
