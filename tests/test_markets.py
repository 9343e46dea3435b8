"""The market: prices from inventory cover and expectations, precautionary buying, separated
markets, projects financed on expected prices, plants idling against their costs and floors that
pay producers (reference kernel; the fast kernel agrees step by step in test_kernel_steps.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from tests.agreement import assert_kernels_agree
from tests.strategies import BASE, DS

import reesim
from reesim.kernel.reference import month_steps, run_reference
from reesim.kernel.state import Outputs
from reesim.model.compile import compile_scenario
from reesim.model.scenario import CapacityProject, ExportControl, ExportQuota, PriceFloor, Scenario
from reesim.scenarios import resolve

OXIDE, METAL, MAGNET = 1, 2, 3
CHN, USA, AUS = (BASE.dims.node(c) for c in ("CHN", "USA", "AUS"))
ND, DY = (BASE.dims.elements.index(e) for e in ("Nd", "Dy"))
CHINA, OUTSIDE = 0, 1


def _run(scenario: Scenario) -> Outputs:
    return run_reference(compile_scenario(scenario, DS, BASE))


def _scenario(*instruments: object, months: int = 36) -> Scenario:
    return Scenario(
        "market",
        start="2025-01",
        months=months,
        instruments=instruments,  # type: ignore[arg-type]
        demand_outlook="none",
    )


def test_without_policy_prices_stay_at_the_base_year() -> None:
    """Cover, expectations, desired cover and arbitrage all sit at their base-year values when
    nothing changes: every price stays at p0 for ten years (to 1e-9 relative)."""
    out = _run(_scenario(months=120))
    p0 = BASE.prices[None, :, None, :]
    assert np.allclose(out.price[0], np.broadcast_to(p0, out.price[0].shape), rtol=1e-9, atol=1e-9)


def test_a_quota_raises_the_outside_price_month_after_month_and_splits_the_markets() -> None:
    """China's oxide exports capped at a third of the base year: the outside Nd oxide price climbs
    for months (the expected price follows it) to more than 1.5 times China's, which stays within
    5% of its base (China's metal, which it exports in the base year, is not capped)."""
    exported = BASE.trade[OXIDE][:, CHN, :].sum() * 12
    out = _run(_scenario(ExportQuota("CHN", ("oxide",), exported / 3, "2025-01"), months=24))
    outside = out.price[0, :, OXIDE, OUTSIDE, ND] / BASE.prices[OXIDE, ND]
    china = out.price[0, :, OXIDE, CHINA, ND] / BASE.prices[OXIDE, ND]
    peak = int(np.argmax(outside[:12]))
    assert peak >= 2 and (np.diff(outside[: peak + 1]) > 0).all()
    assert outside[peak] > 1.5 * china[peak] and outside[peak] > 2.0
    assert abs(china[11] - 1.0) < 0.05


def test_licences_hold_the_markets_apart_and_free_trade_joins_them() -> None:
    """Dy licensed at 10% for 12 months: the outside Dy oxide price rises above China's; a year
    after the licences end the gap between the two prices is less than a third of what it was
    under them (with ``arbitrage_share`` below 1, trade joins the markets only in part)."""
    control = ExportControl("CHN", ("oxide", "metal", "magnet"), "2025-02", elements=("Dy",),
                            end="2026-02", approval_share=0.1)  # fmt: skip
    out = _run(_scenario(control, months=36))
    dy = out.price[0, :, OXIDE, :, DY]
    assert dy[4, OUTSIDE] > 1.5 * dy[4, CHINA]
    assert abs(dy[-1, OUTSIDE] / dy[-1, CHINA] - 1.0) < (dy[4, OUTSIDE] / dy[4, CHINA] - 1.0) / 3


def test_buyers_raise_their_desired_cover_when_licences_hold_back_supply() -> None:
    """Under the Dy licence importers outside China raise their desired cover of Dy oxide above
    the base year's (precautionary buying: Japan's by more than a third); China's own guard
    stays at 1, and its market's desired cover moves only with its price trend (within 10%)."""
    control = ExportControl("CHN", ("oxide", "metal", "magnet"), "2025-01", elements=("Dy",),
                            approval_share=0.1)  # fmt: skip
    inputs = compile_scenario(_scenario(control, months=6), DS, BASE)
    shape = (1, 6, 4, BASE.dims.n_nodes, BASE.dims.n_elements)
    jpn = BASE.dims.node("JPN")
    for _, _, step, state, _ in month_steps(inputs, 1, Outputs.zeros(*shape)):
        if step == "prices":
            guard, hoard = state.guard[0, OXIDE, :, DY].copy(), state.hoard[0, OXIDE, :, DY].copy()
    assert guard[jpn] > 1.3
    assert guard[CHN] == 1.0
    assert abs(hoard[CHINA] - 1.0) < 0.1


def _project(**kw: object) -> CapacityProject:
    base = dict(node="AUS", material="oxide", nameplate=6000.0, start="2026-01", ramp_months=12.0,
                name="new-plant", capex_usd=3e9, opex_usd_per_kg=10.0, committed=False)  # fmt: skip
    return CapacityProject(**{**base, **kw})  # type: ignore[arg-type]


def test_an_uneconomic_project_waits_and_is_cancelled_and_a_floor_finances_it() -> None:
    """A planned separation plant whose capex (3 bn USD for 6,000 t/yr) the base-year price does
    not recover is never built: it waits from its decision month and is cancelled. A floor of
    400 USD/kg on its Nd and Pr (a fifth of what its light circuit makes) finances it: it
    produces, and the floor's cost is what it pays."""
    alone = _run(_scenario(_project(), months=48))
    assert alone.project_output[0].max() == 0.0
    floor = PriceFloor("oxide", ("Nd", "Pr"), 400.0, "2025-01", producers=("new-plant",))
    floored = _run(_scenario(_project(), floor, months=48))
    assert floored.project_output[0, -1, 0] > 0.9 * 6000.0 / 12
    assert floored.floor_cost[0].sum() > 0.0
    assert alone.floor_cost[0].sum() == 0.0


def test_the_floor_pays_the_gap_on_covered_output() -> None:
    """The floor's cost in a month is the covered project's output (t/month x 1,000 kg) times
    the gap between the floor and the outside price, weighted by its output mix."""
    floor = PriceFloor("oxide", ("Nd", "Pr"), 200.0, "2025-01", producers=("new-plant",))
    inputs = compile_scenario(_scenario(_project(committed=True), floor, months=30), DS, BASE)
    out = run_reference(inputs)
    t = 29
    level = out.project_output[0, t, 0]
    price_start = out.price[0, t - 1, OXIDE, OUTSIDE]  # the price the month starts with
    mix = inputs.proj_mix[0]
    gap = np.maximum(inputs.price_floor[0, t, OXIDE] - price_start, 0.0)
    assert np.isclose(out.floor_cost[0, t], level * 1000.0 * float((gap * mix).sum()), rtol=1e-9)


def test_a_rich_project_is_built_early_and_a_committed_one_on_time() -> None:
    """Cheap enough to pay twice its cost at base prices: financed at its decision month and
    started ``project_accelerate_months`` early; committed: on its planned start."""
    cheap = _run(_scenario(_project(capex_usd=0.0, opex_usd_per_kg=1.0), months=36))
    committed = _run(_scenario(_project(capex_usd=0.0, opex_usd_per_kg=1.0, committed=True), months=36))
    planned = 12  # 2026-01
    first = int(np.flatnonzero(cheap.project_output[0, :, 0] > 0)[0])
    on_time = int(np.flatnonzero(committed.project_output[0, :, 0] > 0)[0])
    accelerate = float(DS.parameter("project_accelerate_months"))
    assert on_time == planned
    assert first == planned - round(accelerate)


def _without_floors(scenario: Scenario) -> Scenario:
    kept = tuple(i for i in scenario.instruments if not isinstance(i, PriceFloor))
    return replace(scenario, instruments=kept)


def test_removing_the_floor_in_a_price_war_idles_mountain_pass_and_the_floor_has_a_cost() -> None:
    """``price-war`` with and without the US NdPr floor: with it, the floor pays Mountain Pass a
    positive sum (its public cost) and holds its separation up; without it nothing is paid and,
    once China's flood (from January 2028) has brought prices down, Mountain Pass idles: the US
    makes less than half the oxide in 2030-2032 (a quarter: traders' expectations follow the
    falling price over about a year, so it idles over 2029-2030)."""
    war = resolve("price-war", DS)
    a, b = _run(war), _run(_without_floors(war))
    assert a.floor_cost[0].sum() > 1e6
    assert b.floor_cost[0].sum() == 0.0
    war_years = slice(60, 96)  # 2030-01 to 2032-12
    made = [o.production[0, war_years, OXIDE, USA].sum() for o in (a, b)]
    assert made[1] < 0.5 * made[0]


def test_in_race_the_floor_pays_only_in_months_the_price_is_below_it() -> None:
    """``race``: the floor's public cost is positive, and it pays nothing in a month when the
    outside Nd and Pr oxide prices were at or above the floor (USD/kg) in that month and the one
    before (a floor pays the gap to the price, on the elements it covers)."""
    race = resolve("race", DS)
    inputs = compile_scenario(race, DS, BASE)
    out = run_reference(inputs)
    paid = out.floor_cost[0]
    assert paid.sum() > 1e6
    pr = BASE.dims.elements.index("Pr")
    floor = inputs.price_floor[0, :, OXIDE][:, [ND, pr]]
    above = (out.price[0, :, OXIDE, OUTSIDE][:, [ND, pr]] >= floor).all(axis=1)
    clear = above[1:] & above[:-1]
    assert clear.any()
    assert (paid[1:][clear] == 0.0).all()


def test_no_shortage_raises_a_price_above_the_backstop() -> None:
    """China exports next to nothing for four years: with a backstop of 10 times the base price,
    outside China prices climb until they meet it and go no higher, in any market, material or
    element; with the backstop out of reach the same shortage takes them past 20 times the base
    price, so the bound is what holds them."""
    quota = ExportQuota("CHN", ("concentrate", "oxide", "metal", "magnet"), 1.0, "2025-01")
    p0 = BASE.prices[None, :, None, :]
    bounded = replace(_scenario(quota, months=48), parameters={"price_backstop_multiple": 10.0})
    held = _run(bounded).price[0] / p0
    assert np.nanmax(held) <= 10.0 * (1.0 + 1e-12)
    assert np.nanmax(held[:, :, OUTSIDE]) >= 0.99 * 10.0
    free = replace(_scenario(quota, months=48), parameters={"price_backstop_multiple": 1e9})
    assert np.nanmax(_run(free).price[0] / p0) > 20.0


def test_outside_china_a_converters_cost_floors_its_price_only_where_controls_hold_chinas_back() -> None:
    """China's oxide and metal exports capped at a third of the base year, its magnets free (as
    under the 2010-2014 quotas): outside China the magnet price follows China's, not the dear
    outside metal over the yield (below 0.6 of that in month 7), and the magnet makers outside
    China, squeezed between them, idle: under half their base output after a year. With China's
    magnets held back too (an embargo on all three), the outside magnet price is at least the
    outside metal price over the yield in every month."""
    exported = 12 * (BASE.trade[OXIDE][:, CHN, :].sum() + BASE.trade[METAL][:, CHN, :].sum())
    quota = _run(_scenario(ExportQuota("CHN", ("oxide", "metal"), exported / 3, "2025-01"), months=13))
    price = quota.price[0, :, :, :, ND]  # [T, K, market]
    assert price[6, MAGNET, OUTSIDE] < 0.6 * price[6, METAL, OUTSIDE] / BASE.yields[MAGNET]
    assert abs(price[6, MAGNET, OUTSIDE] / price[6, MAGNET, CHINA] - 1.0) < 0.05
    outside = [n for n in range(BASE.dims.n_nodes) if n != CHN]
    made = quota.production[0, 12, MAGNET][outside].sum()
    assert made < 0.5 * BASE.production[MAGNET][outside].sum()
    embargo = ExportControl("CHN", ("oxide", "metal", "magnet"), "2025-01", approval_share=0.0)
    held = _run(_scenario(embargo, months=12)).price[0, :, :, OUTSIDE, ND]
    assert np.all(held[:, MAGNET] >= held[:, METAL] / BASE.yields[MAGNET] * (1 - 1e-12))


def test_concentrate_never_costs_more_than_the_oxide_it_makes() -> None:
    """``race``: concentrate outside China sells for at most last month's oxide price times the
    separation yield, so separators that buy their feed keep running when allied projects glut
    La and Ce: the rest of the world's separation stays at its base output through 2029 (before
    the bound, concentrate rose to 2-4 times the oxide price and it fell to a fifth in 2027) and
    nobody outside China is short of La."""
    out = _run(resolve("race", DS))
    conc, oxide = out.price[0, 1:, 0, 1], out.price[0, :-1, OXIDE, 1]  # [T - 1, E], outside China
    assert np.all(conc <= oxide * BASE.yields[OXIDE] * (1 + 1e-12))
    row = BASE.dims.node("ROW")
    made = out.production[0, :60, OXIDE, row].sum(axis=1)  # 2025-2029
    assert made.min() > 0.95 * BASE.production[OXIDE, row].sum()
    la = BASE.dims.element("La")
    outside = [n for n in range(BASE.dims.n_nodes) if n != BASE.dims.node("CHN")]
    assert out.unmet[0, :, OXIDE][:, outside, la].sum() < 1.0


def test_in_race_the_floor_keeps_mountain_pass_running_in_draws_where_prices_fall(
    tmp_path: Path,
) -> None:
    """``race`` as a Monte Carlo, with and without the US NdPr floor, same seed (same draws): in
    the central run NdPr outside China stays just above Mountain Pass's idling price in 2027-2028,
    but in many draws it falls below it. There the floor holds Mountain Pass's separation up, so
    the US makes more oxide with the floor than without it in no draw less, and in at least a
    quarter of the draws more; the oxide it keeps coming changes other projects' output in some
    draws (by more than 100 t over the run); and the floor's public cost is positive in every
    draw."""
    path = tmp_path / "race-no-floor.yaml"
    path.write_text(
        "name: race-no-floor\nextends: [race]\ntitle: race without the floor\n"
        "start: 2025-01\nhorizon: 2035-12\nremove: [ndpr-floor]\n",
        encoding="utf-8",
    )
    with_floor = reesim.run("race", runs=32, seed=7, progress=False)
    without = reesim.run(path, runs=32, seed=7, progress=False)
    before_floor = slice(0, 9)  # 2025-01 to 2025-09: the floor starts in 2025-10
    assert np.array_equal(with_floor.price.isel(month=before_floor), without.price.isel(month=before_floor))
    us_oxide = [
        r.production.sel(material="oxide", node="USA").sum(("element", "month")).values
        for r in (with_floor, without)
    ]
    gained = us_oxide[0] - us_oxide[1]  # t over 2025-2035, per draw
    assert (gained > -1e-6 * us_oxide[1]).all()
    assert (gained > 100.0).sum() >= 8
    moved = abs(with_floor.project_output - without.project_output).sum("month").max("run")
    assert float(moved.max()) > 100.0
    assert (with_floor.floor_cost.sum("month") > 1e6).all()
    assert float(without.floor_cost.sum()) == 0.0


def _capped_magnets_free(months: int, end: str = "2025-07", **parameters: float) -> Outputs:
    """China's oxide and metal exports capped at a third of the base year until ``end``, then
    free, its magnets free throughout (as under the 2010-2014 quotas), on the base year's demand;
    without the quota's licence rent unless ``quota_rent_rate`` is given, and with the importers'
    precaution against the cap held (no fade) unless ``precaution_quota_fade_months`` is given, so
    that these tests see the squeeze of the cap alone (the rent and the fade have their own,
    ``tests/test_quota_rent.py`` and ``tests/test_quota_precaution.py``)."""
    exported = 12 * (BASE.trade[OXIDE][:, CHN, :].sum() + BASE.trade[METAL][:, CHN, :].sum())
    quota = ExportQuota("CHN", ("oxide", "metal"), exported / 3, "2025-01", end=end)
    scenario = Scenario(
        "market",
        start="2025-01",
        months=months,
        instruments=(quota,),
        parameters={"quota_rent_rate": 0.0, "precaution_quota_fade_months": 1e9, **parameters},
        demand_outlook="none",
    )
    return run_reference(compile_scenario(scenario, DS, BASE))


def test_magnet_makers_outside_china_that_stay_idle_close_and_do_not_restart() -> None:
    """Squeezed by an 18-month quota, the magnet makers outside China idle (about a quarter of
    their base output after a year, an eighth at the lowest); idle for long, part of their
    capacity closes (``closure_idle_months``), so when the quota ends and oxide is cheap again
    they make 85% of their base output two and a half years on. With plants that never close they
    restart: all of it, over 1.15 times as much."""
    outside = [n for n in range(BASE.dims.n_nodes) if n != CHN]
    base = BASE.production[MAGNET][outside].sum()
    capped = _capped_magnets_free(48, "2026-07")
    assert capped.production[0, 12, MAGNET][outside].sum() < 0.3 * base
    closing = capped.production[0, 47, MAGNET][outside].sum()
    never = _capped_magnets_free(48, "2026-07", closure_idle_months=1e9)
    lasting = never.production[0, 47, MAGNET][outside].sum()
    assert DS.parameter("closure_idle_months") == 57.91
    assert closing < 0.9 * base
    assert lasting > 1.15 * closing and lasting == pytest.approx(base, rel=0.01)


def test_a_rise_calls_for_the_substitution_ceiling_in_proportion_to_its_size() -> None:
    """Substitution heads for the share (price / base - 1) / (``substitution_full_multiple`` - 1),
    at most 1, of its ceiling: under a quota that keeps oxide outside China at a few times its base
    price, a full multiple of 20 cuts a small part of what a multiple of 2 cuts of the outside
    market's oxide demand, against the same run without substitution."""
    outside = [n for n in range(BASE.dims.n_nodes) if n != CHN]

    def used(**parameters: float) -> float:
        out = _capped_magnets_free(6, substitution_lag_months=1.0, **parameters)
        return float(out.demand[0, 5, OXIDE][outside].sum())

    whole = used(substitution_max_share=0.0, heavy_thrift_max_share=0.0)
    doubling = 1.0 - used(substitution_full_multiple=2.0) / whole
    twenty = 1.0 - used(substitution_full_multiple=20.0) / whole
    assert doubling > 0.01
    assert 0.0 < twenty < 0.3 * doubling


@pytest.mark.compile
def test_both_kernels_close_idle_converters_and_scale_substitution_alike() -> None:
    """The fast kernel closes idle converter capacity and scales substitution as the reference
    kernel does (a quota that idles the magnet makers outside China for 18 months, closure within
    a year, substitution in full at three times the base price)."""
    exported = 12 * (BASE.trade[OXIDE][:, CHN, :].sum() + BASE.trade[METAL][:, CHN, :].sum())
    quota = ExportQuota("CHN", ("oxide", "metal"), exported / 3, "2025-01", end="2026-07")
    parameters = {"closure_idle_months": 12.0, "substitution_full_multiple": 3.0,
                  "substitution_lag_months": 6.0}  # fmt: skip
    scenario = Scenario("market", start="2025-01", months=30, instruments=(quota,), parameters=parameters)
    names = ("production", "demand", "price", "unmet")
    _, fast = assert_kernels_agree(compile_scenario(scenario, DS, BASE), names)
    outside = [n for n in range(BASE.dims.n_nodes) if n != CHN]
    assert fast.production[0, 29, MAGNET][outside].sum() < 0.5 * BASE.production[MAGNET][outside].sum()
