"""Demand-side instruments as monthly multipliers on final demand: demand changes, sector
substitution and tariffs.

Each function returns a factor per run and month ([R or 1, T]) that
:func:`reesim.model.compile.compile_scenario` multiplies into ``demand_index[:, :, material, nodes]``;
an instrument's numbers may be floats or arrays of one value per run. Sectors are weighted by their share of
magnet demand in the dataset's ``end_products`` table.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from reesim.dataset.model import Dataset
from reesim.errors import InputError, Problem
from reesim.model.baseline import Baseline
from reesim.model.perrun import Value, as_runs

Array = NDArray[np.float64]

#: Sector id meaning "all of the material's final demand".
ALL_SECTORS = "all"


def sector_share(ds: Dataset, sector: str, field: str = "sector") -> float:
    """Share of magnet demand taken by ``sector`` (``end_products`` table); 1 for ``all``."""
    if sector == ALL_SECTORS:
        return 1.0
    table = ds["end_products"]
    rows = table.loc[table["sector"] == sector, "share_of_magnet_demand"]
    if rows.empty:
        from reesim.dataset.parse import did_you_mean

        known = sorted({*table["sector"].astype(str), ALL_SECTORS})
        raise InputError(
            [Problem("scenario", None, field, f"unknown sector {sector!r}", did_you_mean(sector, known))]
        )
    return float(rows.iloc[0])


def _col(value: Value) -> Array:
    """A number or per-run values as a column [R or 1, 1]."""
    return as_runs(value)[:, None]


def demand_change_factor(
    t: NDArray[np.int64],
    start: int,
    growth_pct_per_yr: Value,
    shock: Value,
    share: Value,
    end: int | None = None,
) -> Array:
    """``1 + share x ((1 + shock) (1 + g)^(months/12) - 1)`` from ``start`` to ``end`` (exclusive;
    ``None``: no end), 1 outside: [R or 1, T]."""
    after = np.maximum(t - start, 0)[None, :]
    whole = (1 + _col(shock)) * (1 + _col(growth_pct_per_yr) / 100) ** (after / 12)
    on = (t >= start) & (t < (end if end is not None else np.inf))
    out: Array = np.where(on[None, :], 1.0 + _col(share) * (whole - 1.0), 1.0)
    return out


def substitution_factor(t: NDArray[np.int64], start: int, lag_months: Value, replaced: Value) -> Array:
    """``1 - replaced x ramp``, the ramp rising linearly from 0 at ``start`` to 1 after
    ``lag_months``: [R or 1, T]."""
    ramp = np.clip((t[None, :] - start + 1) / np.maximum(_col(lag_months), 1.0), 0.0, 1.0)
    out: Array = np.where(t[None, :] >= start, 1.0 - _col(replaced) * ramp, 1.0)
    return out


def tariff_factor(
    base: Baseline, material: int, importer: int, exporter: int, rate: Value, elasticity: Value
) -> Value:
    """Demand multiplier at ``importer`` for a tariff ``rate`` on ``material`` from ``exporter``.

    The final users' price rises by ``rate`` x the base-year share of the importer's supply of
    the material that comes from the exporter; demand follows with ``elasticity`` (negative).
    """
    supply = float(base.production[material, importer].sum() + base.trade[material, importer].sum())
    if supply <= 0:
        return 1.0
    share = float(base.trade[material, importer, exporter].sum()) / supply
    factor = (1.0 + np.asarray(rate) * share) ** np.asarray(elasticity)
    return factor if np.ndim(factor) else float(factor)
