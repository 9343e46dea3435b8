"""Indicators read the right numbers off a run."""

from __future__ import annotations

import math

import pytest

from reesim.dataset import Dataset
from reesim.engine.run import run
from reesim.model.baseline import Baseline, build_baseline
from reesim.model.scenario import ExportControl, Scenario
from reesim.results.indicators import (
    bloc_nodes,
    months_until_first_shortfall,
    peak_shortfall_by_element,
    total_shortfall_share,
    units_not_built,
)


@pytest.fixture(scope="module")
def base(dataset: Dataset) -> Baseline:
    return build_baseline(dataset)


def test_bloc_nodes_maps_eu_to_nodes(dataset: Dataset, base: Baseline) -> None:
    assert set(bloc_nodes(dataset, base, "eu")) == {"DEU", "FRA", "EST", "XEU"}
    assert bloc_nodes(dataset, base, "USA") == ["USA"]


@pytest.mark.compile
def test_no_shortfall_without_policy(dataset: Dataset, base: Baseline) -> None:
    result = run(Scenario("baseline", start="2025-01", months=12), dataset=dataset, baseline=base)
    assert math.isinf(months_until_first_shortfall(result, ["USA"], after="2025-01"))
    assert all(v == 0 for v in units_not_built(result, dataset, base, ["USA"]).values())


@pytest.mark.compile
def test_us_magnet_ban_indicators(dataset: Dataset, base: Baseline) -> None:
    scenario = Scenario(
        "ban",
        start="2025-01",
        months=12,
        instruments=(
            ExportControl(exporter="CHN", materials=("magnet",), start="2025-03", destinations=("USA",)),
        ),
    )
    result = run(scenario, dataset=dataset, baseline=base)
    first = months_until_first_shortfall(result, ["USA"], after="2025-03")
    cover = dataset.parameter("working_stock_months")
    assert cover - 1 <= first <= cover + 2  # the working stock runs out first
    share = total_shortfall_share(result, ["USA"]).isel(run=0).values
    peaks = peak_shortfall_by_element(result, ["USA"])
    assert {p.element for p in peaks} == {"Nd", "Pr", "Sm", "Dy", "Tb"}  # Sm: samarium-cobalt magnets
    assert peaks[0].share == pytest.approx(
        max(
            float(v)
            for v in (result["unmet"] / result["demand"].where(result["demand"] > 0))
            .sel(material="magnet", node="USA")
            .isel(run=0)
            .max("month")
            .fillna(0)
            .values
        )
    )
    assert share.max() > 0.3
    cars = units_not_built(result, dataset, base, ["USA"])["bev_car (vehicles)"]
    to_magnet = base.diagnostics["metal_per_oxide"] / dataset.parameter("magnet_re_content")
    carmakers_t = float(result["sector_unmet"].sel(node="USA", sector="ev_traction").sum()) * to_magnet
    assert cars == pytest.approx(carmakers_t * 1000 / 3.0)  # the carmakers' own magnets, 3 kg a car
    # Carmakers hold weeks of magnets: they lack more than their 35% share of the nation's lack.
    unmet_t = float(result["unmet"].sel(material="magnet", node="USA").sum()) * to_magnet
    assert carmakers_t > 0.35 * unmet_t


def test_units_variables_match_indicator(dataset: Dataset, base: Baseline) -> None:
    scenario = Scenario(
        "ban",
        start="2025-01",
        months=8,
        instruments=(
            ExportControl(
                exporter="CHN", materials=("magnet",), start="2025-02", destinations=("USA", "JPN")
            ),
        ),
    )
    result = run(scenario, dataset=dataset, baseline=base, kernel="reference")
    summary = units_not_built(result, dataset, base, ["USA", "JPN"])
    per_product = result["units_not_built"].sel(node=["USA", "JPN"]).isel(run=0).sum(("month", "node"))
    assert float(per_product.sel(product="bev_car")) == pytest.approx(summary["bev_car (vehicles)"])
    assert float(per_product.sel(product="f35_aircraft")) == pytest.approx(
        summary["f35_aircraft (aircrafts)"]
    )
    # built + not built is proportional to magnet demand, month by month
    total = (result["units_built"] + result["units_not_built"]).isel(run=0).sel(node="USA", product="bev_car")
    demand = result["demand"].sel(material="magnet", node="USA").isel(run=0).sum("element")
    ratio = (total / demand).values
    assert ratio.min() == pytest.approx(ratio.max())


def test_unknown_kernel_is_bad_input(dataset: Dataset, base: Baseline) -> None:
    from reesim.errors import InputError

    with pytest.raises(InputError, match="unknown kernel"):
        run(Scenario("x", months=2), dataset=dataset, baseline=base, kernel="turbo")


def test_april_2025_draws_us_magnet_stocks_down(dataset: Dataset, base: Baseline) -> None:
    from reesim.examples import april_2025
    from reesim.results.indicators import lowest_stock_cover

    scenario = april_2025()
    result = run(scenario, dataset=dataset, baseline=base, kernel="reference")
    cover, month = lowest_stock_cover(result, ["USA"])
    assert month in {"2025-05", "2025-06"}  # the US licences were scarcest in May 2025
    assert cover < 0.5 * scenario.parameters["working_stock_months"]
    before, _ = lowest_stock_cover(result.sel(month=["2025-01", "2025-02", "2025-03"]), ["USA"])
    # demand grows along the outlook and the stocks follow their targets within a month's growth
    assert before == pytest.approx(scenario.parameters["working_stock_months"], rel=0.005)
