"""Text the user supplies (scenario names, titles, paths, data cells) prints as written: Rich
markup in it is shown literally, never interpreted and never a ``MarkupError`` traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import Editor
from typer.testing import CliRunner

from reesim.cli import app

RUNNER = CliRunner()
TITLE = "Race [/x] with [bold]markup[/bold] in its title"


def test_run_of_a_name_with_a_closing_tag_is_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REESIM_STORE", str(tmp_path / "runs.duckdb"))
    result = RUNNER.invoke(app, ["run", "[/x]", "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "error [/x]: no such file" in result.output
    assert "Traceback" not in result.output and "MarkupError" not in result.output
    named = RUNNER.invoke(app, ["run", "[bold]race"])
    assert named.exit_code == 2 and "no shipped scenario or file named '[bold]race'" in named.output


def test_validation_error_shows_the_pattern_literally(tmp_path: Path) -> None:
    path = tmp_path / "my.yaml"
    path.write_text("name: My Scenario\nstart: 2025-01\nhorizon: 2026-01\n", encoding="utf-8")
    result = RUNNER.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "String should match pattern '^[a-z0-9][a-z0-9_-]*$'" in result.output


def test_data_cells_print_literally(data_copy: Path, edit_cell: Editor) -> None:
    edit_cell("elements.csv", 2, "name", "Lanthanum [/x] [red]")
    result = RUNNER.invoke(
        app, ["data", "show", "elements", "--data-dir", str(data_copy)], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    assert "Lanthanum [/x] [red]" in result.output


@pytest.mark.slow
def test_titles_and_paths_print_literally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REESIM_STORE", str(tmp_path / "runs.duckdb"))
    monkeypatch.setenv("COLUMNS", "250")
    path = tmp_path / "marked.yaml"
    path.write_text(f"name: marked\nextends: baseline\ntitle: '{TITLE}'\n", encoding="utf-8")
    out_dir = tmp_path / "out[/x]"
    result = RUNNER.invoke(app, ["run", str(path), "--horizon", "0.25", "--out", str(out_dir)])
    assert result.exit_code == 0, result.output
    assert TITLE in result.output and f"Report written to {out_dir}" in result.output
    run_id = result.output.split("Run ", 1)[1].split()[0]
    listed = RUNNER.invoke(app, ["runs", "list"])
    assert listed.exit_code == 0 and str(out_dir) in listed.output
    shown = RUNNER.invoke(app, ["runs", "show", run_id])
    assert shown.exit_code == 0 and f"marked: {TITLE}" in shown.output
