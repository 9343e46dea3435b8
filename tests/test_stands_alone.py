"""Whether the chain outside China stands alone, per stage, element and magnet grade: the month
from which production outside China covers use there (final demand plus the next stage's feed)
for the rest of the run, kept by the kernel per run and read per grade through the grades'
bills of materials."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.strategies import BASE, DS

from reesim.engine.batch import run_batch
from reesim.model.baseline import GRADES
from reesim.report.headline_html import stands_alone_table
from reesim.results.headline import ALL_STAGES, Headline
from reesim.results.measures import alone_by_element, alone_by_grade
from reesim.results.plain import headline_json
from reesim.results.series import alone_from


def test_alone_from_is_the_month_after_the_last_short_month() -> None:
    made = np.array([[5.0, 5.0, 5.0, 5.0], [1.0, 9.0, 1.0, 9.0], [0.0, 0.0, 0.0, 0.0]]).T  # [T, E]
    used = np.array([[4.0, 4.0, 4.0, 4.0], [2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 0.0, 1.0]]).T
    got = alone_from(made[None, :, None, :], used[None, :, None, :])  # [R, K, E]
    # covered from the start; short in month 2 (index 2) so alone from 3; short in the last month
    assert got[0, 0].tolist() == [0.0, 3.0, 4.0]


@pytest.fixture(scope="module")
def race() -> object:
    return run_batch("race", runs=6, seed=5, dataset=DS, baseline=BASE)


def test_a_grade_stands_alone_once_every_rare_earth_in_it_does(race: object) -> None:
    s = race.series  # type: ignore[attr-defined]
    grades = [str(g) for g in s["grade"].values]
    assert grades == [g if gbd == "no" else f"{g}_gbd" for g, gbd, _ in GRADES]
    content = BASE.magnet_grades
    for stage in (None, "separation", "metal", "magnets"):
        by_element, by_grade = alone_by_element(s, stage), alone_by_grade(s, stage)
        for g in range(len(grades)):
            needed = content[g] > 0
            assert needed.any()
            assert np.array_equal(by_grade[:, g], by_element[:, needed].max(axis=1))
        # the heavy-free grade needs a subset of the EV grade's rare earths: never later
        std, ev = grades.index("ndfeb_std"), grades.index("ndfeb_ev_gbd")
        assert set(np.flatnonzero(content[std])) <= set(np.flatnonzero(content[ev]))
        assert (by_grade[:, std] <= by_grade[:, ev]).all()


def test_every_stage_together_is_the_latest_stage(race: object) -> None:
    s = race.series  # type: ignore[attr-defined]
    stages = [alone_by_element(s, str(st)) for st in s["stage"].values]
    assert np.array_equal(alone_by_element(s), np.maximum.reduce(stages))


def test_the_headline_json_and_report_show_it_per_stage_element_and_grade(race: object) -> None:
    head: Headline = race.headline()  # type: ignore[attr-defined]
    assert list(head.stands_alone) == [ALL_STAGES, "mining", "separation", "metal", "magnets"]
    assert {"Dy", "Tb", "Nd", "ndfeb_ev_gbd", "ndfeb_std"} <= set(head.stands_alone[ALL_STAGES])
    again = Headline.from_dict(head.to_dict())
    assert again.stands_alone == head.stands_alone
    plain = headline_json(head)["stands_alone"]
    for stage, items in head.stands_alone.items():
        for item, spread in items.items():
            want = None if not math.isfinite(spread.p50) else head.months[round(spread.p50)]
            assert plain[stage][item]["p50"] == want
    table = stands_alone_table(head)
    assert "high coercivity" in table and "<th>every stage</th>" in table and "<td>Dy</td>" in table
