"""The fast (Numba) kernel agrees with the NumPy reference kernel on random scenarios."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from tests.agreement import FIELDS, assert_kernels_agree
from tests.strategies import BASE, DS, scenarios

from reesim.kernel.fast import run_fast
from reesim.model.compile import compile_scenario
from reesim.model.scenario import Scenario


@pytest.mark.slow
@pytest.mark.compile
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios)
def test_fast_matches_reference(scenario: Scenario) -> None:
    assert_kernels_agree(compile_scenario(scenario, DS, BASE))


@pytest.mark.compile
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


@pytest.mark.compile
def test_reused_output_buffer_gives_identical_results() -> None:
    """A dirty buffer from another scenario is fully overwritten (losses and recycled included)."""
    from reesim.model.scenario import ExportControl, Recycling

    months = 24
    dirty = Scenario("dirty", start="2025-01", months=months, instruments=(
        ExportControl(exporter="CHN", materials=("oxide", "magnet"), start="2025-02", approval_share=0.1),
        Recycling(nodes=("DEU",), start="2025-01", rate=0.3),
    ))  # fmt: skip
    clean = Scenario("clean", start="2025-01", months=months)
    buffer = run_fast(compile_scenario(dirty, DS, BASE), runs=2)
    for name in FIELDS:
        getattr(buffer, name)[...] = 7.0  # garbage everywhere
    inputs = compile_scenario(clean, DS, BASE)
    reused = run_fast(inputs, runs=2, out=buffer)
    fresh = run_fast(inputs, runs=2)
    assert reused is buffer
    for name in FIELDS:
        assert np.array_equal(getattr(reused, name), getattr(fresh, name)), name


@pytest.mark.compile
def test_output_buffer_of_wrong_shape_is_refused() -> None:
    inputs = compile_scenario(Scenario("s", start="2025-01", months=6), DS, BASE)
    buffer = run_fast(inputs, runs=1)
    with pytest.raises(ValueError, match="expected"):
        run_fast(inputs, runs=2, out=buffer)


@pytest.mark.compile
def test_runs_side_by_side_equal_runs_alone() -> None:
    """The kernel simulates runs in groups of ``LANES``; a batch that fills one group and part of
    another gives each run exactly (bit for bit) what simulating it alone gives."""
    from reesim.kernel.fast import run_fast_series
    from reesim.kernel.lanes import LANES
    from reesim.results.series import place_members
    from reesim.scenarios import resolve
    from reesim.uncertainty.sample import draw_batch

    race = resolve("race", DS)
    members = place_members(DS, BASE)
    indices = tuple(range(LANES + 3))
    batch = run_fast_series(compile_scenario(draw_batch(race, DS, 5, indices), DS, BASE), members)
    for row in (0, LANES - 1, LANES, LANES + 2):
        alone = run_fast_series(compile_scenario(draw_batch(race, DS, 5, (row,)), DS, BASE), members)
        for name in ("demand", "unmet", "magnet_stock", "stockpile", "production_outside", "use_outside",
                     "price", "floor_cost"):  # fmt: skip
            assert np.array_equal(getattr(batch, name)[row], getattr(alone, name)[0]), (name, row)
    assert batch.unmet[:, :, :, 0].max() > 0  # the race scenario leaves magnet demand unmet


def test_kernel_cache_is_renewed_when_a_called_module_changes() -> None:
    """Numba does not renew the cached kernel when only a module it calls changes (see
    ``CALLED_SOURCES``): a stale compiled kernel would silently disagree with the sources."""
    import hashlib
    from pathlib import Path

    import reesim
    from reesim.kernel import fast_kernel

    root = Path(reesim.__file__).parent
    digest = hashlib.sha256()
    for name in fast_kernel.CALLED_MODULES:
        digest.update((root / name).read_bytes())
    assert digest.hexdigest()[:16] == fast_kernel.CALLED_SOURCES, (
        "a module the compiled kernel calls has changed: set CALLED_SOURCES in "
        f"reesim/kernel/fast_kernel.py to {digest.hexdigest()[:16]!r}, so that Numba recompiles the kernel"
    )


@pytest.mark.compile
def test_content_rule_reads_origin_carried_through_earlier_stages() -> None:
    """The China-origin share a content rule reads is carried from stage to stage, element by
    element: a rule on metal and magnets needs the share of its elements tracked in concentrate
    and oxide too (the kernel tracks only such pairs). The fast kernel agrees with the reference,
    and the rule changes the outcome, so a share not carried along would show."""
    from reesim.model.scenario import ExportControl

    elements = ("Dy", "Tb", "Nd", "Pr")
    licences = ExportControl(
        exporter="CHN",
        materials=("oxide", "metal", "magnet"),
        elements=elements,
        start="2025-02",
        approval_share=0.3,
    )
    rule = ExportControl(
        exporter="CHN",
        materials=("metal", "magnet"),
        elements=elements,
        start="2025-06",
        content_threshold=0.001,
        content_only=True,
        approval_share=0.0,
    )

    def scenario(*controls: ExportControl) -> Scenario:
        return Scenario("content", start="2025-01", months=24, instruments=controls)

    ruled = compile_scenario(scenario(licences, rule), DS, BASE)
    _, fast = assert_kernels_agree(ruled, runs=1)
    free = run_fast(compile_scenario(scenario(licences), DS, BASE), runs=1)
    assert not np.array_equal(free.imports, fast.imports)  # the rule has an effect
