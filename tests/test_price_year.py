"""A scenario's ``price_year``: the run is priced at that year's reference prices (the prices
table's oxide prices times each material's markup), with the base year's flows; a year the table
does not price is refused at the field, with a hint."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from tests.agreement import assert_kernels_agree
from tests.scenario_files import problems

from reesim.dataset import load_dataset
from reesim.errors import InputError
from reesim.model.baseline import BASE_YEAR, build_baseline
from reesim.model.compile import compile_scenario
from reesim.model.dims import MATERIALS, OXIDE
from reesim.model.prices import price_years
from reesim.model.scenario import ExportQuota, Scenario
from reesim.scenarios import resolve

DS = load_dataset()
BASE = build_baseline(DS)
HEAD = "name: t\nstart: 2010-01\nhorizon: 2010-12\n"


def _table(year: int) -> dict[str, float]:
    pr = DS["prices"]
    rows = pr[(pr["year"] == year) & pr["material"].str.endswith("_oxide")]
    pairs = zip(rows["material"], rows["price"], strict=True)
    return {str(m).removesuffix("_oxide"): float(p) for m, p in pairs}


def test_quota_case_is_priced_at_the_2009_table() -> None:
    scenario = resolve("quota-2010", DS)
    assert scenario.price_year == 2009
    inputs = compile_scenario(scenario, DS, BASE)
    table = _table(2009)
    elements = list(BASE.dims.elements)
    # every element the base year prices has a 2009 price, and the run's oxide prices are those
    assert set(_table(BASE_YEAR)) & set(elements) <= set(table)
    for e, el in enumerate(elements):
        expected = table.get(el, DS.parameter("price_fallback_usd_per_kg"))
        assert inputs.base.prices[OXIDE, e] == pytest.approx(expected, rel=1e-12)
    assert inputs.base.prices[OXIDE, elements.index("Nd")] == pytest.approx(19.12)
    assert inputs.base.prices[OXIDE, elements.index("Ce")] == pytest.approx(3.88)
    assert inputs.base.prices[OXIDE, elements.index("Dy")] == pytest.approx(115.67)
    # the other materials keep their markups over the oxide
    ratio = inputs.base.prices / inputs.base.prices[OXIDE][None]
    assert np.allclose(ratio, BASE.prices / BASE.prices[OXIDE][None], rtol=1e-12)
    # the flows are the base year's, and the shared baseline keeps the base year's prices
    assert inputs.base.production is BASE.production
    assert BASE.prices[OXIDE, elements.index("Nd")] == pytest.approx(_table(BASE_YEAR)["Nd"])
    # the quota's licence rent is scaled by its basket at the 2009 prices
    q = inputs.quotas
    assert np.allclose(q.basket, (q.weight * inputs.base.prices[None]).sum(axis=(1, 2)), rtol=1e-12)
    at_base = (q.weight * BASE.prices[None]).sum(axis=(1, 2))
    assert not np.allclose(q.basket, at_base)


def test_without_price_year_the_base_year_prices_are_kept() -> None:
    scenario = Scenario("t", start="2024-01", months=3)
    assert compile_scenario(scenario, DS, BASE).base is BASE
    same = replace(scenario, price_year=BASE_YEAR)
    assert compile_scenario(same, DS, BASE).base is BASE


def test_an_unpriced_year_is_refused_at_the_field_with_the_years_priced(tmp_path: Path) -> None:
    found = problems(tmp_path, HEAD + "price_year: 1999\n")
    assert len(found) == 1
    p = found[0]
    assert p.file.endswith("april.yaml") and p.line == 4 and p.field == "price_year"
    assert "prices.csv" in p.message and "1999" in p.message
    assert "2009" in p.hint and str(BASE_YEAR) in p.hint


def test_a_year_missing_an_element_is_refused_naming_it(tmp_path: Path) -> None:
    pr = DS["prices"]
    partial = pr[~((pr["year"] == 2009) & (pr["material"] == "Dy_oxide"))]
    ds = replace(DS, tables={**DS.tables, "prices": partial})
    path = tmp_path / "t.yaml"
    path.write_text(HEAD + "price_year: 2009\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        resolve(str(path), ds)
    (p,) = info.value.problems
    assert p.field == "price_year" and p.line == 4
    assert "Dy_oxide" in p.message and "prices.csv" in p.message and "2009" in p.hint


def test_engine_scenario_with_unpriced_year_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        compile_scenario(Scenario("t", start="2010-01", months=2, price_year=1999), DS, BASE)
    (p,) = info.value.problems
    assert p.field == "price_year" and "1999" in p.message
    assert ", ".join(str(y) for y in price_years(DS)) in p.hint


def test_an_extending_scenario_inherits_the_price_year(tmp_path: Path) -> None:
    path = tmp_path / "child.yaml"
    path.write_text("name: child\nextends: quota-2010\nhorizon: 2011-12\n", encoding="utf-8")
    assert resolve(str(path), DS).price_year == 2009


def test_kernels_agree_on_a_run_priced_at_2009() -> None:
    quota = ExportQuota(exporter="CHN", materials=("concentrate", "oxide", "metal"), tonnes_per_yr=22182.0,
                        start="2010-03")  # fmt: skip
    scenario = Scenario("t", start="2010-01", months=10, instruments=(quota,), price_year=2009)
    inputs = compile_scenario(scenario, DS, BASE)
    assert len(MATERIALS) == inputs.base.prices.shape[0]
    ref, _ = assert_kernels_agree(inputs)
    nd = list(BASE.dims.elements).index("Nd")
    assert ref.price[0, 0, OXIDE, 1, nd] == pytest.approx(19.12, rel=0.05)  # starts at the 2009 price


def test_series_ratios_are_over_the_price_year_prices() -> None:
    from reesim.engine.run import run
    from reesim.results.series import series

    scenario = Scenario("t", start="2010-01", months=3, price_year=2009)
    result = run(scenario, runs=1, dataset=DS, baseline=BASE, kernel="reference")
    assert result.attrs["price_year"] == 2009
    ratio = series(result, DS, BASE)["price_ratio"].isel(run=0, month=0)
    # nothing happens in the run: each price is its 2009 reference price, a ratio of 1
    assert float(ratio.sel(item="Nd")) == pytest.approx(1.0, rel=1e-9)
    assert float(ratio.sel(item="Dy")) == pytest.approx(1.0, rel=1e-9)
