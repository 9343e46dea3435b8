"""Test helper: the fast (Numba) kernel and the NumPy reference kernel give the same outputs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reesim.kernel.fast import run_fast
from reesim.kernel.reference import run_reference
from reesim.kernel.state import Outputs
from reesim.model.compile import Inputs

#: Every output both kernels write.
FIELDS = (
    "production",
    "imports",
    "exports",
    "feed",
    "consumption",
    "demand",
    "unmet",
    "losses",
    "inventory",
    "stockpile",
    "released",
    "price",
    "recycled",
    "floor_cost",
    "stockpile_cost",
    "project_output",
    "sector_demand",
    "sector_unmet",
    "sector_stock",
)


def assert_kernels_agree(
    inputs: Inputs, names: Sequence[str] = FIELDS, runs: int = 2
) -> tuple[Outputs, Outputs]:
    """Run both kernels on ``inputs`` and require each output in ``names`` to agree within 1e-9
    of the reference's largest value (at least 1: t, USD/kg or USD); returns (reference, fast)."""
    ref, fast = run_reference(inputs, runs=runs), run_fast(inputs, runs=runs)
    for name in names:
        a, b = getattr(ref, name), getattr(fast, name)
        scale = max(1.0, float(np.abs(a).max(initial=0.0)))  # (a scenario may have no projects)
        assert np.abs(a - b).max(initial=0.0) <= 1e-9 * scale, name
    return ref, fast
