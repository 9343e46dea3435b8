"""The first call that compiles the kernel says so, once; a call that loads it says nothing."""

from __future__ import annotations

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
    monkeypatch.setattr(compiling, "notify", said.append)
    monkeypatch.setattr(compiling, "_told", [])
    assert not compiling.will_compile(kernel, _args(LANES))
    compiling.compiled_kernel(*_args(LANES))
    assert said == []
    # Three lanes were never compiled: the notice comes, once.
    assert compiling.will_compile(kernel, _args(3))
    compiling.compiled_kernel(*_args(3))
    compiling.compiled_kernel(*_args(3))
    assert len(said) == 1 and "Compiling the simulation kernel" in said[0]
    assert f"{compiling.USUAL_SECONDS} s" in said[0]
