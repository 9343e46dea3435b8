"""``tariff``: an ad valorem import tariff, modelled through demand.

The importers' final users see a price higher by the rate x the base-year share of their supply
that comes from the exporter; their demand follows through the ``demand_price_elasticity``
parameter (:func:`reesim.model.compile_demand.tariff_factor`). Trade routes do not change: a tariff
is a price measure. A tariff so high that the exporters stop shipping (a quantity measure on the
routes) is an ``import_ban`` (:mod:`reesim.instruments.import_ban`); the two may be combined.
"""

from __future__ import annotations

from typing import Literal

from reesim.instruments.base import F, Instrument, SpecBase
from reesim.instruments.conversion import MATERIAL, Conversion
from reesim.language.fields import Material, NonNegative, Place
from reesim.model import scenario as m
from reesim.model.builder import Builder, bad
from reesim.model.compile_demand import tariff_factor
from reesim.model.perrun import any_below, as_runs, first_run, grow


class TariffSpec(SpecBase):
    """An import tariff: the importers' price rises by rate x their base-year import share from the
    exporter, and their demand falls by the demand price elasticity."""

    kind: Literal["tariff"]
    importers: list[Place] = F(min_length=1, description="Countries or blocs that levy it")
    exporter: Place = F(description="Country whose goods are taxed")
    forms: list[Material] = F(min_length=1, description="ore, oxide, metal, magnet")
    rate: NonNegative = F(unit="fraction of value", description="Ad valorem rate, 0.25 = 25%")


def convert(c: Conversion, n: int, inst: TariffSpec) -> None:
    """The engine tariff, importers' blocs expanded."""
    c.add(m.Tariff(
        importers=c.places(inst.importers), exporter=c.one_place(n, "exporter", inst.exporter),
        materials=tuple(MATERIAL[f] for f in inst.forms), rate=c.num(n, "rate", inst.rate),
        start=inst.start, end=inst.end,
    ))  # fmt: skip


def compile_tariff(b: Builder, inst: m.Tariff) -> None:
    """Each importer's demand for each material, in the tariff's months, times its demand factor."""
    x = b.one_node(inst.exporter, "exporter")
    span = b.span(inst.start, inst.end)
    if any_below(inst.rate, 0.0):
        raise bad("rate", f"negative tariff {first_run(inst.rate)}", "give a fraction, e.g. 0.25 for 25%")
    elasticity = b.parameter["demand_price_elasticity"]
    for i in b.places(inst.importers, "importers"):
        for k in b.materials(inst.materials, "materials"):
            factor = as_runs(tariff_factor(b.base, k, i, x, inst.rate, elasticity))
            b.demand = grow(b.demand, max(b.demand.shape[0], factor.size))
            b.demand[:, span, k, i] *= factor[:, None]


KIND = Instrument(
    name="tariff",
    spec=TariffSpec,
    model=m.Tariff,
    convert=convert,
    compile=compile_tariff,
    description=(
        "The importers' final users see a price higher by `rate` x the base-year share of their supply "
        "from the exporter; demand follows through `demand_price_elasticity`. Trade routes do not change."
    ),
    example="""\
- kind: tariff
  importers: [USA]
  exporter: CHN
  forms: [magnet]
  rate: 0.25
  start: 2026-01""",
)
