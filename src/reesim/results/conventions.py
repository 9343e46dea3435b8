"""Results as xarray users expect them: a ``datetime64`` month axis and CF attributes.

The engine labels months ``YYYY-MM`` (the report, the results store, the dashboard's JSON and
the headline read them as text). What :func:`reesim.run` hands to a user follows the CF
conventions instead: the ``month`` coordinate is ``datetime64[ns]`` at the first day of each
month, so ``result.resample(month="YS")`` and time plots work, and every data variable carries
its ``units`` and ``long_name``, which NetCDF and Zarr files keep. Months are converted here,
once, at the public boundary; :func:`month_labels` turns them back into labels for the code that
reads text.

Units: "t/month" for flows (t rare-earth oxide equivalent per month), "t" for stocks at the end
of a month, "USD/kg" for prices, "USD/month" for what price floors paid, "1/month" for end
products (cars, wind turbines, aircraft) per month.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from reesim.errors import InputError, Problem

#: Unit and long name of each output variable (CF ``units`` and ``long_name``).
VARIABLES: dict[str, tuple[str, str]] = {
    "production": ("t/month", "output of the stage making the material (mining for concentrate)"),
    "imports": ("t/month", "shipments received"),
    "exports": ("t/month", "shipments sent"),
    "feed": ("t/month", "material consumed by the next stage"),
    "consumption": ("t/month", "final use met"),
    "demand": ("t/month", "final use wanted"),
    "unmet": ("t/month", "final use wanted and not met"),
    "losses": ("t/month", "conversion losses of the stage making the material"),
    "inventory": ("t", "working stock at the end of the month"),
    "stockpile": ("t", "strategic stockpile at the end of the month"),
    "released": ("t/month", "strategic stock released to the node"),
    "recycled": ("t/month", "oxide recovered from end-of-life magnets"),
    "transit": ("t", "goods under way to the node at the end of the month"),
    "price": ("USD/kg", "price of the material"),
    "floor_cost": ("USD/month", "what price floors paid their producers"),
    "stockpile_cost": ("USD/month", "what strategic stockpiles paid for their purchases"),
    "project_output": ("t/month", "output of each new capacity project"),
    "sector_demand": ("t/month", "final magnet demand of each final-use sector"),
    "sector_unmet": ("t/month", "final magnet demand of each final-use sector not met"),
    "sector_stock": ("t", "magnet working stock each final-use sector holds at the end of the month"),
    "units_built": ("1/month", "end products built (vehicles, turbines, aircraft)"),
    "units_not_built": ("1/month", "end products not built for lack of magnets"),
    # the compact series per place and item that runs are stored as (reesim.results.series)
    "cover": ("months", "working stock of magnets in months of final demand"),
    "price_outside": ("USD/kg", "magnet price outside China (magnets: base-year weighted mean)"),
    "price_ratio": ("1", "magnet price outside China over the base year's"),
    "production_outside": ("t/month", "production outside China per stage"),
    "use_outside": ("t/month", "use outside China per stage (final demand and feed)"),
    "alone_from": (
        "months",
        "months from the start after which output outside China covers use there "
        "to the end, per stage and element (the run's length: not within it)",
    ),
    "alone_from_grade": (
        "months",
        "the same per magnet grade: the latest over the rare earths in the grade's bill of materials",
    ),
}

#: Long names of the coordinates (``month`` also gets CF's ``standard_name`` and ``axis``).
COORDINATES: dict[str, str] = {
    "run": "Monte Carlo run (0 for a single run at central values)",
    "month": "first day of the simulated month",
    "material": "stage of the chain: concentrate, oxide, metal or magnet",
    "node": "model node: ISO 3166-1 alpha-3 country, XEU (other EU members) or ROW",
    "element": "rare-earth element",
    "market": "price market: china or outside (China)",
    "project": "new capacity project",
    "product": "end product",
    "place": "country or bloc (EU: its members), or outside China",
    "item": "magnets (every element in magnets) or one element (all its final uses)",
    "stage": "stage of the chain outside China",
    "grade": "magnet grade (_gbd: heavy rare earths by grain-boundary diffusion)",
    "sector": "final-use sector of magnets: the end_products rows, then other uses",
}

#: What writing Zarr without the zarr package says (one line).
ZARR_MISSING = "writing Zarr needs the zarr package: pip install zarr"

#: Every quantity is of rare-earth oxide equivalent; said once on the whole result.
QUANTITY_NOTE = "Quantities in tonnes (t) are rare-earth oxide (REO) equivalent."


def to_months(labels: Any) -> np.ndarray:
    """``YYYY-MM`` labels (or dates) as ``datetime64[ns]`` at the start of each month."""
    values = np.asarray(labels)
    if np.issubdtype(values.dtype, np.datetime64):
        return values.astype("datetime64[M]").astype("datetime64[ns]")
    return np.array([str(v)[:7] for v in values], dtype="datetime64[M]").astype("datetime64[ns]")


def month_labels(values: Any) -> list[str]:
    """``YYYY-MM`` labels of a month coordinate, whether it holds dates or labels already."""
    array = np.asarray(values)
    if np.issubdtype(array.dtype, np.datetime64):
        return [str(m) for m in array.astype("datetime64[M]")]
    return [str(m) for m in array]


def with_conventions(result: xr.Dataset, dataset_version: str = "") -> xr.Dataset:
    """``result`` with a ``datetime64[ns]`` month coordinate and each variable's ``units`` and
    ``long_name``; the values are shared, not copied."""
    out = result.assign_coords(month=to_months(result["month"].values)) if "month" in result.dims else result
    for name, (units, long_name) in VARIABLES.items():
        if name in out.data_vars:
            out[name].attrs.update(units=units, long_name=long_name)
    for name, long_name in COORDINATES.items():
        if name in out.coords:
            out[name].attrs["long_name"] = long_name
    if "month" in out.coords:
        out["month"].attrs.update(standard_name="time", axis="T")
    attrs = {k: v for k, v in result.attrs.items() if k != "units"}
    from reesim import __version__

    attrs.update(Conventions="CF-1.8", source=f"reesim {__version__}", comment=QUANTITY_NOTE)
    if dataset_version:
        attrs["dataset_version"] = dataset_version
    out.attrs = attrs
    return out


def with_labels(result: xr.Dataset) -> xr.Dataset:
    """``result`` with ``YYYY-MM`` month labels, as the engine's own code reads them."""
    if "month" not in result.dims or not np.issubdtype(result["month"].dtype, np.datetime64):
        return result
    return result.assign_coords(month=month_labels(result["month"].values))


def save(result: xr.Dataset, path: str | Path) -> Path:
    """Write ``result`` to ``path``: NetCDF for a ``.nc`` name, Zarr for a ``.zarr`` one.

    Values, coordinates (months as dates) and each variable's units travel with the file;
    ``xarray.open_dataset(path)`` (or ``xarray.open_zarr``) reads it back.
    """
    target = Path(path)
    if target.suffix not in {".nc", ".zarr"}:
        raise InputError([Problem(str(target), None, "path", f"unknown file kind {target.suffix!r}",
                                  "name the file .nc (NetCDF) or .zarr (Zarr)")])  # fmt: skip
    if target.suffix == ".zarr":
        if importlib.util.find_spec("zarr") is None:
            raise ImportError(ZARR_MISSING)
        # Zarr's version 2 format: version 3 has no stable specification for text labels yet.
        result.to_zarr(target, mode="w", zarr_format=2)
    else:
        result.to_netcdf(target)
    return target
