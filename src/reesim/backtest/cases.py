"""The backtest cases: a scenario, its no-policy counterfactual, and observed series to match.

Every series is compared as an index: observed values over their pre-policy level, simulated
values over the same quantity in a run without the policy (same months, same engine), so both
measure the policy's effect. Observed series come from the bundled data (``us_history`` from
USGS Data Series 140; ``china_exports`` from China customs as reported in the press; ``price_moves``
from USGS, company and trade-press price quotes). The pass/miss price criteria of the cases are
declared in :mod:`reesim.backtest.prices`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from reesim.backtest.observed import index_over, price_rows, sources_of
from reesim.dataset.model import Dataset
from reesim.model.baseline import Baseline

Simulated = Callable[[xr.Dataset, Baseline], pd.Series]  # result -> value per period label


@dataclass(frozen=True)
class Observed:
    """An observed index: values by period, the level they are divided by, and where it is from."""

    values: pd.Series  # period -> index (1 = pre-policy level)
    reference: str  # how the index was formed
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class SeriesSpec:
    """One series of a case: how to read it from the data and from a simulation."""

    key: str
    label: str
    observed: Callable[[Dataset], Observed]
    simulated: Simulated
    move: str  # "trough" or "peak": the observed move the model must reproduce
    calibrated: tuple[str, ...] = ()  # periods whose observations set scenario numbers (in-sample)


@dataclass(frozen=True)
class Case:
    """A backtest case: the shipped scenario, its counterfactual start and horizon, and series."""

    name: str
    title: str
    scenario: str
    annual: bool
    series: tuple[SeriesSpec, ...]
    calibration: str  # what was calibrated on this case, in words
    stoppages: bool = False  # compare observed plant stoppages (events) with the model's shortfalls


def _by_year(values: xr.DataArray, months: np.ndarray) -> pd.Series:
    years = [str(m)[:4] for m in months]
    return pd.Series(values.values, index=years).groupby(level=0).sum()


def _us_imports(result: xr.Dataset, base: Baseline) -> pd.Series:
    flows = result["imports"].isel(run=0).sel(node="USA", material=["concentrate", "oxide", "metal"])
    return _by_year(flows.sum(("material", "element")), result["month"].values)


def _oxide_price_outside(result: xr.Dataset, base: Baseline) -> pd.Series:
    weights = xr.DataArray(base.production[1].sum(axis=0), dims="element")
    price = result["price"].isel(run=0).sel(material="oxide", market="outside")
    avg = (price * weights).sum("element") / float(weights.sum())
    return _by_year(avg, result["month"].values) / 12.0  # annual mean


def _china_magnet_exports(result: xr.Dataset, base: Baseline) -> pd.Series:
    flows = result["exports"].isel(run=0).sel(node="CHN", material="magnet").sum("element")
    return pd.Series(flows.values, index=[str(m) for m in result["month"].values])


def _china_magnet_exports_to_us(result: xr.Dataset, base: Baseline) -> pd.Series:
    flows = result["from_china"].isel(run=0).sel(node="USA", material="magnet").sum("element")
    return pd.Series(flows.values, index=[str(m) for m in result["month"].values])


def _us_history(measure: str, years: tuple[int, ...], reference: int) -> Callable[[Dataset], Observed]:
    def read(ds: Dataset) -> Observed:
        table = ds["us_history"]
        rows = table[table["measure"] == measure].set_index("year")["value"].astype(float)
        values = pd.Series({str(y): rows[y] / rows[reference] for y in years})
        return Observed(
            values, f"{measure} over its {reference} level ({rows[reference]:,.0f})", ("usgs_ds140",)
        )

    return read


def _china_exports(destination: str, first: str, last: str) -> Callable[[Dataset], Observed]:
    """Monthly magnet exports over the same month of 2024 where reported, else the 2024 monthly mean."""

    def read(ds: Dataset) -> Observed:
        table = ds["china_exports"]
        rows = table[
            (table["product"] == "magnet") & (table["destination"] == destination) & (table["unit"] == "t")
        ]
        by_period = dict(zip(rows["period"].astype(str), rows["quantity"].astype(float), strict=True))
        mean_2024 = by_period["2024"] / 12.0
        values = {}
        for period in sorted(p for p in by_period if len(p) == 7 and first <= p <= last):
            same = by_period.get(f"2024-{period[5:]}") if period.startswith("2025") else None
            values[period] = by_period[period] / (same or mean_2024)
        sources = tuple(sorted({s for ids in rows["source_id"] for s in str(ids).split(";")}))
        how = (
            "monthly exports over the same month of 2024 where reported, else the 2024 monthly mean "
            f"({mean_2024:,.0f} t)"
        )
        return Observed(pd.Series(values), how, sources)

    return read


def _price(element: str, market: str) -> Simulated:
    """Monthly oxide price of ``element`` in ``market`` (china or outside)."""

    def read(result: xr.Dataset, base: Baseline) -> pd.Series:
        price = result["price"].isel(run=0).sel(material="oxide", market=market, element=element)
        return pd.Series(price.values, index=[str(m) for m in result["month"].values])

    return read


def _price_moves(
    element: str, market: str, reference: str, basis: str, first: str, last: str
) -> Callable[[Dataset], Observed]:
    """Observed price index: each monthly quote's midpoint over the ``reference`` row's, in the same
    unit (``reference`` is a month, or a year for a year average); index rows as reported."""

    def read(ds: Dataset) -> Observed:
        stats = ("year_average",) if len(reference) == 4 else ("quote",)
        ref = price_rows(
            ds, element, market, basis=[basis], statistics=stats, first=reference, last=reference
        )
        ref = ref[ref["unit"] != "index"]
        level, unit = float(ref["mid"].iloc[0]), str(ref["unit"].iloc[0])
        rows = price_rows(ds, element, market, basis=[basis], first=first, last=last)
        rows = rows[rows["period"] != reference]
        label = {"usd_per_kg": "USD/kg", "cny_per_t": "CNY/t"}.get(unit, unit)
        how = f"midpoint of each quote over {reference}'s ({level:,.4g} {label}, {basis.replace('_', ' ')})"
        return Observed(index_over(rows, level, unit), how, sources_of(pd.concat([ref, rows])))

    return read


CASES: dict[str, Case] = {
    "quota-2010": Case(
        name="quota-2010",
        title="China's export quota cuts, 2010-2011",
        scenario="quota-2010",
        annual=True,
        series=(
            SeriesSpec("us_imports", "US rare-earth imports (index)",
                       _us_history("imports", (2010, 2011, 2012), 2009), _us_imports, "trough"),
            SeriesSpec("us_unit_value", "US rare-earth unit value, a price (index)",
                       _us_history("unit_value", (2010, 2011, 2012), 2009), _oxide_price_outside, "peak"),
        ),
        calibration="Nothing was calibrated on this case: the quotas are as allocated, each scaled to the "
        "2024 base year by its share of China's 2009 exports, final demand outside China falls from 2012 by "
        "Japan's reported fall, and the market parameters are fitted to the price criteria, not to these "
        "series. Only the shape of the response (direction, timing, relative "
        "size) is compared, not volumes.",
    ),
    "prices-2009-2014": Case(
        name="prices-2009-2014",
        title="Oxide prices outside China through China's export quotas, 2010-2014",
        scenario="quota-2010",
        annual=False,
        series=tuple(
            SeriesSpec(f"{el.lower()}_oxide_outside", f"{el} oxide export price (index over 2009)",
                       _price_moves(el, "outside", "2009", "fob_china", "2010-01", "2014-12"),
                       _price(el, "outside"), "peak")
            for el in ("Nd", "Dy", "Ce")
        ),
        calibration="The market parameters are fitted to the price criteria of these series (with those of "
        "April 2025); the quotas are as allocated, each scaled to the 2024 base year by its share of China's "
        "2009 exports, and final demand outside China falls from 2012 by Japan's reported fall. Observed: "
        "FOB China export quotes over their 2009 average; simulated: the monthly "
        "price over the price without the quotas.",
    ),
    "april-2025": Case(
        name="april-2025",
        title="China's licences on seven heavy rare earths, April 2025",
        scenario="april-2025",
        annual=False,
        series=(
            SeriesSpec("china_magnet_exports", "China's magnet exports, all destinations (index)",
                       _china_exports("WLD", "2025-03", "2025-12"), _china_magnet_exports, "trough",
                       calibrated=("2025-05", "2025-06", "2025-07")),
            SeriesSpec("us_magnet_imports", "China's magnet exports to the US (index)",
                       _china_exports("USA", "2025-03", "2025-12"), _china_magnet_exports_to_us, "trough",
                       calibrated=("2025-05", "2025-06")),
            SeriesSpec("dy_oxide_outside", "Dy oxide price outside China (index)",
                       _price_moves("Dy", "outside", "2025-04", "europe", "2025-03", "2025-12"),
                       _price("Dy", "outside"), "peak"),
            SeriesSpec("tb_oxide_outside", "Tb oxide price outside China (index)",
                       _price_moves("Tb", "outside", "2025-04", "europe", "2025-03", "2025-12"),
                       _price("Tb", "outside"), "peak"),
            SeriesSpec("dy_oxide_china", "Dy oxide price in China (index)",
                       _price_moves("Dy", "china", "2025-04", "domestic", "2025-03", "2025-12"),
                       _price("Dy", "china"), "peak"),
        ),
        stoppages=True,
        calibration="The approval shares of May, June and July 2025 (all destinations) and of May and June "
        "(the US) were derived from these same customs series, so those months are in-sample. April and "
        "August to December 2025 are out of sample: the review delay, the restocking after the trough and "
        "its size are the model's own.",
    ),
    "busan-truce": Case(
        name="busan-truce",
        title="After the Busan suspension, October 2025 - March 2026",
        scenario="busan-truce",
        annual=False,
        series=(
            SeriesSpec("china_magnet_exports", "China's magnet exports, all destinations (index)",
                       _china_exports("WLD", "2025-10", "2026-03"), _china_magnet_exports, "peak"),
        ),
        calibration="Nothing in this period was calibrated: the scenario's general licences from December "
        "2025 are an assumption, and the months after the suspension are out of sample.",
    ),
}  # fmt: skip
