"""Observed prices for the backtests, read from the ``price_moves`` table.

Each row is a range (low-high) for one element's oxide in one market, struck on one basis
(``fob_china``: the export price; ``europe``: delivered in Europe; ``domestic``: inside China) and
one statistic (a ``quote`` in a month, a dated ``peak``, a ``quarter_average`` or a
``year_average``). A row's value is the midpoint of its range, in the row's unit (USD/kg, CNY/t
or an index). Prices are only divided by prices of the same unit, so indices never mix currencies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from reesim.dataset.model import Dataset

#: Statistics that price a single month (a quote, or the dated peak of an episode).
MONTHLY = ("quote", "peak")


def price_rows(
    ds: Dataset,
    element: str,
    market: str,
    *,
    basis: Sequence[str] | None = None,
    statistics: Sequence[str] = MONTHLY,
    first: str | None = None,
    last: str | None = None,
) -> pd.DataFrame:
    """Rows of ``price_moves`` for ``element`` (``Nd;Pr`` for NdPr oxide) in ``market``.

    Returns columns period, mid (midpoint of low-high, in ``unit``), unit, basis, statistic and
    source_id, sorted by period; ``first``/``last`` bound the period (inclusive, compared as text,
    so ``2010-01`` to ``2014-12`` keeps months of those years and drops year averages).
    """
    table = ds["price_moves"]
    keep = (table["element"] == element) & (table["market"] == market) & (table["material"] == "oxide")
    keep &= table["statistic"].isin(list(statistics))
    if basis is not None:
        keep &= table["basis"].isin(list(basis))
    rows = table[keep].copy()
    rows["period"] = rows["period"].astype(str)
    if first is not None:
        rows = rows[rows["period"] >= first]
    if last is not None:
        rows = rows[rows["period"] <= last]
    rows["mid"] = (rows["low"].astype(float) + rows["high"].astype(float)) / 2.0
    cols = ["period", "mid", "unit", "basis", "statistic", "source_id"]
    return rows[cols].sort_values(["period", "statistic"]).reset_index(drop=True)


def sources_of(rows: pd.DataFrame) -> tuple[str, ...]:
    """The distinct source ids cited by ``rows``."""
    return tuple(sorted({s for ids in rows["source_id"].astype(str) for s in ids.split(";")}))


def index_over(rows: pd.DataFrame, reference: float, unit: str) -> pd.Series:
    """Monthly index: each row's midpoint over ``reference`` (in ``unit``); ``index`` rows as they
    are. Where a month has several rows (a quote and a peak), the higher index is kept."""
    values: dict[str, float] = {}
    for period, mid, row_unit in zip(rows["period"], rows["mid"].astype(float), rows["unit"], strict=True):
        if row_unit == "index":
            value = float(mid)
        elif row_unit == unit:
            value = float(mid) / reference
        else:
            continue
        values[str(period)] = max(value, values.get(str(period), value))
    return pd.Series(values, dtype=float).sort_index()


@dataclass(frozen=True)
class PriceHistory:
    """An element's observed price episode outside China: base year, peak and a later year.

    Prices are USD/kg FOB China (the export price). ``peak_dated`` is False where no source dates
    the peak: ``peak_month``/``peak`` are then the highest quote found, a lower bound on the peak.
    """

    element: str
    base: float  # year average of the base year, USD/kg
    peak_month: str
    peak: float  # USD/kg
    peak_dated: bool
    later: float  # year average of the later year, USD/kg
    monthly: pd.Series  # period -> index over the base (quotes and the peak)
    sources: tuple[str, ...]

    @property
    def peak_ratio(self) -> float:
        """Peak over the base-year average (a multiple; 1 = no rise)."""
        return self.peak / self.base

    @property
    def fall(self) -> float:
        """The later year's average over the peak (1 = no fall)."""
        return self.later / self.peak


def price_history(
    ds: Dataset, element: str, base_year: str = "2009", later_year: str = "2014"
) -> PriceHistory:
    """``element``'s oxide export price from ``base_year`` to ``later_year`` (FOB China, USD/kg)."""
    years = price_rows(ds, element, "outside", basis=["fob_china"], statistics=["year_average"])
    by_year = dict(zip(years["period"], years["mid"], strict=True))
    months = price_rows(
        ds, element, "outside", basis=["fob_china"], first=f"{base_year}-01", last=f"{later_year}-12"
    )
    months = months[months["unit"] == "usd_per_kg"]
    peaks = months[months["statistic"] == "peak"]
    top = peaks if len(peaks) else months
    best = int(top["mid"].to_numpy(dtype=float).argmax())
    base = float(by_year[base_year])
    return PriceHistory(
        element=element,
        base=base,
        peak_month=str(top["period"].iloc[best]),
        peak=float(top["mid"].iloc[best]),
        peak_dated=bool(len(peaks)),
        later=float(by_year[later_year]),
        monthly=index_over(months, base, "usd_per_kg"),
        sources=sources_of(pd.concat([years, months])),
    )
