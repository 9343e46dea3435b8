"""The compiled kernel is compiled once per lane count: the bundles of a single scenario and of
a drawn Monte Carlo batch, in full and in series mode, have the same Numba types (a read-only or
non-contiguous array would be a new type, and a new compile of several minutes)."""

from __future__ import annotations

import numpy as np
from numba import typeof
from tests.strategies import BASE, DS

from reesim.kernel import bundles
from reesim.kernel.fast import _compact_buffers
from reesim.kernel.state import Outputs
from reesim.model.compile import Inputs, compile_scenario
from reesim.scenarios import load, resolve
from reesim.uncertainty.sample import draw_batch


def _types(inputs: Inputs, runs: int, on: bool) -> list[object]:
    n_n = BASE.dims.n_nodes
    members = np.eye(n_n)[:3] if on else np.zeros((1, n_n))
    out = Outputs.zeros(runs, len(inputs.months), 4, n_n, BASE.dims.n_elements)
    found = bundles.build(inputs, runs, out, _compact_buffers(runs, 2, 3, 16, 4), members, on)
    return [typeof(b) for b in found]  # type: ignore[no-untyped-call]


def test_one_compiled_kernel_serves_single_runs_and_batches() -> None:
    single = compile_scenario(resolve("april-2025", DS), DS, BASE)
    drawn = compile_scenario(draw_batch(load("race", DS), DS, 3, list(range(5))), DS, BASE)
    assert drawn.runs == 5
    reference = _types(single, 1, False)
    for types in (_types(single, 3, True), _types(drawn, 5, True), _types(drawn, 5, False)):
        assert types == reference
