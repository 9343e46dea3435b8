"""What became of each capacity project and what the price floors cost, from a run's outputs.

A project's fate is read from its output (``project_output``, t REO-equivalent per month) against
its planned start (announced start plus the delay, as the scenario states it): *on time* when
output starts within a month of the planned start, *early* or *delayed* otherwise, *not built*
when it never produces before the horizon (its financing was refused until it was cancelled, or it
still waits). A project that has started is *idle* in a month when it makes less than half of what
its ramp would give: its expected revenue is below its operating cost and no floor or offtake
holds it up. The floor's public cost is what the guarantors paid covered producers
(``floor_cost``, USD), by year; beside it, what strategic stockpiles paid for their purchases
(``stockpile_cost``, USD, :mod:`reesim.results.purchases`), by year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from reesim.instruments.conversion import month_label, month_number
from reesim.model.scenario import CapacityProject, Scenario

#: A started project makes less than this share of its ramped capacity: it is idle.
IDLE_SHARE = 0.5


@dataclass(frozen=True)
class ProjectFate:
    """One project in one run."""

    project: str
    planned: str  # YYYY-MM output was planned to start (announced start plus delay)
    started: str | None  # YYYY-MM of its first output, None if never
    fate: str  # on time, early, delayed, not built
    idle_months: int  # months after its start with less than IDLE_SHARE of its ramped capacity
    last_share: float  # output in the last month over its nameplate (0 to 1)


def fates(result: xr.Dataset, scenario: Scenario, run: int = 0) -> list[ProjectFate]:
    """The fate of every project of ``scenario`` in run ``run`` of ``result``."""
    if "project_output" not in result or result.sizes.get("project", 0) == 0:
        return []
    months = [str(m) for m in result["month"].values]
    first = month_number(months[0])
    projects = {p.name: p for p in scenario.instruments if isinstance(p, CapacityProject)}
    out = []
    for name in result["project"].values:
        series = result["project_output"].isel(run=run).sel(project=name).values
        spec = projects.get(str(name))
        if spec is None:
            continue
        delay = float(np.median(np.atleast_1d(spec.delay_months)))
        planned = month_number(spec.start) + delay
        nameplate = float(np.median(np.atleast_1d(spec.nameplate))) / 12.0
        made = np.flatnonzero(series > 1e-9)
        ramp = float(np.median(np.atleast_1d(spec.ramp_months)))
        if made.size == 0:
            out.append(ProjectFate(str(name), month_label(round(planned)), None, "not built", 0, 0.0))
            continue
        start = int(made[0])
        t = np.arange(len(months))
        ramped = np.clip((t + 1 - start) / max(ramp, 1.0), 0.0, 1.0) * nameplate
        idle = int(((series < IDLE_SHARE * ramped) & (t > start)).sum())
        gap = first + start - planned
        fate = "on time" if abs(gap) <= 1.0 else ("early" if gap < 0 else "delayed")
        share = float(series[-1] / nameplate) if nameplate > 0 else 0.0
        out.append(ProjectFate(str(name), month_label(round(planned)), months[start], fate, idle, share))
    return out


def fates_table(result: xr.Dataset, scenario: Scenario) -> pd.DataFrame:
    """:func:`fates` of the first run as a table, one row per project."""
    rows = [vars(f) for f in fates(result, scenario)]
    return pd.DataFrame(rows, columns=["project", "planned", "started", "fate", "idle_months", "last_share"])


def floor_cost_by_year(result: xr.Dataset, run: int = 0) -> pd.Series:
    """USD the price floors paid their producers in each calendar year of run ``run``."""
    return _by_year(result, "floor_cost", run)


def stockpile_cost_by_year(result: xr.Dataset, run: int = 0) -> pd.Series:
    """USD strategic stockpiles paid for their purchases in each calendar year of run ``run``
    (empty where the result does not carry it)."""
    return _by_year(result, "stockpile_cost", run)


def _by_year(result: xr.Dataset, name: str, run: int) -> pd.Series:
    """Variable ``name`` [run, month] of run ``run`` summed per calendar year (empty without it)."""
    if name not in result:
        return pd.Series(dtype=float)
    values = result[name].isel(run=run).values
    years = [str(m)[:4] for m in result["month"].values]
    return pd.Series(values, index=years).groupby(level=0).sum()
