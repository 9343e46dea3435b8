"""``price_floor``: a guaranteed minimum price outside China, USD/kg.

The floor acts on the outside-China market price of the material and elements in its months (the
highest floor wins where several overlap); through the price it keeps plants from idling. Who
guarantees it and which producers it names are recorded, not simulated.
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
        [], description="Producers covered (recorded; the floor acts on the market price)"
    )


def convert(c: Conversion, n: int, inst: PriceFloorSpec) -> None:
    """The engine floor (guarantor and producers stay in the file)."""
    c.add(m.PriceFloor(
        material=MATERIAL[inst.material], elements=tuple(inst.elements),
        level=c.num(n, "level_usd_per_kg", inst.level_usd_per_kg), start=inst.start, end=inst.end,
    ))  # fmt: skip


def compile_floor(b: Builder, inst: m.PriceFloor) -> None:
    """Raise the floor table to the level in the floor's months, material and elements."""
    k = b.materials((inst.material,), "material")[0]
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
        "The outside-China price of the material and elements cannot fall below the level; it keeps "
        "plants from idling."
    ),
    example="""\
- kind: price_floor
  material: oxide
  elements: [Nd, Pr]
  level_usd_per_kg: 110
  guarantor: US Department of Defense
  start: 2025-10
  end: 2035-10""",
)
