"""The dashboard reads a stored run back from its files once and serves it from memory after,
forgets a run deleted meanwhile, and bounds how many runs one comparison may ask for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from reesim.cli import app as cli
from reesim.store import Store
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
    store_path, run_id = stored
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
