"""The chain that grows with demand: China's producers keep the world balanced as demand grows.

Final demand grows along the scenario's demand outlook (:mod:`reesim.model.outlook`), ``g(t)``
times the base year's at every node. Base-year producers outside China grow by
``outside_growth_share`` of it (1: as demand does); China's chain and the mines that feed its
separation plants (:data:`GROWING`) carry the rest of the world's growth, as they did from 2018
to 2024, when China's mining quota rose from 120,000 t to 270,000 t (14% a year,
``mine_production``). Capacity projects a scenario names add to this.

A producer's output of element ``e`` at stage ``k`` is its base-year output times
``1 + s_ke(t) x grow_by[k, n, e]``, where ``s_ke(t) = g(t + L x lead[k, e]) - 1``: ``grow_by`` is
1 for a producer outside :data:`GROWING` at ``outside_growth_share`` 1 (its share of the growth
otherwise) and, for the growing producers, what keeps the world's output of the element at that
stage growing as demand does. ``L`` is ``working_stock_months`` and ``lead`` (:func:`leads`) the
working stocks a stage runs ahead: its own, which grows with its use, and those of the stages it
feeds, so that every stage's working stock fills as use grows.

Per unit of growth, what the growing producers add (at ``outside_growth_share`` ``a``):

- magnets and metal: the world's output, less ``a`` x the others', over China's;
- separation: the world's separation output, less ``a`` x the others', over China's, less
  what its magnet makers' scrap adds as their output grows (it follows their output in the
  kernel), plus the end-of-life recycling, which stays near its base-year level;
- mines: what separation then needs, less ``a`` x the other mines', over the growing mines'.

The unexplained part of China's secondary supply (:mod:`reesim.model.baseline`) grows with
oxide's ``s`` (``secondary_growth``, t/month per unit of ``s``). Its magnet makers' scrap follows
their output of the month before, which runs one working stock ahead of demand where oxide runs
up to three: the scrap grows at magnets' ``s`` a month back, not oxide's. Separation and the
mines feeding it make up that gap (:func:`_scrap_lag`, added to oxide's and concentrate's ``s``):
without it Nd, Pr and Tb, the elements with much scrap, would fall short by about 0.2% of their
flow a month, and their stocks and prices would drift. Working-stock targets grow with each
node's use (``use_index``). Per unit of growth the world's supply of every element at every
stage then grows as its use does (tested); month by month the market's answers (producers
raising output toward orders they could not fill, prices moving with cover) still move it.
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
    supply: Array  # [R or 1, T, K, E] s(t): producers of material k add s x grow_by of base output
    grow_by: Array  # [K, N, E] world base-year output over the growing producers' (0: fixed)
    secondary: Array  # [E] t/month China's unexplained secondary supply adds per unit of s
    use_index: Array  # [R or 1, T, K, N] each node's use over the base year's (working stocks)


def _ratio(world: Array, own: Array) -> Array:
    """``world / own`` where ``own`` is positive, else 0 (a producer that makes none adds none)."""
    out: Array = np.divide(
        world, own, out=np.zeros_like(own), where=own > 1e-12 * max(float(world.max()), 1.0)
    )
    return out


def _separated(base: Baseline) -> Array:
    """[N, E] each node's base-year separation output, t/month: its oxide output less end-of-life
    recycling and, in China, its secondary supply."""
    separated: Array = base.production[OXIDE] - base.recycled
    china = base.dims.node("CHN")
    separated[china] = separated[china] - base.secondary
    return separated


def _scrap_lag(base: Baseline, by: Array, unexplained: Array, supply: Array) -> Array:
    """[R or 1, T, E] what the oxide producers add to ``s`` of oxide so that China's magnet
    makers' scrap keeps pace: the scrap follows their output of last month (``s`` of magnets a
    month back, at their pace ``grow_by``), which runs fewer working stocks ahead of demand than
    oxide does; the gap, t/month, is spread over what oxide producers and the unexplained
    secondary supply (``unexplained`` [E], which grows at oxide's ``s``) add per unit of ``s``."""
    china = base.dims.node("CHN")
    swarf = base.swarf[china] * by[MAGNET, china].max()  # [E] t/month per unit of magnets' s
    before = np.concatenate([np.zeros_like(supply[:, :1, MAGNET]), supply[:, :-1, MAGNET]], axis=1)
    gap = swarf[None, None] * (supply[:, :, OXIDE] - before)  # [R or 1, T, E] t/month
    per_unit = (_separated(base) * by[OXIDE]).sum(axis=0) + unexplained
    out: Array = np.divide(gap, per_unit[None, None], out=np.zeros_like(gap), where=per_unit > 0)
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
    separated = _separated(base)
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


def leads(base: Baseline) -> Array:
    """[K, E] how many working stocks (``working_stock_months``) ahead of final demand the
    producers of each material and element run: their own working stock, plus the lead of the
    stage they feed times the share of the world's use of the element that feeds it (final uses
    take it as demand comes): magnets 1, metal 2, oxide 1 + 2 x its share going to metal,
    concentrate 1 + oxide's."""
    k_n, _, e_n = base.feed.shape
    out = np.ones((k_n, e_n))
    for k in range(k_n - 2, -1, -1):
        feed, use = base.feed[k].sum(axis=0), (base.feed[k] + base.final[k]).sum(axis=0)
        share = np.divide(feed, use, out=np.zeros(e_n), where=use > 0)
        out[k] = 1.0 + share * out[k + 1]
    return out


def growth(base: Baseline, g: Array, g_ahead: Array, outside: float) -> Growth:
    """The growth tables for demand index ``g`` [T], its values ahead of each stage's output
    ``g_ahead`` [R or 1, T, K] (see :data:`Growth.supply`), and ``outside_growth_share``."""
    k_n, t_n = 4, g.size
    by, secondary = grow_by(base, outside)
    supply = g_ahead - 1.0  # [R or 1, T, K, E]
    lag = _scrap_lag(base, by, secondary, supply)  # separation and its mines make up for the scrap's lag
    supply[:, :, OXIDE] += lag
    supply[:, :, CONCENTRATE] += lag
    feed, final = base.feed, base.final  # [K, N, E]
    both = (feed + final).sum(axis=2)  # [K, N]
    fed = np.zeros((supply.shape[0], t_n, k_n, base.dims.n_nodes))  # feed of material k: stage k + 1
    for k in range(k_n - 1):
        fed[:, :, k] = np.einsum("ne,rte->rtn", feed[k] * by[k + 1], supply[:, :, k + 1])
    use = both[None, None] + fed + (g[None, :, None, None] - 1.0) * (final.sum(axis=2)[None, None])
    use_index: Array = np.where(both[None, None] > 0, use / np.where(both > 0, both, 1.0)[None, None], 1.0)
    demand = np.broadcast_to(g[None, :, None, None], (1, t_n, k_n, base.dims.n_nodes)).copy()
    return Growth(demand=demand, supply=np.ascontiguousarray(supply), grow_by=by, secondary=secondary,
                  use_index=np.ascontiguousarray(use_index))  # fmt: skip
