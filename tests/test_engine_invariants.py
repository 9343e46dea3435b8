"""Engine invariants on random scenarios (hypothesis): mass balance, signs, forbidden flows,
capacity, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reesim.dataset import Dataset, load_dataset
from reesim.kernel.reference import run_reference
from reesim.kernel.state import Outputs
from reesim.model.baseline import Baseline, build_baseline
from reesim.model.compile import Inputs, compile_scenario
from reesim.model.dims import MATERIALS
from reesim.model.scenario import (
    CapacityProject,
    DemandChange,
    ExportControl,
    Recycling,
    Scenario,
    Stockpile,
)

DS: Dataset = load_dataset()
BASE: Baseline = build_baseline(DS)
NODES = list(BASE.dims.nodes)
ELEMENTS = list(BASE.dims.elements)
MONTHS = 18


def _month(i: int) -> str:
    return f"{2025 + i // 12}-{i % 12 + 1:02d}"


controls = st.builds(
    ExportControl,
    exporter=st.sampled_from(["CHN", "CHN", "MYS", "JPN", "USA"]),
    materials=st.lists(st.sampled_from(MATERIALS), min_size=1, max_size=4, unique=True).map(tuple),
    start=st.integers(0, MONTHS - 1).map(_month),
    elements=st.lists(st.sampled_from(ELEMENTS), max_size=5, unique=True).map(tuple),
    destinations=st.lists(st.sampled_from([*NODES, "eu", "pax_silica"]), max_size=4, unique=True).map(tuple),
    approval_share=st.floats(0, 1),
    review_months=st.integers(0, 4).map(float),
    defence_denied=st.booleans(),
    content_threshold=st.one_of(st.none(), st.floats(0.001, 0.5)),
)
projects = st.builds(
    CapacityProject,
    node=st.sampled_from(["USA", "AUS", "JPN", "FRA", "EST", "KOR"]),
    material=st.sampled_from(MATERIALS),
    nameplate=st.floats(0, 20_000),
    start=st.integers(0, MONTHS - 1).map(_month),
    ramp_months=st.floats(1, 36),
    opex_usd_per_kg=st.one_of(st.just(0.0), st.floats(0, 400)),
    offtake=st.booleans(),
)
recyclings = st.builds(
    Recycling,
    rate=st.floats(0, 0.3),
    start=st.integers(0, MONTHS - 1).map(_month),
    nodes=st.lists(st.sampled_from(["USA", "JPN", "eu", "CHN"]), max_size=2, unique=True).map(tuple),
)
demands = st.builds(
    DemandChange,
    material=st.sampled_from(["oxide", "magnet"]),
    start=st.integers(0, MONTHS - 1).map(_month),
    growth_pct_per_yr=st.floats(-20, 40),
    shock=st.floats(-0.5, 0.5),
)
stockpiles = st.builds(
    Stockpile,
    holder=st.sampled_from(["USA", "JPN", "KOR", "DEU"]),
    material=st.sampled_from(["oxide", "metal", "magnet"]),
    target=st.floats(0, 5_000),
    purchase_per_yr=st.floats(0, 3_000),
    start=st.integers(0, MONTHS - 1).map(_month),
    initial=st.floats(0, 1_000),
)
scenarios = st.builds(
    Scenario,
    name=st.just("random"),
    start=st.just("2025-01"),
    months=st.just(MONTHS),
    instruments=st.lists(st.one_of(controls, projects, demands, stockpiles, recyclings), max_size=5).map(
        tuple
    ),
)


def _run(scenario: Scenario) -> tuple[Inputs, Outputs]:
    inputs = compile_scenario(scenario, DS, BASE)
    return inputs, run_reference(inputs, runs=1, keep_trade=True)


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(scenario=scenarios)
def test_mass_balance_every_month(scenario: Scenario) -> None:
    inputs, out = _run(scenario)
    cover = inputs.params["working_stock_months"][0]
    inv0 = cover * (BASE.feed + BASE.final)[None]
    prev_inv = np.concatenate([inv0[:, None], out.inventory[:, :-1]], axis=1)
    prev_stock = np.concatenate([inputs.stock_initial[None, None], out.stockpile[:, :-1]], axis=1)
    supply = out.production + out.imports + (prev_inv - out.inventory) + (prev_stock - out.stockpile)
    uses = out.consumption + out.feed + out.exports
    scale = max(1.0, float(np.abs(supply).max()))
    assert np.abs(supply - uses).max() <= 1e-9 * scale


@SETTINGS
@given(scenario=scenarios)
def test_conversion_balance(scenario: Scenario) -> None:
    _, out = _run(scenario)
    made = out.production[:, :, 1:] - out.recycled[:, :, 1:]
    made[:, :, 0, BASE.dims.node("CHN")] -= BASE.secondary
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
    forbidden = np.swapaxes(inputs.allow, 2, 3) == 0  # [T, K, importer, exporter, E]
    assert forbidden.shape == out.trade[0].shape
    assert np.abs(out.trade[0][forbidden]).max(initial=0.0) <= 1e-9


@SETTINGS
@given(scenario=scenarios)
def test_stages_within_capacity_and_inputs(scenario: Scenario) -> None:
    inputs, out = _run(scenario)
    planned = BASE.feed.sum(axis=2)  # [K, N]
    extra = np.zeros((MONTHS, 4, len(NODES)))
    from reesim.kernel.reference import capacity_additions

    for t in range(MONTHS):
        extra[t] = capacity_additions(inputs, t, 1)[0]
    for k in range(3):
        limit = planned[k][None] + extra[:, k + 1] / BASE.yields[k + 1]
        assert (out.feed[0, :, k].sum(axis=2) <= limit * (1 + 1e-9) + 1e-9).all()
    mined = out.production[0, :, 0].sum(axis=2)
    assert (mined <= (BASE.mine[None] + extra[:, 0]) * (1 + 1e-9)).all()  # projects may idle
    assert (mined >= BASE.mine[None] * (1 - 1e-9)).all()


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
