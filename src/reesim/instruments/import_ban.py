"""``import_ban``: an importer refuses the covered forms and elements shipped by the origins.

The importer's measure acts on the routes origin -> importer exactly as an export control of
each origin to the importer would: the compile step adds one licence rule per origin node
(:class:`~reesim.model.controls.Rule`) with approval share ``allowed_share`` (0: nothing
enters) and no review, so shipments on those routes stop from the start month, first asks and
re-routed asks alike, while the importer's unmet requests re-route to other exporters. A rule
of the importer and one of the exporter on the same route multiply (both must let goods pass).

How it differs from ``tariff`` (:mod:`reesim.instruments.tariff`): a tariff is a price measure
(the importers' users see a higher price and buy less; routes do not change), a ban is a
quantity measure on the routes. A tariff that the exporters answer by not shipping at all, as
MP Materials did when China's tariff on US goods reached 125% in April 2025, is an
``import_ban``; a tariff that only makes goods dearer is a ``tariff``; both may be combined.

The model does not trace the origin of goods through third countries (only their China-origin
share, for content rules), so an import ban covers what the origins ship directly.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from reesim.instruments.base import F, Instrument, SpecBase
from reesim.instruments.conversion import MATERIAL, Conversion
from reesim.instruments.export_control import covered_cells
from reesim.language.fields import Element, Material, Place, Share, fail
from reesim.model import scenario as m
from reesim.model.builder import Builder
from reesim.model.controls import Rule


class ImportBanSpec(SpecBase):
    """Importers refuse (or let in only ``allowed_share`` of) the covered goods the origins ship."""

    kind: Literal["import_ban"]
    importers: list[Place] = F(min_length=1, description="Countries or blocs that refuse the goods")
    origins: list[Place] = F(min_length=1, description="Countries or blocs whose shipments are refused")
    forms: list[Material] = F(min_length=1, description="ore, oxide, metal, magnet")
    elements: list[Element] = F([], description="Elements covered; empty: all rare earths")
    allowed_share: Share = F(
        0.0, unit="fraction", description="Share of requested shipments still let in; 0: none"
    )

    @model_validator(mode="after")
    def _not_its_own_origin(self) -> Any:
        both = sorted(set(self.importers) & set(self.origins))
        if both:
            raise fail(
                "place", f"{', '.join(both)} is both importer and origin", "a place cannot ban its own goods"
            )
        return self


def convert(c: Conversion, n: int, inst: ImportBanSpec) -> None:
    """The engine import ban, the scenario's own blocs expanded."""
    c.add(m.ImportBan(
        importers=c.places(inst.importers), origins=c.places(inst.origins),
        materials=tuple(MATERIAL[f] for f in inst.forms), start=inst.start, elements=tuple(inst.elements),
        end=inst.end, allowed_share=c.num(n, "allowed_share", inst.allowed_share),
    ))  # fmt: skip


def compile_import_ban(b: Builder, inst: m.ImportBan) -> None:
    """One licence rule per origin node on its routes to the importers' nodes (a node is never
    its own importer: countries simulated in one node, e.g. ``XEU``, trade inside it freely)."""
    importers = b.places(inst.importers, "importers")
    cells = covered_cells(b, inst.materials, inst.elements)
    begin, stop = b.window(inst.start, inst.end)
    for x in b.places(inst.origins, "origins"):
        destinations = [i for i in importers if i != x]
        if not destinations:
            continue
        b.controls.append(Rule(
            exporter=x, cells=cells, destinations=destinations, start=begin, end=stop, review=0.0,
            share=inst.allowed_share, denies_defence=False, threshold=None, content_only=False,
        ))  # fmt: skip


KIND = Instrument(
    name="import_ban",
    spec=ImportBanSpec,
    model=m.ImportBan,
    convert=convert,
    compile=compile_import_ban,
    description=(
        "The importers let in `allowed_share` (default 0) of what the origins ship them of the covered "
        "forms and elements, as an export control of each origin to them would, from `start`; their "
        "requests re-route to other exporters. A quantity measure on the routes, where `tariff` acts "
        "on price and demand."
    ),
    example="""\
- kind: import_ban
  id: china-us-concentrate
  importers: [CHN]
  origins: [USA]
  forms: [ore]
  start: 2025-04-17""",
)
