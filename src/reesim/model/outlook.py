"""Baseline demand growth: world demand for the magnet rare earths along a published outlook.

The base year balances the chain at its 2024 flows; left alone, every later month would ask for
2024's magnets. A scenario's ``demand_outlook`` (default :data:`DEFAULT_OUTLOOK`) instead makes
final demand grow as the outlook's world demand for Nd, Pr, Dy and Tb does (the
``demand_outlooks`` table): magnets at every node at the outlook's pace, the other final uses at
``other_demand_follows_magnets`` of it. ``none`` keeps the base year's demand throughout.

A run starts from the balanced base year, so growth is indexed to the later of the middle of
the base year (its average month) and the run's first month, and is 1 before it: a backtest of
2010-2014 runs on the flows it always did, and a run from 2025-01 grows at the outlook's pace from
its first month. An outlook's path is log-linear between its figures; before its first
figure and after its last it goes on at its nearest segment's pace. Only the path's shape is
used: demand is the base year's times the outlook's level over its level in the middle of the
base year, so an outlook given as an index and one given in tonnes serve alike.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from reesim.dataset.model import Dataset
from reesim.model.baseline import BASE_YEAR
from reesim.model.scenario import DEFAULT_OUTLOOK, NO_OUTLOOK

Array = NDArray[np.float64]

__all__ = ["BASE_MIDYEAR", "DEFAULT_OUTLOOK", "NO_OUTLOOK", "demand_growth", "outlook_ids", "outlook_level"]
#: The base year's flows are its average month, taken as its middle (decimal year).
BASE_MIDYEAR = BASE_YEAR + 0.5


def outlook_ids(ds: Dataset) -> list[str]:
    """The outlooks a scenario may name: the table's, and ``none``."""
    return [*dict.fromkeys(str(o) for o in ds["demand_outlooks"]["outlook"]), NO_OUTLOOK]


def outlook_level(ds: Dataset, outlook: str, years: Array) -> Array:
    """World magnet rare-earth demand along ``outlook`` at decimal ``years``, in the unit of the
    outlook's rows (t a year, or an index); log-linear between its figures and at the nearest
    segment's pace beyond them. Raises ``KeyError`` for an outlook the table lacks."""
    table = ds["demand_outlooks"]
    rows = table[table["outlook"] == outlook].sort_values("year")
    if rows.empty:
        raise KeyError(outlook)
    x = rows["year"].to_numpy(dtype=float)
    logs = np.log(rows["quantity"].to_numpy(dtype=float))
    if x.size < 2:
        raise ValueError(f"demand outlook {outlook!r} needs two figures for a path, has {x.size}")
    first = (logs[1] - logs[0]) / (x[1] - x[0])
    last = (logs[-1] - logs[-2]) / (x[-1] - x[-2])
    y = np.asarray(years, dtype=float)
    out = np.interp(y, x, logs)
    out = np.where(y < x[0], logs[0] + first * (y - x[0]), out)
    out = np.where(y > x[-1], logs[-1] + last * (y - x[-1]), out)
    return np.asarray(np.exp(out))


def month_years(start: str, months: int) -> Array:
    """The middle of each simulated month as a decimal year: [T]."""
    y, m = (int(p) for p in start.split("-")[:2])
    first = y + (m - 0.5) / 12
    return np.asarray(first + np.arange(months) / 12.0)


def demand_growth(ds: Dataset, outlook: str, start: str, months: int) -> Array:
    """World magnet demand over the base year's in each simulated month: [T]; 1 up to the later of
    the middle of the base year and the first month, and throughout for ``none``."""
    if outlook == NO_OUTLOOK:
        return np.ones(months)
    years = month_years(start, months)
    anchor = max(BASE_MIDYEAR, float(years[0]))  # the run starts from the balanced base year
    level = outlook_level(ds, outlook, np.append(years, anchor))
    index = level[:-1] / level[-1]
    return np.asarray(np.where(years > anchor, index, 1.0))
