"""The calibrated base year is balanced, and a run with no policy change reproduces it."""

from __future__ import annotations

import numpy as np
import pytest

from reesim.dataset import Dataset
from reesim.engine.run import run
from reesim.model.baseline import Baseline, build_baseline, mine_output
from reesim.model.dims import Dims
from reesim.model.scenario import Scenario


@pytest.fixture(scope="module")
def base(dataset: Dataset) -> Baseline:
    return build_baseline(dataset)


def test_mine_output_is_usgs_raised_to_the_clay_feed(dataset: Dataset) -> None:
    """USGS country totals, except Laos: its ionic-clay feed to China (11,594 t gross in China's
    2023 customs data, held for 2024, at 0.5 t REO per t gross) is its mine output."""
    dims = Dims.from_dataset(dataset)
    mp = dataset.mine_production
    rows = mp[(mp["year"] == 2024) & (mp["edition"] == "MCS2026") & (mp["iso3"] != "WLD")]
    mine = mine_output(dataset, dims)
    assert mine.sum() == pytest.approx(rows["quantity"].sum() + 5_797.0)
    assert mine[dims.node("CHN")] == 270_000
    assert mine[dims.node("MMR")] == 27_000
    assert mine[dims.node("LAO")] == pytest.approx(5_797.0)


def test_profiles_are_shares(base: Baseline) -> None:
    mining = base.mine > 0
    assert np.allclose(base.profile[mining].sum(axis=1), 1.0)
    assert (base.profile >= 0).all()


def test_world_balance_per_material_and_element(base: Baseline) -> None:
    for k in range(4):
        used = base.final[k].sum(axis=0) + base.feed[k].sum(axis=0)
        assert np.allclose(base.production[k].sum(axis=0), used, rtol=1e-12, atol=1e-9)


def test_conversion_uses_yields(base: Baseline) -> None:
    for k in (2, 3):
        assert np.allclose(base.production[k], base.feed[k - 1] * base.yields[k])
    oxide = base.feed[0] * base.yields[1] + base.recycled
    oxide[base.dims.node("CHN")] += base.secondary
    assert np.allclose(base.production[1], oxide)


def test_trade_shares_are_row_stochastic(base: Baseline) -> None:
    produced = base.production.sum(axis=1) > 0  # [K, E]: elements made anywhere
    sums = base.shares.sum(axis=2)  # [K, N, E]
    assert np.allclose(sums[np.broadcast_to(produced[:, None, :], sums.shape)], 1.0)
    assert np.allclose(sums[np.broadcast_to(~produced[:, None, :], sums.shape)], 0.0)


@pytest.mark.compile
def test_no_policy_run_reproduces_base_year(dataset: Dataset, base: Baseline) -> None:
    result = run(Scenario("baseline", months=24, demand_outlook="none"), dataset=dataset, baseline=base)
    scale = base.production.max()
    assert np.abs(result["production"].values[0] - base.production[None]).max() <= 1e-9 * scale
    assert np.abs(result["imports"].values[0] - base.trade.sum(axis=2)[None]).max() <= 1e-9 * scale
    assert float(result["unmet"].sum()) <= 1e-9 * float(result["demand"].sum())
    assert np.allclose(result["price"].values[0], base.prices[:, None, :][None], rtol=1e-12)


def test_china_share_of_separation_and_magnets(base: Baseline) -> None:
    china = base.dims.node("CHN")
    assert base.production[1, china].sum() / base.production[1].sum() > 0.85
    assert base.production[3, china].sum() / base.production[3].sum() > 0.85


def test_secondary_supply_names_chinas_magnet_scrap_and_states_the_rest(base: Baseline) -> None:
    """China's secondary supply in the base year is short only in Nd, Pr and Tb (a light-element
    gap, Tb aside): 26,664 t a year of it is the oxide China recovered from NdFeB scrap in 2024
    (reported: 26,504 t PrNd and 160 t Tb); the rest, about 53,200 t, is unexplained and stays
    under 14% of the world's mine output (the share docs/model.md states)."""
    d, dims = base.diagnostics, base.dims
    short = {s: round(float(base.secondary[dims.element(s)]) * 12) for s in dims.elements}
    assert {s for s, t in short.items() if t > 0} == {"Nd", "Pr", "Tb"}
    assert short["Nd"] == pytest.approx(58_027, abs=5)
    assert short["Pr"] == pytest.approx(21_186, abs=5)
    assert short["Tb"] == pytest.approx(646, abs=5)
    assert d["secondary_from_scrap_t_per_yr"] == pytest.approx(26_504.0 + 160.0)
    total = d["secondary_from_scrap_t_per_yr"] + d["secondary_unexplained_t_per_yr"]
    assert total == pytest.approx(d["secondary_supply_t_per_yr"])
    assert d["secondary_unexplained_t_per_yr"] == pytest.approx(53_195, abs=5)
    share = d["secondary_unexplained_share_of_mine"]
    assert share == pytest.approx(d["secondary_unexplained_t_per_yr"] / (base.mine.sum() * 12))
    assert 0.13 < share < 0.14


def test_magnet_stage_draw_and_the_swarf_china_recovers(dataset: Dataset, base: Baseline) -> None:
    """The figures docs/model.md gives for the need side of the gap: the magnet stage draws
    142,000 t REO a year of Nd, Pr, Dy and Tb oxide and the magnets made hold 103,000 t of the four
    metals (the reported tonnages taken as magnets made, their input 1/magnet_yield_sintered
    times that); the PrNd oxide China recovers from scrap (26,504 t) is 22% of the Nd and Pr
    metal its magnet makers take in here (24% of that in the reported tonnage)."""
    dims = base.dims
    metal = dict(zip(dataset.elements["symbol"], dataset.elements["oxide_to_metal"], strict=True))
    four = [dims.element(s) for s in ("Nd", "Pr", "Dy", "Tb")]
    drawn = float(base.feed[1][:, four].sum()) * 12
    made = sum(float(base.production[3][:, e].sum()) * 12 * float(metal[dims.elements[e]]) for e in four)
    assert drawn == pytest.approx(142_168, abs=5) and made == pytest.approx(103_386, abs=5)
    taken = base.feed[2] * 12
    yield_ = dataset.parameter("magnet_yield_sintered")
    assert taken.sum() == pytest.approx(base.production[3].sum() * 12 / yield_)
    china = dims.node("CHN")
    ndpr = sum(float(taken[china, dims.element(s)]) * float(metal[s]) for s in ("Nd", "Pr"))
    assert 26_504 * float(metal["Nd"]) / ndpr == pytest.approx(0.22, abs=0.01)


def test_chinas_ndpr_oxide_against_the_trades_figures(base: Baseline) -> None:
    """The figures docs/model.md sets against the trade's for China's 2024 PrNd oxide (about
    106,000 t made, Argus; 44,500-45,500 t of it from the mining quota and 20,000-21,000 t from
    imported ore, Metalnomist's forecast): the base year's China makes 129,900 t of Nd and Pr
    oxide, 42,900 t of it from its own mines (the forecast's share of the quota) and 7,000 t from
    the 74,200 t REO of concentrate it imports, 27,000 t of that Myanmar's."""
    dims = base.dims
    china, ndpr = dims.node("CHN"), [dims.element("Nd"), dims.element("Pr")]
    y_sep = float(base.yields[1])
    made = float(base.production[1][china, ndpr].sum()) * 12
    own = float(base.production[0][china, ndpr].sum()) * 12 * y_sep
    imported = base.trade[0][china] * 12  # [exporter, element] t REO in concentrate
    imported[china] = 0.0
    assert made == pytest.approx(129_850, abs=5)
    assert own == pytest.approx(42_913, abs=5)
    assert own / 270_000 == pytest.approx(45_000 / 285_000, abs=0.002)  # the forecast's share of the quota
    assert float(imported[:, ndpr].sum()) * y_sep == pytest.approx(6_979, abs=5)
    assert float(imported.sum()) == pytest.approx(74_248, abs=5)
    assert float(imported[dims.node("MMR")].sum()) == pytest.approx(27_000)


def test_clay_feed_goes_to_china_and_is_about_half_its_heavy_feed(base: Baseline) -> None:
    """Myanmar's 27,000 t and Laos' 5,797 t REO of ionic-clay feed all go to China's plants, and
    make 54% of China's heavy-circuit feed (Reuters: China relied on Myanmar for about half of
    its heavy rare-earth feedstock); heavy separation outside China stays below 2% of the world's."""
    dims, d = base.dims, base.diagnostics
    china = dims.node("CHN")
    for exporter, tonnes in (("MMR", 27_000.0), ("LAO", 5_797.0)):
        shipped = base.trade[0][:, dims.node(exporter)].sum(axis=1) * 12  # [N importers]
        assert shipped[china] == pytest.approx(tonnes)
        assert shipped.sum() == pytest.approx(tonnes)
    assert d["clay_feed_t_per_yr"] == pytest.approx(32_797.0)
    assert d["clay_share_of_china_heavy_feed"] == pytest.approx(0.539, abs=0.001)
    assert 0.4 < d["clay_share_of_china_heavy_feed"] < 0.7
    oxide = base.production[1]
    for e in np.flatnonzero(base.heavy & (oxide.sum(axis=0) > 0)):  # Sm to Lu and Y
        assert 1 - oxide[china, e] / oxide[:, e].sum() < 0.02, dims.elements[e]
    assert 1 - oxide[china, dims.element("Tb")] / oxide[:, dims.element("Tb")].sum() < 0.003
