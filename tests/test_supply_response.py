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
from reesim.model.scenario import Scenario, Stockpile
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
    a run on the base year's demand (every order filled) they stay at exactly 1."""
    scenario = replace(resolve("allied-buildout", DS), months=60)
    inputs = compile_scenario(scenario, DS, BASE)
    shape = (1, 60, 4, BASE.dims.n_nodes, BASE.dims.n_elements)
    highest = 1.0
    for _, _, step, state, _ in month_steps(inputs, 1, Outputs.zeros(*shape[:2], *shape[2:])):
        if step == "respond":
            assert state.util.min() >= 1.0
            highest = max(highest, float(state.util.max()))
    assert 1.05 < highest <= 1.0 + DS.parameter("output_headroom_share") + 1e-12
    baseline = compile_scenario(Scenario("flat", start="2025-01", months=24, demand_outlook="none"), DS, BASE)
    for _, _, step, state, _ in month_steps(baseline, 1, Outputs.zeros(1, 24, *shape[2:])):
        if step == "respond":
            assert np.abs(state.util - 1.0).max() < 1e-9


def _buying_nd_pr(purchase_per_yr: float) -> Outputs:
    """Two years from 2025 without controls; a US Nd/Pr oxide stockpile buys ``purchase_per_yr``
    t a year towards a 50,000 t target and never releases (none when 0)."""
    pile = Stockpile(holder="USA", material="oxide", target=50_000.0, purchase_per_yr=purchase_per_yr,
                     start="2025-01", elements=("Nd", "Pr"), initial=0.0, release_shortfall=1.0)  # fmt: skip
    instruments = (pile,) if purchase_per_yr > 0 else ()
    return run_reference(compile_scenario(Scenario("nd-pr-buying", start="2025-01", months=24,
                                                   instruments=instruments), DS, BASE))  # fmt: skip


def test_orders_for_nd_and_pr_raise_the_light_circuit_only() -> None:
    """A US stockpile buying 12,000 t a year of Nd/Pr oxide leaves orders to China unfilled:
    China's light separation circuit takes in about 7% more Nd concentrate over two years, while
    its heavy circuit's intake of Y, Dy and Tb concentrate stays within 1% (one output multiple
    for both circuits raised it by 7% too, drawing Myanmar's ionic-clay concentrate away from
    Lynas's heavy circuit in Malaysia)."""
    without, buying = _buying_nd_pr(0.0), _buying_nd_pr(12_000.0)
    fed = [o.feed[0, :, 0, CHN].sum(axis=0) for o in (without, buying)]  # [E] t over two years
    dims = BASE.dims
    assert fed[1][dims.element("Nd")] > 1.05 * fed[0][dims.element("Nd")]
    for el in ("Y", "Dy", "Tb"):
        e = dims.element(el)
        assert fed[1][e] < 1.01 * fed[0][e], el
