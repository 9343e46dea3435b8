"""``export_quota``: a cap on an exporter's total exports, t REO-equivalent per year.

The cap covers the listed forms and elements together, to all destinations; the compile step
splits it over them by the exporter's base-year exports (t/yr), so that it binds on each in
proportion, and keeps it as a rule whose tonnage may differ per run
(:mod:`reesim.model.limits`).
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


class ExportQuotaSpec(SpecBase):
    """A cap on total exports (all destinations), split over forms and elements by base-year exports."""

    kind: Literal["export_quota"]
    exporter: Place = F(description="Country that caps its exports")
    elements: list[Element] = F([], description="Elements covered; empty: all")
    forms: list[Material] = F(min_length=1, description="ore, oxide, metal, magnet")
    tonnes_per_yr: NonNegative = F(unit="t REO-eq/yr", description="Most that may be exported per year")


def convert(c: Conversion, n: int, inst: ExportQuotaSpec) -> None:
    """The engine quota, forms as engine materials."""
    c.add(m.ExportQuota(
        exporter=c.one_place(n, "exporter", inst.exporter),
        materials=tuple(MATERIAL[f] for f in inst.forms),
        tonnes_per_yr=c.num(n, "tonnes_per_yr", inst.tonnes_per_yr), start=inst.start,
        elements=tuple(inst.elements), end=inst.end,
    ))  # fmt: skip


def compile_quota(b: Builder, inst: m.ExportQuota) -> None:
    """A quota rule: the cells covered and each cell's share of the cap (base-year exports)."""
    k_n = len(MATERIALS)
    x = b.one_node(inst.exporter, "exporter")
    ks, es = b.materials(inst.materials, "materials"), b.elements(inst.elements, "elements")
    if any_below(inst.tonnes_per_yr, 0.0):
        raise bad("tonnes_per_yr", f"negative quota {first_run(inst.tonnes_per_yr)}", "give t/yr >= 0")
    first_m, last_m = b.window(inst.start, inst.end)
    exports = b.base.trade[:, :, x, :].sum(axis=1)[np.ix_(ks, es)]  # [K', E'] base-year t/yr
    weights = exports / exports.sum() if exports.sum() > 0 else np.full(exports.shape, 1 / exports.size)
    covers = np.zeros((k_n, b.e_n), dtype=bool)
    weight = np.zeros((k_n, b.e_n))
    covers[np.ix_(ks, es)] = True
    weight[np.ix_(ks, es)] = weights
    b.quota_rules.append((x, first_m, last_m, covers, weight, inst.tonnes_per_yr))


KIND = Instrument(
    name="export_quota",
    spec=ExportQuotaSpec,
    model=m.ExportQuota,
    convert=convert,
    compile=compile_quota,
    description=(
        "Caps the exporter's total exports (all destinations) at `tonnes_per_yr`, split over forms and "
        "elements by its base-year exports."
    ),
    example="""\
- kind: export_quota
  exporter: CHN
  forms: [ore, oxide, metal]
  tonnes_per_yr: 15952
  start: 2010-07
  end: 2011-01""",
)
