"""Real ``reesim run`` processes: two at once both land; a killed one leaves the store whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reesim.store import Store

#: Each test starts whole ``reesim run`` processes (seconds each).
pytestmark = pytest.mark.slow
REESIM = [sys.executable, "-m", "reesim.cli"]


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "REESIM_STORE": str(tmp_path / "runs.duckdb"), "COLUMNS": "200"}


def test_two_runs_at_once_both_succeed(tmp_path: Path) -> None:
    args = [*REESIM, "run", "baseline", "--horizon", "1", "--out", str(tmp_path / "r")]
    procs = [
        subprocess.Popen(args, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    runs = Store(tmp_path / "runs.duckdb").list_runs()
    assert len(runs) == 2 and runs["scenario"].tolist() == ["baseline", "baseline"]


@pytest.mark.compile
def test_killed_run_leaves_no_partial_run(tmp_path: Path) -> None:
    args = [*REESIM, "run", "race", "--runs", "40", "--out", str(tmp_path / "r")]
    proc = subprocess.Popen(args, env=_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(6.0)  # past start-up, inside the simulation
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    store = Store(tmp_path / "runs.duckdb")  # opens and reads after the kill
    listed = set(store.list_runs()["id"])
    store.clean(older_than_s=0.0)
    folders = {p.name for p in (tmp_path / "runs").iterdir()}
    assert folders == listed  # every stored run is whole; nothing half-written is left
