"""``export_quota``: a cap on an exporter's total exports, t REO-equivalent per year.

The cap covers the listed forms and elements together, to all destinations. ``split: asked``
shares it each month by what importers asked of the exporter in each covered form and element
the month before (the base-year exports in the first month, or when nothing was asked), so it
binds only when the total asked exceeds it, and then on each in the same proportion;
``split: base_year`` shares it by the exporter's base-year exports (t/yr), so that each share
binds apart. While more is asked than the cap allows, its licences carry a rent per kg, the same
on every covered form and element, and what China exports under it sells outside China for at
least China's price plus the rent (:meth:`reesim.model.limits.Quotas.rents`). The compile step
keeps it as a rule whose tonnage may differ per run
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
    """A cap on total exports (all destinations), shared over forms and elements by what is asked
    of the exporter (``asked``) or by its base-year exports (``base_year``); while it binds, its
    licences carry one rent per kg on every form and element it covers."""

    kind: Literal["export_quota"]
    exporter: Place = F(description="Country that caps its exports")
    elements: list[Element] = F([], description="Elements covered; empty: all")
    forms: list[Material] = F(min_length=1, description="ore, oxide, metal, magnet")
    tonnes_per_yr: NonNegative = F(unit="t REO-eq/yr", description="Most that may be exported per year")
    split: Literal["asked", "base_year"] = F(
        "base_year",
        description=(
            "How the cap is shared over forms and elements: asked (by what importers asked the month before) "
            "or base_year (by base-year exports)"
        ),
    )


def convert(c: Conversion, n: int, inst: ExportQuotaSpec) -> None:
    """The engine quota, forms as engine materials."""
    c.add(m.ExportQuota(
        exporter=c.one_place(n, "exporter", inst.exporter),
        materials=tuple(MATERIAL[f] for f in inst.forms),
        tonnes_per_yr=c.num(n, "tonnes_per_yr", inst.tonnes_per_yr), start=inst.start,
        elements=tuple(inst.elements), end=inst.end, split=inst.split,
    ))  # fmt: skip


def compile_quota(b: Builder, inst: m.ExportQuota) -> None:
    """A quota rule: the cells covered, each cell's base-year share of the cap (base-year exports)
    and whether the kernels share it by last month's asks instead."""
    k_n = len(MATERIALS)
    x = b.one_node(inst.exporter, "exporter")
    ks, es = b.materials(inst.materials, "materials"), b.elements(inst.elements, "elements")
    if inst.split not in ("asked", "base_year"):
        raise bad("split", f"unknown split {inst.split!r}", "give asked or base_year")
    if any_below(inst.tonnes_per_yr, 0.0):
        raise bad("tonnes_per_yr", f"negative quota {first_run(inst.tonnes_per_yr)}", "give t/yr >= 0")
    first_m, last_m = b.window(inst.start, inst.end)
    exports = b.base.trade[:, :, x, :].sum(axis=1)[np.ix_(ks, es)]  # [K', E'] base-year t/yr
    weights = exports / exports.sum() if exports.sum() > 0 else np.full(exports.shape, 1 / exports.size)
    covers = np.zeros((k_n, b.e_n), dtype=bool)
    weight = np.zeros((k_n, b.e_n))
    covers[np.ix_(ks, es)] = True
    weight[np.ix_(ks, es)] = weights
    b.quota_rules.append((x, first_m, last_m, covers, weight, inst.tonnes_per_yr, inst.split == "asked"))


KIND = Instrument(
    name="export_quota",
    spec=ExportQuotaSpec,
    model=m.ExportQuota,
    convert=convert,
    compile=compile_quota,
    description=(
        "Caps the exporter's total exports (all destinations) at `tonnes_per_yr`, shared over forms and "
        "elements by what importers asked of it the month before (`split: asked`) or by its base-year "
        "exports (`split: base_year`). While more is asked than it allows, its licences carry a rent per "
        "kg, the same on every covered form and element: China's exports under it sell outside China for at "
        "least China's price plus the rent (`quota_rent_rate`, `quota_rent_months`). Importers raise their "
        "cover against what it holds back of their asks and, as it stands, come to expect it "
        "(`precaution_quota_fade_months`)."
    ),
    example="""\
- kind: export_quota
  exporter: CHN
  forms: [ore, oxide, metal]
  tonnes_per_yr: 15952
  start: 2010-07
  end: 2011-01""",
)
