"""The first call that compiles the kernel says so, once; a call that loads it says nothing.
Processes compile one at a time: a second waits for the first's lock, then loads its cache."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from tests.strategies import BASE, DS

from reesim.kernel import bundles, compiling
from reesim.kernel.fast import _compact_buffers, run_fast
from reesim.kernel.lanes import LANES
from reesim.kernel.state import Outputs
from reesim.model.compile import compile_scenario
from reesim.scenarios import resolve

pytestmark = pytest.mark.compile


def _args(lanes: int) -> tuple[object, ...]:
    inputs = compile_scenario(resolve("april-2025", DS), DS, BASE)
    n_n = BASE.dims.n_nodes
    out = Outputs.zeros(1, len(inputs.months), 4, n_n, BASE.dims.n_elements)
    found = bundles.build(inputs, 1, out, _compact_buffers(1, 1, 1, 1, 1), np.zeros((1, n_n)), False)
    return ((0,) * lanes, np.array([0, 1]), *found)


def test_notice_before_a_compile_once_and_not_when_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    run_fast(compile_scenario(resolve("april-2025", DS), DS, BASE))  # compiled (or loaded) here
    from reesim.kernel.fast_kernel import kernel

    said: list[str] = []
    compiled: list[object] = []
    monkeypatch.setattr(compiling, "notify", said.append)
    monkeypatch.setattr(compiling, "_told", [])
    # Stands in for Numba's compile (minutes for a new lane count): records what it was asked.
    monkeypatch.setattr(compiling, "compile_for", lambda dispatcher, args: compiled.append(args[0]))
    assert not compiling.will_compile(kernel, _args(LANES))
    compiling.compiled_kernel(*_args(LANES))
    assert said == [] and compiled == []
    # Three lanes were never compiled: the notice comes, once.
    assert compiling.will_compile(kernel, _args(3))
    compiling.compiled_kernel(*_args(3))
    compiling.compiled_kernel(*_args(3))
    assert len(said) == 1 and "Compiling the simulation kernel" in said[0]
    assert f"{compiling.USUAL_SECONDS} s" in said[0]
    assert compiled == [(0, 0, 0), (0, 0, 0)]


def test_a_kernel_another_process_compiled_while_this_one_waited_is_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not compiled when this process looked, compiled by another by the time it held the lock:
    no notice and no compile (the call loads the cache)."""
    said: list[str] = []
    compiled: list[object] = []
    answers = iter([True, False])
    monkeypatch.setattr(compiling, "notify", said.append)
    monkeypatch.setattr(compiling, "_told", [])
    monkeypatch.setattr(compiling, "will_compile", lambda dispatcher, args: next(answers))
    monkeypatch.setattr(compiling, "compile_for", lambda dispatcher, args: compiled.append(args[0]))
    compiling.compiled_kernel(*_args(3))
    assert said == [] and compiled == [] and next(answers, None) is None


def _dispatcher(folder: Path) -> Any:
    return SimpleNamespace(_cache=SimpleNamespace(_cache_path=str(folder)))


def test_the_compile_lock_is_held_by_one_process_at_a_time(tmp_path: Path) -> None:
    """While this process holds the lock, another asking for it waits; it gets it once released."""
    code = (
        "import sys, types\n"
        "from pathlib import Path\n"
        "from reesim.kernel.compiling import compile_lock\n"
        "folder = Path(sys.argv[1])\n"
        "print('asking', flush=True)\n"
        "with compile_lock(types.SimpleNamespace(_cache=types.SimpleNamespace(_cache_path=str(folder)))):\n"
        "    (folder / 'got').write_text('yes')\n"
    )
    with compiling.compile_lock(_dispatcher(tmp_path)):
        other = subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True
        )
        assert other.stdout is not None and other.stdout.readline() == "asking\n"
        time.sleep(1.0)
        assert other.poll() is None and not (tmp_path / "got").exists()
    other.communicate(timeout=120)
    assert other.returncode == 0 and (tmp_path / "got").read_text() == "yes"


def test_without_a_cache_folder_the_lock_holds_nothing() -> None:
    with compiling.compile_lock(SimpleNamespace(_cache=None)), compiling.compile_lock(object()):
        pass
