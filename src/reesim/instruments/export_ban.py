"""``export_ban``: no exports at all of the covered forms and elements to the destinations.

A ban is an export control that approves nothing: it converts and compiles as one
(:mod:`reesim.instruments.export_control`), with approval share 0 and no review.
"""

from __future__ import annotations

from typing import Literal

from reesim.instruments.base import Instrument
from reesim.instruments.export_control import ExportSpec, compile_control, convert
from reesim.model import scenario as m


class ExportBanSpec(ExportSpec):
    """No exports at all of the covered forms and elements to the destinations."""

    kind: Literal["export_ban"]


KIND = Instrument(
    name="export_ban",
    spec=ExportBanSpec,
    model=m.ExportControl,
    convert=convert,
    compile=compile_control,
    description="Approval share 0 for the covered forms, elements and destinations.",
    example="""\
- kind: export_ban
  exporter: CHN
  forms: [ore, oxide, metal]
  destinations: [JPN]
  start: 2010-09-21
  end: 2010-11-20""",
)
