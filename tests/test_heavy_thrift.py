"""Heavy rare earths in magnets are thrifted up to their own ceiling (``heavy_thrift_max_share``),
Nd and Pr only up to ``substitution_max_share``, both over ``substitution_lag_months``, in both
kernels."""

from __future__ import annotations

import numpy as np
import pytest
from tests.agreement import assert_kernels_agree
from tests.strategies import BASE, DS

from reesim.kernel.fast import run_fast
from reesim.kernel.reference import month_steps, run_reference
from reesim.kernel.state import Outputs
from reesim.model.baseline import thriftable_elements
from reesim.model.compile import Inputs, compile_scenario
from reesim.model.dims import MAGNET
from reesim.model.scenario import ExportControl, Scenario

DIMS = BASE.dims
DY, TB, ND, PR = (DIMS.element(x) for x in ("Dy", "Tb", "Nd", "Pr"))
OUTSIDE = 1  # the market outside China, where the controls raise the heavy prices
#: China withholds every form of Dy and Tb from February 2025: their prices outside China more
#: than double within three months and stay there.
HEAVY_CONTROL = (
    ExportControl(
        exporter="CHN", materials=("oxide", "metal", "magnet"), elements=("Dy", "Tb"), start="2025-02"
    ),
)


def _scenario(**parameters: float) -> Scenario:
    return Scenario("heavy", start="2025-01", months=12, instruments=HEAVY_CONTROL, parameters=parameters)


def _magnet_sub(inputs: Inputs) -> np.ndarray:
    """[T, market, E] the substituted share of magnet demand after each month's prices (run 0)."""
    shape = (1, len(inputs.months), 4, DIMS.n_nodes, DIMS.n_elements)
    return np.array([state.sub[0, MAGNET].copy() for _, _, step, state, _ in
                     month_steps(inputs, 1, Outputs.zeros(*shape)) if step == "prices"])  # fmt: skip


def test_the_thriftable_elements_are_the_heavy_rare_earths() -> None:
    found = {DIMS.elements[e] for e in np.flatnonzero(thriftable_elements(BASE.magnet_grades))}
    assert found == {"Dy", "Tb"}


def test_heavy_ceiling_is_larger_than_the_light_one() -> None:
    assert DS.parameter("heavy_thrift_max_share") == 0.5
    assert DS.parameter("heavy_thrift_max_share") > DS.parameter("substitution_max_share")


def test_a_sustained_heavy_price_rise_thrifts_dy_to_the_heavy_ceiling_and_nd_to_the_light() -> None:
    """Prices that more than double call for the whole ceiling when ``substitution_full_multiple``
    is 2."""
    scenario = _scenario(substitution_lag_months=1.0, substitution_full_multiple=2.0)
    inputs = compile_scenario(scenario, DS, BASE)
    sub = _magnet_sub(inputs)[:, OUTSIDE]
    heavy, light = DS.parameter("heavy_thrift_max_share"), DS.parameter("substitution_max_share")
    assert sub[3:, DY] == pytest.approx(heavy, abs=1e-12)
    assert sub[3:, TB] == pytest.approx(heavy, abs=1e-12)
    assert sub[3:, ND] == pytest.approx(light, abs=1e-12)
    assert sub[3:, PR] == pytest.approx(light, abs=1e-12)
    # Final magnet demand for Dy falls by the heavy ceiling, Nd's by the light one (price
    # responses and the scenario's demand index taken out).
    out = run_reference(inputs, runs=1)
    usa = DIMS.node("USA")
    el = DS.parameter("demand_price_elasticity")
    t = len(inputs.months) - 1
    seen = out.price[0, t - 1, MAGNET, OUTSIDE] / BASE.prices[MAGNET]  # the price demand answers
    left = [out.demand[0, t, MAGNET, usa, e] / BASE.final[MAGNET, usa, e] / seen[e] ** el for e in (DY, ND)]
    assert left[0] / left[1] == pytest.approx((1.0 - heavy) / (1.0 - light), rel=1e-9)


def test_thrifting_lags_the_price() -> None:
    inputs = compile_scenario(_scenario(), DS, BASE)
    sub = _magnet_sub(inputs)[:, OUTSIDE, DY]
    lag, heavy = DS.parameter("substitution_lag_months"), DS.parameter("heavy_thrift_max_share")
    months = np.arange(1, sub.size + 1)
    assert (np.diff(sub) >= 0.0).all()
    assert 0.05 < sub[-1] < heavy * (1.0 - (1.0 - 1.0 / lag) ** months[-1])
    assert (sub <= heavy * (1.0 - (1.0 - 1.0 / lag) ** months) + 1e-12).all()


@pytest.mark.compile
def test_both_kernels_thrift_alike() -> None:
    inputs = compile_scenario(_scenario(substitution_lag_months=3.0), DS, BASE)
    assert_kernels_agree(inputs, ("demand", "consumption", "unmet", "price", "production", "inventory"))


@pytest.mark.compile
@pytest.mark.parametrize("runner", [run_reference, run_fast])
def test_without_price_moves_the_heavy_ceiling_changes_nothing(runner: object) -> None:
    def outputs(ceiling: float) -> Outputs:
        parameters = {"heavy_thrift_max_share": ceiling}
        scenario = Scenario("quiet", start="2025-01", months=24, parameters=parameters, demand_outlook="none")
        return runner(compile_scenario(scenario, DS, BASE), runs=1)  # type: ignore[operator, no-any-return]

    same, other = outputs(DS.parameter("substitution_max_share")), outputs(0.8)
    for name in ("production", "demand", "consumption", "unmet", "price", "inventory"):
        assert np.array_equal(getattr(same, name), getattr(other, name)), name
