"""Cells are grouped by the set of export controls covering them (reesim.model.controls)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reesim.model.controls import _patterns


@settings(max_examples=60, deadline=None)
@given(
    controls=st.sampled_from([1, 2, 3, 7, 62, 63, 80]),
    density=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_patterns_are_the_distinct_sets_of_controls_in_sorted_order(
    controls: int, density: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    shape = (2, 5, 3)
    masks = [rng.random(shape) < density for _ in range(controls)]
    pattern, members = _patterns(masks, shape)
    cells = np.stack([m.reshape(-1) for m in masks], axis=1)
    assert pattern.shape == shape and pattern.dtype == np.int64
    assert np.array_equal(members[pattern.reshape(-1)], cells)  # each cell's pattern is its set
    assert len({tuple(row) for row in members}) == len(members)  # each set once
    assert [tuple(row) for row in members] == sorted(tuple(row) for row in members)


def test_no_controls_is_one_empty_pattern() -> None:
    pattern, members = _patterns([], (2, 3))
    assert (pattern == 0).all() and members.shape == (1, 0)


def test_a_known_grouping() -> None:
    a = np.array([True, False, True, False])
    b = np.array([True, True, False, False])
    pattern, members = _patterns([a, b], (4,))
    assert members.tolist() == [[False, False], [False, True], [True, False], [True, True]]
    assert pattern.tolist() == [3, 1, 2, 0]


@settings(max_examples=60, deadline=None)
@given(controls=st.sampled_from([1, 2, 5, 40]), seed=st.integers(0, 2**32 - 1))
def test_partial_cover_groups_cells_by_their_weights(controls: int, seed: int) -> None:
    """Controls that cover a share of a cell's flow (magnet grades): cells with the same
    weights under every control share a pattern, whose members are those weights."""
    rng = np.random.default_rng(seed)
    shape = (3, 4, 2)
    levels = np.array([0.0, 0.0, 0.3, 0.77, 1.0])
    masks = [rng.choice(levels, size=shape) for _ in range(controls)]
    pattern, members = _patterns(masks, shape)
    cells = np.stack([m.reshape(-1) for m in masks], axis=1)
    assert np.array_equal(members[pattern.reshape(-1)], cells)
    assert len({tuple(row) for row in members}) == len(members)
    assert [tuple(row) for row in members] == sorted(tuple(row) for row in members)
