"""``recycling``: more of the magnets reaching the end of their life collected and recovered.

From its start, at the nodes named, the share of end-of-life magnets collected for rare-earth
recovery (``collection``) and the share of their rare earths recovered as separated oxide
(``recovery``) replace the ``eol_collection_rate`` and ``eol_recovery_rate`` parameters; or
``rate`` sets their product (the share of end-of-life magnet rare earths returned) at once.
Magnets reach the end of their life after the lifetimes of the products that hold them
(:mod:`reesim.model.lifetimes`), so a higher rate returns more oxide at once, from the products
discarded that month, not from last month's use.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from reesim.instruments.base import F, Instrument, StandingSpec
from reesim.instruments.conversion import Conversion
from reesim.language.fields import Place, Share, fail
from reesim.model import scenario as m
from reesim.model.builder import Builder, bad
from reesim.model.perrun import any_outside, as_runs, first_run, grow


class RecyclingSpec(StandingSpec):
    """Collection and recovery of rare earths from end-of-life magnets."""

    kind: Literal["recycling"]
    region: list[Place] = F([], description="Countries or blocs; empty: the world")
    material: Literal["magnet"] = F("magnet", description="What is recycled (magnets)")
    collection: Share | None = F(
        None, unit="fraction", description="Share of end-of-life magnets collected for recovery"
    )
    recovery: Share | None = F(
        None, unit="fraction", description="Share of the collected magnets' rare earths recovered as oxide"
    )
    rate: Share | None = F(
        None, unit="fraction", description="Collection x recovery at once (instead of the two)"
    )

    @model_validator(mode="after")
    def _one_way(self) -> Any:
        if self.rate is not None and (self.collection is not None or self.recovery is not None):
            raise fail("recycling", "give rate, or collection and recovery, not both",
                       "rate is collection x recovery")  # fmt: skip
        if self.rate is None and self.collection is None and self.recovery is None:
            raise fail("recycling", "recycling needs collection, recovery or rate",
                       "e.g. collection: 0.2")  # fmt: skip
        return self


def convert(c: Conversion, n: int, inst: RecyclingSpec) -> None:
    """The engine recycling."""
    c.no_end(n, inst.end, "collection and recovery, once raised, stay")

    def num(name: str, value: Any) -> Any:
        return None if value is None else c.num(n, name, value)

    collection, recovery = num("collection", inst.collection), num("recovery", inst.recovery)
    c.add(m.Recycling(collection=collection, recovery=recovery, rate=num("rate", inst.rate),
                      start=inst.start, nodes=c.places(inst.region)))  # fmt: skip


def compile_recycling(b: Builder, inst: m.Recycling) -> None:
    """Set collection and recovery at the nodes from the start month on (``rate``: collection
    at the rate, recovery in full)."""
    nodes = b.places_or_all(inst.nodes, "nodes")
    collection, recovery = (inst.rate, 1.0) if inst.rate is not None else (inst.collection, inst.recovery)
    name = "rate" if inst.rate is not None else "collection"
    s = max(b.month(inst.start), 0)
    for field, value, table in ((name, collection, "collect"), ("recovery", recovery, "recover")):
        if value is None:
            continue
        if any_outside(value, 0.0, 1.0):
            raise bad(field, f"recycling {field} {first_run(value)} is not a share",
                      "give a fraction between 0 and 1")  # fmt: skip
        values = as_runs(value)
        array = grow(getattr(b, table), max(getattr(b, table).shape[0], values.size))
        array[:, s:, nodes] = values[:, None, None]
        setattr(b, table, array)


KIND = Instrument(
    name="recycling",
    spec=RecyclingSpec,
    model=m.Recycling,
    convert=convert,
    compile=compile_recycling,
    description=(
        "More end-of-life magnets collected (`collection`) and their rare earths recovered "
        "(`recovery`), or both at once (`rate`), in the region; replaces the `eol_collection_rate` "
        "and `eol_recovery_rate` parameters there."
    ),
    example="""\
- kind: recycling
  region: [eu, JPN]
  collection: 0.2
  start: 2027-01""",
)
