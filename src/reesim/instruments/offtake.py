"""``offtake``: a buyer takes a capacity project's whole output, so the plant runs whatever the price.

An offtake has no engine instrument of its own: its conversion marks the named project
(:attr:`~reesim.model.scenario.CapacityProject.offtake`), after every project is converted.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from reesim.instruments.base import F, Instrument, StandingSpec
from reesim.instruments.conversion import Conversion


class OfftakeSpec(StandingSpec):
    """A buyer takes a project's whole output: the plant runs whatever the price."""

    kind: Literal["offtake"]
    project: str = F(description="id of a capacity_project in this scenario")
    buyer: str = F("", description="Who buys (recorded)")


def convert(c: Conversion, n: int, inst: OfftakeSpec) -> None:
    """Mark the named project as bought whatever the price."""
    c.no_end(n, inst.end, "an offtake holds the project's output for the whole run")
    if inst.project in c.projects:
        slot = c.projects[inst.project]
        c.out[slot] = replace(c.out[slot], offtake=True)


KIND: Instrument[OfftakeSpec, Any] = Instrument(
    name="offtake",
    spec=OfftakeSpec,
    model=None,
    convert=convert,
    compile=None,
    description="The named project runs whatever the price.",
    example="""\
- kind: offtake
  project: mp-10x
  buyer: US Department of Defense
  start: 2028-01""",
    after_projects=True,
)
