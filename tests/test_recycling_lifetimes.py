"""End-of-life recycling follows the lifetimes of the products holding the magnets."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from pydantic import ValidationError
from tests.strategies import BASE, DS

from reesim.errors import InputError
from reesim.instruments.recycling import RecyclingSpec
from reesim.kernel.fast import run_fast
from reesim.kernel.reference import discard, run_reference
from reesim.model.compile import compile_scenario
from reesim.model.dims import MAGNET, OXIDE
from reesim.model.lifetimes import LIFE_ORDER, LIFE_PARAMETERS, LIFE_SECTORS, sector_shares, steady_stock
from reesim.model.scenario import DemandChange, Recycling, Scenario
from reesim.uncertainty.sample import parameter_ranges

RATE = DS.parameter("eol_collection_rate") * DS.parameter("eol_recovery_rate")
USA, JPN = BASE.dims.node("USA"), BASE.dims.node("JPN")
ONE_YEAR = dict.fromkeys(LIFE_PARAMETERS, 1.0)


def test_sector_shares_are_end_products_and_the_rest() -> None:
    shares = sector_shares(DS)
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)
    assert shares[LIFE_SECTORS.index("ev_traction")] == pytest.approx(0.35)
    assert shares[LIFE_SECTORS.index("wind")] == pytest.approx(0.039)
    assert shares[LIFE_SECTORS.index("other")] == pytest.approx(1 - 0.35 - 0.039 - 0.245 - 0.02)


def test_constant_use_returns_use_times_the_rates() -> None:
    still = Scenario("still", start="2025-01", months=6, demand_outlook="none")
    out = run_reference(compile_scenario(still, DS, BASE))
    expected = RATE * BASE.final[MAGNET]
    for t in range(6):
        assert np.allclose(out.recycled[0, t, OXIDE], expected, rtol=1e-12, atol=1e-12)
    assert out.recycled[0, 5, OXIDE].sum() == pytest.approx(BASE.recycled.sum(), rel=1e-12)


def _chain(life_months: float, months: int, step: float) -> np.ndarray:
    """Discards of one sector's chain in steady state with use 1, after use steps to ``step``."""
    use = np.ones((1, 1, 1))
    held = steady_stock(use, np.array([1.0]), np.array([[life_months]]))
    state = SimpleNamespace(magnet_used=use * step, in_use=held, wear=np.array([[LIFE_ORDER / life_months]]))
    inputs = SimpleNamespace(use_shares=np.array([1.0]))
    return np.array([float(discard(inputs, state)[0, 0, 0]) for _ in range(months)])  # type: ignore[arg-type]


def test_the_chain_delays_a_step_in_use_by_the_lifetime() -> None:
    life = 60.0
    out = _chain(life, 2000, step=2.0)
    assert out[0] == pytest.approx(1.0, rel=1e-12)  # nothing used after the step is discarded yet
    assert out[-1] == pytest.approx(2.0, rel=1e-9)  # a new steady state
    added = np.diff(np.concatenate([[1.0], out]))  # discards of the step, by month after it entered
    delay = float((np.arange(out.size) * added).sum() / added.sum())
    assert delay == pytest.approx(life, abs=1e-6)  # the mean delay of the chain is the lifetime
    assert added[:LIFE_ORDER].sum() == 0.0  # a month in each stage at least
    assert LIFE_ORDER < int(np.argmax(added)) < life  # an Erlang spread: the mode comes before the mean


def test_a_drop_in_use_reaches_the_returns_after_the_lifetimes() -> None:
    shock = DemandChange(material="magnet", start="2025-03", shock=-0.5, nodes=("USA",))
    scenario = Scenario(
        "drop", start="2025-01", months=72, instruments=(shock,), parameters=ONE_YEAR, demand_outlook="none"
    )
    out = run_reference(compile_scenario(scenario, DS, BASE))
    used = out.consumption[0, :, MAGNET, USA].sum(axis=1)
    back = out.recycled[0, :, OXIDE, USA].sum(axis=1)
    assert used[3] < 0.6 * used[1]  # use fell with demand
    fall = back[1] - back  # how far returns have fallen, by month
    assert fall[3] < 0.01 * fall[-1]  # not the next month
    assert fall[-1] == pytest.approx(RATE * (used[1] - used[-1]), rel=0.02)
    added = np.diff(fall)[1:]  # month t+1 less month t, from month 2 on
    months = np.arange(2, 2 + added.size) - 2  # months after the use fell (from 2025-03)
    delay = float((months * added).sum() / added.sum())
    assert delay == pytest.approx(12.0 + 1.0, abs=1.5)  # a year's life, plus the month of use


def test_raising_collection_in_a_scenario_raises_returns() -> None:
    def usa_returns(*instruments: Recycling) -> float:
        scenario = Scenario("r", start="2025-01", months=3, instruments=instruments)
        out = run_reference(compile_scenario(scenario, DS, BASE))
        return float(out.recycled[0, 2, OXIDE, USA].sum())

    before = usa_returns()
    collected = usa_returns(Recycling(start="2025-02", nodes=("USA",), collection=0.2))
    recovered = usa_returns(Recycling(start="2025-02", nodes=("USA",), collection=0.2, recovery=1.0))
    assert before == pytest.approx(RATE * BASE.final[MAGNET, USA].sum(), rel=1e-12)
    assert collected == pytest.approx(before * 0.2 / DS.parameter("eol_collection_rate"), rel=1e-9)
    assert recovered == pytest.approx(collected / DS.parameter("eol_recovery_rate"), rel=1e-9)


@pytest.mark.compile
def test_both_kernels_agree_on_returns_with_lifetimes_drawn_per_run() -> None:
    shock = DemandChange(material="magnet", start="2025-02", shock=-0.3, nodes=("DEU", "JPN"))
    lives = {name: np.array([1.0, 4.0]) for name in LIFE_PARAMETERS}
    scenario = Scenario("drop", start="2025-01", months=30, parameters=lives,
                        instruments=(shock, Recycling(start="2025-06", collection=0.3)))  # fmt: skip
    inputs = compile_scenario(scenario, DS, BASE)
    ref, fast = run_reference(inputs, runs=2), run_fast(inputs, runs=2)
    scale = float(np.abs(ref.recycled).max())
    assert np.abs(ref.recycled - fast.recycled).max() <= 1e-9 * scale
    assert np.abs(ref.production - fast.production).max() <= 1e-9 * float(np.abs(ref.production).max())
    # shorter lives bring the drop in use to the returns sooner
    eu = BASE.dims.node("DEU")
    assert ref.recycled[0, 12, OXIDE, eu].sum() < ref.recycled[1, 12, OXIDE, eu].sum()


def test_lifetimes_and_rates_are_drawn_in_monte_carlo() -> None:
    ranges = parameter_ranges(DS)
    for name in (*LIFE_PARAMETERS, "eol_collection_rate", "eol_recovery_rate"):
        low, default, high = ranges[name]
        assert low < default < high or low <= default < high, name


def test_a_lifetime_shorter_than_the_chain_is_refused() -> None:
    scenario = Scenario("short", start="2025-01", months=2, parameters={"product_life_years_wind": 0.1})
    with pytest.raises(InputError, match="product_life_years_wind"):
        compile_scenario(scenario, DS, BASE)


def test_recycling_takes_rate_or_collection_and_recovery() -> None:
    with pytest.raises(ValidationError, match="not both"):
        RecyclingSpec(kind="recycling", start="2025-01", rate=0.1, collection=0.2)
    with pytest.raises(ValidationError, match="needs collection"):
        RecyclingSpec(kind="recycling", start="2025-01")
    assert RecyclingSpec(kind="recycling", start="2025-01", recovery=0.95).recovery == 0.95


def test_magnet_makers_scrap_is_the_named_secondary_supply() -> None:
    assert BASE.swarf.sum() == pytest.approx((26_504 + 160) / 12)  # Argus: PrNd and Tb oxide from scrap, 2024
    assert BASE.swarf.sum() * 12 == pytest.approx(BASE.diagnostics["secondary_from_scrap_t_per_yr"])
    chn = BASE.dims.node("CHN")
    assert (BASE.swarf[chn] <= BASE.secondary + 1e-9).all() and BASE.swarf.sum() == BASE.swarf[chn].sum()


def test_magnet_makers_scrap_follows_their_output_without_a_lifetime() -> None:
    chn = BASE.dims.node("CHN")
    growth = DemandChange(material="magnet", start="2025-02", shock=0.3)
    more = Scenario("more", start="2025-01", months=8, instruments=(growth,), demand_outlook="none")
    out = run_reference(compile_scenario(more, DS, BASE))
    made = out.production[0, :, MAGNET, chn].sum(axis=1) / BASE.production[MAGNET, chn].sum()
    assert made[-2] > 1.02  # China's magnet makers answer the orders
    oxide = out.production[0, :, OXIDE, chn]
    own = out.feed[0, :, 0, chn] * BASE.yields[OXIDE] + BASE.secondary[None] + out.recycled[0, :, OXIDE, chn]
    assert np.allclose(oxide[0], own[0], rtol=1e-12)  # the base year's scrap in the first month
    for t in range(1, 8):  # then in proportion to last month's magnet output
        assert np.allclose(oxide[t] - own[t], BASE.swarf[chn] * (made[t - 1] - 1.0), rtol=1e-9, atol=1e-9)
