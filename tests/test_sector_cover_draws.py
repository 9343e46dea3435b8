"""Monte Carlo draws the final-use sectors' magnet covers (``sector_cover_*``) from their ranges in
``parameters.csv``: per run, each sector holds its own drawn months of stock, and the sectors'
shortfalls follow; the central run keeps every cover at its default."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from tests.agreement import assert_kernels_agree
from tests.strategies import BASE, DS

from reesim import examples
from reesim.kernel.reference import run_reference
from reesim.model.compile import compile_scenario
from reesim.model.sectors import cover_parameters
from reesim.scenarios import load
from reesim.uncertainty.sample import SAMPLED_PARAMETERS, draw_batch, parameter_ranges, run_rng

COVERS = ("sector_cover_ev_traction", "sector_cover_defence")
EV = 0  # the first sector: ev_traction


def test_covers_are_drawn_within_their_ranges_after_the_other_numbers() -> None:
    assert cover_parameters(DS) == COVERS
    ranges = parameter_ranges(DS)
    assert ranges["sector_cover_ev_traction"] == (0.5, 0.75, 1.0)
    assert ranges["sector_cover_defence"] == (3.0, 6.0, 12.0)
    drawn = draw_batch(load("baseline", DS), DS, 7, range(40)).parameters
    for name in COVERS:
        low, _mode, high = ranges[name]
        assert low <= drawn[name].min() and drawn[name].max() <= high and drawn[name].std() > 0.05, name
    # The covers come last in each run's stream: the other parameters are drawn as without them.
    others = [n for n in SAMPLED_PARAMETERS if n in ranges]
    rng = run_rng(7, 3)
    for name in others:
        assert drawn[name][3] == float(rng.triangular(*ranges[name])), name


def test_a_scenario_that_sets_a_cover_keeps_it() -> None:
    assert "sector_cover_ev_traction" not in parameter_ranges(DS, {"sector_cover_ev_traction": 0.6})


def _april(**covers: object):  # type: ignore[no-untyped-def]
    scenario = examples.april_2025(months=12)
    return compile_scenario(replace(scenario, parameters={**scenario.parameters, **covers}), DS, BASE)


def test_drawn_covers_give_each_run_its_own_sector_shortfall() -> None:
    """April 2025's licences with the carmakers' cover at the low end, the default and the high end
    of its range: the more weeks they hold, the less of their magnets they miss, and the run at the
    default is the central run."""
    ev = np.array([0.5, 0.75, 1.0])
    many = run_reference(_april(sector_cover_ev_traction=ev), runs=3)
    central = run_reference(_april(), runs=1)
    short = many.sector_unmet[:, :, :, EV].sum(axis=(1, 2))  # [run] t over the year, all nodes
    assert short[0] > 1.5 * short[1] > 0 and short[1] > 2 * short[2] > 0
    for name in ("sector_unmet", "sector_stock", "unmet", "price"):
        a, b = getattr(many, name)[1], getattr(central, name)[0]
        assert np.abs(a - b).max() <= 1e-9 * max(1.0, float(np.abs(b).max())), name
    # Each run's stock target: the carmakers hold their own drawn months of demand.
    hold = _april(sector_cover_ev_traction=ev).sectors.cover[:, 0, EV]
    assert hold == pytest.approx(ev)


@pytest.mark.compile
def test_kernels_agree_on_drawn_covers() -> None:
    inputs = _april(sector_cover_ev_traction=np.array([0.5, 1.0]), sector_cover_defence=np.array([12.0, 3.0]))
    ref, _fast = assert_kernels_agree(inputs, runs=2)
    assert not np.allclose(ref.sector_unmet[0], ref.sector_unmet[1])
