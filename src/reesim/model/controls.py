"""Export controls as rules: what each control covers, when it is in force, and its terms per run.

A control licences ``share`` of requested shipments once ``review`` months have passed since its
start (nothing before; in the month the review ends partway, the share for the part of the month
after it, so that every output moves continuously with the review), while it is in force
(months ``start`` to ``end``, end excluded). Outside its window it does not act (a factor of 1).
The licence applies to every request to the controlling exporter, re-routed ones included. Terms
may differ per run (Monte Carlo draws them), the cells a control covers do not, so cells are
grouped into *patterns*: the set of controls that cover them. A month's licensed share of a cell
is then the product of its pattern's factors, computed once per pattern instead of once per
cell, which is what lets thousands of runs share one compiled table instead of each carrying a
[month, material, exporter, importer, element] array of its own.

Three kinds of coverage, each with its own patterns:

- ``allow``: direct shipments [material, exporter, importer, element] (not for content-only rules);
- ``content``: goods bought by [material, importer, element] from anyone but the controlling
  exporter whose share of that exporter's material reaches the control's ``threshold``;
- ``denied``: defence orders [material, exporter, importer] refused outright.

A control covers a cell in part where only some of its flow falls under it: magnets of the grades
that contain none of the control's elements are not licensed, so a control on Dy and Tb covers
the Nd in magnets only in the share of Nd that sits in grades with Dy or Tb. A member's weight in
a pattern is that share (0 to 1), and the cell's licensed share under it is
``1 - weight x (1 - licensed share of the control)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reesim.model.perrun import Array, Value, table

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


def after_review(t: int, start: Ints | int, review: Array | float) -> Array:
    """The part of month ``t`` (0 to 1) after a review of ``review`` months (a fraction allowed)
    from the start of month ``start``: 0 before it ends, 1 after, the rest in the month it ends."""
    out: Array = np.clip(t + 1 - start - np.asarray(review, dtype=float), 0.0, 1.0)
    return out


@dataclass(frozen=True)
class Rule:
    """One compiled control (indices, not labels): the cells it covers and its terms."""

    exporter: int
    cells: list[tuple[int, Array]]  # (material, [E] share of each element's flow covered)
    destinations: list[int]
    start: int  # month index, inclusive
    end: int  # month index, exclusive
    review: Value  # months with nothing licensed, from start
    share: Value  # licensed share after review
    denies_defence: bool
    threshold: Value | None  # China-content share that brings third-country goods under it
    content_only: bool


@dataclass(frozen=True)
class Controls:
    """Every control of a scenario as rules and patterns (see the module docstring). C controls."""

    start: Ints  # [C]
    end: Ints  # [C]
    review: Array  # [R or 1, C] months
    share: Array  # [R or 1, C]
    threshold: Array  # [R or 1, C] content threshold (inf: no content rule)
    denies: Bools  # [C] defence orders refused
    allow_pattern: Ints  # [K, X, I, E] -> row of allow_members
    allow_members: Array  # [P, C] share of the pattern's flow each control covers
    content_pattern: Ints  # [K, I, E] -> row of content_members
    content_members: Array  # [Q, C] as allow_members
    denied_pattern: Ints  # [K, X, I] -> row of denied_members
    denied_members: Bools  # [D, C]

    @property
    def count(self) -> int:
        """Number of controls."""
        return int(self.start.size)

    def factors(self, t: int) -> Array:
        """[R or 1, C]: each control's licensed share in month ``t`` (1 when not in force)."""
        active = (self.start <= t) & (t < self.end)
        licensed: Array = np.multiply(self.share, after_review(t, self.start, self.review))
        out: Array = np.where(active, licensed, 1.0)
        return out

    def active(self, t: int) -> Bools:
        """[C]: whether each control is in force in month ``t``."""
        out: Bools = (self.start <= t) & (t < self.end)
        return out

    def allow_at(self, t: int) -> Array:
        """[R or 1, K, X, I, E]: share of requested direct shipments licensed in month ``t``."""
        f = self.factors(t)
        per_pattern = np.prod(1.0 - self.allow_members[None] * (1.0 - f[:, None, :]), axis=2)
        out: Array = per_pattern[:, self.allow_pattern]
        return out

    def content_at(self, t: int) -> tuple[Array, Array]:
        """([R or 1, K, I, E] licensed share, [R or 1, K, I, E] threshold; inf: none) in month ``t``."""
        f = self.factors(t)
        members = self.content_members[None] * self.active(t)[None, None, :]
        share = np.prod(1.0 - members * (1.0 - f[:, None, :]), axis=2)
        threshold = np.min(np.where(members > 0, self.threshold[:, None, :], np.inf), axis=2, initial=np.inf)
        return share[:, self.content_pattern], threshold[:, self.content_pattern]

    def denied_at(self, t: int) -> Bools:
        """[K, X, I]: whether defence orders are refused in month ``t``."""
        per_pattern = np.any(self.denied_members & self.active(t)[None, :], axis=1)
        out: Bools = per_pattern[self.denied_pattern]
        return out


def _patterns(masks: list[Array], shape: tuple[int, ...]) -> tuple[Ints, Array]:
    """Group cells by the controls covering them and how far: (pattern of each cell, members:
    each pattern's weight per control)."""
    if not masks:
        return np.zeros(shape, dtype=np.int64), np.zeros((1, 0))
    cells = np.stack([m.reshape(-1) for m in masks], axis=1)  # [cells, C]
    # Each column's weights as small codes, and each cell's codes as one integer (first control
    # the most significant digit), so the patterns come out in the order np.unique(cells, axis=0)
    # gives, ten times faster (the Monte Carlo compiles controls for every chunk of runs).
    codes, radices = [], []
    for column in cells.T:
        # A column's distinct weights with zero among them (most cells are zero: sorting only the
        # others is several times faster than sorting the column) and each cell's rank in them.
        levels = np.unique(np.concatenate((np.zeros(1, column.dtype), column[column != 0])))
        codes.append(np.searchsorted(levels, column).astype(np.int64))
        radices.append(levels.size)
    if float(np.prod(np.array(radices, dtype=float))) >= 2.0**62:
        members, inverse = np.unique(cells, axis=0, return_inverse=True)
        return inverse.reshape(shape).astype(np.int64), np.ascontiguousarray(members)
    key = np.zeros(cells.shape[0], dtype=np.int64)
    for code, radix in zip(codes, radices, strict=True):
        key = key * radix + code
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return inverse.reshape(shape).astype(np.int64), np.ascontiguousarray(cells[first])


def build(rules: list[Rule], k_n: int, n_n: int, e_n: int) -> Controls:
    """Patterns and per-run terms of ``rules``, in their order."""
    allow, content, denied = [], [], []
    for r in rules:
        a = np.zeros((k_n, n_n, n_n, e_n))
        c = np.zeros((k_n, n_n, e_n))
        d = np.zeros((k_n, n_n, n_n), dtype=bool)
        for k, cover in r.cells:
            for i in r.destinations:
                if not r.content_only:
                    a[k, r.exporter, i] = np.maximum(a[k, r.exporter, i], cover)
                if r.threshold is not None:
                    c[k, i] = np.maximum(c[k, i], cover)
                if r.denies_defence:
                    d[k, r.exporter, i] = True
        allow.append(a)
        content.append(c)
        denied.append(d)
    allow_pattern, allow_members = _patterns(allow, (k_n, n_n, n_n, e_n))
    content_pattern, content_members = _patterns(content, (k_n, n_n, e_n))
    denied_pattern, weights = _patterns(denied, (k_n, n_n, n_n))
    denied_members = weights > 0
    thresholds = [np.inf if r.threshold is None else r.threshold for r in rules]
    return Controls(
        start=np.array([r.start for r in rules], dtype=np.int64),
        end=np.array([r.end for r in rules], dtype=np.int64),
        review=table([r.review for r in rules], 0), share=table([r.share for r in rules], 0),
        threshold=table(thresholds, 0), denies=np.array([r.denies_defence for r in rules], dtype=bool),
        allow_pattern=allow_pattern, allow_members=allow_members, content_pattern=content_pattern,
        content_members=content_members, denied_pattern=denied_pattern, denied_members=denied_members,
    )  # fmt: skip
