"""Outputs that could mislead: element symbols beside places (Eu beside the EU), source years as
floats, and a run without a report listed as ``None``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reesim.cli import app
from reesim.cli.runs import element_names
from reesim.store import RunRecord, Store

RUNNER = CliRunner()


def invoke(*args: str) -> str:
    result = RUNNER.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_elements_are_named_where_a_place_could_be_read() -> None:
    names = element_names()
    assert names["Eu"] == "europium (Eu)" and names["Dy"] == "dysprosium (Dy)"
    assert "EU" not in names and len(names) == 16


def test_source_years_are_whole_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    shown = invoke("scenarios", "show", "april-2025")
    assert "(2025)" in shown and "(2025.0)" not in shown


def test_a_run_without_a_report_is_listed_with_a_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_path = tmp_path / "runs.duckdb"
    monkeypatch.setenv("REESIM_STORE", str(store_path))
    monkeypatch.setenv("COLUMNS", "120")
    record = RunRecord(
        id="abcd1234", created="2026-11-26T01:00:00", scenario="s", title="t", runs=1, seed=7, months=3,
        dataset_version="v", package_version="0", scenario_json="{}", timings_json="{}",
        headline_json=json.dumps({"rows": []}),
    )  # fmt: skip
    Store(store_path).save(record, {})
    listed = invoke("runs", "list")
    row = next(line for line in listed.splitlines() if "abcd1234" in line)
    assert "None" not in listed and row.rstrip(" │").endswith("-")
    assert invoke("runs", "list", "--format", "csv").splitlines()[1].endswith(",-")
