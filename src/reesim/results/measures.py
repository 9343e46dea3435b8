"""Named scalar indicators per run, for sensitivity analysis and probabilities.

Each takes the compact series (:mod:`reesim.results.series`) and returns one value per run.
Shares are fractions of demand; tonnes are t REO-equivalent over the horizon; months count from
the start of the run (the horizon plus one when something never happens).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import xarray as xr

from reesim.errors import InputError, Problem

Measure = Callable[[xr.Dataset], np.ndarray]


def _share(s: xr.Dataset, place: str, item: str) -> xr.DataArray:
    demand = s["demand"].sel(place=place, item=item)
    return (s["unmet"].sel(place=place, item=item) / demand.where(demand > 0)).fillna(0.0)


def peak_shortfall(place: str, item: str = "magnets") -> Measure:
    """Largest monthly unmet share of ``item`` demand at ``place``."""
    return lambda s: _share(s, place, item).max("month").values


def unmet_tonnes(place: str, item: str = "magnets") -> Measure:
    """Unmet demand of ``item`` at ``place`` summed over the horizon."""
    return lambda s: s["unmet"].sel(place=place, item=item).sum("month").values


def lowest_cover(place: str) -> Measure:
    """Smallest magnet working stock at ``place``, in months of demand."""
    return lambda s: s["cover"].sel(place=place).min("month").values


def first_true(mask: np.ndarray) -> np.ndarray:
    """Index of the first True along the last axis (a month index when that axis is months); inf
    where none."""
    hit = mask.any(axis=-1)
    return np.where(hit, mask.argmax(axis=-1).astype(float), np.inf)


def independence_month(s: xr.Dataset, stage: str | None = None) -> np.ndarray:
    """Per run: first month from which production outside China covers use outside China at
    every stage (or at ``stage``) for the rest of the horizon (inf: not within the horizon)."""
    prod, use = s["production_outside"], s["use_outside"]
    if stage is not None:
        prod, use = prod.sel(stage=[stage]), use.sel(stage=[stage])
    # plain arrays: both come from one Dataset, so xarray's alignment (most of the time) is not needed
    made = prod.transpose("run", "month", "stage").values
    used = use.transpose("run", "month", "stage").values
    ok = (made >= used * (1 - 1e-9)).all(axis=2)  # [R, T]
    holds = np.flip(np.logical_and.accumulate(np.flip(ok, axis=1), axis=1), axis=1)
    return first_true(holds)


def independence(stage: str | None = None) -> Measure:
    """Months until production outside China covers use there for good (at ``stage``, or all)."""

    def measure(s: xr.Dataset) -> np.ndarray:
        months = independence_month(s, stage)
        out: np.ndarray = np.where(np.isinf(months), s.sizes["month"], months)
        return out

    return measure


def _alone(s: xr.Dataset, name: str, by: str, stage: str | None) -> np.ndarray:
    """[R, len(by)] the months of variable ``name`` [run, stage, by] at ``stage``, or the latest
    over every stage; inf where the run ends before."""
    found = s[name]
    found = found.max("stage") if stage is None else found.sel(stage=stage)
    months = found.transpose("run", by).values
    out: np.ndarray = np.where(months >= s.sizes["month"], np.inf, months)
    return out


def alone_by_element(s: xr.Dataset, stage: str | None = None) -> np.ndarray:
    """[R, E] months from the start after which production outside China covers use there at
    every stage (or at ``stage``), element by element, to the end of the run (inf: not within
    it)."""
    return _alone(s, "alone_from", "element", stage)


def alone_by_grade(s: xr.Dataset, stage: str | None = None) -> np.ndarray:
    """[R, G] the same per magnet grade: a grade's chain stands alone once every rare earth in
    its bill of materials does (see :func:`reesim.results.series.grade_alone_from`), so a
    heavy-free grade can stand alone years before a grade that needs Dy or Tb."""
    return _alone(s, "alone_from_grade", "grade", stage)


def floor_cost(s: xr.Dataset) -> np.ndarray:
    """What price floors paid their producers over the horizon, USD (0 in series without it)."""
    if "floor_cost" not in s:
        return np.zeros(s.sizes["run"])
    out: np.ndarray = s["floor_cost"].sum("month").values
    return out


def stockpile_cost(s: xr.Dataset) -> np.ndarray:
    """What strategic stockpiles paid for their purchases over the horizon, USD (nan in series
    stored without it)."""
    if "stockpile_cost" not in s:
        return np.full(s.sizes["run"], np.nan)
    out: np.ndarray = s["stockpile_cost"].sum("month").values
    return out


_US, _EU, _JP, _OUT = "USA", "EU", "Japan", "outside China"
MEASURES: dict[str, tuple[Measure, str]] = {
    "us_magnet_peak_shortfall": (peak_shortfall(_US), "peak share of US magnet demand unmet"),
    "eu_magnet_peak_shortfall": (peak_shortfall(_EU), "peak share of EU magnet demand unmet"),
    "japan_magnet_peak_shortfall": (peak_shortfall(_JP), "peak share of Japan's magnet demand unmet"),
    "outside_magnet_peak_shortfall": (
        peak_shortfall(_OUT),
        "peak share of magnet demand unmet outside China",
    ),
    "us_magnet_unmet_t": (unmet_tonnes(_US), "US magnet demand unmet over the horizon, t"),
    "outside_magnet_unmet_t": (unmet_tonnes(_OUT), "magnet demand unmet outside China, t"),
    "outside_dy_peak_shortfall": (peak_shortfall(_OUT, "Dy"), "peak share of Dy demand unmet outside China"),
    "outside_tb_peak_shortfall": (peak_shortfall(_OUT, "Tb"), "peak share of Tb demand unmet outside China"),
    "us_lowest_magnet_cover": (lowest_cover(_US), "lowest US magnet stock, months of demand"),
    "eu_lowest_magnet_cover": (lowest_cover(_EU), "lowest EU magnet stock, months of demand"),
    "independence_months": (independence(), "months until the chain outside China stands alone"),
    "separation_independence_months": (
        independence("separation"),
        "months until separation outside China covers use there",
    ),
    "floor_cost_usd": (floor_cost, "public cost of the price floors over the horizon, USD"),
    "stockpile_cost_usd": (
        stockpile_cost,
        "what strategic stockpiles paid for their purchases over the horizon, USD",
    ),
}


def measure(name: str) -> Measure:
    """The measure called ``name``; InputError with the list otherwise."""
    if name not in MEASURES:
        from reesim.dataset.parse import did_you_mean

        raise InputError([Problem("--indicator", None, "--indicator", f"unknown indicator {name!r}",
                                  did_you_mean(name, MEASURES))])  # fmt: skip
    return MEASURES[name][0]


def probabilities(s: xr.Dataset) -> dict[str, float]:
    """Chances over runs of outcomes analysts ask about (empty for a single run)."""
    if s.sizes["run"] < 2:
        return {}
    values = {f"measure:{name}": np.asarray(fn(s), dtype=float) for name, (fn, _) in MEASURES.items()}
    return probabilities_from(values, [str(m) for m in s["month"].values])


def probabilities_from(values: dict[str, np.ndarray], months: list[str]) -> dict[str, float]:
    """The chances of :func:`probabilities` from per-run measures (keys ``measure:NAME``). The
    independence outcome is judged by the end of 2030, or by the run's last month if it ends
    sooner (and the label says which)."""
    by_2030 = next((i for i, m in enumerate(months) if m > "2030-12"), len(months))
    by = "end 2030" if not months or months[-1] >= "2030-12" else f"the run's end ({months[-1]})"
    sep = values["measure:separation_independence_months"]
    return {
        "US peak magnet shortfall above 20%": float(
            (values["measure:us_magnet_peak_shortfall"] > 0.2).mean()
        ),
        "EU peak magnet shortfall above 20%": float(
            (values["measure:eu_magnet_peak_shortfall"] > 0.2).mean()
        ),
        "any magnet shortfall outside China": float(
            (values["measure:outside_magnet_peak_shortfall"] > 0.005).mean()
        ),
        f"separation outside China covers its use by {by}": float((sep < by_2030).mean()),
    }
