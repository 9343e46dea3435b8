"""``recycling``: rare earths recovered from the magnets used, returned as separated oxide.

From its start, a share (per month) of the magnet rare earths used at the nodes comes back as
oxide at the same node the next month, replacing the ``recycling_rate`` parameter there.
"""

from __future__ import annotations

from typing import Literal

from reesim.instruments.base import F, Instrument, SpecBase
from reesim.instruments.conversion import Conversion
from reesim.language.fields import Place, Share
from reesim.model import scenario as m
from reesim.model.builder import Builder, bad
from reesim.model.perrun import any_outside, as_runs, first_run, grow


class RecyclingSpec(SpecBase):
    """Rare earths recovered from magnets used, returned as oxide."""

    kind: Literal["recycling"]
    region: list[Place] = F([], description="Countries or blocs; empty: the world")
    material: Literal["magnet"] = F("magnet", description="What is recycled (magnets)")
    rate: Share = F(unit="fraction per month", description="Share of magnet rare earths used that returns")


def convert(c: Conversion, n: int, inst: RecyclingSpec) -> None:
    """The engine recycling."""
    c.add(m.Recycling(rate=c.num(n, "rate", inst.rate), start=inst.start, nodes=c.places(inst.region)))


def compile_recycling(b: Builder, inst: m.Recycling) -> None:
    """Set the recycling rate at the nodes from the start month on."""
    nodes = b.places_or_all(inst.nodes, "nodes")
    if any_outside(inst.rate, 0.0, 1.0):
        raise bad(
            "rate", f"recycling rate {first_run(inst.rate)} is not a share", "give a fraction between 0 and 1"
        )
    rate = as_runs(inst.rate)
    b.recycle = grow(b.recycle, max(b.recycle.shape[0], rate.size))
    s = max(b.month(inst.start), 0)
    b.recycle[:, s:, nodes] = rate[:, None, None]


KIND = Instrument(
    name="recycling",
    spec=RecyclingSpec,
    model=m.Recycling,
    convert=convert,
    compile=compile_recycling,
    description=(
        "A share of the magnet rare earths used returns as oxide the next month (replaces the "
        "`recycling_rate` parameter in the region)."
    ),
    example="""\
- kind: recycling
  region: [eu, JPN]
  rate: 0.02
  start: 2027-01""",
)
