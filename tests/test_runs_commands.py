"""``reesim runs delete`` asks before deleting and refuses a prefix several runs share;
``reesim runs export`` says the unit of every table it writes. On a store of made-up runs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from reesim.cli import app
from reesim.cli import runs as runs_cli
from reesim.results.units import UNITS, unit_of, variable_of
from reesim.store import RunRecord, Store

IDS = ("abcd1111", "abcd2222", "beef3333")


def record(run_id: str) -> RunRecord:
    return RunRecord(
        id=run_id, created="2026-11-26T01:00:00", scenario="race", title="t", runs=1, seed=7, months=2,
        dataset_version="v", package_version="0", scenario_json="{}", timings_json="{}",
        headline_json=json.dumps({"rows": []}),
    )  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store holding three runs, each with three small tables."""
    path = tmp_path / "runs.duckdb"
    st = Store(path)
    months = ["2025-01", "2025-02"]
    for run_id in IDS:
        tables = {
            "series_unmet": pd.DataFrame({"run": 0, "month": months, "place": "USA", "value": [0.0, 1.5]}),
            "series_cover": pd.DataFrame({"run": 0, "month": months, "place": "EU", "value": [2.0, 1.0]}),
            "central_price": pd.DataFrame({"month": months, "element": "Dy", "value": [300.0, 450.0]}),
        }
        st.save(record(run_id), tables)
    return path


def cli(store: Path, *args: str, text: str | None = None) -> Result:
    return CliRunner().invoke(app, [*args, "--store", str(store)], input=text)


def stored(store: Path) -> list[str]:
    return sorted(str(i) for i in Store(store).list_runs()["id"])


def test_delete_refuses_a_prefix_several_runs_share_naming_them(store: Path) -> None:
    result = cli(store, "runs", "delete", "abcd", "--yes")
    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert "field 'ID' 2 runs have ids starting 'abcd'" in said
    assert "give more of the id: it matches abcd1111, abcd2222" in said and "Traceback" not in said
    assert stored(store) == sorted(IDS)


def test_delete_without_yes_and_without_a_terminal_deletes_nothing(store: Path) -> None:
    result = cli(store, "runs", "delete", "beef")
    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert "run beef3333 not deleted: there is no terminal to confirm on" in said
    assert "(hint: add --yes to delete without asking)" in said
    assert stored(store) == sorted(IDS)


def test_delete_asks_and_keeps_the_run_unless_told_yes(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runs_cli, "_interactive", lambda: True)
    kept = cli(store, "runs", "delete", "beef", text="n\n")
    assert kept.exit_code == 0, kept.output
    assert (
        "Delete run beef3333 (race, 1 run(s), created 2026-11-26 01:00:00) and its files? [y/N]"
        in kept.output
    )
    assert "run beef3333 kept" in kept.stdout and stored(store) == sorted(IDS)
    kept = cli(store, "runs", "delete", "beef", text="\n")  # the default is no
    assert "kept" in kept.stdout and stored(store) == sorted(IDS)
    gone = cli(store, "runs", "delete", "beef", text="y\n")
    assert gone.exit_code == 0 and "deleted beef3333" in gone.stdout
    assert stored(store) == ["abcd1111", "abcd2222"]
    assert not (store.parent / "runs" / "beef3333").exists()


def test_a_run_whose_files_are_gone_can_still_be_deleted_after_asking(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    shutil.rmtree(store.parent / "runs" / "beef3333")
    monkeypatch.setattr(runs_cli, "_interactive", lambda: True)
    gone = cli(store, "runs", "delete", "beef", text="y\n")
    assert gone.exit_code == 0 and "deleted beef3333" in gone.stdout, gone.output
    assert stored(store) == ["abcd1111", "abcd2222"]


def test_delete_with_yes_does_not_ask(store: Path) -> None:
    result = cli(store, "runs", "delete", "abcd2", "-y")
    assert result.exit_code == 0 and "deleted abcd2222" in result.stdout and "?" not in result.output
    assert stored(store) == ["abcd1111", "beef3333"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_writes_each_tables_unit(store: Path, tmp_path: Path, fmt: str) -> None:
    result = cli(store, "runs", "export", "beef", "--format", fmt, "--out", str(tmp_path / "x"))
    assert result.exit_code == 0, result.output
    assert "3 tables written" in result.stdout and "unit column" in result.stdout
    folder = tmp_path / "x" / "beef3333"
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    units = {}
    for name in ("series_unmet", "series_cover", "central_price"):
        frame = read(folder / f"{name}.{fmt}")
        assert list(frame.columns)[-2:] == ["value", "unit"]
        assert frame["unit"].nunique() == 1
        units[name] = frame["unit"].iloc[0]
    assert units == {"series_unmet": "t REO-eq/month", "series_cover": "months of demand",
                     "central_price": "USD/kg"}  # fmt: skip
    assert read(folder / f"series_unmet.{fmt}")["value"].tolist() == [0.0, 1.5]


def test_units_by_table_name() -> None:
    assert variable_of("full_units_not_built") == "units_not_built" and variable_of("odd") == "odd"
    assert unit_of("full_inventory") == "t REO-eq" and unit_of("series_floor_cost") == "USD/month"
    assert unit_of("series_something_new") == ""


def test_every_variable_a_run_stores_has_a_unit() -> None:
    from reesim.engine.batch import run_batch

    batch = run_batch("baseline", horizon_years=0.1)
    assert batch.full is not None
    names = {str(v) for data in (batch.series, batch.central, batch.full) for v in data.data_vars}
    assert names - set(UNITS) == set()
