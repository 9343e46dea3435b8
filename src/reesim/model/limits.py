"""Export quotas, output caps and strategic stockpiles as rules with per-run amounts.

Like :mod:`reesim.model.controls`, these keep what an instrument covers (fixed) apart from its
amounts (which Monte Carlo may draw per run), so a batch of runs shares one table. The kernels
turn them into the month's [material, node, element] arrays; the reference kernel through the
methods here, the fast kernel with the same arithmetic in compiled code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from reesim.model.perrun import Array, Value, table

#: A cap below this (t a month) licenses nothing.
EPS = 1e-12

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


@dataclass(frozen=True)
class Quotas:
    """Caps on what exporters ship abroad. Q quotas; the cap of a covered cell is
    ``tonnes_per_yr / 12 x share`` (t/month), the smallest cap in force applying. The share is
    ``weight`` (base-year exports) or, for a quota split by asks (``asked``), the cell's part of
    what importers asked of the exporter in the quota's cells last month (``weight`` when they
    asked nothing): the cap then binds only when the total asked exceeds it, on every cell alike."""

    node: Ints  # [Q] exporter
    start: Ints  # [Q] month index, inclusive
    end: Ints  # [Q] month index, exclusive
    covers: Bools  # [Q, K, E]
    weight: Array  # [Q, K, E] share of the quota for each material and element (base-year exports)
    tonnes: Array  # [R or 1, Q] t/yr
    asked: Bools  # [Q] shared by last month's asks (else by ``weight``)
    # [Q] USD/kg: the covered cells' reference prices weighted by ``weight``, the scale of the
    # quota's licence rent (see :meth:`rents`)
    basket: Array
    follows: Ints  # [Q] the quota it continues (same exporter and cells, starting as it ends), -1: none

    def asked_in(self, q: int, ordered: Array) -> Array:
        """[R, K, E] what importers asked of quota ``q``'s exporter last month in the cells it
        covers (t/month; 0 elsewhere), from ``ordered`` [R, K, N, E]: the demand on its licences."""
        return np.where(self.covers[q][None], ordered[:, :, self.node[q], :], 0.0)

    def at(self, t: int, k_n: int, n_n: int, e_n: int, ordered: Array) -> Array:
        """[R, K, N, E] most each exporter may ship abroad in month ``t`` (inf: no quota);
        ``ordered`` [R, K, N, E] is what importers asked of each exporter last month, t."""
        runs = max(self.tonnes.shape[0], ordered.shape[0])
        out = np.full((runs, k_n, n_n, e_n), np.inf)
        for q in range(self.node.size):
            if self.start[q] <= t < self.end[q]:
                share = np.broadcast_to(self.weight[q][None], (runs, k_n, e_n))
                if self.asked[q]:
                    asks = self.asked_in(q, ordered)
                    total = asks.sum(axis=(1, 2))[:, None, None]
                    mine = np.divide(asks, total, out=np.zeros_like(asks), where=total > 0.0)
                    share = np.where(total > 0.0, mine, share)
                cap = self.tonnes[:, q, None, None] / 12.0 * share
                here = out[:, :, self.node[q], :]
                out[:, :, self.node[q], :] = np.where(self.covers[q][None], np.minimum(here, cap), here)
        return out

    def rents(
        self, t: int, rent: Array, ordered: Array, rate: Array, adjust: Array, most: Array, origin: int
    ) -> Array:
        """Move each quota's licence rent ``rent`` [R, Q] (USD/kg REO) in month ``t`` and return
        [R, K, E] the rent on China's exports of each covered material and element (0 elsewhere).

        The quota is one tonnage over every form and element it covers, so exporters fill it with
        what earns most per kg and its scarce licences carry one rent per kg for all of them. The
        rent moves over ``adjust`` [R] months (``quota_rent_months``) toward ``rate`` [R]
        (``quota_rent_rate``) x ``basket`` x the excess of what importers asked of the exporter in
        its cells last month (``ordered`` [R, K, N, E], t) over the month's cap (asked / cap - 1,
        at least 0): none while the cap does not bind; at most ``most`` [R]
        (``price_backstop_multiple``) x ``basket``, as no price exceeds its backstop. Under a cap
        of 0 (below 1e-12 t a month) nothing is licensed and the rent is 0. A quota that continues
        another starts from its rent."""
        runs = max(rent.shape[0], ordered.shape[0])
        cell = np.zeros((runs, *self.covers.shape[1:]))
        for q in range(self.node.size):
            if not self.start[q] <= t < self.end[q]:
                continue
            if t == self.start[q] and self.follows[q] >= 0:
                rent[:, q] = rent[:, self.follows[q]]
            asks = self.asked_in(q, ordered).sum(axis=(1, 2))
            cap = np.broadcast_to(self.tonnes[:, q], (runs,)) / 12.0
            licensed = cap > EPS
            ratio = np.divide(asks, cap, out=np.zeros(runs), where=licensed)
            goal = np.minimum(rate * self.basket[q] * np.maximum(ratio - 1.0, 0.0), most * self.basket[q])
            rent[:, q] = np.where(licensed, rent[:, q] + (goal - rent[:, q]) / adjust, 0.0)
            if self.node[q] == origin:
                cell = np.where(self.covers[q][None], np.maximum(cell, rent[:, q, None, None]), cell)
        return cell


def quotas(
    rules: list[tuple[int, int, int, Bools, Array, Value, bool]],
    k_n: int,
    e_n: int,
    prices: Array | None = None,
) -> Quotas:
    """Quotas from (exporter, start, end, covers [K, E], weight [K, E], tonnes per year, split by
    asks) rules; ``prices`` [K, E] the run's reference prices (the base year's, or those of its
    scenario's ``price_year``), USD/kg (none: 0, and no rent)."""
    weight = np.array([r[4] for r in rules], dtype=float).reshape(-1, k_n, e_n)
    p0 = np.zeros((k_n, e_n)) if prices is None else prices
    follows = np.full(len(rules), -1, dtype=np.int64)
    for q, r in enumerate(rules):
        for j, o in enumerate(rules):
            if j != q and o[0] == r[0] and o[2] == r[1] and np.array_equal(o[3], r[3]):
                follows[q] = j
    return Quotas(
        node=np.array([r[0] for r in rules], dtype=np.int64),
        start=np.array([r[1] for r in rules], dtype=np.int64),
        end=np.array([r[2] for r in rules], dtype=np.int64),
        covers=np.array([r[3] for r in rules], dtype=bool).reshape(-1, k_n, e_n),
        weight=weight,
        tonnes=table([r[5] for r in rules], 0),
        asked=np.array([r[6] for r in rules], dtype=bool),
        basket=(weight * p0[None]).sum(axis=(1, 2)),
        follows=follows,
    )


@dataclass(frozen=True)
class OutputCaps:
    """Ceilings on what producers make. C caps; while a cap is in force, a covered cell's output
    (mine output of concentrate, or the planned input of the stage that makes oxide, metal or
    magnets) is at most ``share`` x its base-year level, the smallest share in force applying.
    The base-year level is the base year's mine output in the node's mine profile, or the
    stage's base-year input in its feed mix: a multiple of one keeps the base year's output."""

    node: Ints  # [C] producer
    start: Ints  # [C] month index, inclusive
    end: Ints  # [C] month index, exclusive
    covers: Bools  # [C, K, E] material k's output of element e
    share: Array  # [R or 1, C] most output as a share of the base year's

    def at(self, t: int, k_n: int, n_n: int, e_n: int) -> Array:
        """[R or 1, K, N, E] the ceiling on each cell's output in month ``t`` as a multiple of its
        base-year output (inf: none)."""
        out = np.full((self.share.shape[0], k_n, n_n, e_n), np.inf)
        for c in range(self.node.size):
            if self.start[c] <= t < self.end[c]:
                here = out[:, :, self.node[c], :]
                cap = np.minimum(here, self.share[:, c, None, None])
                out[:, :, self.node[c], :] = np.where(self.covers[c][None], cap, here)
        return out


def output_caps(rules: list[tuple[int, int, int, Bools, Value]], k_n: int, e_n: int) -> OutputCaps:
    """Output caps from (producer, start, end, covers [K, E], share of base-year output) rules."""
    return OutputCaps(
        node=np.array([r[0] for r in rules], dtype=np.int64),
        start=np.array([r[1] for r in rules], dtype=np.int64),
        end=np.array([r[2] for r in rules], dtype=np.int64),
        covers=np.array([r[3] for r in rules], dtype=bool).reshape(-1, k_n, e_n),
        share=table([r[4] for r in rules], 0),
    )


class StockRule(NamedTuple):
    """One stockpile as the compile step hands it to :func:`stockpiles` (amounts per run)."""

    node: int  # holder
    material: int
    start: int  # month index from which it buys
    mix: Array  # [E] share of each element (sums to 1)
    target: Value  # t
    purchase: Value  # t/yr
    initial: Value  # t
    allies: tuple[int, ...] = ()  # nodes it releases to besides its holder
    floor: Value = 0.0  # t kept for the holder: releases to allies stop there
    sale: Value = 0.0  # USD/kg: shortage releases only at or above this price (0: any)
    defence: bool = False  # releases only to the defence part of its recipients' uses
    scheduled: tuple[tuple[int, Value], ...] = ()  # (month index, t) releases into the holder's supply


@dataclass(frozen=True)
class Stockpiles:
    """Strategic stockpiles. S stockpiles, each of one material at one node, spread over elements
    by ``mix``; buying ``purchase / 12`` t a month from ``start`` until ``target`` is held.

    Stockpiles of one holder and material are held as one stock (a cell per element): the
    compile step makes sure their release rules (allies, sale price, defence) agree, so the
    kernels read those rules per (material, holder). Scheduled releases are rules of their own:
    Q releases, each ``tonnes`` of one stockpile in one month, spread by its mix."""

    node: Ints  # [S] holder
    material: Ints  # [S]
    start: Ints  # [S] month index from which it buys (0 if it started before the run)
    mix: Array  # [S, E] share of each element (sums to 1)
    target: Array  # [R or 1, S] t
    purchase: Array  # [R or 1, S] t/yr
    initial: Array  # [R or 1, S] t held at the start
    allies: Bools  # [S, N] nodes each stockpile releases to besides its holder
    floor: Array  # [R or 1, S] t kept for the holder: releases to allies stop there
    sale: Array  # [R or 1, S] USD/kg below which shortage releases wait (0: none)
    defence: Bools  # [S] releases only to the defence part of its recipients' uses
    r_pile: Ints  # [Q] stockpile of each scheduled release
    r_month: Ints  # [Q] month index
    r_tonnes: Array  # [R or 1, Q] t

    def _spread(self, amounts: Array, k_n: int, n_n: int, e_n: int) -> Array:
        out = np.zeros((amounts.shape[0], k_n, n_n, e_n))
        for s in range(self.node.size):
            out[:, self.material[s], self.node[s], :] += amounts[:, s, None] * self.mix[s][None]
        return out

    def targets(self, k_n: int, n_n: int, e_n: int) -> Array:
        """[R or 1, K, N, E] target holdings, t."""
        return self._spread(self.target, k_n, n_n, e_n)

    def initial_stock(self, k_n: int, n_n: int, e_n: int) -> Array:
        """[R or 1, K, N, E] holdings at the start, t."""
        return self._spread(self.initial, k_n, n_n, e_n)

    def rate_at(self, t: int, k_n: int, n_n: int, e_n: int) -> Array:
        """[R or 1, K, N, E] most bought in month ``t``, t/month."""
        buying = np.where(self.start[None, :] <= t, self.purchase / 12.0, 0.0)
        return self._spread(buying, k_n, n_n, e_n)

    def floors(self, k_n: int, n_n: int, e_n: int) -> Array:
        """[R or 1, K, N, E] stock kept for the holder: releases to allies stop there, t."""
        return self._spread(self.floor, k_n, n_n, e_n)

    def scheduled_at(self, t: int, k_n: int, n_n: int, e_n: int) -> Array:
        """[R or 1, K, N, E] releases scheduled for month ``t`` (before the stock caps them), t."""
        amounts = np.zeros((self.r_tonnes.shape[0], self.node.size))
        for q in range(self.r_pile.size):
            if self.r_month[q] == t:
                amounts[:, self.r_pile[q]] += self.r_tonnes[:, q]
        return self._spread(amounts, k_n, n_n, e_n)

    def ally_matrix(self, k_n: int, n_n: int) -> Bools:
        """[K, holder, ally]: the nodes each (material, holder)'s stock releases to."""
        out = np.zeros((k_n, n_n, n_n), dtype=bool)
        for s in range(self.node.size):
            out[self.material[s], self.node[s]] |= self.allies[s]
        return out

    def defended(self, k_n: int, n_n: int) -> Bools:
        """[K, N]: the (material, holder) stocks that are defence holdings."""
        out = np.zeros((k_n, n_n), dtype=bool)
        for s in range(self.node.size):
            out[self.material[s], self.node[s]] |= self.defence[s]
        return out

    def sale_prices(self, k_n: int, n_n: int) -> Array:
        """[R or 1, K, N] USD/kg below which a (material, holder)'s stock makes no shortage release."""
        out = np.zeros((self.sale.shape[0], k_n, n_n))
        for s in range(self.node.size):
            out[:, self.material[s], self.node[s]] = self.sale[:, s]
        return out


def stockpiles(rules: list[StockRule], n_n: int, e_n: int) -> Stockpiles:
    """Stockpiles from their rules (``n_n`` nodes, ``e_n`` elements)."""
    allies = np.zeros((len(rules), n_n), dtype=bool)
    for s, r in enumerate(rules):
        allies[s, list(r.allies)] = True
    releases = [(s, month, tonnes) for s, r in enumerate(rules) for month, tonnes in r.scheduled]
    return Stockpiles(
        node=np.array([r.node for r in rules], dtype=np.int64),
        material=np.array([r.material for r in rules], dtype=np.int64),
        start=np.array([r.start for r in rules], dtype=np.int64),
        mix=np.array([r.mix for r in rules], dtype=float).reshape(-1, e_n),
        target=table([r.target for r in rules], 0), purchase=table([r.purchase for r in rules], 0),
        initial=table([r.initial for r in rules], 0), allies=allies,
        floor=table([r.floor for r in rules], 0), sale=table([r.sale for r in rules], 0),
        defence=np.array([r.defence for r in rules], dtype=bool),
        r_pile=np.array([q[0] for q in releases], dtype=np.int64),
        r_month=np.array([q[1] for q in releases], dtype=np.int64),
        r_tonnes=table([q[2] for q in releases], 0),
    )  # fmt: skip
