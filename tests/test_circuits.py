"""Separation by circuit: in the base year heavy rare earths (Sm and heavier, Y) are separated only
where a heavy circuit ran in or before 2024 (China), light ones where light circuits ran; a
separation project makes the elements of its circuits, in both kernels."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from tests.agreement import assert_kernels_agree
from tests.strategies import BASE, DS

from reesim.kernel.active import active_rows
from reesim.kernel.reference import run_reference
from reesim.model.baseline import stage_values
from reesim.model.circuits import circuit_mix, feed_mixes, project_mix, world_concentrate_mix
from reesim.model.compile import compile_scenario
from reesim.model.dims import CONCENTRATE, MAGNET, METAL, OXIDE
from reesim.model.scenario import CapacityProject, Scenario
from reesim.scenarios import resolve

NODE, ELEMENT = BASE.dims.node, BASE.dims.element
CHN, MYS, AUS = NODE("CHN"), NODE("MYS"), NODE("AUS")
LIGHT = ~BASE.heavy


def _outside_share(separated: np.ndarray, elements: np.ndarray) -> float:
    """Share of the world's separation of ``elements`` [E] (bool) done outside China."""
    world = separated[:, elements].sum()
    return float((world - separated[CHN, elements].sum()) / world)


def test_the_circuits_split_the_elements_at_samarium() -> None:
    light = {s for s, h in zip(BASE.dims.elements, BASE.heavy, strict=True) if not h}
    assert light == {"La", "Ce", "Pr", "Nd", "Sc"}


@pytest.mark.parametrize(
    "symbols", [("Dy",), ("Tb",), tuple(s for s in BASE.dims.elements if s not in "LaCePrNdSc")]
)
def test_heavy_elements_are_separated_in_china_in_the_base_year(symbols: tuple[str, ...]) -> None:
    """Lynas sold its heavy (SEGH) compound to China and MP Materials shipped concentrate there:
    outside China almost no heavy rare earth was separated in 2024."""
    elements = np.isin(np.array(BASE.dims.elements), symbols)
    assert _outside_share(BASE.feed[CONCENTRATE], elements) < 0.02
    separated = BASE.feed[CONCENTRATE] * BASE.yields[OXIDE]  # oxide less recycled and secondary
    assert _outside_share(separated, elements) < 0.02


def test_light_elements_are_still_separated_outside_china() -> None:
    """Light circuits outside China (Lynas Malaysia, Mountain Pass, Silmet, the rest) keep a
    share of the world's light-element separation near the 9% of all separation they had."""
    share = _outside_share(BASE.feed[CONCENTRATE], LIGHT)
    assert 0.08 < share < 0.16
    assert BASE.feed[CONCENTRATE, MYS, ELEMENT("Nd")] > 0
    assert BASE.feed[CONCENTRATE, MYS, BASE.heavy].sum() == 0.0


def test_all_mined_rare_earths_are_separated_per_circuit() -> None:
    mined = BASE.production[CONCENTRATE].sum(axis=0)
    assert np.allclose(BASE.feed[CONCENTRATE].sum(axis=0), mined, rtol=1e-12)


def test_a_heavy_circuit_reported_after_the_base_year_does_not_count() -> None:
    """Lynas Malaysia's heavy circuit (2025) separates nothing in 2024; the nearest-year rule
    still lets a light row stand in."""
    after = stage_values(DS, BASE.dims, ("separation_heavy",), later=True)
    before = stage_values(DS, BASE.dims, ("separation_heavy",), later=False)
    assert after[MYS] > 0 and before[MYS] == 0.0
    assert before[CHN] == after[CHN] > 0


def test_a_mine_sends_its_light_and_heavy_elements_to_different_circuits() -> None:
    """Australia's concentrate: light elements to Malaysia (and the pool), heavy ones to China."""
    conc = BASE.trade[CONCENTRATE]
    assert conc[MYS, AUS, ELEMENT("Nd")] > 0
    assert conc[MYS, AUS, BASE.heavy].sum() == 0.0
    assert conc[CHN, AUS, ELEMENT("Dy")] > 0


def test_project_mixes_follow_their_circuits() -> None:
    world = world_concentrate_mix(BASE)
    heavy, light = circuit_mix(BASE, heavy=True), circuit_mix(BASE, heavy=False)
    assert np.isclose(heavy.sum(), 1.0) and (heavy[LIGHT] == 0).all() and heavy[ELEMENT("Dy")] > 0
    assert np.isclose(light.sum(), 1.0) and (light[BASE.heavy] == 0).all()
    dy_tb = [ELEMENT("Dy"), ELEMENT("Tb")]
    assert np.array_equal(project_mix(BASE, OXIDE, MYS, dy_tb, "heavy"), heavy)
    assert np.array_equal(project_mix(BASE, OXIDE, AUS, [ELEMENT("Nd"), *dy_tb], "light"), world)
    assert np.array_equal(project_mix(BASE, OXIDE, AUS, [ELEMENT("La"), ELEMENT("Nd")], ""), light)
    # listing none: the node's base-year feed where it separates, else by its stage
    assert np.array_equal(project_mix(BASE, OXIDE, MYS, [], ""), feed_mixes(BASE)[CONCENTRATE, MYS])
    assert np.array_equal(project_mix(BASE, OXIDE, AUS, [], ""), light)
    assert np.array_equal(project_mix(BASE, OXIDE, AUS, [], "heavy"), heavy)
    # mines, metal and magnet plants: the node's profile or feed mix, as without circuits
    assert np.array_equal(project_mix(BASE, CONCENTRATE, CHN, [], ""), BASE.profile[CHN])
    assert np.array_equal(project_mix(BASE, CONCENTRATE, NODE("JPN"), [], ""), world)
    assert np.array_equal(
        project_mix(BASE, METAL, NODE("USA"), dy_tb, ""), feed_mixes(BASE)[OXIDE, NODE("USA")]
    )
    assert np.array_equal(
        project_mix(BASE, MAGNET, NODE("USA"), [], ""), feed_mixes(BASE)[METAL, NODE("USA")]
    )


def _heavy_plant(**kw: object) -> Scenario:
    plant = CapacityProject(node="MYS", material="oxide", nameplate=1500.0, start="2025-05", ramp_months=6.0,
                            name="heavy", elements=("Dy", "Tb"), circuit="heavy", **kw)  # type: ignore[arg-type]  # fmt: skip
    return Scenario("heavy-plant", start="2025-01", months=12, instruments=(plant,), demand_outlook="none")


def test_a_heavy_plant_sells_and_takes_heavy_elements() -> None:
    inputs = compile_scenario(_heavy_plant(), DS, BASE)
    assert np.array_equal(inputs.proj_out[0], circuit_mix(BASE, heavy=True))
    assert np.array_equal(inputs.proj_mix[0], inputs.proj_out[0])  # revenue weights: heavy oxides
    rows = active_rows(inputs)
    assert rows[CONCENTRATE, MYS, ELEMENT("Dy")] and rows[OXIDE, MYS, ELEMENT("Dy")]
    out = run_reference(inputs)
    made = out.production[0, :, OXIDE, MYS] - out.recycled[0, :, OXIDE, MYS]
    assert made[:4, BASE.heavy].sum() == 0.0  # before May 2025
    assert made[5:, ELEMENT("Dy")].min() > 0.0
    base_light = BASE.production[OXIDE, MYS, LIGHT] - BASE.recycled[MYS, LIGHT]
    assert np.allclose(made[-1, LIGHT], base_light, rtol=1e-6)  # its light circuit runs as before


def test_malaysia_makes_dysprosium_only_after_the_lynas_heavy_circuit_starts() -> None:
    """In ``race`` Lynas's heavy circuit at Kuantan starts in May 2025: Malaysia separates no Dy
    before, and some from then on (it finds heavy concentrate to feed it)."""
    race = resolve("race", DS)
    inputs = compile_scenario(replace(race, months=12), DS, BASE)
    out = run_reference(inputs)
    dy = ELEMENT("Dy")
    made = out.production[0, :, OXIDE, MYS, dy] - out.recycled[0, :, OXIDE, MYS, dy]
    start = inputs.months.index("2025-05")
    assert (made[:start] == 0.0).all()
    assert (made[start:] > 0.0).all()


@pytest.mark.compile
def test_kernels_agree_on_a_heavy_plant() -> None:
    inputs = compile_scenario(_heavy_plant(opex_usd_per_kg=20.0, committed=False, capex_usd=2e7), DS, BASE)
    agreeing = ("production", "imports", "feed", "inventory", "price", "project_output")
    ref, _ = assert_kernels_agree(inputs, agreeing)
    assert ref.production[0, -1, OXIDE, MYS, ELEMENT("Dy")] > 0
