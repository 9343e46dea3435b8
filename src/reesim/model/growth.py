"""The chain that grows with demand: China's producers keep the world balanced as demand grows.

Final demand grows along the scenario's demand outlook (:mod:`reesim.model.outlook`), ``g(t)``
times the base year's at every node. Outside China, base-year plants keep their base-year
output: new capacity there comes only from the capacity projects a scenario names. China's chain
and the mines that feed its separation plants (:data:`GROWING`) carry the world's growth, as
they did from 2018 to 2024, when China's mining quota rose from 120,000 t to 270,000 t
(14% a year, ``mine_production``) and its clay feed from Myanmar and Laos grew with it.

A growing producer's output of element ``e`` at stage ``k`` is its base-year output times
``1 + s(t) x grow_by[k, n, e]``, where ``s(t) = china_growth_share x (g(t + L) - 1)``:
``grow_by`` is the world's base-year output of the element at that stage over the growing
producers' (what they must add for the world's output to grow as demand does), and ``L`` is
``working_stock_months``, so that supply runs that far ahead of use and the working stocks,
held in months of use, fill as use grows. Per stage:

- magnets and metal: the world's output over China's;
- separation: the world's separation output over China's, less what China's magnet makers'
  scrap adds as their output grows (it follows their output in the kernel), plus the
  end-of-life recycling, which stays near its base-year level over the horizon;
- mines: what separation then needs, over the growing mines' output.

The unexplained part of China's secondary supply (:mod:`reesim.model.baseline`) grows with
``s(t)`` (``secondary_growth``, t/month per unit of ``s``). Working-stock targets grow with each
node's use (``use_index``). At ``china_growth_share`` 1 a run with no policy is the base year
scaled up, balanced in every month (tested); below 1 China falls behind and the world is short.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reesim.model.baseline import Baseline
from reesim.model.dims import CONCENTRATE, MAGNET, METAL, OXIDE
from reesim.model.perrun import Array

__all__ = ["GROWING", "Growth", "growth"]

#: Nodes whose base-year producers grow with demand: China, and the clay mines feeding it.
GROWING = ("CHN", "MMR", "LAO")


@dataclass(frozen=True)
class Growth:
    """The tables a compile adds for growth. T months, K materials, N nodes, E elements."""

    demand: Array  # [1, T, K, N] final demand over the base year's (the outlook's g(t))
    supply: Array  # [R or 1, T] s(t): growing producers add s x grow_by of their base output
    grow_by: Array  # [K, N, E] world base-year output over the growing producers' (0: fixed)
    secondary: Array  # [E] t/month China's unexplained secondary supply adds per unit of s
    use_index: Array  # [R or 1, T, K, N] each node's use over the base year's (working stocks)


def _ratio(world: Array, own: Array) -> Array:
    """``world / own`` where ``own`` is positive, else 0 (a producer that makes none adds none)."""
    out: Array = np.divide(
        world, own, out=np.zeros_like(own), where=own > 1e-12 * max(float(world.max()), 1.0)
    )
    return out


def grow_by(base: Baseline, outside: float) -> tuple[Array, Array]:
    """([K, N, E] ``grow_by``, [E] the unexplained secondary supply) from the base year, with
    producers outside :data:`GROWING` adding ``outside`` of the outlook's growth."""
    dims = base.dims
    china = dims.node("CHN")
    growing = [dims.node(c) for c in GROWING if c in dims.nodes]
    others = [n for n in range(dims.n_nodes) if n not in growing]
    prod = base.production
    out = np.zeros(prod.shape)
    out[:, others] = np.where(prod[:, others] > 0, outside, 0.0)
    for k in (METAL, MAGNET):
        out[k, china] = _ratio(prod[k].sum(axis=0) - outside * prod[k, others].sum(axis=0), prod[k, china])
    swarf = base.swarf[china]
    scrap_pace = out[MAGNET, china].max()  # China's magnet makers' growth per unit of s
    recycled = base.recycled  # [N, E]
    separated = prod[OXIDE] - recycled  # [N, E] separation output (China's with its secondary)
    separated[china] = separated[china] - base.secondary
    # oxide the world's separation must add per unit of s: the use's growth less what secondary
    # supply adds (its unexplained part at s, magnet makers' scrap at China's magnet pace)
    need = np.maximum(separated.sum(axis=0) + recycled.sum(axis=0) - (scrap_pace - 1.0) * swarf, 0.0)
    rest = need - outside * separated[others].sum(axis=0)
    out[OXIDE, others] = np.where(separated[others] > 0, outside, 0.0)
    out[OXIDE, china] = _ratio(rest, separated[china])
    mined = base.mine[:, None] * base.profile  # [N, E]
    rest_mined = need / float(base.yields[OXIDE]) - outside * mined[others].sum(axis=0)
    for n in growing:
        out[CONCENTRATE, n] = _ratio(rest_mined, mined[growing].sum(axis=0))
    return out, np.maximum(base.secondary - swarf, 0.0)


def growth(base: Baseline, g: Array, g_ahead: Array, outside: float) -> Growth:
    """The growth tables for demand index ``g`` [T], its value ``working_stock_months`` later per
    run ``g_ahead`` [R or 1, T], and ``outside_growth_share``."""
    k_n, t_n = 4, g.size
    by, secondary = grow_by(base, outside)
    supply = g_ahead - 1.0  # [R or 1, T]
    now = (g - 1.0)[None]  # [1, T] s(t) without the lead
    feed, final = base.feed, base.final  # [K, N, E]
    nxt = np.concatenate([by[1:], np.zeros_like(by[:1])])  # feed of material k grows with stage k + 1
    both = (feed + final).sum(axis=2)  # [K, N]
    fed = np.einsum("kne,kne->kn", feed, nxt)  # per unit of s
    use = (
        both[None, None]
        + now[:, :, None, None] * fed[None, None]
        + (g[None, :, None, None] - 1.0) * (final.sum(axis=2)[None, None])
    )
    use_index: Array = np.where(both[None, None] > 0, use / np.where(both > 0, both, 1.0)[None, None], 1.0)
    demand = np.broadcast_to(g[None, :, None, None], (1, t_n, k_n, base.dims.n_nodes)).copy()
    return Growth(demand=demand, supply=np.ascontiguousarray(supply), grow_by=by, secondary=secondary,
                  use_index=np.ascontiguousarray(use_index))  # fmt: skip
