"""Kernel outputs as a labelled xarray Dataset, and the end products a run's magnets built.

Shared by :func:`reesim.engine.run.run`, the Monte Carlo workers
(:mod:`reesim.uncertainty.executors`) and the backtest. Months are ``YYYY-MM`` labels;
quantities t REO-equivalent per month; prices USD/kg.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np
import xarray as xr

from reesim.dataset.model import Dataset
from reesim.kernel.state import SECTORED, SHAPED, Outputs
from reesim.model.baseline import Baseline
from reesim.model.compile import Inputs
from reesim.model.dims import MATERIALS
from reesim.model.scenario import Scenario
from reesim.results.indicators import product_factors


def add_units(result: xr.Dataset, ds: Dataset, base: Baseline) -> xr.Dataset:
    """Add ``units_built`` and ``units_not_built`` per run, month, node and product.

    Each sector's magnet use (met and not met, where the result has sectors; else the node's final
    magnet use times the sector's share) times its product's units per tonne from
    :func:`reesim.results.indicators.product_factors`; sectors without a product unit are left out.
    """
    factors = [f for f in product_factors(ds, base) if f.product]
    if not factors:
        return result
    products = xr.DataArray([f.product for f in factors], dims="product", name="product")
    if "sector_unmet" in result:  # each sector's products from its own use met and not met
        wanted = result["sector_demand"].sel(sector=[f.sector for f in factors])
        lacking = result["sector_unmet"].sel(sector=[f.sector for f in factors])
        per_unit = xr.DataArray([f.per_tonne / f.share for f in factors], dims="sector",
                                coords={"sector": [f.sector for f in factors]})  # fmt: skip
        built = ((wanted - lacking) * per_unit).rename(sector="product")
        lost = (lacking * per_unit).rename(sector="product")
        result["units_built"] = built.assign_coords(product=products.values).transpose("product", ...)
        result["units_not_built"] = lost.assign_coords(product=products.values).transpose("product", ...)
        return result
    met = result["consumption"].sel(material="magnet").sum("element")
    unmet = result["unmet"].sel(material="magnet").sum("element")
    result["units_built"] = xr.concat([met * f.per_tonne for f in factors], dim=products)
    result["units_not_built"] = xr.concat([unmet * f.per_tonne for f in factors], dim=products)
    return result


def to_xarray(outputs: Outputs, inputs: Inputs, scenario: Scenario, seed: int | None) -> xr.Dataset:
    """Label kernel outputs with their coordinates."""
    dims = inputs.base.dims
    runs = outputs.production.shape[0]
    coords = {
        "run": np.arange(runs),
        "month": list(inputs.months),
        "material": list(MATERIALS),
        "node": list(dims.nodes),
        "element": list(dims.elements),
        "market": ["china", "outside"],
        "project": list(inputs.proj_names),
        "sector": list(inputs.sectors.names),
    }
    axes = ("run", "month", "material", "node", "element")
    data: dict[str, tuple[tuple[str, ...], Any]] = {
        f.name: (axes, getattr(outputs, f.name)) for f in fields(outputs) if f.name not in SHAPED
    }
    data["price"] = (("run", "month", "material", "market", "element"), outputs.price)
    data["floor_cost"] = (("run", "month"), outputs.floor_cost)
    data["stockpile_cost"] = (("run", "month"), outputs.stockpile_cost)
    data["project_output"] = (("run", "month", "project"), outputs.project_output)
    for name in SECTORED:
        data[name] = (("run", "month", "node", "sector"), getattr(outputs, name))
    result = xr.Dataset(data, coords=coords)
    result.attrs.update(
        scenario=scenario.name,
        seed=-1 if seed is None else seed,
        units="t REO-equivalent per month; price USD/kg",
    )
    if scenario.price_year is not None:
        result.attrs["price_year"] = scenario.price_year
    return result
