"""Material in transit: shipments arrive after their route's lag (reference kernel; the fast
kernel agrees step by step in test_kernel_steps.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from tests.strategies import BASE, DS

from reesim.errors import InputError
from reesim.kernel.reference import run_reference
from reesim.kernel.state import Outputs
from reesim.model.compile import compile_scenario, route_classes
from reesim.model.scenario import ExportControl, Scenario

MAGNET = 3
USA, CHN, JPN = BASE.dims.node("USA"), BASE.dims.node("CHN"), BASE.dims.node("JPN")


def _run(far: float, near: float, months: int = 12, *instruments: object) -> Outputs:
    scenario = Scenario("t", start="2025-01", months=months, instruments=tuple(instruments),  # type: ignore[arg-type]
                        parameters={"transit_months": far, "transit_months_regional": near},
                        demand_outlook="none")  # fmt: skip
    return run_reference(compile_scenario(scenario, DS, BASE), keep_trade=True)


def test_routes_within_a_region_are_regional() -> None:
    classes = route_classes(DS, BASE.dims)
    assert classes[CHN, JPN] == 0 and classes[JPN, CHN] == 0  # both in Asia
    assert classes[CHN, USA] == 1 and classes[USA, CHN] == 1
    assert classes[BASE.dims.node("DEU"), BASE.dims.node("FRA")] == 0
    row = BASE.dims.node("ROW")
    assert (classes[row] == 1).all() and (classes[:, row] == 1).all()  # the rest of the world: no region


def test_without_lags_nothing_is_under_way_and_imports_are_shipments() -> None:
    out = _run(0.0, 0.0)
    assert not out.transit.any()
    assert out.trade is not None
    np.testing.assert_allclose(out.imports, out.trade.sum(axis=4), rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize(("far", "near"), [(1.0, 0.3), (1.5, 0.1), (0.5, 0.5)])
def test_what_leaves_and_has_not_arrived_is_under_way(far: float, near: float) -> None:
    """World balance: exports - imports each month = the change of goods in transit; at the
    start the goods under way are the base year's monthly shipments times each route's lag."""
    ban = ExportControl(exporter="CHN", materials=("magnet", "oxide"), start="2025-03", approval_share=0.0)
    out = _run(far, near, 12, ban)
    lag = np.where(route_classes(DS, BASE.dims) == 0, near, far)  # [X, I]
    start = float(np.einsum("kixe,xi->", BASE.trade, lag))
    under_way = np.concatenate([[start], out.transit[0].sum(axis=(1, 2, 3))])
    sent_not_arrived = (out.exports[0] - out.imports[0]).sum(axis=(1, 2, 3))
    np.testing.assert_allclose(np.diff(under_way), sent_not_arrived, rtol=1e-9, atol=1e-6)
    assert under_way[0] > 0


def test_a_ban_stops_departures_at_once_and_arrivals_a_lag_later() -> None:
    """China bans magnet exports from month 3: nothing leaves for the US from then on, but what
    left in month 2 still arrives in month 3 (a lag of one month), and nothing after."""
    ban = ExportControl(exporter="CHN", materials=("magnet",), destinations=("USA",), start="2025-03",
                        approval_share=0.0, review_months=0.0)  # fmt: skip
    out = _run(1.0, 0.3, 6, ban)
    assert out.trade is not None
    from_china = out.trade[0, :, MAGNET, USA, CHN].sum(axis=-1)  # shipments leaving China for the US
    assert from_china[1] > 0 and from_china[2:].max() == 0.0
    imports = out.imports[0, :, MAGNET, USA].sum(axis=-1)
    others = out.trade[0, :, MAGNET, USA].sum(axis=(1, 2)) - from_china  # from other exporters
    # Month 3 receives month 2's shipments from everyone (lag 1.0: all arrive a month later).
    assert imports[2] == pytest.approx(out.trade[0, 1, MAGNET, USA].sum(), rel=1e-9)
    assert imports[3] == pytest.approx(others[2], rel=1e-9, abs=1e-9)


def test_outputs_are_continuous_in_the_lag() -> None:
    ban = ExportControl(exporter="CHN", materials=("magnet",), start="2025-03", approval_share=0.2)
    a, b = _run(1.0, 0.3, 12, ban), _run(1.01, 0.3, 12, ban)
    for name in ("imports", "unmet", "inventory", "transit"):
        x, y = getattr(a, name), getattr(b, name)
        assert np.abs(x - y).max() <= 0.05 * max(1.0, float(np.abs(x).max())), name


def test_steady_state_holds_with_lags() -> None:
    """Without a policy the base year repeats: goods under way stay at their starting level and
    nobody is short (importers order to keep the supply line full)."""
    out = _run(1.5, 0.5, 24)
    under_way = out.transit[0].sum(axis=(1, 2, 3))
    np.testing.assert_allclose(under_way, under_way[0], rtol=1e-9)
    assert out.unmet.max() <= 1e-9


def test_a_negative_lag_is_bad_input() -> None:
    scenario = Scenario("t", start="2025-01", months=3, parameters={"transit_months": -1.0})
    with pytest.raises(InputError) as err:
        compile_scenario(scenario, DS, BASE)
    assert err.value.problems[0].field == "transit_months"
    scenario = replace(scenario, parameters={"transit_months_regional": float("inf")})
    with pytest.raises(InputError):
        compile_scenario(scenario, DS, BASE)
