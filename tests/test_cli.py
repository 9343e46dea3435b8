"""The command line: list, show and check the data; exit codes; no tracebacks for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import Editor
from typer.testing import CliRunner

from reesim.cli import app
from reesim.dataset import Dataset

runner = CliRunner()


def test_data_list_shows_every_table() -> None:
    result = runner.invoke(app, ["data", "list"])
    assert result.exit_code == 0, result.output
    for table in ("mine_production", "elements", "facilities", "parameters", "events"):
        assert table in result.output


def test_data_show_json_filters_rows_and_lists_sources() -> None:
    result = runner.invoke(
        app,
        [
            "data",
            "show",
            "mine_production",
            "--where",
            "iso3=CHN",
            "--where",
            "edition=MCS2026",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {r["year"] for r in payload["rows"]} == {2024.0, 2025.0}
    assert all(r["quantity"] == 270000 for r in payload["rows"])
    assert [s["source_id"] for s in payload["sources"]] == ["usgs_mcs2026"]
    assert payload["sources"][0]["url"].startswith("https://")


def test_data_show_csv_round_trips_header() -> None:
    result = runner.invoke(app, ["data", "show", "elements", "--format", "csv"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("symbol,name,atomic_number,group")
    assert len(lines) == 17


def test_data_show_terminal_table_has_sources_section() -> None:
    result = runner.invoke(app, ["data", "show", "reserves", "--where", "iso3=CHN"])
    assert result.exit_code == 0
    assert "Sources" in result.output and "Geological Survey" in result.output


def test_unknown_table_is_bad_input_with_hint() -> None:
    result = runner.invoke(app, ["data", "show", "mine_prodution"])
    assert result.exit_code == 2
    assert "did you mean 'mine_production'" in result.output
    assert "Traceback" not in result.output


def test_bad_where_clause_is_bad_input() -> None:
    result = runner.invoke(app, ["data", "show", "elements", "--where", "colour=red"])
    assert result.exit_code == 2
    assert "is not a column" in result.output


def test_data_check_passes_on_bundled_data() -> None:
    result = runner.invoke(app, ["data", "check"])
    assert result.exit_code == 0, result.output
    assert "data check passed" in result.output


def test_data_check_fails_naming_file_line_and_field(data_copy: Path, edit_cell: Editor) -> None:
    edit_cell("elements.csv", 6, "oxide_to_metal", "1.3")
    result = runner.invoke(app, ["data", "check", "--data-dir", str(data_copy)])
    assert result.exit_code == 1
    assert "elements.csv:6" in result.output and "oxide_to_metal" in result.output
    assert "Traceback" not in result.output


def test_data_list_on_broken_data_exits_2(data_copy: Path, edit_cell: Editor) -> None:
    edit_cell("elements.csv", 3, "atomic_number", "fifty")
    result = runner.invoke(app, ["data", "list", "--data-dir", str(data_copy)])
    assert result.exit_code == 2
    assert "elements.csv:3" in result.output and "not a number" in result.output


def test_missing_data_dir_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["data", "list", "--data-dir", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "is not a folder" in result.output


def test_flagship_writes_report(tmp_path: Path) -> None:
    result = runner.invoke(app, ["flagship", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "april-2025" in result.output and "lowest stock" in result.output
    html = (tmp_path / "dataset.html").read_text(encoding="utf-8")
    assert "<svg" in html and "China" in html and "usgs_mcs2026" in html


def test_help_does_not_import_heavy_modules() -> None:
    import subprocess
    import sys

    code = (
        "import sys, reesim.cli; print(sorted(m for m in ('pandas', 'numba', 'xarray') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_data_show_columns_and_hidden_long_text() -> None:
    result = runner.invoke(
        app, ["data", "show", "mine_production", "--where", "iso3=CHN", "-c", "year,quantity"]
    )
    assert result.exit_code == 0
    assert "270000" in result.output and "hidden:" in result.output and "locator" in result.output
    default = runner.invoke(app, ["data", "show", "elements"])
    assert "hidden: locator, note" in default.output
    bad = runner.invoke(app, ["data", "show", "elements", "-c", "symbl"])
    assert bad.exit_code == 2 and "did you mean 'symbol'" in bad.output


def test_python_dash_m_reesim_prints_the_versions(dataset: Dataset) -> None:
    import subprocess
    import sys

    from reesim import __version__

    def reesim(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "reesim", *args]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    done = reesim("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"reesim {__version__}, dataset {dataset.version}"
    helped = reesim("-h")
    assert helped.returncode == 0 and "Usage: reesim" in helped.stdout and "--version" in helped.stdout


@pytest.mark.parametrize("args", [["-h"], ["runs", "-h"], ["data", "show", "-h"], ["run", "-h"]])
def test_dash_h_is_help(args: list[str]) -> None:
    short = runner.invoke(app, args)
    assert short.exit_code == 0, short.output
    assert "Usage:" in short.output and short.output == runner.invoke(app, [*args[:-1], "--help"]).output
