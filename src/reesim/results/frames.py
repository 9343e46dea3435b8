"""Results as pandas DataFrames: the headline, a comparison and a Monte Carlo summary.

Each takes the xarray result of :func:`reesim.run` and gives the numbers ``reesim run --json``
prints for the same scenario, runs and seed (tested), computed the way the command line computes
them: the result is reduced to compact series per place and item
(:func:`reesim.results.series.series`), then to per-run figures
(:func:`reesim.results.headline.run_figures`), then to P10 / P50 / P90 over the runs.

- :func:`headline`: one row per place and item (magnets, and each element short somewhere);
  columns ``(figure, statistic)`` with statistic ``p10``, ``p50``, ``p90``. Month figures are
  dates (first day of the month; ``NaT``: not within the horizon, or no shortfall).
- :func:`compare`: the medians of two results side by side with their difference, laid out as
  pandas' ``DataFrame.compare`` lays out its answer: columns ``(figure, side)``.
- :func:`summary`: one row per named indicator (:data:`reesim.results.measures.MEASURES`) with
  its mean, P10, P50 and P90, then the chance of each outcome the headline reports.

Units of every figure are in :data:`UNITS` and in each frame's ``attrs["units"]``.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import xarray as xr

from reesim.dataset.model import Dataset, load_dataset
from reesim.errors import InputError, Problem
from reesim.model.baseline import Baseline, build_baseline
from reesim.results.conventions import month_labels, to_months, with_labels
from reesim.results.headline import FIGURES, Headline, Row, Spread, run_figures, summarise
from reesim.results.measures import MEASURES, probabilities_from
from reesim.results.series import series

#: Figures that are months (dates in a frame).
MONTHS = frozenset({"first_shortfall", "peak_month", "stockpile_depleted"})

#: Unit of each headline figure ("1": a share or multiple; "month": a date). Products not built
#: (``not_built_<product>``) are counted in units of the product over the horizon.
UNITS: dict[str, str] = {
    "first_shortfall": "month", "peak_shortfall": "1", "peak_month": "month",
    "cumulative_unmet_t": "t", "lowest_cover_months": "months", "stockpile_depleted": "month",
    "price_multiple": "1", "plants_stopped": "sector-months",
}  # fmt: skip

#: Unit of each named indicator of :func:`summary` (its suffix says it too).
MEASURE_UNITS = {"_peak_shortfall": "1", "_unmet_t": "t", "_cover": "months", "_months": "months",
                 "_usd": "USD"}  # fmt: skip

STATISTICS = ("p10", "p50", "p90")


@functools.cache
def _bundled() -> tuple[Dataset, Baseline]:
    """The bundled dataset and its base year, read once per session."""
    ds = load_dataset()
    return ds, build_baseline(ds)


def _data(result: xr.Dataset, dataset: Dataset | None) -> tuple[Dataset, Baseline]:
    """The dataset the result was simulated on (the bundled one unless given) and its base year."""
    ds, base = _bundled() if dataset is None else (dataset, build_baseline(dataset))
    version = result.attrs.get("dataset_version", ds.version)
    if version != ds.version:
        message = f"the result was simulated on dataset {version}, not on {ds.version}"
        hint = "pass the dataset it was run on: dataset=reesim.load_dataset(folder)"
        raise InputError([Problem("dataset", None, "dataset", message, hint)])
    return ds, base


def figures(result: xr.Dataset, dataset: Dataset | None = None) -> tuple[dict[str, np.ndarray], list[str]]:
    """Per-run figures of ``result`` and its ``YYYY-MM`` month labels."""
    if result.attrs.get("quantiles"):
        message = "the stored series are P10, P50 and P90 over the runs, not every run"
        hint = "its headline is in `reesim runs show ID --json`; keep every run with `reesim run --full`"
        raise InputError([Problem("result", None, "result", message, hint)])
    if "place" in result.dims:  # compact series already (reesim.load_run)
        s = with_labels(result)
    else:
        ds, base = _data(result, dataset)
        s = series(with_labels(result), ds, base)
    return run_figures(s), month_labels(s["month"].values)


def _head(found: dict[str, np.ndarray], months: list[str], items: list[str] | None = None) -> Headline:
    """The headline of per-run figures, for their places and items in their order (``items``:
    element rows to show even where no run is short)."""
    places = list(dict.fromkeys(k.split("|")[0] for k in found if k.count("|") == 2))
    all_items = list(dict.fromkeys(k.split("|")[1] for k in found if k.count("|") == 2))
    return summarise(found, months, places, all_items, items)


def _dates(values: np.ndarray, months: list[str]) -> np.ndarray:
    """Month indices as dates (NaT where not finite)."""
    dates = to_months(months)
    out = np.full(values.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    ok = np.isfinite(values)
    out[ok] = dates[np.clip(np.round(values[ok]).astype(int), 0, len(dates) - 1)]
    return out


def _table(head: Headline, statistics: tuple[str, ...] = STATISTICS) -> pd.DataFrame:
    """The headline's rows as a frame with columns (figure, statistic)."""
    index = pd.MultiIndex.from_tuples([(r.place, r.item) for r in head.rows], names=["place", "item"])
    products = list(dict.fromkeys(p for r in head.rows for p in r.not_built))
    columns: dict[tuple[str, str], np.ndarray] = {}
    for name in [*FIGURES, *(f"not_built_{p}" for p in products)]:
        for stat in statistics:
            values = np.array([getattr(_spread(r, name), stat) for r in head.rows], dtype=float)
            columns[(name, stat)] = _dates(values, head.months) if name in MONTHS else values
    frame = pd.DataFrame(columns, index=index)
    frame.columns.names = ["figure", "statistic"]
    frame.attrs["units"] = {**UNITS, **{f"not_built_{p}": "1" for p in products}}
    return frame


def _spread(row: Row, name: str) -> Spread:
    """A row's figure ``name`` (``not_built_<product>``: that product; missing: not a number)."""
    if name.startswith("not_built_"):
        found = row.not_built.get(name.removeprefix("not_built_"))
        return found if found is not None else Spread(math.nan, math.nan, math.nan)
    spread: Spread = getattr(row, name)
    return spread


def headline(result: xr.Dataset, dataset: Dataset | None = None) -> pd.DataFrame:
    """The headline table of ``result`` as ``reesim run`` computes it: per place and item, the first
    month short (above 0.5% of demand), the peak share of demand unmet and its month, the tonnes
    unmet over the horizon, the lowest magnet stock in months of demand, the month the strategic
    stockpile runs out, the peak price as a multiple of the base year's, and end products not
    built; each as P10, P50 and P90 over the runs (all three equal for one run).

    ``dataset`` is the dataset the result was simulated on, if not the bundled one.
    """
    found, months = figures(result, dataset)
    frame = _table(_head(found, months))
    frame.attrs.update(scenario=result.attrs.get("scenario", ""), runs=int(found["independence"].size))
    return frame


def compare(
    a: xr.Dataset, b: xr.Dataset, names: tuple[str, str] | None = None, dataset: Dataset | None = None
) -> pd.DataFrame:
    """The headline medians of ``a`` and ``b`` side by side and their difference (``b`` - ``a``).

    Rows: places and items (magnets, and every element short in either); columns
    ``(figure, side)`` with side the two names (by default the scenarios' names) and
    ``difference``. Differences of month figures are in months (NaN where either is ``NaT``).
    """
    first, second = (figures(r, dataset) for r in (a, b))
    heads = [_head(f, m) for f, m in (first, second)]
    items = sorted({r.item for h in heads for r in h.rows})
    tables = [_table(_head(f, m, items), ("p50",)).droplevel("statistic", axis=1) for f, m in (first, second)]
    left, right = names or (str(a.attrs.get("scenario", "a")), str(b.attrs.get("scenario", "b")))
    if left == right:
        left, right = f"{left} (a)", f"{right} (b)"
    tables[1] = tables[1].reindex(tables[0].index)
    columns: dict[tuple[str, str], object] = {}
    for name in tables[0].columns.union(tables[1].columns, sort=False):
        x = tables[0].get(name, pd.Series(np.nan, index=tables[0].index))
        y = tables[1].get(name, pd.Series(np.nan, index=tables[0].index))
        columns[(name, left)], columns[(name, right)] = x, y
        columns[(name, "difference")] = _months_between(x, y) if name in MONTHS else y - x
    frame = pd.DataFrame(columns, index=tables[0].index)
    frame.columns.names = ["figure", "side"]
    frame.attrs["units"] = {**tables[0].attrs["units"], **tables[1].attrs["units"]}
    return frame


def _months_between(x: pd.Series, y: pd.Series) -> pd.Series:
    """Whole months from ``x`` to ``y`` (NaN where either is NaT)."""

    def count(s: pd.Series) -> np.ndarray:
        months = s.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]")
        return np.where(np.isnat(months), np.nan, months.astype(np.int64).astype(float))

    return pd.Series(count(y) - count(x), index=x.index)


def measure_unit(name: str) -> str:
    """The unit of a named indicator, from its name's suffix."""
    return next((u for suffix, u in MEASURE_UNITS.items() if name.endswith(suffix)), "1")


def summary(result: xr.Dataset, dataset: Dataset | None = None) -> pd.DataFrame:
    """The Monte Carlo summary of ``result``: one row per named indicator (``reesim sensitivity
    --indicator`` takes the same names) with its description, unit, mean, P10, P50 and P90 over
    the runs; then one row per outcome whose chance the command line prints (``mean``: the share
    of runs in which it happens; no quantiles). Months count from the start of the horizon (the
    horizon's length when something never happens). With one run the quantiles are its values.
    """
    found, months = figures(result, dataset)
    rows = []
    for name, (_, description) in MEASURES.items():
        values = found[f"measure:{name}"]
        spread = Spread.of(values)
        mean = float(np.nanmean(values)) if np.isfinite(values).any() else math.nan
        rows.append((name, description, measure_unit(name), mean, spread.p10, spread.p50, spread.p90))
    if found["independence"].size > 1:
        for text, chance in probabilities_from(found, months).items():
            rows.append((text, f"share of runs in which {text}", "1", chance, math.nan, math.nan, math.nan))
    columns = ["indicator", "description", "unit", "mean", *STATISTICS]
    frame = pd.DataFrame(rows, columns=columns).set_index("indicator")
    frame.attrs.update(scenario=result.attrs.get("scenario", ""), runs=int(found["independence"].size),
                       seed=result.attrs.get("seed", -1))  # fmt: skip
    return frame
