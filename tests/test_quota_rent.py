"""The licence rent of an export quota: one tonnage over several forms and elements makes its
licences scarce when more is asked than it allows, and the rent per kg is the same for every
element it covers (:meth:`reesim.model.limits.Quotas.rents`)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from tests.agreement import assert_kernels_agree
from tests.strategies import BASE, DS

from reesim.kernel.reference import month_steps, run_reference
from reesim.kernel.state import Outputs
from reesim.model.compile import compile_scenario
from reesim.model.dims import MATERIALS, OXIDE
from reesim.model.limits import quotas
from reesim.scenarios import resolve

CHN = BASE.dims.node("CHN")
CE = BASE.dims.elements.index("Ce")


def _two_quotas(tonnes: float = 1200.0):  # type: ignore[no-untyped-def]
    """Two quotas of ``tonnes`` t/yr on node 0's oxide of two elements weighted 3:1, the second
    continuing the first from month 12; base prices 10 and 2 USD/kg (basket 8 USD/kg)."""
    covers = np.zeros((4, 2), dtype=bool)
    covers[OXIDE] = True
    weight = np.zeros((4, 2))
    weight[OXIDE] = (0.75, 0.25)
    prices = np.zeros((4, 2))
    prices[OXIDE] = (10.0, 2.0)
    rules = [(0, 0, 12, covers, weight, tonnes, False), (0, 12, 24, covers, weight, tonnes, False)]
    return quotas(rules, 4, 2, prices)


#: ``price_backstop_multiple``: the rent is at most this times the basket price.
MOST = np.array([50.0, 50.0])


def test_the_rent_moves_toward_rate_x_basket_x_excess_and_is_one_for_every_covered_element() -> None:
    """Cap 100 t/month. Asked 300 t: the goal is 0.5 x 8 x (3 - 1) = 8 USD/kg, a quarter of the
    way in a month over 4 months: 2, then 3.5; asked 50 t (within the cap): the goal is 0 and the
    rent falls by a quarter. Both covered elements carry the same rent; other materials none."""
    q = _two_quotas()
    assert q.basket[0] == 8.0 and list(q.follows) == [-1, 0]
    rent = np.zeros((2, 2))
    asked = np.zeros((2, 4, 1, 2))
    asked[0, OXIDE, 0] = (200.0, 100.0)
    asked[1, OXIDE, 0] = (30.0, 20.0)
    rate, adjust = np.array([0.5, 0.5]), np.array([4.0, 4.0])
    cell = q.rents(0, rent, asked, rate, adjust, MOST, origin=0)
    np.testing.assert_allclose(rent[:, 0], [2.0, 0.0])
    np.testing.assert_allclose(cell[0, OXIDE], [2.0, 2.0])
    assert (cell[:, [0, 2, 3]] == 0.0).all()
    q.rents(1, rent, asked, rate, adjust, MOST, origin=0)
    np.testing.assert_allclose(rent[:, 0], [3.5, 0.0])
    asked[0, OXIDE, 0] = (30.0, 20.0)
    q.rents(2, rent, asked, rate, adjust, MOST, origin=0)
    np.testing.assert_allclose(rent[:, 0], [3.5 * 0.75, 0.0])


def test_a_continuing_quota_keeps_the_rent_and_only_china_s_quotas_lift_prices() -> None:
    """The second quota starts from the first's rent; an exporter other than China has a rent
    but no rent on China's exports; a cap of 0 licenses nothing and has none."""
    q = _two_quotas()
    rent = np.array([[6.0, 0.0]])
    asked = np.zeros((1, 4, 1, 2))
    asked[0, OXIDE, 0] = (150.0, 50.0)  # twice the cap: goal 0.5 x 8 x 1 = 4
    cell = q.rents(12, rent, asked, np.array([0.5]), np.array([4.0]), MOST[:1], origin=3)
    np.testing.assert_allclose(rent[0, 1], 6.0 + (4.0 - 6.0) / 4.0)
    assert (cell == 0.0).all()
    assert (
        q.rents(24, rent, asked, np.array([0.5]), np.array([4.0]), MOST[:1], origin=0).max() == 0.0
    )  # none in force
    shut = _two_quotas(0.0)
    rent = np.array([[6.0, 0.0]])
    assert shut.rents(0, rent, asked, np.array([0.5]), np.array([4.0]), MOST[:1], origin=0).max() == 0.0
    assert rent[0, 0] == 0.0


def test_a_minute_cap_gives_the_backstop_s_rent_and_none_below_a_microgram() -> None:
    """A cap of 1e-9 t a month asked 200 t: the goal is at most the backstop, 50 x 8 = 400
    USD/kg (not 0.5 x 8 x 2e11), a quarter of the way in a month: 100; a cap below 1e-12 t a month
    licenses nothing: no rent, and no overflow."""
    asked = np.zeros((1, 4, 1, 2))
    asked[0, OXIDE, 0] = (150.0, 50.0)
    rent = np.zeros((1, 2))
    _two_quotas(12e-9).rents(0, rent, asked, np.array([0.5]), np.array([4.0]), MOST[:1], origin=0)
    np.testing.assert_allclose(rent[0, 0], 100.0)
    rent = np.array([[6.0, 0.0]])
    _two_quotas(1e-320).rents(0, rent, asked, np.array([0.5]), np.array([4.0]), MOST[:1], origin=0)
    assert rent[0, 0] == 0.0


def test_under_the_2010_2014_quotas_china_s_exports_sell_outside_for_china_s_price_plus_the_rent() -> None:
    """In quota-2010 the rent rises while the quotas bind and, in every month it is positive,
    every oxide price outside China is at least China's plus the rent (or the backstop); Ce
    oxide outside China then rises far more, relative to its price, than Dy oxide (the same rent
    on a cheap and a dear element), and more than with no rent."""
    inputs = compile_scenario(resolve("quota-2010", DS), DS, BASE)
    shape = (1, len(inputs.months), len(MATERIALS), BASE.dims.n_nodes, BASE.dims.n_elements)
    backstop = inputs.params["price_backstop_multiple"][0] * BASE.prices[OXIDE]
    rents, outside, least = [], [], []
    for _, _, name, state, _ in month_steps(inputs, 1, Outputs.zeros(*shape)):
        if name == "limits":
            rents.append(state.rent_cell[0, OXIDE].copy())
        elif name == "prices":
            outside.append(state.price[0, OXIDE, 1].copy())
            least.append(np.minimum(state.price[0, OXIDE, 0] + rents[-1], backstop))
    rent = np.array(rents)
    assert rent.max() > 5.0  # USD/kg
    on = rent > 0.0
    assert on.any(axis=1).sum() > 24  # months
    assert (np.array(outside)[on] >= np.array(least)[on] - 1e-9).all()
    price = run_reference(inputs).price[0, :, OXIDE, 1]  # [T, E] outside China
    none = run_reference(replace(inputs, params={**inputs.params, "quota_rent_rate": np.zeros(1)}))
    dy = BASE.dims.elements.index("Dy")
    p0 = BASE.prices[OXIDE]
    assert price[:, CE].max() / p0[CE] > 5.0 * price[:, dy].max() / p0[dy]
    assert price[:, CE].max() > 3.0 * none.price[0, :, OXIDE, 1, CE].max()


def test_the_kernels_agree_under_a_quota_rent() -> None:
    """The 2010-2014 quotas as shipped (shared by base-year exports), with their rent: the fast
    kernel gives the reference kernel's outputs."""
    assert_kernels_agree(compile_scenario(resolve("quota-2010", DS), DS, BASE))
