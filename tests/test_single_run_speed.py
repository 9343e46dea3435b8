"""A warm ``reesim run race`` stays light: it imports no plotting library, no compiler and no
optional part, and a whole process takes well under a generous bound of CPU time.

CPU time (user + system of the process) rather than wall time, because a busy machine stretches
wall time several times over; the bound is three times the target of 2 s, so only a return of a
heavy step (charts drawn with matplotlib took about 8 s of CPU) fails it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

#: Modules a single run must not import: charts are written as SVG text, one run uses the NumPy
#: kernel, and the optional parts are imported only by the commands that use them.
NOT_IMPORTED = ("matplotlib", "numba", "fastapi", "uvicorn", "distributed", "opencc", "SALib")
CPU_BOUND_S = 6.0


def cpu_seconds(args: list[str], env: dict[str, str]) -> float:
    before = os.times()
    subprocess.run(args, env=env, check=True, stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)


def test_a_warm_single_run_is_light(tmp_path: Path) -> None:
    env = {**os.environ, "REESIM_STORE": str(tmp_path / "store" / "runs.duckdb")}
    args = [sys.executable, "-m", "reesim.cli", "run", "race", "--out", str(tmp_path / "out")]
    cpu_seconds(args, env)  # warm: byte code, the parsed dataset, the store
    spent = min(cpu_seconds(args, env) for _ in range(2))
    assert spent < CPU_BOUND_S, f"a warm single run took {spent:.1f} s of CPU"
    assert len(list((tmp_path / "out").glob("race-*.html"))) == 3


def test_a_single_run_imports_nothing_heavy(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from reesim.store import Store\n"
        "from reesim.store.runs import execute\n"
        f"execute('race', Store(Path({str(tmp_path / 'runs.duckdb')!r})), Path({str(tmp_path / 'out')!r}))\n"
        f"print(' '.join(m for m in {NOT_IMPORTED!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=600
    )
    assert done.stdout.split() == []
