"""The ``output_cap`` instrument: a ceiling on a country's own mine or plant output as a share of
its base-year output. It binds exactly, keeps the mass balance, both kernels agree on it, and a
bad value is located in its file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from tests.agreement import assert_kernels_agree
from tests.balance import balance_gap
from tests.scenario_files import problems
from tests.strategies import BASE, DS

from reesim.kernel.reference import run_reference
from reesim.kernel.shared import feed_mixes
from reesim.model.compile import compile_scenario
from reesim.model.dims import CONCENTRATE, OXIDE
from reesim.model.limits import output_caps
from reesim.model.scenario import OutputCap, Scenario
from reesim.scenarios import resolve

CHN = BASE.dims.node("CHN")
HEAVY = [BASE.dims.elements.index(e) for e in ("Dy", "Tb")]


def _scenario(*instruments: object) -> Scenario:
    return Scenario("cap", start="2025-01", months=12, instruments=instruments,  # type: ignore[arg-type]
                    demand_outlook="none")  # fmt: skip


def test_the_cap_holds_chinas_mines_at_the_share_of_their_base_year_output_while_in_force() -> None:
    """China's mines held at 0.7 of their base-year output from April to September: their output
    is exactly 0.7 x the base year's in each element in those months, and it is more than that
    without the cap and after it ends."""
    cap = OutputCap("CHN", ("concentrate",), 0.7, "2025-04", end="2025-10")
    free = run_reference(compile_scenario(_scenario(), DS, BASE))
    held = run_reference(compile_scenario(_scenario(cap), DS, BASE))
    base = BASE.production[CONCENTRATE, CHN]  # [E] t/month
    mined = held.production[0, :, CONCENTRATE, CHN]  # [T, E]
    np.testing.assert_allclose(mined[3:9], np.broadcast_to(0.7 * base, (6, base.size)), rtol=1e-12)
    assert (free.production[0, 3:9, CONCENTRATE, CHN].sum(axis=1) > 0.99 * base.sum()).all()
    assert (mined[9:].sum(axis=1) > 0.7 * base.sum() * 1.01).all()
    np.testing.assert_allclose(mined[:3], free.production[0, :3, CONCENTRATE, CHN], rtol=1e-12)


def test_a_cap_on_the_heavy_elements_of_separation_holds_them_alone() -> None:
    """China's separation of Dy and Tb held at 0.5 of its base-year level: the Dy and Tb
    concentrate its separators take in is half the base year's (their base-year input in their
    feed mix), its other elements are not held, and China's oxide price of Dy rises above the
    run without the cap."""
    cap = OutputCap("CHN", ("oxide",), 0.5, "2025-02", elements=("Dy", "Tb"))
    inputs = compile_scenario(_scenario(cap), DS, BASE)
    free = run_reference(compile_scenario(_scenario(), DS, BASE))
    held = run_reference(inputs)
    level = BASE.feed.sum(axis=2)[CONCENTRATE, CHN] * feed_mixes(inputs)[CONCENTRATE, CHN]
    taken = held.feed[0, 1:, CONCENTRATE, CHN]
    np.testing.assert_allclose(taken[:, HEAVY], np.broadcast_to(0.5 * level[HEAVY], (11, 2)), rtol=1e-9)
    made = held.production[0, 1:, OXIDE, CHN]
    nd = BASE.dims.elements.index("Nd")
    assert made[:, nd].min() > 0.9 * BASE.production[OXIDE, CHN, nd]
    dy = HEAVY[0]
    assert held.price[0, -1, OXIDE, 0, dy] > 1.2 * free.price[0, -1, OXIDE, 0, dy]


def test_the_mass_balance_holds_under_a_cap() -> None:
    """Production, imports and stock changes equal uses, exports and stock builds in every month,
    node, material and element with China's mines and separators capped."""
    caps = (OutputCap("CHN", ("concentrate", "oxide"), 0.6, "2025-03"),)
    inputs = compile_scenario(_scenario(*caps), DS, BASE)
    gap, scale = balance_gap(inputs, run_reference(inputs, runs=1))
    assert np.abs(gap).max() <= 1e-9 * scale


def test_the_smallest_share_in_force_applies_per_cell_and_run() -> None:
    """Two caps on one node: 0.8 on every element from month 0, 0.5 on element 1 from month 2
    (and 0.4 in a second run): the ceilings are 0.8/0.8 before month 2, then 0.8/0.5 and 0.8/0.4;
    no ceiling on uncovered materials or after the end."""
    every = np.zeros((4, 2), dtype=bool)
    every[CONCENTRATE] = True
    one = np.zeros((4, 2), dtype=bool)
    one[CONCENTRATE, 1] = True
    caps = output_caps([(0, 0, 6, every, 0.8), (0, 2, 6, one, np.array([0.5, 0.4]))], 4, 2)
    np.testing.assert_allclose(caps.at(1, 4, 1, 2)[:, CONCENTRATE, 0], [[0.8, 0.8], [0.8, 0.8]])
    np.testing.assert_allclose(caps.at(2, 4, 1, 2)[:, CONCENTRATE, 0], [[0.8, 0.5], [0.8, 0.4]])
    assert np.isinf(caps.at(2, 4, 1, 2)[:, OXIDE]).all()
    assert np.isinf(caps.at(6, 4, 1, 2)).all()


def test_the_kernels_agree_on_output_caps() -> None:
    """China's 2010-2014 case with its output path, and a heavy-element cap on separation drawn per
    run: the fast kernel gives the reference kernel's outputs."""
    history = resolve("quota-2010", DS)
    extra = (
        OutputCap("CHN", ("concentrate", "oxide"), 0.8, "2011-01", end="2013-01"),
        OutputCap("CHN", ("oxide",), 0.6, "2012-01", elements=("Dy", "Tb"), end="2014-01"),
    )
    capped = replace(history, instruments=history.instruments + extra)
    assert_kernels_agree(compile_scenario(capped, DS, BASE))
    shares = np.array([0.5, 0.7, 0.9])
    drawn = OutputCap("CHN", ("oxide",), shares, "2025-02", elements=("Dy", "Tb"))  # type: ignore[arg-type]
    assert_kernels_agree(compile_scenario(_scenario(drawn), DS, BASE), runs=3)


HEAD = "name: t\nstart: 2025-01\nhorizon: 2026-12\ninstruments:\n"
CAP = "  - kind: output_cap\n    country: CHN\n    forms: [ore]\n    start: 2025-04\n"


def test_a_negative_share_names_the_file_line_and_field(tmp_path: Path) -> None:
    found = problems(tmp_path, HEAD + CAP + "    share: -0.2\n")
    assert len(found) == 1, found
    p = found[0]
    assert p.file.endswith(".yaml") and p.line == 9
    assert p.field == "instruments[0].share"
    assert "at least 0" in p.message and p.hint


def test_a_bloc_where_one_country_is_needed_is_located(tmp_path: Path) -> None:
    found = problems(tmp_path, HEAD + CAP.replace("country: CHN", "country: eu") + "    share: 0.5\n")
    assert len(found) == 1, found
    assert found[0].field == "instruments[0].country" and "one country" in found[0].message
