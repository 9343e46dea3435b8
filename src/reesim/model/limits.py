"""Export quotas and strategic stockpiles as rules with per-run amounts.

Like :mod:`reesim.model.controls`, these keep what an instrument covers (fixed) apart from its
amounts (which Monte Carlo may draw per run), so a batch of runs shares one table. The kernels
turn them into the month's [material, node, element] arrays; the reference kernel through the
methods here, the fast kernel with the same arithmetic in compiled code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reesim.model.perrun import Array, Value, table

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


@dataclass(frozen=True)
class Quotas:
    """Caps on what exporters ship abroad. Q quotas; the cap of a covered cell is
    ``tonnes_per_yr / 12 x weight`` (t/month), the smallest cap in force applying."""

    node: Ints  # [Q] exporter
    start: Ints  # [Q] month index, inclusive
    end: Ints  # [Q] month index, exclusive
    covers: Bools  # [Q, K, E]
    weight: Array  # [Q, K, E] share of the quota for each material and element (base-year exports)
    tonnes: Array  # [R or 1, Q] t/yr

    def at(self, t: int, k_n: int, n_n: int, e_n: int) -> Array:
        """[R or 1, K, N, E] most each exporter may ship abroad in month ``t`` (inf: no quota)."""
        out = np.full((self.tonnes.shape[0], k_n, n_n, e_n), np.inf)
        for q in range(self.node.size):
            if self.start[q] <= t < self.end[q]:
                cap = self.tonnes[:, q, None, None] / 12.0 * self.weight[q][None]
                here = out[:, :, self.node[q], :]
                out[:, :, self.node[q], :] = np.where(self.covers[q][None], np.minimum(here, cap), here)
        return out


def quotas(rules: list[tuple[int, int, int, Bools, Array, Value]], k_n: int, e_n: int) -> Quotas:
    """Quotas from (exporter, start, end, covers [K, E], weight [K, E], tonnes per year) rules."""
    return Quotas(
        node=np.array([r[0] for r in rules], dtype=np.int64),
        start=np.array([r[1] for r in rules], dtype=np.int64),
        end=np.array([r[2] for r in rules], dtype=np.int64),
        covers=np.array([r[3] for r in rules], dtype=bool).reshape(-1, k_n, e_n),
        weight=np.array([r[4] for r in rules], dtype=float).reshape(-1, k_n, e_n),
        tonnes=table([r[5] for r in rules], 0),
    )


@dataclass(frozen=True)
class Stockpiles:
    """Strategic stockpiles. S stockpiles, each of one material at one node, spread over elements
    by ``mix``; buying ``purchase / 12`` t a month from ``start`` until ``target`` is held."""

    node: Ints  # [S] holder
    material: Ints  # [S]
    start: Ints  # [S] month index from which it buys (0 if it started before the run)
    mix: Array  # [S, E] share of each element (sums to 1)
    target: Array  # [R or 1, S] t
    purchase: Array  # [R or 1, S] t/yr
    initial: Array  # [R or 1, S] t held at the start

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


def stockpiles(rules: list[tuple[int, int, int, Array, Value, Value, Value]], e_n: int) -> Stockpiles:
    """Stockpiles from (holder, material, start, mix [E], target, purchase per year, initial) rules."""
    return Stockpiles(
        node=np.array([r[0] for r in rules], dtype=np.int64),
        material=np.array([r[1] for r in rules], dtype=np.int64),
        start=np.array([r[2] for r in rules], dtype=np.int64),
        mix=np.array([r[3] for r in rules], dtype=float).reshape(-1, e_n),
        target=table([r[4] for r in rules], 0), purchase=table([r[5] for r in rules], 0),
        initial=table([r[6] for r in rules], 0),
    )  # fmt: skip
