"""``substitution``: a sector replaces part of its magnet use with other technology.

The replaced part is ``share`` x the sector's share of magnet demand (``end_products`` table),
phased in linearly over ``lag_months`` (:func:`reesim.model.compile_demand.substitution_factor`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from reesim.instruments.base import F, Instrument, StandingSpec
from reesim.instruments.conversion import Conversion
from reesim.language.fields import Months, Place, Sector, Share
from reesim.model import scenario as m
from reesim.model.builder import Builder, bad
from reesim.model.compile_demand import sector_share, substitution_factor
from reesim.model.dims import MAGNET
from reesim.model.perrun import any_outside, first_run, grow


class SubstitutionSpec(StandingSpec):
    """A sector replaces part of its magnet use with other technology, phased in over a lag."""

    kind: Literal["substitution"]
    sector: Sector = F(description="Sector from end_products, or all")
    region: list[Place] = F([], description="Countries or blocs; empty: the world")
    share: Share = F(unit="fraction", description="Share of the sector's magnet use replaced when phased in")
    lag_months: Months = F(0.0, unit="months", description="Months to phase in fully")


def convert(c: Conversion, n: int, inst: SubstitutionSpec) -> None:
    """The engine substitution."""
    c.no_end(n, inst.end, "a substitution, once designed in, stays")
    c.add(m.Substitution(
        sector=inst.sector, share=c.num(n, "share", inst.share), start=inst.start,
        lag_months=c.num(n, "lag_months", inst.lag_months), nodes=c.places(inst.region),
    ))  # fmt: skip


def compile_substitution(b: Builder, inst: m.Substitution) -> None:
    """Multiply magnet demand at the nodes by one minus the replaced share, ramped in."""
    if any_outside(inst.share, 0.0, 1.0):
        raise bad("share", f"substitution share {first_run(inst.share)} is not a share", "give 0 to 1")
    nodes = b.places_or_all(inst.nodes, "nodes")
    replaced = inst.share * sector_share(b.ds, inst.sector)
    s = b.month(inst.start)
    factor = np.atleast_2d(substitution_factor(np.arange(b.t_n), s, inst.lag_months, replaced))
    b.demand = grow(b.demand, max(b.demand.shape[0], factor.shape[0]))
    b.demand[:, :, MAGNET, nodes] *= factor[:, :, None]


KIND = Instrument(
    name="substitution",
    spec=SubstitutionSpec,
    model=m.Substitution,
    convert=convert,
    compile=compile_substitution,
    description="The sector's share of magnet demand falls by `share`, phased in linearly over `lag_months`.",
    example="""\
- kind: substitution
  sector: ev_traction
  share: 0.3
  lag_months: 36
  start: 2026-01""",
)
