"""``price_floor``: a guaranteed minimum price paid to named producers, USD/kg.

The guarantor pays each covered producer the difference between the floor and the outside-China
market price on its output of the floored elements (the highest floor wins where several
overlap); the market price itself is not changed. Covered producers decide to run, and planned
ones to be financed, on the floor when it is above the price they expect, and what the
guarantor pays is the floor's public cost (output ``floor_cost``). ``producers`` names capacity
projects (their ids) or dataset facilities; a facility already operating covers its country's
output of its stage; with no producers named the floor covers every producer outside China.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from reesim.instruments.base import F, Instrument, SpecBase
from reesim.instruments.conversion import MATERIAL, Conversion
from reesim.language.fields import Element, Material, NonNegative
from reesim.model import scenario as m
from reesim.model.builder import Builder
from reesim.model.perrun import as_runs, grow


class PriceFloorSpec(SpecBase):
    """A guaranteed minimum price outside China."""

    kind: Literal["price_floor"]
    material: Material = F(description="ore, oxide, metal, magnet")
    elements: list[Element] = F(min_length=1, description="Elements whose price is floored (e.g. Nd, Pr)")
    level_usd_per_kg: NonNegative = F(unit="USD/kg", description="Floor price")
    guarantor: str = F("", description="Who pays the difference (recorded)")
    producers: list[str] = F(
        [],
        description=(
            "Producers paid the difference: capacity_project ids or dataset facility ids (an operating "
            "facility covers its country's output of its stage); none: every producer outside China"
        ),
    )


def convert(c: Conversion, n: int, inst: PriceFloorSpec) -> None:
    """The engine floor (guarantor and producers stay in the file)."""
    c.add(m.PriceFloor(
        material=MATERIAL[inst.material], elements=tuple(inst.elements),
        level=c.num(n, "level_usd_per_kg", inst.level_usd_per_kg), start=inst.start, end=inst.end,
        producers=tuple(inst.producers),
    ))  # fmt: skip


def compile_floor(b: Builder, inst: m.PriceFloor) -> None:
    """Raise the floor table to the level in the floor's months, material and elements, and note
    whom it covers."""
    k = b.materials((inst.material,), "material")[0]
    b.floor_producers.append((k, inst.producers))
    span = b.span(inst.start, inst.end)
    level = as_runs(inst.level)
    b.floor = grow(b.floor, max(b.floor.shape[0], level.size))
    for e in b.elements(inst.elements, "elements"):
        b.floor[:, span, k, e] = np.maximum(b.floor[:, span, k, e], level[:, None])


KIND = Instrument(
    name="price_floor",
    spec=PriceFloorSpec,
    model=m.PriceFloor,
    convert=convert,
    compile=compile_floor,
    description=(
        "Pays the named producers the difference between the level and the outside-China market price "
        "on their output; they run and are financed on it. The payments are the floor's public cost."
    ),
    example="""\
- kind: price_floor
  material: oxide
  elements: [Nd, Pr]
  level_usd_per_kg: 110
  guarantor: US Department of Defense
  producers: [mp_mountain_pass_sep]
  start: 2025-10
  end: 2035-10""",
)
