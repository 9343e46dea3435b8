"""The fast (Numba) kernel agrees with the NumPy reference kernel on random scenarios."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from tests.test_engine_invariants import BASE, DS, scenarios

from reesim.kernel.fast import run_fast
from reesim.kernel.reference import run_reference
from reesim.model.compile import compile_scenario
from reesim.model.scenario import Scenario

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
    "price",
    "recycled",
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios)
def test_fast_matches_reference(scenario: Scenario) -> None:
    inputs = compile_scenario(scenario, DS, BASE)
    ref, fast = run_reference(inputs, runs=2), run_fast(inputs, runs=2)
    for name in FIELDS:
        a, b = getattr(ref, name), getattr(fast, name)
        scale = max(1.0, float(np.abs(a).max()))
        assert np.abs(a - b).max() <= 1e-9 * scale, name


def test_fast_is_deterministic_and_runs_are_independent() -> None:
    from reesim.model.scenario import ExportControl

    scenario = Scenario(
        "ban",
        start="2025-01",
        months=12,
        instruments=(
            ExportControl(exporter="CHN", materials=("magnet",), start="2025-03", approval_share=0.2),
        ),
    )
    inputs = compile_scenario(scenario, DS, BASE)
    one, three = run_fast(inputs, runs=1), run_fast(inputs, runs=3)
    for name in FIELDS:
        assert np.array_equal(getattr(one, name)[0], getattr(three, name)[2]), name
