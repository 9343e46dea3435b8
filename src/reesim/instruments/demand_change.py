"""``demand_change``: growth (%/yr) or a one-off shock (a fraction) in final demand.

Without a sector the whole final demand of the material in the region changes; with a sector only
that sector's share of magnet demand (``end_products`` table) does
(:func:`reesim.model.compile_demand.demand_change_factor`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from reesim.instruments.base import F, Instrument, SpecBase
from reesim.instruments.conversion import MATERIAL, Conversion
from reesim.language.fields import Change, GrowthPct, Material, Place, Sector
from reesim.model import scenario as m
from reesim.model.builder import Builder
from reesim.model.compile_demand import demand_change_factor, sector_share
from reesim.model.perrun import grow


class DemandChangeSpec(SpecBase):
    """Demand growth or a one-off shock for a sector (or all uses) in some regions."""

    kind: Literal["demand_change"]
    sector: Sector = F("all", description="Sector from end_products (e.g. ev_traction), or all")
    region: list[Place] = F([], description="Countries or blocs; empty: the world")
    material: Material = F("magnet", description="Material whose final demand changes")
    growth_pct_per_yr: GrowthPct = F(0.0, unit="%/yr", description="Growth from start")
    shock: Change = F(0.0, unit="fraction", description="Jump at start, -0.1 = -10%")


def convert(c: Conversion, n: int, inst: DemandChangeSpec) -> None:
    """The engine demand change, the sector as its share of magnet demand."""
    if inst.sector != "all" and inst.material != "magnet":
        hint = "use material: magnet with a sector, or sector: all"
        c.report(n, ("material",), "sector shares are shares of magnet demand", hint)
    c.add(m.DemandChange(
        material=MATERIAL[inst.material], start=inst.start, end=inst.end,
        growth_pct_per_yr=c.num(n, "growth_pct_per_yr", inst.growth_pct_per_yr),
        shock=c.num(n, "shock", inst.shock), nodes=c.places(inst.region),
        share=sector_share(c.ds, inst.sector),
    ))  # fmt: skip


def compile_demand_change(b: Builder, inst: m.DemandChange) -> None:
    """Multiply the demand of the material at the nodes by the change's factor per month."""
    k = b.materials((inst.material,), "material")[0]
    nodes = b.places_or_all(inst.nodes, "nodes")
    s, e = b.window(inst.start, inst.end)
    t = np.arange(b.t_n)
    factor = np.atleast_2d(demand_change_factor(t, s, inst.growth_pct_per_yr, inst.shock, inst.share, e))
    b.demand = grow(b.demand, max(b.demand.shape[0], factor.shape[0]))
    b.demand[:, :, k, nodes] *= factor[:, :, None]


KIND = Instrument(
    name="demand_change",
    spec=DemandChangeSpec,
    model=m.DemandChange,
    convert=convert,
    compile=compile_demand_change,
    description=(
        "Final demand of the material in the region grows and/or jumps; with a sector, only that sector's "
        "share of magnet demand (`end_products` table) changes. From `end` demand is as it would have "
        "been without the change."
    ),
    example="""\
- kind: demand_change
  sector: ev_traction
  region: [eu]
  growth_pct_per_yr: 8
  shock: -0.1
  start: 2027-01""",
)
