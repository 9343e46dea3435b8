"""The mass balance of a reference run, shared by the engine's invariant tests."""

from __future__ import annotations

import numpy as np
from tests.strategies import BASE

from reesim.kernel.state import Outputs
from reesim.model.compile import Inputs


def balance_gap(inputs: Inputs, out: Outputs) -> tuple[np.ndarray, float]:
    """[R, T, K, N, E] t: production, imports and what stocks gave (working stock and
    stockpile, each against the month before; the first month against the base year's cover and
    the stockpiles' initial stock) less consumption, feed and exports; and the scale of the flows
    (at least 1 t) against which a gap counts as rounding."""
    inv0 = inputs.params["working_stock_months"][0] * (BASE.feed + BASE.final)[None]
    prev_inv = np.concatenate([inv0[:, None], out.inventory[:, :-1]], axis=1)
    prev_stock = np.concatenate(
        [inputs.stockpiles.initial_stock(*out.stockpile.shape[2:])[:1, None], out.stockpile[:, :-1]], axis=1
    )
    supply = out.production + out.imports + (prev_inv - out.inventory) + (prev_stock - out.stockpile)
    uses = out.consumption + out.feed + out.exports
    return supply - uses, max(1.0, float(np.abs(supply).max()))
