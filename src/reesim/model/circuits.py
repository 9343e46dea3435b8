"""Element mixes of each stage's input and of capacity projects' output.

A stage's planned input at a node is its base-year input in the node's feed mix
(:func:`feed_mixes`), plus what capacity projects add in their own output mix
(:func:`project_mix`). A separation plant separates the elements of its circuit: a light circuit
La, Ce, Pr and Nd (and Sc), a heavy circuit Sm and heavier and Y (``elements.circuit``, see
:mod:`reesim.model.baseline`). So a heavy circuit built at a node whose base-year plants are light
ones makes heavy oxides, and takes heavy-element concentrate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reesim.model.baseline import Array, Baseline
from reesim.model.dims import CONCENTRATE, MAGNET, METAL, OXIDE

#: Tolerance below which a total counts as nothing (t REO-eq per month).
_TINY = 1e-12


def world_concentrate_mix(base: Baseline) -> Array:
    """[E] element shares of the world's base-year mine output (sums to 1)."""
    world = base.production[CONCENTRATE].sum(axis=0)
    out: Array = world / max(float(world.sum()), _TINY)
    return out


def feed_mixes(base: Baseline) -> Array:
    """Unit input mix of the stage fed by material k at each node: [K, N, E], rows sum to 1
    (the magnet row, which feeds nothing, is zero).

    Where a stage has no base-year input its mix is the world's: mine output for separation,
    the magnet mix for metal and magnet making."""
    mix = np.zeros_like(base.feed)
    for k in range(MAGNET):
        default = world_concentrate_mix(base) if k == CONCENTRATE else base.magnet_mix
        total = base.feed[k].sum(axis=1, keepdims=True)
        mix[k] = np.where(total > 0, base.feed[k] / np.maximum(total, _TINY), default[None, :])
    return mix


def circuit_mix(base: Baseline, heavy: bool) -> Array:
    """[E] the world's base-year concentrate mix restricted to the light or the heavy circuit's
    elements, normalised to sum to 1."""
    members = base.heavy if heavy else ~base.heavy
    part = world_concentrate_mix(base) * members
    out: Array = part / max(float(part.sum()), _TINY)
    return out


def project_mix(base: Baseline, material: int, node: int, elements: Sequence[int], circuit: str) -> Array:
    """[E] unit element mix of a capacity project's output (and, for a converting stage, of its
    input: the stage's yield is the same for every element), rows sum to 1.

    - a mine: the node's mine profile, or the world's concentrate mix where it mines nothing;
    - a separation plant listing ``elements``: the world's concentrate mix restricted to the
      circuits those elements belong to (``Dy, Tb``: the heavy circuit; ``Nd, Pr, Dy, Tb``: both,
      the whole world mix); listing none, the node's base-year feed mix where it separates, else
      the light circuit's unless ``circuit`` is ``"heavy"``;
    - a metal or magnet plant: the node's feed mix (:func:`feed_mixes`).
    """
    if material == CONCENTRATE:
        if base.mine[node] > 0:
            mine: Array = base.profile[node].copy()
            return mine
        return world_concentrate_mix(base)
    if material in (METAL, MAGNET):
        feed: Array = feed_mixes(base)[material - 1, node].copy()
        return feed
    assert material == OXIDE, f"unknown material index {material}"
    if elements:
        heavy = base.heavy[list(elements)]
        if heavy.all() or not heavy.any():
            return circuit_mix(base, heavy=bool(heavy.all()))
        return world_concentrate_mix(base)
    if base.feed[CONCENTRATE, node].sum() > 0:
        own: Array = feed_mixes(base)[CONCENTRATE, node].copy()
        return own
    return circuit_mix(base, heavy=circuit == "heavy")
