"""``export_control``: export licences, with approval steps, suspensions and a content rule.

A scenario file's control becomes one engine :class:`~reesim.model.scenario.ExportControl` per
stretch of months with constant terms: each approval step, each return after a suspension and the
start of the content rule opens a new stretch, and each step or return starts with its own review
(months with nothing approved). The compile step turns a control into a
:class:`~reesim.model.controls.Rule`: the (material, elements) cells, destinations and months it
covers, with its terms per run. ``export_ban`` (:mod:`reesim.instruments.export_ban`) shares the
fields, the conversion and the compile step.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Literal

import numpy as np

from reesim.instruments.base import ApprovalStep, F, Instrument, Period, SpecBase
from reesim.instruments.conversion import MATERIAL, Conversion, month_label, month_number
from reesim.language.fields import Date, Element, Form, Months, Place, Share
from reesim.model import scenario as m
from reesim.model.builder import Builder
from reesim.model.controls import Rule
from reesim.model.dims import MAGNET
from reesim.model.perrun import Array, clip_low


class ExportSpec(SpecBase):
    """The fields of an export measure: who restricts what, to whom, and when it is suspended."""

    exporter: Place = F(description="Country that restricts its exports")
    elements: list[Element] = F([], description="Elements covered; empty: all rare earths")
    forms: list[Form] = F(min_length=1, description="ore, oxide, metal, magnet, technology")
    destinations: list[Place] | Literal["all"] = F("all", description="Countries or blocs; 'all': everyone")
    exempt: list[Place] = F([], description="Countries or blocs left out of 'destinations'")
    suspended: list[Period] = F([], description="Periods in which the measure is suspended (e.g. a truce)")


class ExportControlSpec(ExportSpec):
    """Export licences: nothing ships during the review, then a share of requests is approved."""

    kind: Literal["export_control"]
    approval_share: Share = F(0.0, unit="fraction", description="Share of requested shipments licensed")
    review_months: Months = F(0.0, unit="months", description="Months before the first approvals")
    approval: list[ApprovalStep] = F([], description="Approval over time; replaces approval_share if given")
    defence_denied: bool = F(False, description="Defence end users are refused outright")
    content_threshold: Share | None = F(
        None,
        unit="fraction",
        description="Goods made abroad with at least this share of the exporter's material need a licence",
    )
    content_start: Date | None = F(None, description="Month the content rule starts (default: start)")
    content_only: bool = F(
        False, description="Only the content rule (and defence denial): direct exports left to other controls"
    )


def convert(c: Conversion, n: int, inst: ExportSpec) -> None:
    """One engine control per stretch with constant terms (suspensions, approval steps, content rule)."""
    materials = tuple(MATERIAL[f] for f in inst.forms if f != "technology")
    if not materials:
        return  # technology controls are recorded, not simulated (see docs/scenarios.md)
    control = inst if isinstance(inst, ExportControlSpec) else None
    start = month_number(inst.start)
    end = month_number(inst.end) if inst.end else month_number(c.r.horizon) + 1
    if control is not None and control.approval:
        steps = sorted(
            ((month_number(s.from_), c.num(n, f"approval[{j}].share", s.share),
              c.num(n, f"approval[{j}].review_months", s.review_months))
             for j, s in enumerate(control.approval)),
            key=lambda step: step[0],
        )  # fmt: skip
    elif control is not None:
        steps = [(start, c.num(n, "approval_share", control.approval_share),
                  c.num(n, "review_months", control.review_months))]  # fmt: skip
    else:
        steps = [(start, 0.0, 0.0)]
    content = control.content_threshold if control is not None else None
    later = control.content_start if control is not None else None
    content_from = month_number(later) if later else start
    threshold = None if content is None else c.num(n, "content_threshold", content)
    cuts = {start, end, content_from, *(s for s, _, _ in steps)}
    resumes = {start}
    for period in inst.suspended:
        cuts.add(month_number(period.from_))
        if period.to:
            cuts.add(month_number(period.to))
            resumes.add(month_number(period.to))
    edges = sorted(cut for cut in cuts if start <= cut <= end)
    for a, b in pairwise(edges):
        if any(
            month_number(p.from_) <= a and (p.to is None or a < month_number(p.to)) for p in inst.suspended
        ):
            continue
        step = [s for s in steps if s[0] <= a]
        if not step:
            continue  # before the first approval step: no licence regime yet
        s_from, share, review = step[-1]
        regime = max([s_from, *(r for r in resumes if r <= a)])
        c.add(m.ExportControl(
            exporter=c.one_place(n, "exporter", inst.exporter), materials=materials, start=month_label(a),
            elements=tuple(inst.elements), end=month_label(b),
            destinations=() if inst.destinations == "all" else c.places(inst.destinations),
            exempt=c.places(inst.exempt), approval_share=share,
            review_months=clip_low(review - (a - regime), 0.0),
            defence_denied=control is not None and control.defence_denied,
            content_threshold=threshold if a >= content_from else None,
            content_only=control is not None and control.content_only,
        ))  # fmt: skip


#: (material index, [E] share of each element's flow covered) cells of a trade measure.
Cells = list[tuple[int, Array]]


def magnet_coverage(grades: Array, elements: list[int]) -> Array:
    """[E] share of each element's flow in magnets that a measure on ``elements`` covers.

    A measure reaches a magnet when its grade contains a covered element, and then the whole
    magnet: ``grades`` [G, E] (t element per t of magnet output, by grade) gives, for each
    element, the share of its magnet content that sits in grades containing any covered element.
    A covered element that no grade contains is covered in full."""
    hit = grades[:, elements].sum(axis=1) > 0  # [G] grades containing a covered element
    content = grades.sum(axis=0)
    reached = grades[hit].sum(axis=0)
    share = np.divide(reached, content, out=np.zeros_like(content), where=content > 0)
    share[elements] = 1.0
    out: Array = share
    return out


def covered_cells(b: Builder, materials: tuple[str, ...], elements: tuple[str, ...]) -> Cells:
    """The (material, coverage) cells a trade measure covers: every form's covered elements in
    full, and for magnets the share of each element's flow in the grades that contain a covered
    element (:func:`magnet_coverage`)."""
    es = b.elements(elements, "elements")
    cells: Cells = []
    for k in b.materials(materials, "materials"):
        if k == MAGNET:
            cover = magnet_coverage(b.base.magnet_grades, es)
        else:
            cover = np.zeros(b.e_n)
            cover[es] = 1.0
        cells.append((k, cover))
    return cells


def compile_control(b: Builder, inst: m.ExportControl) -> None:
    """The control as a rule over (material, elements) cells (:func:`covered_cells`)."""
    x = b.one_node(inst.exporter, "exporter")
    dest = (
        b.places(inst.destinations, "destinations")
        if inst.destinations
        else [i for i in range(b.n_n) if i != x]
    )
    exempt = set(b.places(inst.exempt, "exempt"))
    begin, stop = b.window(inst.start, inst.end)
    b.controls.append(Rule(
        exporter=x, cells=covered_cells(b, inst.materials, inst.elements),
        destinations=[i for i in dest if i not in exempt and i != x], start=begin, end=stop,
        review=inst.review_months, share=inst.approval_share, denies_defence=inst.defence_denied,
        threshold=inst.content_threshold, content_only=inst.content_only,
    ))  # fmt: skip


KIND = Instrument(
    name="export_control",
    spec=ExportControlSpec,
    model=m.ExportControl,
    convert=convert,
    compile=compile_control,
    description=(
        "Each approval step (and each return after a suspension) starts with `review_months` of no "
        "approvals (a review ending partway through a month licenses the rest of it), then `share` of "
        "requested shipments is licensed, re-routed requests included. With `content_threshold`, goods made "
        "outside the exporter whose share of its material is at or above the threshold need the same "
        "licence; `content_only` adds just that rule. `defence_denied` refuses the defence tier."
    ),
    example="""\
- kind: export_control
  id: april-licences
  exporter: CHN
  elements: [Sm, Gd, Tb, Dy, Lu, Sc, Y]
  forms: [oxide, metal, magnet]
  exempt: [USA]
  start: 2025-04-04
  approval:
    - {from: 2025-04, share: 0.26, review_months: {dist: triangular, low: 1, mode: 1, high: 2}}
    - {from: 2025-07, share: 0.9}
  suspended: [{from: 2025-11-10, to: 2026-11-10}]""",
)
