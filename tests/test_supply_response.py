"""Producers answer orders they cannot fill: output rises toward the unfilled orders, at most
``output_headroom_share`` above the base year (reference kernel; the fast kernel agrees step by
step in test_kernel_steps.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from tests.strategies import BASE, DS

from reesim.kernel.reference import month_steps, run_reference
from reesim.kernel.state import Outputs
from reesim.model.compile import compile_scenario
from reesim.model.scenario import Scenario
from reesim.scenarios import resolve

OXIDE = 1
CHN = BASE.dims.node("CHN")
DY = BASE.dims.elements.index("Dy")


def _buildout(headroom: float) -> Outputs:
    scenario = resolve("allied-buildout", DS)
    scenario = replace(scenario, parameters={**scenario.parameters, "output_headroom_share": headroom})
    return run_reference(compile_scenario(scenario, DS, BASE))


def test_china_exports_more_oxide_when_plants_abroad_ask_for_it() -> None:
    """``allied-buildout`` (no controls): new metal and magnet plants outside China ask for more
    oxide. With spare capacity China's oxide exports rise by more than a tenth by 2035; without
    any, they rise by less than half as much (China's own users, facing higher prices, leave a
    little more to export), and the Dy oxide price outside China rises higher."""
    responds, frozen = _buildout(0.1), _buildout(0.0)
    exports = [o.exports[0, :, OXIDE, CHN].sum(axis=1) for o in (responds, frozen)]
    rise = [e[-12:].mean() / e[:12].mean() - 1.0 for e in exports]
    assert rise[0] > 0.1 and rise[1] < 0.5 * rise[0]
    dy = [o.price[0, :, OXIDE, 1, DY] / o.price[0, 0, OXIDE, 1, DY] for o in (responds, frozen)]
    assert dy[1].max() > dy[0].max()


def test_output_stays_within_spare_capacity() -> None:
    """Output multiples stay between 1 and 1 + ``output_headroom_share`` in every month, and in
    the baseline (every order filled) they stay at exactly 1."""
    scenario = replace(resolve("allied-buildout", DS), months=60)
    inputs = compile_scenario(scenario, DS, BASE)
    shape = (1, 60, 4, BASE.dims.n_nodes, BASE.dims.n_elements)
    highest = 1.0
    for _, _, step, state, _ in month_steps(inputs, 1, Outputs.zeros(*shape[:2], *shape[2:])):
        if step == "respond":
            assert state.util.min() >= 1.0
            highest = max(highest, float(state.util.max()))
    assert 1.05 < highest <= 1.1 + 1e-12
    baseline = compile_scenario(Scenario("baseline", start="2025-01", months=24), DS, BASE)
    for _, _, step, state, _ in month_steps(baseline, 1, Outputs.zeros(1, 24, *shape[2:])):
        if step == "respond":
            assert np.abs(state.util - 1.0).max() < 1e-9
