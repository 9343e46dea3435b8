"""Reference prices of each material and element (USD/kg): the base prices p0 the markets start
from and return to.

The dataset's ``prices`` table gives oxide prices by year (USD/kg, free on board). A year's
reference prices are its oxide price of each element times each material's markup over the
oxide (``price_markup_concentrate``, ``_oxide``, ``_metal``, ``_magnet``); an element the table
does not price in any year (Tm and Sc in the base year) takes ``price_fallback_usd_per_kg``.
The baseline is priced at the base year's. A scenario's ``price_year`` prices its run at another
year's instead, with the base year's flows: a replay of an earlier episode on the base-year chain
then weighs its elements, licence rents and backstops as they were weighed at the time (a common
rent per kg lifts a cheap oxide more, relative to its price, than a dear one).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from reesim.dataset.model import Dataset
from reesim.model.dims import MATERIALS, Dims

__all__ = ["missing_elements", "oxide_prices", "price_years", "reference_prices", "unpriced_year"]

Array = NDArray[np.float64]


def oxide_prices(ds: Dataset, year: int) -> dict[str, float]:
    """Oxide price of each element the ``prices`` table prices in ``year``, USD/kg."""
    pr = ds["prices"]
    rows = pr[(pr["year"] == year) & pr["material"].str.endswith("_oxide")]
    pairs = zip(rows["material"], rows["price"], strict=True)
    return {str(m).removesuffix("_oxide"): float(p) for m, p in pairs}


def price_years(ds: Dataset) -> list[int]:
    """The years for which the ``prices`` table gives oxide prices, in order."""
    pr = ds["prices"]
    return sorted({int(y) for y in pr.loc[pr["material"].str.endswith("_oxide"), "year"]})


def unpriced_year(ds: Dataset, year: int) -> tuple[str, str] | None:
    """The problem (message, hint) with ``year`` as a run's price year when the ``prices`` table
    gives no oxide prices for it, else ``None``."""
    years = price_years(ds)
    if year in years:
        return None
    listed = ", ".join(str(y) for y in years)
    message = f"the prices table (prices.csv) has no oxide prices for {year}"
    return message, f"give one of the years it prices: {listed}; or add rows for {year} to prices.csv"


def missing_elements(ds: Dataset, year: int, base_year: int) -> list[str]:
    """Elements (of the ``elements`` table) the prices table prices in ``base_year`` but not in
    ``year``: a year priced for reference must price every element the base year does."""
    have = oxide_prices(ds, year)
    symbols = set(ds["elements"]["symbol"].astype(str))
    return [el for el in oxide_prices(ds, base_year) if el in symbols and el not in have]


def reference_prices(ds: Dataset, dims: Dims, year: int) -> Array:
    """[K, E] reference prices of ``year``, USD/kg: each element's oxide price (the fallback
    where the year has none) times each material's markup over the oxide."""
    oxide = oxide_prices(ds, year)
    fallback = ds.parameter("price_fallback_usd_per_kg")
    base = np.array([oxide.get(s, fallback) for s in dims.elements])
    markup = np.array([ds.parameter(f"price_markup_{m}") for m in MATERIALS])
    prices: Array = markup[:, None] * base[None, :]
    return prices
