"""``stockpile``: a strategic stockpile that buys up to a target and releases in a shortage, to its
holder and its allies, on a schedule, at a sale price.

The stockpile buys ``purchase_t_per_yr`` (t REO-equivalent per year) of one material, spread over
elements by ``elements`` or else by the holder's base-year use mix, until it holds ``target_t``,
in months after one in which, for every element it buys, its market was not short and the
holder's working stock was at its target (``stockpile_buy_max_shortfall``).

It releases to the holder's final users and to its next stage (an oxide stockpile feeds the metal
makers), pro rata to what each lacks, when the unmet share of those uses exceeds
``release_shortfall`` (or the ``stockpile_release_shortfall`` parameter). What is left then goes to
the ``release_to`` countries and blocs whose own unmet share exceeds the same threshold, pro rata
to what each lacks, until the stock is down to the reserve kept for the holder (``1 -
release_to_share`` times the larger of ``target_t`` and ``initial_t``). ``scheduled`` releases
join the holder's supply in their month whether anyone is short or not (a sale: the target falls
by the same amount). With ``sale_price_usd_kg`` shortage releases wait until the holder's market
price reaches it; a ``defence`` holding serves only the defence part of its recipients' uses.

Stockpiles of one holder and material are one stock in the model: their release rules must agree.
Amounts may differ per run (:mod:`reesim.model.limits`).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import model_validator

from reesim.instruments.base import F, Instrument, StandingSpec, Strict
from reesim.instruments.conversion import MATERIAL, Conversion, month_number
from reesim.language.fields import Date, Element, Material, NonNegative, Place, Share, fail, parse_date
from reesim.model import scenario as m
from reesim.model.builder import Builder, bad
from reesim.model.limits import StockRule
from reesim.model.perrun import as_runs, grow

#: Release rules that stockpiles of one holder and material (one stock) must share; their reserves
#: kept from allies (``release_to_share``) add up.
SHARED_RULES = ("release_to", "sale_price_usd_kg", "defence")


class ScheduledRelease(Strict):
    """``tonnes`` released from the stockpile into its holder's supply in ``month``."""

    month: Date = F(description="Month of the release")
    tonnes: NonNegative = F(unit="t REO-eq", description="Amount released (at most what is held)")


class StockpileSpec(StandingSpec):
    """A strategic stockpile that buys up to a target and releases to its holder, allies, on a schedule."""

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
        description="Release when this share of the uses (final and next stage's) of the holder, or of an "
        "ally, is unmet (default: parameter)",
    )
    release_to: list[Place] = F(
        [], description="Countries or blocs it also releases to when they are short, after its holder"
    )
    release_to_share: Share = F(
        1.0,
        unit="fraction",
        description="Share of the stockpile (the larger of target_t and initial_t) its allies may draw in "
        "all; the rest is kept for the holder",
    )
    scheduled: list[ScheduledRelease] = F(
        [], description="Releases into the holder's supply in given months, short or not; months in order"
    )
    sale_price_usd_kg: NonNegative | None = F(
        None,
        unit="USD/kg",
        description="Shortage releases only while the price in the holder's market is at least this",
    )
    defence: bool = F(False, description="Defence holding: releases only to the defence part of the uses")

    @model_validator(mode="after")
    def _months_in_order(self) -> Any:
        for a, b in zip(self.scheduled, self.scheduled[1:], strict=False):
            if parse_date(b.month) <= parse_date(a.month):
                raise fail(
                    "schedule",
                    f"scheduled release in {b.month} follows one in {a.month}",
                    "list the releases by month, one per month (add up two releases of the same month)",
                )
        return self


def _same_stock(c: Conversion, n: int, inst: StockpileSpec) -> None:
    """Note a problem if an earlier stockpile of the same holder and material has other release rules."""
    stock = (inst.holder, inst.material)
    for j, other in enumerate(c.r.instruments[:n]):
        if not isinstance(other, StockpileSpec) or (other.holder, other.material) != stock:
            continue
        for name in SHARED_RULES:
            mine, theirs = getattr(inst, name), getattr(other, name)
            if name == "release_to":
                mine, theirs = set(c.places(mine)), set(c.places(theirs))
            if mine != theirs:
                c.report(
                    n, (name,),
                    f"{name} differs from that of {other.id or f'instruments[{j}]'} (same holder and "
                    "material): they are held as one stock",
                    f"give both the same {name}, or merge them into one stockpile",
                )  # fmt: skip
                return


def convert(c: Conversion, n: int, inst: StockpileSpec) -> None:
    """The engine stockpile; problems for scheduled months outside the scenario and for release rules
    that differ from another stockpile of the same stock."""
    c.no_end(n, inst.end, "a stockpile is held to the horizon; give releases with scheduled")
    _same_stock(c, n, inst)
    first, last = month_number(c.r.start), month_number(c.r.horizon)
    for j, r in enumerate(inst.scheduled):
        if not first <= month_number(r.month) <= last:
            c.report(n, ("scheduled", j, "month"),
                     f"scheduled month {r.month} is outside the scenario ({c.r.start} to {c.r.horizon})",
                     "give a month from the scenario's start to its horizon, or drop it")  # fmt: skip
    release = inst.release_shortfall
    sale = inst.sale_price_usd_kg
    c.add(m.Stockpile(
        holder=c.one_place(n, "holder", inst.holder), material=MATERIAL[inst.material],
        target=c.num(n, "target_t", inst.target_t),
        purchase_per_yr=c.num(n, "purchase_t_per_yr", inst.purchase_t_per_yr), start=inst.start,
        elements=tuple(inst.elements), initial=c.num(n, "initial_t", inst.initial_t),
        release_shortfall=None if release is None else c.num(n, "release_shortfall", release),
        release_to=c.places(inst.release_to),
        release_to_share=c.num(n, "release_to_share", inst.release_to_share) if inst.release_to else 1.0,
        scheduled=tuple((r.month[:7], c.num(n, f"scheduled[{j}].tonnes", r.tonnes))
                        for j, r in enumerate(inst.scheduled)),
        sale_price=None if sale is None else c.num(n, "sale_price_usd_kg", sale), defence=inst.defence,
    ))  # fmt: skip


def _releases(b: Builder, inst: m.Stockpile) -> tuple[tuple[int, Any], ...]:
    """(month index, t) of each scheduled release within the simulated months (a scenario file
    refuses others; a run cut short of one leaves it out); InputError for negative tonnes or months
    out of order."""
    out: list[tuple[int, Any]] = []
    last = -(10**9)
    for j, (month, tonnes) in enumerate(inst.scheduled):
        t = b.month(month)
        if (as_runs(tonnes) < 0).any():
            raise bad(f"scheduled[{j}].tonnes", f"{tonnes} t is negative", "give tonnes >= 0")
        if t <= last:
            raise bad(f"scheduled[{j}].month", f"month {month} does not follow the release before it",
                      "list the releases by month, one per month")  # fmt: skip
        last = t
        if 0 <= t < b.t_n:
            out.append((t, tonnes))
    return tuple(out)


def compile_stockpile(b: Builder, inst: m.Stockpile) -> None:
    """A stockpile rule with its element mix, release rules and scheduled releases; the holder's
    release threshold if the stockpile has one."""
    k = b.materials((inst.material,), "material")[0]
    n = b.one_node(inst.holder, "holder")
    es = b.elements(inst.elements, "elements")
    use = b.base.feed[k, n] + b.base.final[k, n]
    mix = np.zeros(b.e_n)
    mix[es] = use[es] / use[es].sum() if use[es].sum() > 0 else np.full(len(es), 1 / len(es))
    s = max(b.month(inst.start), 0)
    allies = tuple(a for a in b.places(inst.release_to, "release_to") if a != n)
    share = inst.release_to_share
    if (as_runs(share) < 0).any() or (as_runs(share) > 1).any():
        raise bad("release_to_share", f"{share} is not a share", "give a number between 0 and 1")
    # The reserve kept for the holder: releases to allies stop there (t).
    floor = (1.0 - as_runs(share)) * np.maximum(as_runs(inst.target), as_runs(inst.initial))
    sale = 0.0 if inst.sale_price is None else inst.sale_price
    rule = StockRule(n, k, s, mix, inst.target, inst.purchase_per_yr, inst.initial, allies=allies,
                     floor=floor, sale=sale, defence=inst.defence, scheduled=_releases(b, inst))  # fmt: skip
    for other in b.stock_rules:
        if (other.node, other.material) == (n, k) and not _agree(other, rule):
            raise bad("release_to", f"stockpiles of {inst.material} held by {inst.holder} have different "
                      "release rules; they are held as one stock",
                      "give them the same release_to, sale price and defence")  # fmt: skip
    b.stock_rules.append(rule)
    if inst.release_shortfall is not None:
        level = as_runs(inst.release_shortfall)
        b.release_threshold = grow(b.release_threshold, max(b.release_threshold.shape[0], level.size))
        b.release_threshold[:, n] = level


def _agree(a: StockRule, b: StockRule) -> bool:
    """Whether two stockpiles of one stock share their release rules: allies, defence and a sale
    price given as one number (drawn ones are compared in the scenario file, where the later
    stockpile's draws then serve the stock)."""
    prices = as_runs(a.sale), as_runs(b.sale)
    same_sale = prices[0].size != 1 or prices[1].size != 1 or prices[0][0] == prices[1][0]
    return set(a.allies) == set(b.allies) and a.defence == b.defence and same_sale


KIND = Instrument(
    name="stockpile",
    spec=StockpileSpec,
    model=m.Stockpile,
    convert=convert,
    compile=compile_stockpile,
    description=(
        "Buys its element mix up to `purchase_t_per_yr` until `target_t` while neither its market nor its "
        "holder is short of any element it buys; releases to the "
        "holder's final users and next stage (oxide to metal makers) when their shortfall exceeds "
        "`release_shortfall` of their use, then to the `release_to` allies short by as much, down to a "
        "reserve of `1 - release_to_share` of the stockpile; `scheduled` releases join the holder's supply "
        "in their month. With `sale_price_usd_kg`, shortage releases wait for that price in the holder's "
        "market; a `defence` holding serves only defence uses."
    ),
    example="""\
- kind: stockpile
  holder: JPN
  material: magnet
  elements: [Dy, Tb]
  target_t: 300
  purchase_t_per_yr: 0
  initial_t: 300
  release_shortfall: 0.02
  release_to: [USA, eu]
  release_to_share: 0.5
  scheduled:
    - {month: 2026-03, tonnes: 20}
  start: 2025-01""",
)
