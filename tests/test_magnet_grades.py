"""Magnet grades: the world's magnets are made in grades with their own bills of materials, and a
trade measure on some elements reaches only the grades that contain them (reference kernel; the
fast kernel agrees on the shipped scenarios in test_fast_kernel.py)."""

from __future__ import annotations

import numpy as np
import pytest
from tests.strategies import BASE, DS

from reesim.instruments.export_control import magnet_coverage
from reesim.kernel.reference import month_steps
from reesim.kernel.state import Outputs
from reesim.model.baseline import GRADES
from reesim.model.compile import compile_scenario
from reesim.model.scenario import ExportControl, Scenario

MAGNET = 3
USA, CHN = BASE.dims.node("USA"), BASE.dims.node("CHN")
EL = BASE.dims.element
GRADE = {name: g for g, (name, _, _) in enumerate(GRADES)}


def _cover(*elements: str) -> np.ndarray:
    return magnet_coverage(BASE.magnet_grades, [EL(e) for e in elements])


def test_the_grades_add_up_to_the_magnet_mix_and_the_sintered_shares() -> None:
    grades = BASE.magnet_grades
    assert np.allclose(grades.sum(axis=0) / grades.sum(), BASE.magnet_mix)
    # Within sintered output the EV, standard and industrial grades take the parameters' shares
    # (t magnet, read back from the Nd+Pr each carries per tonne in magnet_bom.csv).
    ev, free = DS.parameter("magnet_share_ev_grade"), DS.parameter("magnet_share_heavy_free")
    nd_pr = [EL("Nd"), EL("Pr")]
    per_t = {"ndfeb_ev": 0.30, "ndfeb_n42": 0.3075, "ndfeb_std": 0.3075}
    tonnes = {g: grades[GRADE[g], nd_pr].sum() / per_t[g] for g in per_t}
    sintered = sum(tonnes.values())
    assert tonnes["ndfeb_ev"] / sintered == pytest.approx(ev)
    assert tonnes["ndfeb_std"] / sintered == pytest.approx(free)
    assert tonnes["ndfeb_n42"] / sintered == pytest.approx(1.0 - ev - free)


def test_heavy_free_grades_carry_no_dy_or_tb_and_only_smco_carries_sm() -> None:
    grades = BASE.magnet_grades
    for name in ("ndfeb_std", "ndfeb_bonded", "smco_2_17"):
        assert grades[GRADE[name], [EL("Dy"), EL("Tb")]].sum() == 0.0, name
    assert grades[GRADE["ndfeb_ev"], EL("Tb")] > 0 and grades[GRADE["ndfeb_ev"], EL("Dy")] == 0
    assert grades[GRADE["ndfeb_n42"], EL("Dy")] > 0
    with_sm = {name for name, g in GRADE.items() if grades[g, EL("Sm")] > 0}
    assert with_sm == {"smco_2_17"}


def test_a_measure_on_dy_and_tb_reaches_nd_only_in_the_grades_that_hold_them() -> None:
    grades = BASE.magnet_grades
    nd = EL("Nd")
    heavy = grades[GRADE["ndfeb_ev"], nd] + grades[GRADE["ndfeb_n42"], nd]
    cover = _cover("Dy", "Tb")
    assert cover[nd] == pytest.approx(heavy / grades[:, nd].sum())
    assert 0.5 < cover[nd] < 1.0
    assert cover[EL("Dy")] == cover[EL("Tb")] == 1.0
    assert cover[EL("Sm")] == 0.0  # samarium-cobalt magnets hold neither


def test_a_measure_on_tb_alone_leaves_the_industrial_dy_grade_and_one_on_sm_leaves_ndfeb() -> None:
    nd = EL("Nd")
    assert _cover("Tb")[nd] < _cover("Dy")[nd] < _cover("Dy", "Tb")[nd]
    assert _cover("Sm")[nd] == 0.0 and _cover("Sm")[EL("Sm")] == 1.0
    assert np.all(_cover("Nd")[[nd, EL("Pr"), EL("Dy"), EL("Tb")]] == 1.0)


def test_a_ban_on_magnets_with_dy_and_tb_lets_the_heavy_free_grades_through() -> None:
    """China refuses every US request for magnets containing Dy or Tb from April 2025: no Dy or
    Tb in magnets goes to the US, and of the Nd the US orders of China (what a licence can
    approve: its end uses and base working stock) the share in heavy-free grades still goes,
    month after month, while the rest does not."""
    ban = ExportControl(
        exporter="CHN", materials=("magnet",), elements=("Dy", "Tb"), destinations=("USA",),
        start="2025-04", end="2028-01", approval_share=0.0, review_months=0.0,
    )  # fmt: skip
    scenario = Scenario("heavy-magnet-ban", start="2025-01", months=24, instruments=(ban,))
    inputs = compile_scenario(scenario, DS, BASE)
    free = 1.0 - _cover("Dy", "Tb")
    nd, dy, tb = EL("Nd"), EL("Dy"), EL("Tb")
    shares = BASE.shares[MAGNET, USA, CHN]
    out = Outputs.zeros(1, 24, 4, BASE.dims.n_nodes, BASE.dims.n_elements)
    months = 0
    for t, k, step, _, row in month_steps(inputs, 1, out):
        if step != "trade" or k != MAGNET or t < 3:
            continue
        ship, ordered = row.ship[0, USA, CHN], row.need[0, USA] * shares
        assert ship[dy] == ship[tb] == 0.0, t
        assert ship[nd] <= free[nd] * ordered[nd] + 1e-9, t
        months += int(ship[nd] >= 0.99 * free[nd] * ordered[nd] > 0)
    assert months == 21  # April 2025 to December 2026, every month
