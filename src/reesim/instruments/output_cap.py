"""``output_cap``: a ceiling on a country's own production, as a share of its base-year output.

A production quota, a crackdown on illegal mining or a shutdown holds what a country's mines
(``ore``) or plants (``oxide``, ``metal``, ``magnet``: the stage that makes the form) produce at
most at ``share`` x their base-year output of each element covered, while the cap is in force.
Producers still answer orders (:mod:`reesim.kernel.reference`, step ``respond``), but not above
the ceiling; output comes back when the cap ends. A cap listing only some elements (for
example the heavy rare earths of ionic clays) limits their output alone: the base year's
element profile of the node sets each element's ceiling. A case set in another year scales a
cut to the base year as a share: the year's output over the output before the cut.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from reesim.instruments.base import F, Instrument, SpecBase
from reesim.instruments.conversion import MATERIAL, Conversion
from reesim.language.fields import Element, Material, NonNegative, Place
from reesim.model import scenario as m
from reesim.model.builder import Builder, bad
from reesim.model.dims import MATERIALS
from reesim.model.perrun import any_below, first_run


class OutputCapSpec(SpecBase):
    """A ceiling on a country's output of some forms (and elements), as a share of its base-year
    output."""

    kind: Literal["output_cap"]
    country: Place = F(description="Country whose producers are capped")
    forms: list[Material] = F(
        min_length=1, description="ore (its mines), oxide, metal, magnet (the stage that makes each)"
    )
    elements: list[Element] = F([], description="Elements covered; empty: all")
    share: NonNegative = F(
        unit="fraction of base-year output",
        description="Most each covered stage may produce of each element, over its base-year output",
    )


def convert(c: Conversion, n: int, inst: OutputCapSpec) -> None:
    """The engine cap, forms as engine materials."""
    c.add(m.OutputCap(
        country=c.one_place(n, "country", inst.country), materials=tuple(MATERIAL[f] for f in inst.forms),
        share=c.num(n, "share", inst.share), start=inst.start, elements=tuple(inst.elements), end=inst.end,
    ))  # fmt: skip


def compile_cap(b: Builder, inst: m.OutputCap) -> None:
    """A cap rule: the country's node, the months, the (material, element) cells covered and the
    share of base-year output (per run)."""
    x = b.one_node(inst.country, "country")
    ks, es = b.materials(inst.materials, "materials"), b.elements(inst.elements, "elements")
    if any_below(inst.share, 0.0):
        raise bad("share", f"negative share {first_run(inst.share)}", "give a share of base-year output >= 0")
    first_m, last_m = b.window(inst.start, inst.end)
    covers = np.zeros((len(MATERIALS), b.e_n), dtype=bool)
    covers[np.ix_(ks, es)] = True
    b.cap_rules.append((x, first_m, last_m, covers, inst.share))


KIND = Instrument(
    name="output_cap",
    spec=OutputCapSpec,
    model=m.OutputCap,
    convert=convert,
    compile=compile_cap,
    description=(
        "Holds the country's output of the forms (`ore`: its mines; `oxide`, `metal`, `magnet`: the stage "
        "that makes each) and elements covered at most at `share` x its base-year output while in force; "
        "capacity projects in the country count within it."
    ),
    example="""\
- kind: output_cap
  country: CHN
  forms: [ore, oxide]
  elements: [Dy, Tb]
  share: 0.8
  start: 2011-01
  end: 2015-01""",
)
