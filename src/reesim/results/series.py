"""Compact monthly series per run: what reports, headline tables and Monte Carlo keep.

A full result is about 18 MB per 11-year run; the series here are a few hundred kB, so many
runs fit in memory and in the results store. Places are the blocs analysts ask about; items are
magnets (all elements of the magnet material) and each element (all its final uses).

Quantities are t REO-equivalent per month; prices USD/kg; cover in months of final demand; what
price floors paid their producers (``floor_cost``) and what strategic stockpiles paid for their
purchases (``stockpile_cost``) USD per month, both as the kernels add them up.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from reesim.dataset.model import Dataset
from reesim.kernel.state import Compact
from reesim.model.baseline import GRADES, Baseline
from reesim.model.dims import MATERIALS
from reesim.results.indicators import bloc_nodes

#: Places reported by default: country or bloc id -> label.
PLACES = {"USA": "USA", "eu": "EU", "JPN": "Japan", "KOR": "Korea", "CHN": "China"}
#: Stages of the race chart: model material -> stage label.
STAGES = {"concentrate": "mining", "oxide": "separation", "metal": "metal", "magnet": "magnets"}
MAGNETS = "magnets"


def place_nodes(ds: Dataset, base: Baseline) -> dict[str, list[str]]:
    """Nodes of each reported place, plus ``outside``: every node but China."""
    out = {label: bloc_nodes(ds, base, place) for place, label in PLACES.items()}
    out["outside China"] = [n for n in base.dims.nodes if n != "CHN"]
    return out


def place_members(ds: Dataset, base: Baseline) -> np.ndarray:
    """[places, N]: 1 where a node belongs to a reported place (order of :func:`place_nodes`)."""
    nodes = list(base.dims.nodes)
    places = place_nodes(ds, base)
    out = np.zeros((len(places), len(nodes)))
    for p, members in enumerate(places.values()):
        out[p, [nodes.index(n) for n in members]] = 1.0
    return out


def series(result: xr.Dataset, ds: Dataset, base: Baseline) -> xr.Dataset:
    """Per run and month: demand, unmet, stock cover, stockpile and releases from strategic stocks
    per place and item; prices outside China per item; production and use outside China per stage;
    what price floors paid and what strategic stockpiles paid for their purchases (USD; zero in
    results that do not carry them). Price ratios are over the reference prices the run was priced
    at (its scenario's ``price_year``, else the base year's)."""
    from reesim.model.baseline import priced

    base = priced(base, ds, result.attrs.get("price_year"))
    places = place_nodes(ds, base)
    nodes = [str(n) for n in result["node"].values]
    elements = [str(e) for e in result["element"].values]
    k_magnet = list(result["material"].values).index("magnet")
    dem, unm = result["demand"].values, result["unmet"].values  # [R, T, K, N, E]
    inv, pile, released = result["inventory"].values, result["stockpile"].values, result["released"].values
    shape = (dem.shape[0], dem.shape[1], len(places), len(elements) + 1)
    demand, unmet = np.zeros(shape), np.zeros(shape)
    held, stock, given = np.zeros(shape[:3]), np.zeros(shape[:3]), np.zeros(shape[:3])
    for p, members in enumerate(places.values()):
        idx = [nodes.index(n) for n in members]
        demand[:, :, p, 0] = dem[:, :, k_magnet][:, :, idx].sum(axis=(2, 3))
        unmet[:, :, p, 0] = unm[:, :, k_magnet][:, :, idx].sum(axis=(2, 3))
        demand[:, :, p, 1:] = dem[:, :, :, idx].sum(axis=(2, 3))
        unmet[:, :, p, 1:] = unm[:, :, :, idx].sum(axis=(2, 3))
        held[:, :, p] = inv[:, :, k_magnet][:, :, idx].sum(axis=(2, 3))
        stock[:, :, p] = pile[:, :, :, idx].sum(axis=(2, 3, 4))
        given[:, :, p] = released[:, :, :, idx].sum(axis=(2, 3, 4))
    outside = [nodes.index(n) for n in places["outside China"]]
    made_e = result["production"].values[:, :, :, outside].sum(axis=3)  # [R, T, K, E]
    used_e = (dem + result["feed"].values)[:, :, :, outside].sum(axis=3)
    production, use = made_e.sum(axis=3), used_e.sum(axis=3)
    paid = result["floor_cost"].values if "floor_cost" in result else np.zeros(dem.shape[:2])
    piles = result["stockpile_cost"].values if "stockpile_cost" in result else np.zeros(dem.shape[:2])
    sectors = [str(j) for j in result["sector"].values] if "sector_unmet" in result else []
    by_sector = np.zeros((*shape[:3], len(sectors))), np.zeros((*shape[:3], len(sectors)))
    for name, to in zip(("sector_demand", "sector_unmet"), by_sector, strict=True):
        if sectors:
            for p, members in enumerate(places.values()):
                to[:, :, p] = result[name].sel(node=members).sum("node").values
    out = assemble(
        Compact(demand=demand, unmet=unmet, magnet_stock=held, stockpile=stock, released=given,
                production_outside=production, use_outside=use, price=result["price"].values,
                floor_cost=paid, stockpile_cost=piles, alone_from=alone_from(made_e, used_e),
                sector_demand=by_sector[0], sector_unmet=by_sector[1]), base,
        runs=result["run"].values, months=result["month"].values, places=list(places), sectors=sectors,
    )  # fmt: skip
    if sectors:
        out.attrs["plant_stop_shortfall"] = ds.parameter("plant_stop_shortfall")
    if "units_not_built" in result:
        lost = result["units_not_built"]
        out = out.assign_coords(product=lost["product"].values)
        per_place = [lost.sel(node=members).sum("node").values for members in places.values()]
        out["units_not_built"] = (("product", "run", "month", "place"), np.stack(per_place, axis=-1))
    out.attrs = {**dict(result.attrs), **out.attrs}
    return out


def alone_from(made: np.ndarray, used: np.ndarray) -> np.ndarray:
    """[R, K, E]: the month index from which ``made`` covers ``used`` (both [R, T, K, E], t per
    month) in every month to the end, as the kernel keeps it (T where the last month falls short)."""
    short = made < used * (1.0 - 1e-9)
    t_n = short.shape[1]
    last = t_n - 1 - np.argmax(short[:, ::-1], axis=1)  # last short month where there is one
    return np.where(short.any(axis=1), last + 1, 0).astype(float)


def grade_alone_from(by_element: np.ndarray, content: np.ndarray) -> np.ndarray:
    """[R, K, G] the month from which each magnet grade stands alone at each stage: the latest of
    ``by_element`` [R, K, E] (:func:`alone_from`) over the rare earths in the grade's bill of
    materials (``content`` [G, E] > 0, t element per t magnet)."""
    needs = content > 0
    out: np.ndarray = np.where(needs[None, None], by_element[:, :, None, :], 0.0).max(axis=3)
    return out


def assemble(
    c: Compact,
    base: Baseline,
    runs: np.ndarray,
    months: Any,
    places: list[str],
    sectors: list[str] | None = None,
) -> xr.Dataset:
    """The series Dataset from per-place sums (computed from full outputs, or by the kernel); with
    ``sectors`` (the final-use sectors, in the order of ``c.sector_demand``) each sector's demand
    and unmet part per place."""
    k_magnet = MATERIALS.index("magnet")
    with np.errstate(divide="ignore", invalid="ignore"):
        cover = np.where(c.demand[..., 0] > 0, c.magnet_stock / c.demand[..., 0], np.inf)
    weights = base.final[k_magnet].sum(axis=0)  # base-year magnet demand per element
    price_m = c.price[:, :, k_magnet, 1, :]  # [R, T, E] outside China
    avg = (price_m * weights).sum(axis=2) / max(weights.sum(), 1e-300)
    price = np.concatenate([avg[..., None], price_m], axis=2)
    p0 = base.prices[k_magnet]
    avg0 = (p0 * weights).sum() / max(weights.sum(), 1e-300)
    ratio = price / np.concatenate([[avg0], np.where(p0 > 0, p0, 1.0)])
    coords = {
        "run": runs, "month": months, "place": places, "item": [MAGNETS, *base.dims.elements],
        "stage": [STAGES[m] for m in MATERIALS], "element": list(base.dims.elements),
    }  # fmt: skip
    data = {
        "demand": (("run", "month", "place", "item"), c.demand),
        "unmet": (("run", "month", "place", "item"), c.unmet),
        "cover": (("run", "month", "place"), cover),
        "stockpile": (("run", "month", "place"), c.stockpile),
        "released": (("run", "month", "place"), c.released),
        "price_outside": (("run", "month", "item"), price),
        "price_ratio": (("run", "month", "item"), ratio),
        "production_outside": (("run", "month", "stage"), c.production_outside),
        "use_outside": (("run", "month", "stage"), c.use_outside),
        "floor_cost": (("run", "month"), c.floor_cost),
        "stockpile_cost": (("run", "month"), c.stockpile_cost),
        "alone_from": (("run", "stage", "element"), c.alone_from),
        "alone_from_grade": (("run", "stage", "grade"), grade_alone_from(c.alone_from, base.magnet_grades)),
    }
    coords["grade"] = [grade if gbd == "no" else f"{grade}_gbd" for grade, gbd, _ in GRADES]
    if sectors:
        coords["sector"] = sectors
        data["sector_demand"] = (("run", "month", "place", "sector"), c.sector_demand)
        data["sector_unmet"] = (("run", "month", "place", "sector"), c.sector_unmet)
    return xr.Dataset(data, coords=coords)


def from_compact(
    c: Compact, ds: Dataset, base: Baseline, runs: np.ndarray, months: Any, products: Any = None
) -> xr.Dataset:
    """The series of runs simulated by :func:`reesim.kernel.fast.run_fast_series` (with
    ``members`` from :func:`place_members`), with units not built per product when asked."""
    from reesim.model.sectors import sector_shares

    sectors = list(sector_shares(ds, base)[0]) if c.sector_demand.shape[3] else []
    out = assemble(c, base, runs, months, list(place_nodes(ds, base)), sectors)
    if sectors:
        out.attrs["plant_stop_shortfall"] = ds.parameter("plant_stop_shortfall")
    if products is None:
        from reesim.results.indicators import product_factors

        products = [f for f in product_factors(ds, base) if f.product]
    if products:
        out = out.assign_coords(product=[f.product for f in products])
        lost = np.stack([  # each sector's products from its own unmet use, else the place's share
            c.sector_unmet[..., sectors.index(f.sector)] * (f.per_tonne / f.share) if f.sector in sectors
            else c.unmet[..., 0] * f.per_tonne for f in products
        ])  # [product, R, T, place]  # fmt: skip
        out["units_not_built"] = (("product", "run", "month", "place"), lost)
    return out
