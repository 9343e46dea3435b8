"""Engine invariants on random scenarios (hypothesis): mass balance, signs, forbidden flows,
capacity, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from tests.balance import balance_gap
from tests.strategies import BASE, DS, MONTHS, NODES, scenarios

from reesim.kernel.reference import run_reference
from reesim.kernel.state import Outputs
from reesim.model.compile import Inputs, compile_scenario
from reesim.model.dims import MAGNET, MATERIALS, OXIDE
from reesim.model.scenario import (
    CapacityProject,
    ExportControl,
    ExportQuota,
    Scenario,
    Stockpile,
    Substitution,
    Tariff,
)


def _quota(inputs: Inputs) -> np.ndarray:
    """[T, K, N, E] export quotas month by month (inf: none)."""
    shape = (4, inputs.base.dims.n_nodes, inputs.base.dims.n_elements)
    asked = np.zeros((1, *shape))  # the strategies draw quotas split by base-year exports
    return np.stack([inputs.quotas.at(t, *shape, asked)[0] for t in range(len(inputs.months))])


def _run(scenario: Scenario) -> tuple[Inputs, Outputs]:
    inputs = compile_scenario(scenario, DS, BASE)
    return inputs, run_reference(inputs, runs=1, keep_trade=True)


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(scenario=scenarios)
def test_mass_balance_every_month(scenario: Scenario) -> None:
    inputs, out = _run(scenario)
    # A stockpile's release to an ally leaves the holder's stock and is used at the ally: each node
    # balances but for what it gave to or got from allies, and those add up to nothing.
    gap, scale = balance_gap(inputs, out)  # [R, T, K, N, E]
    allies = inputs.stockpiles.ally_matrix(*out.stockpile.shape[2:4])  # [K, holder, ally]
    linked = allies.any(axis=2) | allies.any(axis=1)  # [K, N]
    assert np.abs(gap[:, :, ~linked]).max(initial=0.0) <= 1e-9 * scale
    assert np.abs(gap.sum(axis=3)).max() <= 1e-9 * scale * gap.shape[3]


@SETTINGS
@given(scenario=scenarios)
def test_conversion_balance(scenario: Scenario) -> None:
    inputs, out = _run(scenario)
    made = out.production[:, :, 1:] - out.recycled[:, :, 1:]
    chn = BASE.dims.node("CHN")
    made[:, :, 0, chn] -= BASE.secondary + inputs.supply_growth[:, :, OXIDE] * inputs.secondary_growth
    # China's magnet makers' scrap moves with their output the month before
    magnets = out.production[:, :-1, MAGNET, chn].sum(axis=2) / BASE.production[MAGNET, chn].sum()
    made[:, 1:, 0, chn] -= BASE.swarf[chn] * (magnets - 1.0)[:, :, None]
    scale = max(1.0, float(out.feed.max()))
    assert np.abs(made + out.losses[:, :, 1:] - out.feed[:, :, :3]).max() <= 1e-9 * scale


@SETTINGS
@given(scenario=scenarios)
def test_no_negative_quantities_or_prices(scenario: Scenario) -> None:
    _, out = _run(scenario)
    for name in (
        "production",
        "imports",
        "exports",
        "feed",
        "consumption",
        "unmet",
        "inventory",
        "stockpile",
        "losses",
        "price",
    ):
        assert getattr(out, name).min() >= -1e-9, name
    assert out.trade is not None and out.trade.min() >= -1e-9


@SETTINGS
@given(scenario=scenarios)
def test_no_flow_where_forbidden(scenario: Scenario) -> None:
    inputs, out = _run(scenario)
    assert out.trade is not None
    allow = np.stack([inputs.controls.allow_at(t)[0] for t in range(len(inputs.months))])
    forbidden = np.swapaxes(allow, 2, 3) == 0  # [T, K, importer, exporter, E]
    assert forbidden.shape == out.trade[0].shape
    assert np.abs(out.trade[0][forbidden]).max(initial=0.0) <= 1e-9


@SETTINGS
@given(scenario=scenarios)
def test_exports_within_quota(scenario: Scenario) -> None:
    inputs, out = _run(scenario)
    # quota is [T, K, N, E] t/month, inf where there is none
    assert (out.exports[0] <= _quota(inputs) * (1 + 1e-9) + 1e-9).all()


@SETTINGS
@given(scenario=scenarios)
def test_stages_within_capacity_and_inputs(scenario: Scenario) -> None:
    """Stages and mines run at most ``output_headroom_share`` above their base-year throughput
    grown with demand, plus new projects; mines never below the base year, or below the ceiling
    of an output cap in force where it is lower."""
    inputs, out = _run(scenario)
    spare = 1.0 + float(np.max(inputs.params["output_headroom_share"]))
    grown = 1.0 + inputs.supply_growth[0][:, :, None, :] * inputs.grow_by[None]  # [T, K, N, E]
    planned = (BASE.feed[None, :3] * grown[:, 1:]).sum(axis=3) * spare  # [T, K, N]
    extra = np.zeros((MONTHS, 4, len(NODES)))
    from reesim.kernel.reference import capacity_additions

    for t in range(MONTHS):
        extra[t] = capacity_additions(inputs, t, 1)[0]
    for k in range(3):
        limit = planned[:, k] + extra[:, k + 1] / BASE.yields[k + 1]
        assert (out.feed[0, :, k].sum(axis=2) <= limit * (1 + 1e-9) + 1e-9).all()
    mined = out.production[0, :, 0].sum(axis=2)
    mine = (BASE.mine[None, :, None] * BASE.profile[None] * grown[:, 0]).sum(axis=2)  # [T, N]
    assert (mined <= (mine * spare + extra[:, 0]) * (1 + 1e-9)).all()  # projects may idle
    shape = (4, len(NODES), BASE.dims.n_elements)
    held = np.stack([np.minimum(inputs.caps.at(t, *shape)[0, 0], 1.0) for t in range(MONTHS)])  # [T, N, E]
    floor = (BASE.mine[None, :, None] * BASE.profile[None] * held).sum(axis=2)  # [T, N]
    assert (mined >= floor * (1 - 1e-9) - 1e-9).all()


@settings(max_examples=5, deadline=None)
@given(scenario=scenarios)
def test_deterministic(scenario: Scenario) -> None:
    _, a = _run(scenario)
    _, b = _run(scenario)
    for name in ("production", "imports", "unmet", "price", "inventory"):
        assert np.array_equal(getattr(a, name), getattr(b, name))


def test_full_ban_stops_china_magnets_to_usa_and_causes_shortfall() -> None:
    scenario = Scenario(
        "ban",
        start="2025-01",
        months=12,
        instruments=(
            ExportControl(
                exporter="CHN", materials=("oxide", "metal", "magnet"), start="2025-02", destinations=("USA",)
            ),
        ),
    )
    _inputs, out = _run(scenario)
    assert out.trade is not None
    usa, china, magnet = BASE.dims.node("USA"), BASE.dims.node("CHN"), MATERIALS.index("magnet")
    assert out.trade[0, 1:, magnet, usa, china].sum() == 0.0
    assert out.trade[0, 0, magnet, usa, china].sum() > 0.0
    share = out.unmet[0, :, magnet, usa].sum(axis=1) / out.demand[0, :, magnet, usa].sum(axis=1)
    assert share[:2].max() == 0.0
    assert share[-1] > 0.3  # after stocks run out the US misses most of its magnets


def test_unknown_element_in_scenario_is_bad_input() -> None:
    from reesim.errors import InputError

    bad = Scenario(
        "bad",
        instruments=(
            ExportControl(exporter="CHN", materials=("magnet",), start="2024-05", elements=("Dyy",)),
        ),
    )
    with pytest.raises(InputError, match="did you mean 'Dy'"):
        compile_scenario(bad, DS, BASE)


@pytest.mark.parametrize(
    ("instrument", "field"),
    [
        (ExportControl(exporter="CHA", materials=("magnet",), start="2025-02"), "exporter"),
        (ExportControl(exporter="eu", materials=("magnet",), start="2025-02"), "exporter"),
        (CapacityProject(node="Atlantis", material="oxide", nameplate=10, start="2025-02"), "node"),
        (Stockpile(holder="USX", material="magnet", target=1, purchase_per_yr=1, start="2025-02"), "holder"),
    ],
)
def test_unknown_place_in_scenario_is_bad_input(instrument: object, field: str) -> None:
    from reesim.errors import InputError

    scenario = Scenario("bad", start="2025-01", months=3, instruments=(instrument,))  # type: ignore[arg-type]
    with pytest.raises(InputError) as info:
        compile_scenario(scenario, DS, BASE)
    assert info.value.problems[0].field == field


def test_export_quota_caps_china_exports_and_splits_by_base_exports() -> None:
    """A 12,000 t/yr quota on oxide caps China's oxide exports at 1,000 t/month in total."""
    oxide, china = MATERIALS.index("oxide"), BASE.dims.node("CHN")
    scenario = Scenario("quota", start="2025-01", months=6, instruments=(
        ExportQuota(exporter="CHN", materials=("oxide",), tonnes_per_yr=12_000, start="2025-03"),
    ))  # fmt: skip
    inputs, out = _run(scenario)
    assert BASE.trade[oxide, :, china].sum() > 1_000  # base-year t/month: the quota binds
    assert _quota(inputs)[2:, oxide, china].sum(axis=1) == pytest.approx(1_000.0, rel=1e-12)
    assert out.exports[0, 2:, oxide, china].sum(axis=1).max() <= 1_000.0 * (1 + 1e-9)
    assert out.exports[0, 0, oxide, china].sum() > 1_000.0


def test_tariff_lowers_demand_by_the_elasticity_rule() -> None:
    """A 50% tariff on Chinese magnets lowers US magnet demand by (1 + 0.5 s)^elasticity."""
    magnet, usa, china = MATERIALS.index("magnet"), BASE.dims.node("USA"), BASE.dims.node("CHN")
    scenario = Scenario("tariff", start="2025-01", months=4, demand_outlook="none", instruments=(
        Tariff(importers=("USA",), exporter="CHN", materials=("magnet",), rate=0.5, start="2025-02",
               end="2025-04"),
    ))  # fmt: skip
    inputs = compile_scenario(scenario, DS, BASE)
    share = BASE.trade[magnet, usa, china].sum() / (
        BASE.production[magnet, usa].sum() + BASE.trade[magnet, usa].sum()
    )
    expected = (1 + 0.5 * share) ** DS.parameter("demand_price_elasticity")
    assert 0.0 < share < 1.0
    assert inputs.demand_index[0, :, magnet, usa] == pytest.approx([1.0, expected, expected, 1.0])


def test_substitution_phases_in_the_sector_share() -> None:
    magnet = MATERIALS.index("magnet")
    ev = float(DS["end_products"].set_index("sector").loc["ev_traction", "share_of_magnet_demand"])
    scenario = Scenario("sub", start="2025-01", months=6, demand_outlook="none", instruments=(
        Substitution(sector="ev_traction", share=0.5, start="2025-02", lag_months=4),
    ))  # fmt: skip
    index = compile_scenario(scenario, DS, BASE).demand_index[0, :, magnet, 0]
    ramp = np.array([0, 0.25, 0.5, 0.75, 1.0, 1.0])
    assert index == pytest.approx(1 - 0.5 * ev * ramp)


def test_unknown_sector_is_bad_input_with_hint() -> None:
    from reesim.errors import InputError

    scenario = Scenario("sub", start="2025-01", months=3, instruments=(
        Substitution(sector="ev_tracton", share=0.5, start="2025-02"),
    ))  # fmt: skip
    with pytest.raises(InputError, match="did you mean 'ev_traction'"):
        compile_scenario(scenario, DS, BASE)
