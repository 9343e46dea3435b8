"""Scenario commands: ``reesim scenarios list|show``, ``reesim validate`` and ``reesim schema``
(which also prints the JSON Schema of any command's ``--json`` output).

Every command that takes a scenario accepts a shipped scenario's name or a path to a YAML file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from reesim.cli.common import err, friendly, out, print_problems
from reesim.cli.tables import Format, FormatOpt, Grid, chosen, print_grid
from reesim.errors import InputError, Problem

scenarios_app = typer.Typer(no_args_is_help=True, help="List and explain the shipped scenarios.")


@scenarios_app.command("list")
@friendly
def scenarios_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object, not the table.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """The shipped scenarios, with their period and number of instruments."""
    from reesim.scenarios import load, scenario_names

    found: list[dict[str, Any]] = []
    for name in scenario_names():
        r = load(name)
        parents = [Path(f).stem for f in r.files[1:]]
        found.append({"name": name, "title": r.title, "start": r.start[:7], "horizon": r.horizon[:7],
                      "instruments": len(r.instruments), "builds_on": parents})  # fmt: skip
    if chosen(fmt, as_json) is Format.json:
        from reesim.results.plain import dumps

        typer.echo(dumps({"scenarios": found}))
        return
    title = "Shipped scenarios (use a name or a YAML path wherever a scenario is asked for)"
    grid = Grid(title, ["name", "title", "period", "instruments", "builds on"], right=frozenset({3}))
    for f in found:
        period = f"{f['start']} to {f['horizon']}"
        grid.add([f["name"], f["title"], period, f["instruments"], ", ".join(f["builds_on"]) or "-"])
    print_grid(grid, out, fmt)


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) if value else "-"
    if isinstance(value, dict) and "dist" in value:
        params = ", ".join(f"{k}={v}" for k, v in value.items() if k != "dist" and v is not None)
        return f"{value['dist']}({params})"
    if isinstance(value, dict):
        return "; ".join(f"{k} {_value(v)}" for k, v in value.items() if v not in (None, [], ""))
    return str(value)


@scenarios_app.command("show")
@friendly
def scenarios_show(
    scenario: Annotated[str, typer.Argument(help="Shipped scenario name or path to a YAML file.")],
) -> None:
    """What a scenario represents, its sources, and every instrument in words and fields."""
    from reesim.scenarios import load

    r = load(scenario)
    out.print(f"[bold]{escape(r.name)}[/bold]: {escape(r.title)}")
    out.print(escape(f"{r.start} to {r.horizon}; from {' <- '.join(Path(f).name for f in r.files)}"))
    if r.description:
        out.print(escape(r.description.strip()))
    if r.parameters:
        out.print(escape("parameters: " + ", ".join(f"{k} = {_value(v)}" for k, v in r.parameters.items())))
    if r.blocs:
        out.print(escape("blocs: " + "; ".join(f"{k} = {', '.join(v)}" for k, v in r.blocs.items())))
    table = Table(title="Instruments", show_lines=True)
    for col in ("#", "kind", "id", "when", "what"):
        table.add_column(col, overflow="fold")
    for n, inst in enumerate(r.instruments):
        data = inst.model_dump(by_alias=True, exclude={"kind", "id", "start", "end", "note", "sources"})
        what = "; ".join(f"{k}: {_value(v)}" for k, v in data.items() if v not in (None, [], "", False, 0.0))
        if inst.note:
            what = f"{inst.note.strip()}\n{what}"
        when = f"{inst.start or '-'}" + (f" to {inst.end}" if inst.end else "")
        table.add_row(str(n + 1), inst.kind, escape(inst.id or ""), escape(when), escape(what))
    out.print(table)
    if r.sources:
        from reesim.dataset import load_dataset

        src = load_dataset().sources.set_index("source_id")
        out.print("[bold]Sources[/bold]")
        for sid in r.sources:
            row = src.loc[sid]
            year = f"{row['year']:.0f}" if isinstance(row["year"], float) else str(row["year"])
            text = f"  {sid}: {row['publisher']}, {row['title']} ({year}) {row['url']}"
            out.print(escape(text), soft_wrap=True, highlight=False)


def validate(
    files: Annotated[list[str], typer.Argument(help="Scenario files (or shipped names) to check.")],
) -> None:
    """Check scenario files: every problem with file:line:column, field and a hint. Exit 2 if any.
    Instruments outside the scenario's period are warned about (they have no effect)."""
    from reesim.scenarios import load, resolve
    from reesim.scenarios.horizon import outside_horizon

    failed = 0
    for ref in files:
        try:
            resolved = load(ref)
            scenario = resolve(resolved)
        except InputError as exc:
            print_problems(exc.problems)
            failed += 1
            continue
        except Exception as exc:  # pragma: no cover - a bug, reported as such
            print_problems([Problem(ref, None, None, f"internal error: {type(exc).__name__}: {exc}",
                                    "please report this with the file")])  # fmt: skip
            raise typer.Exit(1) from None
        count = len(scenario.instruments)
        out.print(f"[green]ok[/green] {escape(ref)}: {scenario.months} months, {count} engine instruments")
        print_problems(outside_horizon(resolved))
    if failed:
        err.print(f"{failed} of {len(files)} file(s) have problems")
        raise typer.Exit(2)


def schema(
    output: Annotated[
        str | None,
        typer.Argument(
            help="Omitted: the schema of scenario files. A command's name (run, compare, runs-list, "
            "runs-show, data-list, data-show, scenarios-list, sensitivity, backtest, check): the "
            "schema of what it prints with --json.",
            show_default=False,
            metavar="NAME",
        ),
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of printing.")
    ] = None,
) -> None:
    """JSON Schema of scenario files (for editor completion and checking: every field's unit,
    description and range, and the dataset's elements, places, sectors, facilities and sources),
    or of a command's --json output (to check what a pipeline reads)."""
    if output is None or output == "scenario":
        from reesim.scenarios.schema import scenario_schema

        text = json.dumps(scenario_schema(), indent=2)
    else:
        from reesim import schemas

        text = schemas.text(output).rstrip("\n")
    if out_file is None:
        typer.echo(text)
    else:
        out_file.write_text(text + "\n", encoding="utf-8")
        out.print(f"JSON Schema written to [bold]{escape(str(out_file))}[/bold]")


def register(app: typer.Typer) -> None:
    """Add the scenario commands to the main app."""
    app.add_typer(scenarios_app, name="scenarios")
    app.command("validate")(friendly(validate))
    app.command("schema")(friendly(schema))
