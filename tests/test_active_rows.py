"""The rows the fast kernel skips (reesim.kernel.active) stay empty in the reference kernel."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from tests.strategies import BASE, DS, scenarios

from reesim.kernel.active import active_rows, row_lists
from reesim.kernel.reference import run_reference
from reesim.kernel.state import Outputs
from reesim.model.compile import compile_scenario
from reesim.model.scenario import Scenario, Stockpile

QUANTITIES = ("production", "imports", "exports", "feed", "consumption", "demand", "unmet", "losses",
              "inventory", "stockpile", "recycled")  # fmt: skip


def _used(out: Outputs) -> np.ndarray:
    """[material, node, element]: rows with a non-zero quantity in some run and month."""
    used = np.zeros(out.production.shape[2:], dtype=np.bool_)
    for name in QUANTITIES:
        used |= (getattr(out, name) != 0).any(axis=(0, 1))
    return used


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios)
def test_rows_not_listed_stay_empty(scenario: Scenario) -> None:
    inputs = compile_scenario(scenario, DS, BASE)
    rows = active_rows(inputs)
    used = _used(run_reference(inputs, runs=2))
    assert not (used & ~rows).any(), np.argwhere(used & ~rows)[:5]


def test_a_stockpile_where_nothing_else_is_held_is_listed() -> None:
    """Germany makes and uses no metal in the base year: its metal rows are listed only because
    of the stockpile (random scenarios put stockpiles where other rules list the rows too)."""
    pile = Stockpile(holder="DEU", material="metal", target=900.0, purchase_per_yr=1_200.0, start="2025-01",
                     initial=100.0)  # fmt: skip
    inputs = compile_scenario(Scenario("pile", start="2025-01", months=6, instruments=(pile,)), DS, BASE)
    rows, deu = active_rows(inputs), BASE.dims.nodes.index("DEU")
    used = _used(run_reference(inputs))
    assert used[2, deu].any()
    assert not (used & ~rows).any()


def test_the_list_is_tight_for_the_baseline() -> None:
    """Every listed row of the baseline holds something: the kernel skips all it can."""
    inputs = compile_scenario(Scenario("base", start="2025-01", months=12), DS, BASE)
    rows = active_rows(inputs)
    assert np.array_equal(rows, _used(run_reference(inputs)))
    assert 0.2 < rows.mean() < 0.5  # most rows (material, node, element) stay empty


def test_row_lists_give_the_listed_elements_in_order() -> None:
    rows = np.zeros((2, 3, 4), dtype=np.bool_)
    rows[0, 1, [3, 0]] = True
    rows[1, 2, :] = True
    elements, count = row_lists(rows)
    assert count.tolist() == [[0, 2, 0], [0, 0, 4]]
    assert elements[0, 1].tolist() == [0, 3, -1, -1]
    assert elements[1, 2].tolist() == [0, 1, 2, 3]
    assert (elements[0, 0] == -1).all()
