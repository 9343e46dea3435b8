"""Every shipped scenario validates, resolves and runs; inheritance and conversions do what the
files say."""

from __future__ import annotations

import math

import numpy as np
import pytest

import reesim
from reesim.dataset import load_dataset
from reesim.model.baseline import build_baseline
from reesim.model.scenario import CapacityProject, ExportControl, ExportQuota
from reesim.scenarios import load, resolve, scenario_names

DS = load_dataset()
BASE = build_baseline(DS)
EXPECTED = {
    "baseline", "quota-2010", "april-2025", "october-2025", "busan-truce", "truce-lapses", "full-embargo",
    "allied-buildout", "race",
}  # fmt: skip


def test_all_required_scenarios_are_shipped() -> None:
    assert set(scenario_names()) >= EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shipped_scenario_runs_and_conserves_mass(name: str) -> None:
    resolved = load(name, DS)
    assert resolved.description.strip() and resolved.title, "every shipped scenario explains itself"
    assert resolved.sources or name == "baseline" or all(i.sources for i in resolved.instruments)
    result = reesim.run(name, dataset=DS, kernel="reference")
    prod = result["production"] + result["imports"]
    uses = result["consumption"] + result["feed"] + result["exports"]
    stock = result["inventory"] + result["stockpile"]
    # Over the whole run: supply minus uses equals the change in stocks, per material and element.
    change = (prod - uses).sum(["month", "node"])
    first = stock.isel(month=0) - (prod - uses).isel(month=0)
    last = stock.isel(month=-1)
    assert np.allclose(change, (last - first).sum("node"), rtol=1e-9, atol=1e-6)
    assert float(result["unmet"].min()) >= -1e-9


def test_run_accepts_name_path_and_object() -> None:
    from reesim.scenarios.bundled import shipped_path

    path = shipped_path("april-2025")
    assert path is not None
    by_name = reesim.run("april-2025", dataset=DS, kernel="reference")
    by_path = reesim.run(str(path), dataset=DS, kernel="reference")
    by_object = reesim.run(resolve("april-2025", DS), dataset=DS, kernel="reference")
    assert np.array_equal(by_name["unmet"].values, by_path["unmet"].values)
    assert np.array_equal(by_name["unmet"].values, by_object["unmet"].values)


def _controls(name: str) -> list[ExportControl]:
    return [i for i in resolve(name, DS).instruments if isinstance(i, ExportControl)]


def test_april_approval_steps_become_periods_with_review_first() -> None:
    periods = [
        (c.start, c.end, c.approval_share, c.review_months)
        for c in _controls("april-2025")
        if not c.destinations
    ]
    assert periods == [
        ("2025-04", "2025-05", pytest.approx(0.283), 0.0),  # April's first days (median of uniform)
        ("2025-05", "2025-06", 0.21, 1 - math.sqrt(0.5)),  # median of triangular(0, 0, 1)
        ("2025-06", "2025-07", 0.59, 0.0),
        ("2025-07", "2025-12", 0.89, 0.0),
        ("2025-12", "2031-01", 0.95, 0.0),
    ]


def test_truce_suspends_october_measures_and_lapse_brings_them_back() -> None:
    october = {c.elements for c in _controls("october-2025")}
    assert ("Ho", "Er", "Tm", "Eu", "Yb") in october
    truce = [c for c in _controls("busan-truce") if "Ho" in c.elements]
    assert truce == []  # suspended from Nov 2025 to the horizon
    lapse = [c for c in _controls("truce-lapses") if "Ho" in c.elements]
    assert {c.start for c in lapse} == {"2026-11"}
    elements_rule = next(c for c in lapse if not c.content_only)
    # a fresh review when the measures return: the median of triangular(1, 1.5, 3) months
    assert elements_rule.review_months == pytest.approx(3 - math.sqrt(1.5), abs=1e-12)
    content = next(c for c in lapse if c.content_only)
    assert content.content_threshold == 0.001 and content.defence_denied


def test_race_combines_both_parents() -> None:
    race = resolve("race", DS)
    assert any(isinstance(i, CapacityProject) and i.name == "mp-10x" and i.offtake for i in race.instruments)
    assert any(
        isinstance(i, ExportControl) and "Ho" in i.elements and i.start == "2026-11" for i in race.instruments
    )


def test_facility_nameplate_in_magnets_is_converted_to_reo() -> None:
    project = next(
        i for i in resolve("allied-buildout", DS).instruments if getattr(i, "name", "") == "mp-10x"
    )
    assert isinstance(project, CapacityProject)
    from reesim.model.baseline import build_baseline

    per_oxide = build_baseline(DS).diagnostics["metal_per_oxide"]
    assert project.nameplate == pytest.approx(9000 * DS.parameter("magnet_re_content") / per_oxide)
    # the median of triangular(0, 12, 36) months
    assert project.start == "2028-01" and project.delay_months == pytest.approx(
        36 - math.sqrt(432), abs=1e-12
    )


def test_quota_rates_are_annualised_allocations_scaled_to_the_base_year() -> None:
    """Each allocation (half-years annualised) over China's 2009 exports (39,813 t in 2010, 9.3%
    below 2009), times China's base-year exports of ore, oxide and metal, rounded to the tonne."""
    quotas = [i for i in resolve("quota-2010", DS).instruments if isinstance(i, ExportQuota)]
    base_exports = float(BASE.trade[:3, :, BASE.dims.node("CHN"), :].sum()) * 12
    factor = base_exports / (39_813 / (1 - 0.093))
    printed = [2 * 22_282, 2 * 7_976, 2 * 14_446, 30_996, 31_001, 30_611]
    assert [q.tonnes_per_yr for q in quotas] == [round(q * factor) for q in printed]


def test_full_embargo_leaves_allies_short() -> None:
    result = reesim.run("full-embargo", dataset=DS, kernel="reference")
    usa = result["unmet"].sel(material="magnet", node="USA", run=0).sum("element")
    assert float(usa.sel(month="2026-06-01")) == 0.0
    assert float(usa.sel(month="2028-12-01")) > 0.0
