"""What both kernels take from one place: the tolerance below which a quantity counts as
nothing, a project's status codes, the input mix of each stage and each node's base-year output."""

from __future__ import annotations

import numpy as np

from reesim.kernel.state import Array
from reesim.model import circuits
from reesim.model.compile import Inputs
from reesim.model.dims import CONCENTRATE

#: Quantities (t REO-eq per month) at or below this count as nothing in divisions.
EPS = 1e-12
#: A node's holding after trade at or below this share of what it had and received (its stock
#: left after sending almost all of it) is rounding residue: its China-origin share is kept rather
#: than taken as the ratio of two residues, which can be anything from 0 to 1.
EMPTIED = 1e-9
#: Share of what an importer asked that must fail to arrive for a month to count in full toward
#: qualifying other suppliers (``short_months``); a smaller shortfall counts in proportion, so
#: that outputs move continuously with what arrives.
SHORT_SHARE = 0.01
#: A capacity project's status, as a float per run: not yet decided, financed (output from its
#: start month), cancelled.
UNDECIDED, FINANCED, CANCELLED = 0.0, 1.0, 2.0
#: Row of the output multiple ``util`` that belongs to a node's heavy separation circuit (rows 0-3
#: are the stages making each material; the oxide row is the light circuit's): the two circuits
#: of a separator answer the orders for their own elements, so orders for Nd and Pr do not make a
#: separator take in more heavy-element concentrate.
HEAVY_CIRCUIT = 4


def feed_mixes(inputs: Inputs) -> Array:
    """Unit input mix of the stage fed by material k at each node: [K, N, E], rows sum to 1
    (see :func:`reesim.model.circuits.feed_mixes`)."""
    return circuits.feed_mixes(inputs.base)


def base_output(inputs: Inputs, mixes: Array) -> Array:
    """Each node's base-year output of each material [K, N, E], t/month: mine output in its
    element profile, and each stage's base input in its mix (``mixes``, see :func:`feed_mixes`)
    times its yield."""
    base = inputs.base
    out = np.zeros_like(base.feed)
    out[CONCENTRATE] = base.mine[:, None] * np.where(base.mine[:, None] > 0, base.profile, 0.0)
    base_in = base.feed.sum(axis=2)
    for k in range(1, out.shape[0]):
        out[k] = base_in[k - 1][:, None] * mixes[k - 1] * base.yields[k]
    return out
