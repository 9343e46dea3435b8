"""Magnet stocks held by final-use sectors (reesim.model.sectors, reesim.kernel.reference_sectors):
their covers, the mass balance summed over sectors, the pooled stock when every sector holds the
same cover, and the May-June 2025 stoppages (docs/validation.md)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from tests.strategies import BASE, DS, scenarios

from reesim.backtest.fit import simulate
from reesim.kernel import reference_sectors
from reesim.kernel.reference import run_reference
from reesim.model.compile import Inputs, compile_scenario
from reesim.model.scenario import Scenario
from reesim.model.sectors import build_sectors
from reesim.results.indicators import bloc_nodes, plants_stopped, sector_shortfall_share


def test_sector_covers_keep_the_node_working_stock() -> None:
    sectors = build_sectors(DS, BASE, {"working_stock_months": 2.0, "sector_cover_ev_traction": 0.75,
                                       "sector_cover_defence": 6.0})  # fmt: skip
    assert sectors.names == ("ev_traction", "wind", "industrial_motors", "defence", "other")
    assert sectors.share[0] == pytest.approx([0.35, 0.039, 0.245, 0.02, 0.346])
    cover = sectors.cover[0, 0]
    # The sectors without a cover of their own hold the rest of the two months, in equal months.
    rest = (2.0 - 0.35 * 0.75 - 0.02 * 6.0) / (0.039 + 0.245 + 0.346)
    assert cover == pytest.approx([0.75, rest, rest, 6.0, rest])
    assert (sectors.share[0] * cover).sum() == pytest.approx(2.0)
    assert sectors.hold[0, 0].sum() == pytest.approx(1.0)
    assert sectors.hold[0, 0, 0] == pytest.approx(0.35 * 0.75 / 2.0)


def _pooled(inputs: Inputs, monkeypatch: pytest.MonkeyPatch) -> object:
    """The reference kernel with one pooled stock: every final user of a node met pro rata."""

    def pooled(inputs_: Inputs, state, row, demand, users):  # type: ignore[no-untyped-def]
        frac = np.divide(np.minimum(row.have, users), users, out=np.ones_like(users), where=users > 1e-12)
        wants = reference_sectors.sector_demand(inputs_, demand)
        row.sector_met = wants * frac[:, :, None, :]
        row.sector_left = np.zeros_like(wants)
        row.sector_excess = np.zeros_like(wants)
        return demand * frac

    with monkeypatch.context() as m:
        m.setattr(reference_sectors, "use", pooled)
        return run_reference(inputs)


@pytest.mark.slow
def test_equal_covers_give_the_pooled_stock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sector at the node's cover: the node's results are those of one pooled stock to 1e-9."""
    from reesim.scenarios import resolve

    scenario = resolve("april-2025", DS)
    months = 1.0  # a month of cover everywhere: some magnet demand goes unmet in mid-2025
    names = ("working_stock_months", "sector_cover_ev_traction", "sector_cover_defence")
    same = dict.fromkeys(names, months)
    inputs = compile_scenario(replace(scenario, parameters={**scenario.parameters, **same}), DS, BASE)
    assert np.allclose(inputs.sectors.hold[0], inputs.sectors.share)
    sectors, pooled = run_reference(inputs), _pooled(inputs, monkeypatch)
    for name in ("consumption", "unmet", "inventory", "imports", "exports", "price", "stockpile"):
        a, b = getattr(sectors, name), getattr(pooled, name)
        scale = max(1.0, float(np.abs(b).max()))
        assert np.abs(a - b).max() <= 1e-9 * scale, name
    assert float(sectors.unmet[:, :, 3].sum()) > 1.0  # the scenario is short somewhere: a real test


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios)
def test_sectors_add_up_to_the_node(scenario: Scenario) -> None:
    """Summed over sectors: the node's magnet demand, unmet demand and working stock."""
    inputs = compile_scenario(scenario, DS, BASE)
    out = run_reference(inputs)
    magnet = 3
    for part, whole in (("sector_demand", out.demand), ("sector_unmet", out.unmet),
                        ("sector_stock", out.inventory)):  # fmt: skip
        total = whole[:, :, magnet].sum(axis=3)
        scale = max(1.0, float(np.abs(total).max()))
        assert np.abs(getattr(out, part).sum(axis=3) - total).max() <= 1e-9 * scale, part
    assert (out.sector_unmet >= -1e-9).all() and (out.sector_stock >= -1e-9).all()
    assert (out.sector_unmet <= out.sector_demand + 1e-9).all()


def test_april_2025_automotive_stops_in_the_us_and_eu_while_stocks_remain() -> None:
    """May-June 2025 (Ford idled Chicago in May, European suppliers shut lines in June; events
    table): the carmakers' stock, weeks of their use, runs out while the nation's magnet stock,
    held mostly by the sectors with more months of cover, does not."""
    result, _ = simulate("april-2025", DS, BASE)
    months = [str(m) for m in result["month"].values]
    window = [months.index("2025-05"), months.index("2025-06")]
    threshold = DS.parameter("plant_stop_shortfall")
    for place in ("USA", "eu"):
        nodes = bloc_nodes(DS, BASE, place)
        share = sector_shortfall_share(result, nodes).isel(run=0, month=window)
        auto = share.sel(sector="ev_traction").values
        assert auto.max() > 0.45, place  # about half of the carmakers' magnets missing in one month at least
        assert (share.drop_sel(sector="ev_traction").values < threshold).all(), place
        stock = result["inventory"].sel(material="magnet", node=nodes).isel(run=0, month=window).sum()
        demand = result["demand"].sel(material="magnet", node=nodes).isel(run=0, month=window).sum()
        assert float(stock / demand) > 0.2, place  # national stocks are not empty
        assert float(plants_stopped(result, nodes, threshold).isel(run=0)) >= 1.0
    us = sector_shortfall_share(result, ["USA"]).isel(run=0, month=window).sel(sector="ev_traction").values
    assert us[0] < threshold < us[1]  # the US carmakers run out in June, a month after Ford's week
