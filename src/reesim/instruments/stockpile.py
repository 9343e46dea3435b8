"""``stockpile``: a strategic stockpile that buys up to a target and releases in a shortage.

The stockpile buys ``purchase_t_per_yr`` (t REO-equivalent per year) of one material, spread over
elements by ``elements`` or else by the holder's base-year use mix, until it holds ``target_t``,
in months after one in which its market was not short (``stockpile_buy_max_shortfall``); it
releases to the holder's final users and to its next stage (an oxide stockpile feeds the metal
makers), pro rata to what each lacks, when the unmet share of those uses exceeds
``release_shortfall`` (or the ``stockpile_release_shortfall`` parameter). Amounts may differ per
run (:mod:`reesim.model.limits`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from reesim.instruments.base import F, Instrument, SpecBase
from reesim.instruments.conversion import MATERIAL, Conversion
from reesim.language.fields import Element, Material, NonNegative, Place, Share
from reesim.model import scenario as m
from reesim.model.builder import Builder
from reesim.model.perrun import as_runs, grow


class StockpileSpec(SpecBase):
    """A strategic stockpile that buys up to a target and releases to its holder's users in a shortage."""

    kind: Literal["stockpile"]
    holder: Place = F(description="Country that holds it")
    material: Material = F(description="ore, oxide, metal, magnet")
    elements: list[Element] = F([], description="Elements bought; empty: the holder's use mix")
    target_t: NonNegative = F(unit="t REO-eq", description="Stock to reach")
    purchase_t_per_yr: NonNegative = F(unit="t REO-eq/yr", description="Purchase rate until the target")
    initial_t: NonNegative = F(0.0, unit="t REO-eq", description="Stock held at the start")
    release_shortfall: Share | None = F(
        None,
        unit="fraction of use",
        description="Release when this share of the holder's uses (final and next stage's) is unmet "
        "(default: parameter)",
    )


def convert(c: Conversion, n: int, inst: StockpileSpec) -> None:
    """The engine stockpile."""
    release = inst.release_shortfall
    c.add(m.Stockpile(
        holder=c.one_place(n, "holder", inst.holder), material=MATERIAL[inst.material],
        target=c.num(n, "target_t", inst.target_t),
        purchase_per_yr=c.num(n, "purchase_t_per_yr", inst.purchase_t_per_yr), start=inst.start,
        elements=tuple(inst.elements), initial=c.num(n, "initial_t", inst.initial_t),
        release_shortfall=None if release is None else c.num(n, "release_shortfall", release),
    ))  # fmt: skip


def compile_stockpile(b: Builder, inst: m.Stockpile) -> None:
    """A stockpile rule with its element mix; the holder's release threshold if the stockpile has one."""
    k = b.materials((inst.material,), "material")[0]
    n = b.one_node(inst.holder, "holder")
    es = b.elements(inst.elements, "elements")
    use = b.base.feed[k, n] + b.base.final[k, n]
    mix = np.zeros(b.e_n)
    mix[es] = use[es] / use[es].sum() if use[es].sum() > 0 else np.full(len(es), 1 / len(es))
    s = max(b.month(inst.start), 0)
    b.stock_rules.append((n, k, s, mix, inst.target, inst.purchase_per_yr, inst.initial))
    if inst.release_shortfall is not None:
        level = as_runs(inst.release_shortfall)
        b.release_threshold = grow(b.release_threshold, max(b.release_threshold.shape[0], level.size))
        b.release_threshold[:, n] = level


KIND = Instrument(
    name="stockpile",
    spec=StockpileSpec,
    model=m.Stockpile,
    convert=convert,
    compile=compile_stockpile,
    description=(
        "Buys up to `purchase_t_per_yr` until `target_t` while its market is not short; releases to the "
        "holder's final users and next stage (oxide to metal makers) when their shortfall exceeds "
        "`release_shortfall` of their use."
    ),
    example="""\
- kind: stockpile
  holder: USA
  material: oxide
  elements: [Nd, Pr]
  target_t: 1800
  purchase_t_per_yr: 900
  release_shortfall: 0.1
  start: 2026-02""",
)
