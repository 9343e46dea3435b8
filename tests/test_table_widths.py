"""Tables at 80 and 120 columns keep every column's information: no column dropped, no cell cut
or folded letter by letter; columns that do not fit move to a further table that repeats the key
columns. ``--format csv`` gives the same cells, which the tests look for in the terminal output."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reesim.cli import app
from reesim.cli.common import WideConsole
from reesim.cli.tables import Grid, parts

RUNNER = CliRunner()
WIDTHS = ("80", "120")


def invoke(*args: str) -> str:
    """What the command prints on standard output, where its tables go (warnings, one line
    each, go to standard error)."""
    result = RUNNER.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def assert_keeps_every_cell(shown: str, rows: list[list[str]], width: int) -> None:
    """Every word of every cell (header included) appears whole in ``shown``, whose lines fit."""
    assert max(len(line) for line in shown.splitlines()) <= width
    words = set(shown.replace("│", " ").replace("┃", " ").split())
    for row in rows:
        for cell in row:
            for word in cell.split():
                assert word in words, (word, cell)


@pytest.mark.parametrize("width", WIDTHS)
def test_data_list_keeps_every_column(width: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", width)
    rows = csv_rows(invoke("data", "list", "--format", "csv"))
    assert rows[0] == ["table", "rows", "years", "places", "reported", "derived", "assumed", "what"]
    assert len(rows) > 10
    assert_keeps_every_cell(invoke("data", "list"), rows, int(width))


@pytest.mark.parametrize("width", WIDTHS)
def test_scenarios_list_keeps_every_column(width: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", width)
    rows = csv_rows(invoke("scenarios", "list", "--format", "csv"))
    assert rows[0] == ["name", "title", "period", "instruments", "builds on"]
    assert_keeps_every_cell(invoke("scenarios", "list"), rows, int(width))


def test_a_wide_grid_is_split_with_its_keys_repeated() -> None:
    grid = Grid("wide", ["id", *(f"column {i}" for i in range(8))], keys=1)
    grid.add(["abc123", *(f"value-{i}-{'x' * 10}" for i in range(8))])
    console = WideConsole(width=80, record=True)
    tables = parts(grid, console)
    assert len(tables) > 1
    for table in tables:
        console.print(table)
    text = console.export_text()
    assert text.count("abc123") == len(tables)
    assert_keeps_every_cell(text, [grid.columns, *grid.rows], 80)


def test_a_grid_that_fits_is_one_table() -> None:
    grid = Grid("narrow", ["a", "b"])
    grid.add(["1", "2"])
    assert len(parts(grid, WideConsole(width=80))) == 1


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
def test_run_and_runs_show_keep_every_column(
    width: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REESIM_STORE", str(tmp_path / "runs.duckdb"))
    monkeypatch.setenv("COLUMNS", width)
    ran = invoke("run", "race", "--horizon", "0.5", "--seed", "3", "--out", str(tmp_path / "r"))
    run_id = invoke("runs", "list", "--format", "csv").splitlines()[1].split(",")[0]
    rows = csv_rows(invoke("runs", "show", run_id, "--format", "csv"))
    assert rows[0][:2] == ["place", "item"] and rows[0][-1] == "not built" and len(rows) > 2
    assert_keeps_every_cell(ran, rows, int(width))
    assert not {r[1] for r in rows[1:]} & {"Eu", "Sm", "Dy", "Tb"}  # elements named, not bare symbols
    shown = invoke("runs", "show", run_id)
    assert_keeps_every_cell(shown, rows, int(width))
    # the record names the versions of Python and of the numerical libraries it was made with
    import platform

    import numpy as np

    assert f"numpy {np.__version__}" in shown and f"python {platform.python_version()}" in shown
    record = json.loads(invoke("runs", "show", run_id, "--json"))
    assert set(record["environment"]) == {"python", "numpy", "pandas", "xarray", "numba"}
