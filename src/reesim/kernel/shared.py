"""What both kernels take from one place: the tolerance below which a quantity counts as
nothing, and the input mix of each stage."""

from __future__ import annotations

import numpy as np

from reesim.kernel.state import Array
from reesim.model.compile import Inputs
from reesim.model.dims import CONCENTRATE, MAGNET

#: Quantities (t REO-eq per month) at or below this count as nothing in divisions.
EPS = 1e-12


def feed_mixes(inputs: Inputs) -> Array:
    """Unit input mix of the stage fed by material k at each node: [K, N, E], rows sum to 1.

    Where a stage has no base-year input its mix is the world's: mine output for separation,
    the magnet mix for metal and magnet making."""
    base = inputs.base
    mix = np.zeros_like(base.feed)
    world_conc = base.production[CONCENTRATE].sum(axis=0) / max(base.production[CONCENTRATE].sum(), EPS)
    for k in range(MAGNET):
        default = world_conc if k == CONCENTRATE else base.magnet_mix
        total = base.feed[k].sum(axis=1, keepdims=True)
        mix[k] = np.where(total > 0, base.feed[k] / np.maximum(total, EPS), default[None, :])
    return mix
