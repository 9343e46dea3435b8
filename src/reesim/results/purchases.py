"""What strategic stockpiles bought and paid, read from a run's full outputs.

The kernels add up the cost as they go (output ``stockpile_cost``: each month's purchases per
market, material and element at the month's price there). This module reads the same from the
other outputs, which makes it the check the kernels are tested against and a way to get the
tonnes bought per market (:func:`bought`): in each market
(China, the origin node; outside, every other node) the stock held at the end of the month less
the stock held at the end of the month before (the initial stock before the first month), plus
what strategic stocks released to the market's nodes that month (to their own users in a
shortage, on schedule, and what allies' stocks gave them), is what the stockpiles bought. Summed
over the market's nodes this is exact: what a holder gives an ally leaves its stock and shows as
released at the ally. It assumes every holder and the allies it releases to are in the same
market (a release from a holder in one market to an ally in the other would count as a sale in
the first and a purchase in the second).

Purchases are valued at the month's price of the material and element in the holder's market:
t x USD/kg x 1,000 = USD. The cost is gross: what scheduled releases sell is not netted off.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def bought(stockpile: Array, released: Array, initial: Array, market: NDArray[np.int64]) -> Array:
    """[R, T, K, 2, E] t REO-equivalent the strategic stockpiles of each market (0 China, 1
    outside) bought each month: the change of ``stockpile`` [R, T, K, N, E] (t at the end of the
    month; ``initial`` [R or 1, K, N, E] t before the first) plus ``released`` [R, T, K, N, E]
    (t/month), summed over the nodes whose ``market`` [N] it is."""
    before = np.concatenate([np.broadcast_to(initial, stockpile[:, :1].shape), stockpile[:, :-1]], axis=1)
    flow = stockpile - before + released  # [R, T, K, N, E]
    out = np.zeros((*flow.shape[:3], 2, flow.shape[4]))
    for m in (0, 1):
        out[:, :, :, m] = flow[:, :, :, market == m].sum(axis=3)
    return out


def stockpile_cost(
    stockpile: Array, released: Array, initial: Array, price: Array, market: NDArray[np.int64]
) -> Array:
    """[R, T] USD the strategic stockpiles paid for what they bought each month (:func:`bought`),
    at ``price`` [R, T, K, 2, E] USD/kg in the holder's market."""
    paid: Array = (bought(stockpile, released, initial, market) * price).sum(axis=(2, 3, 4)) * 1000.0
    return paid
