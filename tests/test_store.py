"""The results store: records and Parquet tables round-trip; no half-written runs; concurrent writers."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from reesim.errors import InputError
from reesim.store import RunRecord, Store
from reesim.store.store import from_tables, to_tables


def record(run_id: str, scenario: str = "s") -> RunRecord:
    return RunRecord(
        id=run_id, created="2026-11-26T01:00:00", scenario=scenario, title="t", runs=1, seed=7, months=3,
        dataset_version="v", package_version="0", scenario_json="{}", timings_json="{}",
        headline_json=json.dumps({"rows": []}),
    )  # fmt: skip


def test_save_list_get_delete_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.duckdb")
    frame = pd.DataFrame({"month": ["2025-01", "2025-02"], "value": [1.5, 2.5]})
    store.save(record("abcd1234"), {"series_x": frame})
    assert list(store.list_runs()["id"]) == ["abcd1234"]
    got = store.get("abcd")  # unique prefix
    assert got.seed == 7 and got.headline == {"rows": []}
    pd.testing.assert_frame_equal(store.table("abcd1234", "series_x"), frame)
    assert store.tables("abcd1234") == ["series_x"]
    store.delete("abcd1234")
    assert store.list_runs().empty and not (tmp_path / "runs" / "abcd1234").exists()
    with pytest.raises(InputError, match="no single run"):
        store.get("abcd")


def test_failed_save_leaves_no_record_and_no_files(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.duckdb")

    class Boom(pd.DataFrame):
        def to_parquet(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C while writing

    with pytest.raises(KeyboardInterrupt):
        store.save(record("deadbeef"), {"ok": pd.DataFrame({"value": [1.0]}), "boom": Boom({"value": [1.0]})})
    assert store.list_runs().empty
    assert list((tmp_path / "runs").iterdir()) == []


def test_folders_of_interrupted_runs_are_ignored_and_cleaned(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.duckdb")
    (tmp_path / "runs" / ".tmp-cafe0000-123").mkdir()
    store.save(record("12345678"), {"x": pd.DataFrame({"value": [1.0]})})
    assert list(store.list_runs()["id"]) == ["12345678"]
    assert store.clean() == [".tmp-cafe0000-123"]
    assert [p.name for p in (tmp_path / "runs").iterdir()] == ["12345678"]


def test_opening_the_store_removes_stale_leftovers_only(tmp_path: Path) -> None:
    store = Store(tmp_path / "runs.duckdb")
    store.save(record("12345678"), {"x": pd.DataFrame({"value": [1.0]})})
    runs = tmp_path / "runs"
    for name in (".tmp-old00000-1", "0ld00000", ".tmp-new00000-2", "new00000"):
        (runs / name).mkdir()
    hours_ago = time.time() - 2 * 3600
    for name in (".tmp-old00000-1", "0ld00000", "12345678"):
        os.utime(runs / name, (hours_ago, hours_ago))
    Store(tmp_path / "runs.duckdb")
    assert sorted(p.name for p in runs.iterdir()) == [".tmp-new00000-2", "12345678", "new00000"]
    assert list(Store(tmp_path / "runs.duckdb").list_runs()["id"]) == ["12345678"]


def _writer(path: str, prefix: str, count: int) -> None:
    store = Store(Path(path))
    for i in range(count):
        store.save(record(f"{prefix}{i:06d}"), {"x": pd.DataFrame({"value": [float(i)]})})


def test_two_processes_writing_at_once_both_succeed(tmp_path: Path) -> None:
    path = str(tmp_path / "runs.duckdb")
    Store(Path(path))
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, p, 8)) for p in ("aa", "bb")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    ids = set(Store(Path(path)).list_runs()["id"])
    assert len(ids) == 16 and {i[:2] for i in ids} == {"aa", "bb"}


def test_tables_round_trip_an_xarray_dataset() -> None:
    data = xr.Dataset(
        {"a": (("run", "month"), np.arange(6.0).reshape(2, 3)), "b": (("month",), np.array([1.0, 2.0, 3.0]))},
        coords={"run": [0, 1], "month": ["2025-01", "2025-02", "2025-03"]},
    )
    back = from_tables(to_tables(data))
    xr.testing.assert_equal(back.transpose("run", "month"), data)


def test_unwritable_store_is_bad_input(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="cannot create the store"):
        Store(blocker / "sub" / "runs.duckdb")


def test_quantiles_over_runs_with_and_without_missing_values() -> None:
    from reesim.store.runs import quantile_series

    values = np.arange(40.0).reshape(10, 4)  # runs 0..9; month m holds 4 * run + m
    data = xr.Dataset({"a": (("run", "month"), values)}, coords={"run": np.arange(10), "month": np.arange(4)})
    q = quantile_series(data)
    # Linear interpolation between order statistics: P10 of 0, 4, ..., 36 is 3.6 (+ month).
    expected = [[3.6, 4.6, 5.6, 6.6], [18, 19, 20, 21], [32.4, 33.4, 34.4, 35.4]]
    np.testing.assert_allclose(q["a"].values, expected)
    assert list(q["run"].values) == [0, 1, 2]
    # A missing value is skipped, not propagated: month 0 without run 9 is 0, 4, ..., 32.
    values[9, 0] = np.nan
    q = quantile_series(xr.Dataset({"a": (("run", "month"), values)}))
    np.testing.assert_allclose(q["a"].values[:, 0], [3.2, 16.0, 28.8])
    np.testing.assert_allclose(q["a"].values[:, 1], [4.6, 19, 33.4])


@pytest.mark.parametrize("damage", ["text", "empty", "random bytes", "cut short"])
def test_a_corrupt_store_is_told_from_a_busy_one(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "runs.duckdb"
    if damage == "cut short":
        Store(path).save(record("12345678"), {"x": pd.DataFrame({"value": [1.0]})})
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        contents = {"text": b"hello, not a database\n", "empty": b"", "random bytes": os.urandom(20_000)}
        path.write_bytes(contents[damage])
    with pytest.raises(InputError) as info:
        Store(path).list_runs()
    problem = info.value.problems[0]
    assert "not a results store reesim can read" in problem.message and "busy" not in problem.message
    assert "--store" in problem.hint


def test_records_keep_the_library_versions(tmp_path: Path) -> None:
    from reesim.store.store import environment

    versions = environment()
    assert set(versions) == {"python", "numpy", "pandas", "xarray", "numba"}
    assert versions["numpy"] == np.__version__ and versions["pandas"] == pd.__version__
    store = Store(tmp_path / "runs.duckdb")
    store.save(record("abcd1234"), {})
    assert store.get("abcd1234").environment == {}  # a record made without them
    kept = RunRecord(**{**record("beef0001").__dict__, "environment_json": json.dumps(versions)})
    store.save(kept, {})
    assert store.get("beef").environment == versions


def test_a_store_made_before_versions_were_kept_opens(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "runs.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table runs (id varchar primary key, created timestamp, scenario varchar, "
                "title varchar, runs integer, seed bigint, months integer, dataset_version varchar, "
                "package_version varchar, scenario_json varchar, timings_json varchar, "
                "headline_json varchar, report varchar, has_full boolean)")  # fmt: skip
    con.execute("insert into runs values ('0ld00000', '2026-01-01', 's', 't', 1, 1, 3, 'v', '0', '{}', "
                "'{}', '{}', null, false)")  # fmt: skip
    con.close()
    assert Store(path).get("0ld").environment == {}
