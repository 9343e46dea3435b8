"""``investment_programme``: a budget (USD) spread over capacity projects.

A programme has no engine instrument of its own: after every project is converted, it funds its
projects' ``capex_usd`` from the budget, in list order or all in proportion, and scales each
project's nameplate by the share of its capex funded; a funded project cannot start before the
programme does.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import numpy as np

from reesim.instruments.base import F, Instrument, StandingSpec
from reesim.instruments.conversion import Conversion, month_number
from reesim.language.fields import NonNegative
from reesim.model import scenario as m
from reesim.model.perrun import clip_high, clip_low


class InvestmentProgrammeSpec(StandingSpec):
    """A budget spread over capacity projects; projects it cannot fund are scaled down."""

    kind: Literal["investment_programme"]
    budget_usd: NonNegative = F(unit="USD", description="Money available")
    projects: list[str] = F(min_length=1, description="ids of capacity_project instruments it funds")
    rule: Literal["in_order", "pro_rata"] = F(
        "in_order", description="Fund in list order, or all in proportion"
    )


def convert(c: Conversion, n: int, inst: InvestmentProgrammeSpec) -> None:
    """Replace the funded projects by their scaled versions."""
    c.no_end(n, inst.end, "a programme's funding, once committed, stays")
    projects = {pid: c.out[k] for pid, k in c.projects.items()}
    for pid, project in fund(c, n, inst, projects).items():
        c.out[c.projects[pid]] = project


def fund(
    c: Conversion, n: int, inst: InvestmentProgrammeSpec, projects: dict[str, m.CapacityProject]
) -> dict[str, m.CapacityProject]:
    """Scale funded projects' nameplates by the share of their capex the budget covers."""
    budget = c.num(n, "budget_usd", inst.budget_usd)
    chosen = [(pid, projects[pid]) for pid in inst.projects if pid in projects]
    total = sum(p.capex_usd for _, p in chosen)
    out = {}
    for pid, p in chosen:
        if np.any(np.asarray(p.capex_usd) <= 0):
            c.report(
                n, ("projects",), f"project {pid!r} has no capex_usd", "give the project a capex_usd to fund"
            )
            continue
        if inst.rule == "pro_rata":
            share = clip_high(budget / total, 1.0)
        else:
            share = clip_high(clip_low(budget, 0.0) / p.capex_usd, 1.0)
            budget -= p.capex_usd
        later = p.start if month_number(p.start) >= month_number(inst.start) else inst.start
        out[pid] = replace(p, nameplate=p.nameplate * share, start=later)
    return out


KIND: Instrument[InvestmentProgrammeSpec, Any] = Instrument(
    name="investment_programme",
    spec=InvestmentProgrammeSpec,
    model=None,
    convert=convert,
    compile=None,
    description=(
        "Funds its projects' `capex_usd` from the budget (`in_order` or `pro_rata`); a project's nameplate "
        "is scaled by the share funded, and it cannot start before the programme."
    ),
    example="""\
- kind: investment_programme
  budget_usd: 2000000000
  projects: [new-separation]
  rule: in_order
  start: 2025-10""",
    after_projects=True,
)
