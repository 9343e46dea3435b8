"""Rows the fast kernel can skip for a whole simulation: (material, node, element) rows that
stay empty in every run and month, found from the scenario's fixed structure.

Most rows never hold anything: in ``race`` about two in three (1,408 rows; at most 210 of 352
for concentrate, 192 for oxide, 36 for metal and 44 for magnets are ever used). The kernel tests
each month which rows are busy (:func:`reesim.kernel.fast_month.positions`), but a test on a row
still reads it, and reading rows that cannot be busy would be a large part of its time. So the
kernel visits, for each material and node, only the elements this module lists.

A row can hold something only if one of these puts something in it (see
:mod:`reesim.kernel.reference`); rows that trade only receive what they ask for, and asking
needs a use or a working-stock target, which are in the list:

- base use (working-stock target) or final demand;
- the planned input of the next stage: a feed mix share at a node with base input, or an
  element of the output mix of a capacity project for the next material there (a heavy
  separation circuit at a node whose base-year plants are light takes heavy-element concentrate);
- output: mining (a mine profile share at a node with a mine, or an element of a mining
  project's mix), the stage before it (the rows of the previous material that feed it), the
  secondary supply in China and recycled magnets (oxide, where magnets are used);
- a strategic stockpile with a share of the element.

The list is conservative (a listed row may stay empty). ``tests/test_active_rows.py`` checks
with the reference kernel that rows not listed stay empty.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from reesim.kernel.shared import feed_mixes
from reesim.model.compile import Inputs

Mask = NDArray[np.bool_]
Index = NDArray[np.int64]


def active_rows(inputs: Inputs) -> Mask:
    """Rows [material, node, element] that may hold something in some run and month."""
    base = inputs.base
    mixes = feed_mixes(inputs)
    k_n = mixes.shape[0]
    base_in = base.feed.sum(axis=2)  # [K, N]: what each node's stage fed by material k takes
    project = np.zeros_like(mixes, dtype=np.bool_)  # elements a capacity project makes of k at n
    for p in range(inputs.proj_node.size):
        project[inputs.proj_material[p], inputs.proj_node[p]] |= inputs.proj_out[p] != 0
    rows: Mask = np.asarray((base.feed + base.final) != 0)
    rows |= base.final != 0
    # The next stage's planned input (and what it then consumes).
    fed = (mixes != 0) & (base_in != 0)[:, :, None]
    fed[: k_n - 1] |= project[1:]
    fed[k_n - 1] = False
    rows |= fed
    # Output: mining, then each stage from the material before it.
    rows[0] |= (base.profile != 0) & (base.mine != 0)[:, None]
    rows[0] |= project[0]
    rows[1:] |= fed[: k_n - 1]
    rows[1, inputs.origin_node] |= base.secondary != 0
    rows[1] |= base.final[k_n - 1] != 0  # recycled from the magnets used
    piles = inputs.stockpiles
    for s in range(piles.node.size):
        rows[piles.material[s], piles.node[s]] |= piles.mix[s] != 0
    return rows


def row_lists(rows: Mask) -> tuple[Index, Index]:
    """The listed elements of each (material, node), in element order: ``elements[material,
    node, :count[material, node]]`` (the rest -1), as the kernel walks them."""
    k_n, n_n, e_n = rows.shape
    count = rows.sum(axis=2).astype(np.int64)
    elements = np.full((k_n, n_n, e_n), -1, dtype=np.int64)
    for k in range(k_n):
        for n in range(n_n):
            found = np.flatnonzero(rows[k, n])
            elements[k, n, : found.size] = found
    return elements, count
