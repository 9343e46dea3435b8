"""Demand that grows along a published outlook: the path, the scenario field, the compiled tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.scenario_files import problems
from tests.strategies import DS

from reesim.model.baseline import build_baseline
from reesim.model.compile import compile_scenario
from reesim.model.outlook import demand_growth, outlook_ids, outlook_level
from reesim.model.scenario import Scenario
from reesim.scenarios import resolve

BASE = build_baseline(DS)


@pytest.mark.parametrize(("outlook", "expected"), [("steps", 1.55 ** (6 / 16)), ("aps", None)])
def test_magnet_demand_in_2030_within_ten_percent_of_the_outlook(
    outlook: str, expected: float | None
) -> None:
    """The baseline's world magnet demand in mid-2030 over mid-2024, as compiled, is within 10% of
    the outlook's growth over the same years (steps: 55% from 2024 to 2040, log-linear; aps: 131 kt
    in 2030 over its 2024 level on the 93 kt (2023) to 131 kt (2030) path)."""
    scenario = Scenario("grow", start="2024-07", months=80, demand_outlook=outlook)
    inputs = compile_scenario(scenario, DS, BASE)
    magnet = 3
    final = BASE.final[magnet].sum(axis=1)  # [N]
    world = (inputs.demand_index[0, :, magnet, :] * final[None]).sum(axis=1)  # [T] t/month
    model = world[72] / world[0]  # 2030-07 over 2024-07
    if expected is None:
        expected = 131_000 / float(outlook_level(DS, "aps", np.array([2024.5]))[0])
    assert model == pytest.approx(expected, rel=0.10)
    assert model == pytest.approx(expected, rel=0.01)  # the path is followed, not just approached


def test_aps_level_in_2030_is_the_iea_figure() -> None:
    """The table's aps path passes through the IEA's 93 kt (2023) and 131 kt (2030)."""
    level = outlook_level(DS, "aps", np.array([2023.0, 2030.0]))
    assert level == pytest.approx([93_000.0, 131_000.0])


def test_no_growth_before_the_base_year() -> None:
    """A backtest of 2010-2014 runs on the base year's demand under every outlook."""
    for outlook in outlook_ids(DS):
        assert np.all(demand_growth(DS, outlook, "2010-01", 60) == 1.0)


def test_none_keeps_the_base_year() -> None:
    """``none`` asks for the base year's demand in every month, and nothing grows."""
    inputs = compile_scenario(Scenario("flat", start="2025-01", months=24, demand_outlook="none"), DS, BASE)
    assert np.all(inputs.demand_index == 1.0)
    assert np.all(inputs.supply_growth == 0.0)
    assert np.all(inputs.use_index == 1.0)


def test_growth_keeps_the_world_supply_in_step_with_demand() -> None:
    """Per unit of growth, the producers add the world's base-year output of every stage (magnets,
    metal) and the mines what separation needs: the base year scaled up."""
    inputs = compile_scenario(Scenario("grow", start="2025-01", months=24, demand_outlook="aps"), DS, BASE)
    production, by = BASE.production, inputs.grow_by
    for k in (2, 3):
        added = (production[k] * by[k]).sum(axis=0)
        assert added == pytest.approx(production[k].sum(axis=0), rel=1e-9, abs=1e-9)
    lead = inputs.supply_growth[0, 12] + 1.0  # [K, E] supply runs ahead of demand, mines most
    nd = DS.elements["symbol"].tolist().index("Nd")
    assert lead[0, nd] > lead[1, nd] > lead[2, nd] > lead[3, nd] > inputs.demand_index[0, 12, 3, 0] > 1.0


def test_oxide_supply_with_scrap_grows_at_the_oxide_pace() -> None:
    """China's magnet makers' scrap follows their output a month back, at magnets' pace; the
    separators and the unexplained secondary supply make up the difference, so that in every
    month the world's oxide supply of each element grows by what oxide's lead on the outlook asks
    (``g`` a working stock times its lead ahead), t/month."""
    from reesim.model.growth import _separated, leads

    months = 36
    inputs = compile_scenario(Scenario("grow", start="2025-01", months=months), DS, BASE)
    chn = BASE.dims.node("CHN")
    s, by = inputs.supply_growth[0], inputs.grow_by  # [T, K, E], [K, N, E]
    per_unit = (_separated(BASE) * by[1]).sum(axis=0) + inputs.secondary_growth  # [E] t/month
    scrap = BASE.swarf[chn] * by[3, chn].max()  # [E] t/month per unit of magnets' s
    before = np.vstack([np.zeros((1, s.shape[2])), s[:-1, 3]])  # magnets' s a month back
    added = per_unit * s[:, 1] + scrap * before  # [T, E] what the kernel adds to oxide supply
    g = demand_growth(DS, "steps", "2025-01", months + 24)
    ahead = np.arange(months)[:, None] + DS.parameter("working_stock_months") * leads(BASE)[1][None]
    asked = (per_unit + scrap) * (np.interp(ahead, np.arange(g.size), g) - 1.0)  # [T, E]
    assert added == pytest.approx(asked, rel=1e-9, abs=1e-9)
    nd = DS.elements["symbol"].tolist().index("Nd")
    assert scrap[nd] > 100.0 and np.all(before[1:, nd] < s[1:, 1, nd])  # Nd's scrap runs behind


def test_unknown_outlook_is_refused_with_its_field(tmp_path: Path) -> None:
    """An unknown outlook names the field, the file and line, and suggests the nearest id."""
    found = problems(tmp_path, "name: x\nstart: 2025-01\nhorizon: 2026-12\ndemand_outlook: step\n")
    assert [(p.field, p.line) for p in found] == [("demand_outlook", 4)]
    assert "unknown demand outlook 'step'" in found[0].message
    assert "steps" in found[0].hint


def test_outlook_must_be_text(tmp_path: Path) -> None:
    """A number where the outlook's id belongs is refused at its line."""
    found = problems(tmp_path, "name: x\nstart: 2025-01\nhorizon: 2026-12\ndemand_outlook: 3\n")
    assert [p.line for p in found] == [4]
    assert found[0].field == "demand_outlook"


def test_outlook_is_inherited(tmp_path: Path) -> None:
    """A child file keeps its parent's outlook unless it names another."""
    (tmp_path / "parent.yaml").write_text("name: p\nstart: 2025-01\nhorizon: 2026-12\ndemand_outlook: aps\n")
    child = tmp_path / "child.yaml"
    child.write_text("name: c\nextends: parent.yaml\n")
    assert resolve(str(child), DS).demand_outlook == "aps"
    child.write_text("name: c\nextends: parent.yaml\ndemand_outlook: none\n")
    assert resolve(str(child), DS).demand_outlook == "none"


def test_default_outlook_is_steps() -> None:
    """Scenarios that name no outlook grow along the IEA's Stated Policies Scenario."""
    assert resolve("baseline", DS).demand_outlook == "steps"
    assert Scenario("x").demand_outlook == "steps"


def test_baseline_grows_steadily() -> None:
    """The baseline (``steps``, to December 2035, reference kernel) is steady: world magnet demand
    grows as the outlook does (about 35%), none of it goes unmet, the magnet chain's stocks keep
    their cover, every price in China stays within 10% of the base year's (oxides within 3%,
    magnets within 1%), and no price cycles (a month moves it at most 1%)."""
    from reesim.engine.run import run

    out = run(resolve("baseline", DS), dataset=DS, baseline=BASE, kernel="reference").isel(run=0)
    demand = out.demand.sum(["node", "element"])
    unmet = out.unmet.sum(["node", "element"])
    assert float(unmet.max()) <= 1e-6 * float(demand.max())
    magnets = demand.sel(material="magnet")
    assert float(magnets[-1] / magnets[0]) == pytest.approx(1.55 ** (131 / 12 / 16), rel=0.02)
    traded = ["La", "Ce", "Pr", "Nd", "Sm", "Gd", "Tb", "Dy", "Y"]
    china = out.price.sel(market="china", element=traded)
    moved = china / china.isel(month=0)
    assert float(np.abs(moved - 1).max()) < 0.10
    assert float(np.abs(moved.sel(material="oxide") - 1).max()) < 0.03
    assert float(np.abs(moved.sel(material="magnet") - 1).max()) < 0.01
    assert float(np.abs(moved.diff("month")).max()) < 0.01
    held = out.inventory.sel(material="magnet").sum(["node", "element"])
    cover = held / magnets
    assert float(cover[-1] / cover[0]) == pytest.approx(1.0, abs=0.03)
