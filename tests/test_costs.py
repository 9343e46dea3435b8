"""The costs table: its values reach ``facility_costs``, ``stage_opex`` and capacity projects'
defaults in the right units, and a bad row is reported with its file, line, field and hint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.conftest import Editor, find_line

from reesim.dataset import Dataset, check_dataset, load_dataset
from reesim.errors import InputError, Problem
from reesim.instruments.capacity_project import FACILITY_STAGE, STAGE
from reesim.model.baseline import Baseline, build_baseline
from reesim.model.costs import (
    MATERIAL_OF_STAGE,
    facility_costs,
    opex_factors,
    project_costs,
    stage_opex,
)
from reesim.model.dims import CONCENTRATE, MAGNET, MATERIALS, METAL, OXIDE
from reesim.model.scenario import CapacityProject
from reesim.scenarios import resolve
from reesim.scenarios.catalog import load_text


@pytest.fixture(scope="module")
def base(dataset: Dataset) -> Baseline:
    return build_baseline(dataset)


def _ndpr_share(base: Baseline, k: int) -> float:
    world = base.production.sum(axis=1)[k]
    nd, pr = base.dims.element("Nd"), base.dims.element("Pr")
    return float((world[nd] + world[pr]) / world.sum())


def _own_share(base: Baseline, k: int, node: str) -> float:
    """The NdPr share of what a country's plants made of material ``k`` in the base year (its
    revenue basket: the stage's input times its yield, without recycled or secondary oxide)."""
    own = base.feed[k - 1, base.dims.node(node)] * base.yields[k]
    nd, pr = base.dims.element("Nd"), base.dims.element("Pr")
    return float((own[nd] + own[pr]) / own.sum())


def _add_row(data_dir: Path, facility: str, stage: str, opex: str, per: str, year: str) -> int:
    """Append a US facility's assumed operating cost to the copy's costs.csv; return its file line."""
    path = data_dir / "costs.csv"
    text = path.read_text(encoding="utf-8")
    row = f"{facility},USA,{stage},,{opex},{per},{year},basis,reesim_assumption,locator,assumption,why"
    path.write_text(text + row + "\n", encoding="utf-8")
    return len(text.splitlines()) + 1


def _errors(data_dir: Path) -> list[Problem]:
    return [p for p in check_dataset(data_dir) if p.severity == "error" and p.file.endswith("costs.csv")]


def test_facility_costs_carry_the_table(dataset: Dataset) -> None:
    costs = facility_costs(dataset)
    mp = costs["mp_mountain_pass_sep"]
    assert (mp.opex_usd_per_kg, mp.opex_per, mp.capex_usd, mp.material) == (
        60.0,
        "kg_ndpr_oxide",
        None,
        "oxide",
    )
    assert costs["mp_10x"].capex_usd == 1.25e9 and costs["mp_10x"].opex_usd_per_kg is None
    assert costs["energy_fuels_white_mesa_hre"].capex_usd == 410e6
    assert "usar_stillwater" not in costs  # no published capex for the 10,000 t/yr plant
    table = dataset["costs"]
    assert set(costs) == {str(f) for f in table["facility_id"] if f}


def test_every_cost_row_is_consistent_with_its_facility(dataset: Dataset) -> None:
    facilities = dataset["facilities"].set_index("facility_id")
    for fid, cost in facility_costs(dataset).items():
        assert (cost.iso3, cost.stage) == (facilities.loc[fid, "iso3"], facilities.loc[fid, "stage"])
        assert cost.capex_usd is not None or cost.opex_usd_per_kg is not None


def test_material_of_stage_matches_capacity_projects() -> None:
    assert {stage: STAGE[project] for stage, project in FACILITY_STAGE.items()} == MATERIAL_OF_STAGE


def test_opex_factors_convert_each_product_to_reo_equivalent(dataset: Dataset, base: Baseline) -> None:
    f = opex_factors(dataset, base)
    per_oxide = base.diagnostics["metal_per_oxide"]
    assert np.array_equal(f["kg_reo"], np.ones(len(MATERIALS)))
    assert f["kg_ndpr_oxide"][OXIDE] == pytest.approx(_ndpr_share(base, OXIDE))
    assert 0 < f["kg_ndpr_oxide"][OXIDE] < f["kg_ndpr_oxide"][MAGNET] <= 1
    assert f["kg_metal"][METAL] == pytest.approx(per_oxide)
    assert f["kg_magnet"][MAGNET] == pytest.approx(per_oxide / dataset.parameter("magnet_re_content"))


def test_stage_opex_takes_each_country_from_the_table(dataset: Dataset, base: Baseline) -> None:
    out = stage_opex(dataset, base)
    node = base.dims.node
    assert out.shape == (len(MATERIALS), base.dims.n_nodes)
    # a cost per kg NdPr converts with the NdPr share of the country's own output (its basket);
    # the US separates only at Mountain Pass with a known cost (White Mesa's is not published)
    assert out[OXIDE, node("USA")] == pytest.approx(60.0 * _own_share(base, OXIDE, "USA"))
    assert out[OXIDE, node("USA")] == pytest.approx(9.59, abs=0.01)
    assert out[CONCENTRATE, node("USA")] == pytest.approx(2.02)  # per kg REO in concentrate
    assert out[OXIDE, node("MYS")] == pytest.approx(38.91 * _own_share(base, OXIDE, "MYS"))
    # China's rows stand for its whole stages
    assert out[OXIDE, node("CHN")] == pytest.approx(44.08 * _own_share(base, OXIDE, "CHN"))
    assert out[CONCENTRATE, node("CHN")] == pytest.approx(4.83)
    # nothing known: 0, never idles (Kalgoorlie has capex only; planned plants do not count)
    assert out[OXIDE, node("AUS")] == 0.0 and out[MAGNET, node("USA")] == 0.0
    assert out[MAGNET, node("CHN")] == 0.0 and out[METAL].sum() == 0.0


def test_stage_opex_weights_plants_by_nameplate(data_copy: Path) -> None:
    # White Mesa (1,000 t NdPr oxide/yr, operating since 2024) gets a cost; Mountain Pass has no
    # published nameplate, so it weighs as the mean of the others: an equal-weight mean.
    _add_row(data_copy, "energy_fuels_white_mesa", "separation_light", "30", "kg_ndpr_oxide", "2024")
    # MP's Independence magnet plant started in 2025, after the base year: not averaged in
    _add_row(data_copy, "mp_independence", "magnet_sintered", "25", "kg_magnet", "2025")
    ds = load_dataset(data_copy)
    base = build_baseline(ds)
    out = stage_opex(ds, base)
    share = _own_share(base, OXIDE, "USA")
    assert out[OXIDE, base.dims.node("USA")] == pytest.approx((60.0 + 30.0) / 2 * share)
    assert out[MAGNET, base.dims.node("USA")] == 0.0


def test_unknown_facility_is_located(data_copy: Path) -> None:
    line = _add_row(data_copy, "mp_mountain_pas_sep", "separation_light", "50", "kg_ndpr_oxide", "2024")
    [p] = _errors(data_copy)
    assert (p.line, p.field) == (line, "facility_id") and "unknown facility_id" in p.message
    assert "mp_mountain_pass_sep" in p.hint


def test_negative_cost_is_located(data_copy: Path, edit_cell: Editor) -> None:
    line = find_line(data_copy, "costs.csv", facility_id="mp_mountain_pass_sep")
    edit_cell("costs.csv", line, "opex_usd_per_kg", "-60")
    [p] = _errors(data_copy)
    assert (p.line, p.field) == (line, "opex_usd_per_kg") and "below the minimum" in p.message
    assert "[0, inf] USD/kg" in p.hint
    with pytest.raises(InputError) as info:
        load_dataset(data_copy)
    assert f"costs.csv:{line}" in str(info.value)


def test_country_or_stage_other_than_the_facilitys_is_located(data_copy: Path, edit_cell: Editor) -> None:
    line = find_line(data_copy, "costs.csv", facility_id="lynas_malaysia_light")
    edit_cell("costs.csv", line, "iso3", "AUS")
    edit_cell("costs.csv", line, "stage", "separation_heavy")
    problems = _errors(data_copy)
    assert {(p.line, p.field) for p in problems} == {(line, "iso3"), (line, "stage")}
    assert any("'MYS'" in p.hint for p in problems) and any("'separation_light'" in p.hint for p in problems)


def test_opex_without_its_unit_is_located(data_copy: Path, edit_cell: Editor) -> None:
    line = find_line(data_copy, "costs.csv", facility_id="mp_mountain_pass_mine")
    edit_cell("costs.csv", line, "opex_per", "")
    [p] = _errors(data_copy)
    assert (p.line, p.field) == (line, "opex_per") and "opex_usd_per_kg" in p.message


def _project(dataset: Dataset, tmp_path: Path, extra: str = "") -> CapacityProject:
    path = tmp_path / "costs.yaml"
    path.write_text(
        "name: costs\nstart: 2025-01\nhorizon: 2030-12\ninstruments:\n"
        f"  - kind: capacity_project\n    id: ef\n    facility: energy_fuels_white_mesa_hre\n"
        f"    start: 2027-01\n{extra}",
        encoding="utf-8",
    )
    [project] = [i for i in resolve(str(path), dataset).instruments if isinstance(i, CapacityProject)]
    return project


def test_capacity_project_defaults_its_costs_to_the_table(
    dataset: Dataset, base: Baseline, tmp_path: Path
) -> None:
    project = _project(dataset, tmp_path)
    assert project.capex_usd == 410e6
    assert project.opex_usd_per_kg == pytest.approx(29.39 * _ndpr_share(base, OXIDE))
    assert project_costs(dataset, "energy_fuels_white_mesa_hre") == (410e6, project.opex_usd_per_kg)


def test_capacity_project_costs_given_in_the_file_win(dataset: Dataset, tmp_path: Path) -> None:
    project = _project(dataset, tmp_path, "    capex_usd: 5\n    opex_usd_per_kg: 0\n")
    assert (project.capex_usd, project.opex_usd_per_kg) == (5.0, 0.0)


def test_capacity_project_without_a_cost_row_keeps_zero(dataset: Dataset) -> None:
    text = (
        "name: costs\nstart: 2025-01\nhorizon: 2030-12\ninstruments:\n"
        "  - kind: capacity_project\n    facility: usar_stillwater\n"
    )
    [project] = [
        i for i in resolve(load_text(text, ds=dataset), dataset).instruments if isinstance(i, CapacityProject)
    ]
    assert (project.capex_usd, project.opex_usd_per_kg) == (0.0, 0.0)
