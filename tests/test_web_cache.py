"""The dashboard reads a stored run back from its files once and serves it from memory after,
forgets a run deleted meanwhile, and bounds how many runs one comparison may ask for and how
long it may spend reading them back."""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from reesim.cli import app as cli
from reesim.store import Store
from reesim.store.store import MANIFEST
from reesim.web.api import Limits, create_app


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store holding one short baseline run, and the run's id."""
    root = tmp_path_factory.mktemp("cached")
    env = {"REESIM_STORE": str(root / "runs.duckdb")}
    result = CliRunner().invoke(
        cli, ["run", "baseline", "--horizon", "1", "--json", "--out", str(root)], env=env
    )
    assert result.exit_code == 0, result.output
    return root / "runs.duckdb", str(json.loads(result.output)["run_id"])


def test_a_run_is_read_from_its_files_once(stored: tuple[Path, str], tmp_path: Path) -> None:
    run_id = stored[1]
    shutil.copytree(stored[0].parent, tmp_path / "store")  # the run is deleted below
    store_path = tmp_path / "store" / stored[0].name
    app = create_app(store_path, tmp_path)
    client = TestClient(app, base_url="http://localhost")
    for _ in range(3):
        assert client.get(f"/api/runs/{run_id}").status_code == 200
    assert client.get(f"/api/runs/{run_id[:5]}/series").status_code == 200
    assert app.state.runs.reads == 1
    Store(store_path).delete(run_id)
    assert client.get(f"/api/runs/{run_id}").status_code == 404


def test_comparisons_are_bounded(tmp_path: Path) -> None:
    client = TestClient(create_app(tmp_path / "runs.duckdb", tmp_path, limits=Limits(max_compare=3)),
                        base_url="http://localhost")  # fmt: skip
    many = client.get("/api/compare", params={"ids": "aaaa,bbbb,cccc,dddd"})
    assert many.status_code == 422 and "at most 3 runs" in many.text
    same = client.get("/api/compare", params={"ids": "aaaa,aaaa,aaaa"})
    assert same.status_code == 422 and "at least two" in same.text


def _copies(stored: tuple[Path, str], folder: Path, count: int) -> tuple[Path, list[str]]:
    """A store in ``folder`` holding the stored run and ``count - 1`` copies of it under other ids."""
    store_path, run_id = stored
    store = Store(folder / "runs.duckdb")
    source = Store(store_path)
    record = source.get(run_id)
    tables = {name: source.table(run_id, name) for name in source.tables(run_id)}
    ids = [f"{i:08x}" for i in range(1, count + 1)]
    for new in ids:
        store.save(dataclasses.replace(record, id=new), tables)
    assert json.loads((store.bulk / ids[0] / MANIFEST).read_text(encoding="utf-8")) == sorted(tables)
    return store.path, ids


def test_a_comparison_out_of_time_is_a_503_and_asking_again_goes_on(
    stored: tuple[Path, str], tmp_path: Path
) -> None:
    store_path, ids = _copies(stored, tmp_path, 3)
    app = create_app(store_path, tmp_path, limits=Limits(max_compare_seconds=0.0))
    client = TestClient(app, base_url="http://localhost")
    answers = [client.get("/api/compare", params={"ids": ",".join(ids)}) for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 200]
    assert answers[0].json() == {
        "detail": "reading these runs back took longer than 0 s: 1 of 3 are read and kept, so asking "
        "again goes on from there"
    }
    assert "2 of 3 are read" in answers[1].json()["detail"]
    assert len(answers[2].json()["rows"]) > 0 and app.state.runs.reads == 3
    shutil.rmtree(store_path.parent / "runs" / ids[0])
    assert client.get("/api/compare", params={"ids": f"{ids[0]},{ids[1]}"}).status_code == 200  # kept
    gone = client.get("/api/compare", params={"ids": "ffffffff," + ids[1]})
    assert gone.status_code == 404 and "no single run with id 'ffffffff'" in gone.json()["detail"]


@pytest.mark.timed
def test_a_comparison_stops_reading_when_its_time_is_spent(
    stored: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reesim.store.runs

    store_path, ids = _copies(stored, tmp_path, 8)
    real = reesim.store.runs.rebuild
    # A comparison on another app first, so what is timed below is the comparison, not this
    # process's first reading of stored runs (imports and first queries, about a second).
    warm = TestClient(create_app(store_path, tmp_path), base_url="http://localhost")
    assert warm.get("/api/compare", params={"ids": f"{ids[0]},{ids[1]}"}).status_code == 200

    took: list[float] = []

    def slow(*args: Any, **kwargs: Any) -> Any:
        began = time.monotonic()
        time.sleep(0.25)
        done = real(*args, **kwargs)
        took.append(time.monotonic() - began)
        return done

    monkeypatch.setattr(reesim.store.runs, "rebuild", slow)
    app = create_app(store_path, tmp_path, limits=Limits(max_compare_seconds=0.5))
    client = TestClient(app, base_url="http://localhost")
    began = time.monotonic()
    answer = client.get("/api/compare", params={"ids": ",".join(ids)})
    spent = time.monotonic() - began
    assert answer.status_code == 503 and "of 8 are read" in answer.json()["detail"]
    assert app.state.runs.reads == len(took) < 8  # eight runs would take at least 2 s
    assert spent < 0.5 + max(took) + 1.0  # the budget, the read that overran it, resolving the ids
