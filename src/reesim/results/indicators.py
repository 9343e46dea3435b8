"""Headline indicators: when shortages bite, how deep, for which element, and what is not built.

All functions take the xarray result of :func:`reesim.run` and a list of nodes (a bloc resolved to
nodes with :func:`bloc_nodes`); shortfall shares are unmet final demand over final demand. Months
are given and returned as ``YYYY-MM`` labels, whether the result's months are dates or labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from reesim.dataset.model import Dataset
from reesim.model.baseline import Baseline
from reesim.model.compile import resolve_places
from reesim.results.conventions import month_labels

#: Shortfall share below which a month does not count as short (rounding noise).
SHORTFALL_THRESHOLD = 0.005


def bloc_nodes(ds: Dataset, base: Baseline, place: str) -> list[str]:
    """Node labels for a country, node or bloc id (e.g. ``eu`` -> DEU, FRA, EST, XEU)."""
    return [base.dims.nodes[i] for i in resolve_places(ds, base.dims, (place,), "place")]


def shortfall_share(result: xr.Dataset, nodes: list[str], material: str = "magnet") -> xr.DataArray:
    """Unmet share of final demand per run, month and element, summed over ``nodes``."""
    sel = {"material": material, "node": nodes}
    unmet = result["unmet"].sel(sel).sum("node")
    demand = result["demand"].sel(sel).sum("node")
    return (unmet / demand.where(demand > 0)).fillna(0.0)


def total_shortfall_share(result: xr.Dataset, nodes: list[str], material: str = "magnet") -> xr.DataArray:
    """Unmet share of final demand per run and month, over all elements of ``nodes``."""
    sel = {"material": material, "node": nodes}
    unmet = result["unmet"].sel(sel).sum(("node", "element"))
    demand = result["demand"].sel(sel).sum(("node", "element"))
    return (unmet / demand.where(demand > 0)).fillna(0.0)


def months_until_first_shortfall(
    result: xr.Dataset, nodes: list[str], after: str, material: str = "magnet"
) -> float:
    """Months from ``after`` (YYYY-MM) to the first month short by more than the threshold.

    Run 0; ``inf`` if no month is short within the horizon.
    """
    share = total_shortfall_share(result, nodes, material).isel(run=0)
    months = month_labels(result["month"].values)
    start = months.index(after) if after in months else 0
    for i in range(start, len(months)):
        if float(share.values[i]) > SHORTFALL_THRESHOLD:
            return float(i - start)
    return float("inf")


@dataclass(frozen=True)
class Peak:
    """The deepest monthly shortfall of one element."""

    element: str
    share: float
    month: str


def peak_shortfall_by_element(result: xr.Dataset, nodes: list[str], material: str = "magnet") -> list[Peak]:
    """Per element with demand: the peak unmet share and its month (run 0), deepest first."""
    share = shortfall_share(result, nodes, material).isel(run=0)
    demand = result["demand"].sel(material=material, node=nodes).sum(("node", "month")).isel(run=0)
    peaks = []
    for element in share["element"].values:
        if float(demand.sel(element=element)) <= 0:
            continue
        series = share.sel(element=element).values
        i = int(np.argmax(series))
        peaks.append(Peak(str(element), float(series[i]), month_labels(result["month"].values)[i]))
    return sorted(peaks, key=lambda p: -p.share)


@dataclass(frozen=True)
class ProductFactor:
    """How a tonne of magnet content (t REO-eq) at the end of the chain turns into product units."""

    label: str  # e.g. "bev_car (vehicles)", or "industrial_motors (t magnet)" without a product unit
    product: str  # product id, "" when the sector has no product unit
    per_tonne: float  # units (or t magnet) per t REO-eq of magnet demand
    sector: str = ""  # the end_products sector
    share: float = 1.0  # its share of magnet demand (per_tonne / share: units per t of the sector's use)


def product_factors(ds: Dataset, base: Baseline) -> list[ProductFactor]:
    """One factor per ``end_products`` sector: sector share x (units per t of magnet or of REO).

    Magnet content (t REO-eq) becomes tonnes of magnet via the metal-per-oxide factor and the
    magnet rare-earth content; ``intensities`` give kg of magnet, or kg of rare-earth material,
    per unit of product.
    """
    to_magnet = base.diagnostics["metal_per_oxide"] / ds.parameter("magnet_re_content")
    intensities = ds["intensities"]
    out = []
    for row in ds["end_products"].itertuples(index=False):
        share = float(str(row.share_of_magnet_demand))
        product = str(row.product)
        if not product:
            label = f"{row.sector} (t magnet)"
            out.append(ProductFactor(label, "", share * to_magnet, str(row.sector), share))
            continue
        match = intensities[intensities["product"] == product].iloc[0]
        per_t = share * 1000.0 / float(match["kg_per_unit"])
        if match["material"] == "magnet_ndfeb":
            per_t *= to_magnet
        label = f"{product} ({match['unit_of_product']}s)"
        out.append(ProductFactor(label, product, per_t, str(row.sector), share))
    return out


def units_not_built(result: xr.Dataset, ds: Dataset, base: Baseline, nodes: list[str]) -> dict[str, float]:
    """End products not built for lack of magnets, summed over the horizon (run 0).

    See :func:`product_factors`; sectors without a product unit are reported in tonnes of magnet.
    Where the result has final-use sectors, each product counts its own sector's unmet use.
    """
    unmet = float(result["unmet"].sel(material="magnet", node=nodes).isel(run=0).sum())
    if "sector_unmet" not in result:
        return {f.label: unmet * f.per_tonne for f in product_factors(ds, base)}
    lacking = result["sector_unmet"].sel(node=nodes).isel(run=0).sum(("month", "node"))
    factors = product_factors(ds, base)
    return {f.label: float(lacking.sel(sector=f.sector)) * f.per_tonne / f.share for f in factors}


def sector_shortfall_share(result: xr.Dataset, nodes: list[str]) -> xr.DataArray:
    """Unmet share of each final-use sector's magnet demand per run, month and sector, summed over
    ``nodes`` (see :mod:`reesim.model.sectors`)."""
    unmet = result["sector_unmet"].sel(node=nodes).sum("node")
    demand = result["sector_demand"].sel(node=nodes).sum("node")
    return (unmet / demand.where(demand > 0)).fillna(0.0)


def plants_stopped(result: xr.Dataset, nodes: list[str], threshold: float) -> xr.DataArray:
    """Sector-months with more than ``threshold`` of the sector's magnet demand at ``nodes`` unmet,
    per run: how many months some sector's plants stood, summed over sectors."""
    short = sector_shortfall_share(result, nodes) > threshold
    return short.sum(("month", "sector")).astype(float)


def sectors_short(result: xr.Dataset, nodes: list[str], month: str, threshold: float) -> list[str]:
    """The sectors with more than ``threshold`` of their magnet demand at ``nodes`` unmet in
    ``month`` (YYYY-MM; run 0), deepest first."""
    share = sector_shortfall_share(result, nodes).isel(run=0)
    months = month_labels(result["month"].values)
    if month not in months:
        return []
    row = share.isel(month=months.index(month))
    values = zip(row["sector"].values, row.values, strict=True)
    found = [(float(v), str(s)) for s, v in values if v > threshold]
    return [s for _, s in sorted(found, reverse=True)]


def lowest_stock_cover(result: xr.Dataset, nodes: list[str], material: str = "magnet") -> tuple[float, str]:
    """Lowest working stock of ``material`` at ``nodes``, in months of final demand, and its month (run 0).

    An aggregate model can show no shortfall while stocks run very low; this says how close it came.
    """
    sel = {"material": material, "node": nodes}
    stock = result["inventory"].sel(sel).sum(("node", "element")).isel(run=0)
    demand = result["demand"].sel(sel).sum(("node", "element")).isel(run=0)
    cover = (stock / demand.where(demand > 0)).fillna(np.inf).values
    i = int(np.argmin(cover))
    return float(cover[i]), month_labels(result["month"].values)[i]
