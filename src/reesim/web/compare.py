"""Stored runs side by side on the calendar, for the dashboard's Compare page.

Runs of different scenarios start in different months: a run from 2025-01 and one from 2026-01
must be drawn on one calendar axis, each value at its own month, not on the first run's months.
:func:`aligned` puts every run's P10, P50 and P90 of one indicator (at one place, item or stage)
on the union of the runs' months, with ``None`` where a run has no such month, and the
difference of each run from the first on the months both have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from reesim.results.plain import strict


@dataclass(frozen=True)
class Indicator:
    """A monthly series the Compare page can draw: its variable, what it is indexed by, its unit."""

    label: str
    unit: str
    by: str  # "place": place and item; "cover": place only; "item": item only; "stage": stage


INDICATORS: dict[str, Indicator] = {
    "shortfall": Indicator("Shortfall", "t REO-eq per month", "place"),
    "shortfall_share": Indicator("Shortfall share of demand", "%", "place"),
    "demand": Indicator("Demand", "t REO-eq per month", "place"),
    "cover": Indicator("Magnet stock cover", "months of demand", "cover"),
    "stockpile": Indicator("Strategic stockpile", "t REO-eq", "cover"),
    "released": Indicator("Released from stockpiles", "t REO-eq per month", "cover"),
    "price": Indicator("Price outside China", "USD/kg", "item"),
    "price_ratio": Indicator("Price outside China against the base year", "x base year", "item"),
    "production_outside": Indicator("Production outside China", "t REO-eq per month", "stage"),
    "use_outside": Indicator("Use outside China", "t REO-eq per month", "stage"),
}


class NoSeriesError(LookupError):
    """A place, item or stage the runs do not have (answered 404)."""


def values(series: xr.Dataset, indicator: str, place: str, item: str, stage: str) -> xr.DataArray:
    """[run, month] of ``indicator`` at ``place`` / ``item`` / ``stage`` (those it is indexed by)."""
    by = INDICATORS[indicator].by
    for axis, label in (("place", place), ("item", item), ("stage", stage)):
        needed = {"place": by in {"place", "cover"}, "item": by in {"place", "item"}, "stage": by == "stage"}
        if needed[axis] and label not in series[axis].values:
            known = ", ".join(map(str, series[axis].values))
            raise NoSeriesError(f"no {axis} {label!r} in the runs; {axis}s: {known}")
    if indicator == "shortfall_share":
        demand = series["demand"].sel(place=place, item=item)
        return 100 * (series["unmet"].sel(place=place, item=item) / demand.where(demand > 0)).fillna(0.0)
    name = {"shortfall": "unmet", "price": "price_outside"}.get(indicator, indicator)
    picks = {"place": {"place": place, "item": item}, "cover": {"place": place}, "item": {"item": item},
             "stage": {"stage": stage}}[by]  # fmt: skip
    return series[name].sel(picks)


def quantiles(data: xr.DataArray, stored_quantiles: bool) -> np.ndarray:
    """[3, month]: P10, P50, P90 over runs (the stored ones when a run kept only those)."""
    array = np.asarray(data.transpose("run", "month").values, dtype=float)
    if stored_quantiles:
        return array[:3]
    array = np.where(np.isfinite(array), array, np.nan)
    if np.isnan(array).all(axis=0).any():
        out = np.full((3, array.shape[1]), np.nan)
        keep = ~np.isnan(array).all(axis=0)
        out[:, keep] = np.nanquantile(array[:, keep], [0.1, 0.5, 0.9], axis=0)
        return out
    found: np.ndarray = np.nanquantile(array, [0.1, 0.5, 0.9], axis=0)
    return found


def first_month(months: list[str], p50: np.ndarray) -> str | None:
    """The first month where the median is above zero (a shortfall's start), None if never."""
    above = np.flatnonzero(np.nan_to_num(p50) > 1e-9)
    return months[int(above[0])] if above.size else None


def aligned(done: list[Any], indicator: str, place: str, item: str, stage: str) -> dict[str, Any]:
    """Each run's P10/P50/P90 of one indicator on the calendar months of all the runs, and the
    difference of each later run's median from the first run's where both have the month."""
    spec = INDICATORS[indicator]
    per_run = []
    for d in done:
        s = d.batch.series
        months = [str(m) for m in s["month"].values]
        stored = d.record.runs > s.sizes["run"] == 3
        per_run.append((d, months, quantiles(values(s, indicator, place, item, stage), stored)))
    calendar = sorted({m for _, months, _ in per_run for m in months})
    at = {m: i for i, m in enumerate(calendar)}
    runs = []
    for d, months, q in per_run:
        full = np.full((3, len(calendar)), np.nan)
        full[:, [at[m] for m in months]] = q
        runs.append({
            "id": d.record.id, "scenario": d.record.scenario, "title": d.record.title, "runs": d.record.runs,
            "start": months[0], "end": months[-1], "first_above_zero": first_month(months, q[1]),
            "p10": full[0].tolist(), "p50": full[1].tolist(), "p90": full[2].tolist(),
        })  # fmt: skip
    first = np.asarray(runs[0]["p50"], dtype=float)
    diffs = []
    for r in runs[1:]:
        diff = np.asarray(r["p50"], dtype=float) - first
        k = int(np.nanargmax(np.abs(diff))) if np.isfinite(diff).any() else -1
        largest = {"month": calendar[k], "value": float(diff[k])} if k >= 0 else None
        diffs.append({"id": r["id"], "values": diff.tolist(), "largest": largest})
    out: dict[str, Any] = strict(
        {"indicator": indicator, "label": spec.label, "unit": spec.unit, "by": spec.by, "place": place,
         "item": item, "stage": stage, "months": calendar, "runs": runs, "differences": diffs}
    )  # fmt: skip
    return out


def partial_bands(parts: list[xr.Dataset], place: str, item: str) -> dict[str, Any]:
    """P10/P50/P90 of demand and shortfall at ``place`` / ``item`` over the runs of the chunks
    finished so far (``runs`` 0 and no months before the first)."""
    if not parts:
        return {"runs": 0, "months": [], "demand": None, "unmet": None}
    series = xr.concat(parts, dim="run") if len(parts) > 1 else parts[0]
    demand = values(series, "demand", place, item, "magnets")
    unmet = values(series, "shortfall", place, item, "magnets")
    bands = {name: dict(zip(("p10", "p50", "p90"), quantiles(v, False).tolist(), strict=True))
             for name, v in (("demand", demand), ("unmet", unmet))}  # fmt: skip
    out: dict[str, Any] = strict(
        {"runs": series.sizes["run"], "months": [str(m) for m in series["month"].values], **bands}
    )
    return out
