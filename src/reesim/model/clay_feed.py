"""Ionic-clay feed: the mixed rare-earth compounds Myanmar and Laos ship to China's separation plants.

Myanmar's and Laos' ion-adsorption clay mines leach their ore on site and sell the product
(mixed rare-earth oxide, mixed carbonate, other compounds) across the border to separation plants
in southern China, which have no other large source of heavy rare earths. The ``clay_feed``
table holds that trade as China's customs report it (and as USGS estimates Myanmar's output from
it). In the base year:

* an exporter's mine output is at least the feed it ships (Laos has no USGS row of its own: its
  output is inside "Other countries", while China's customs report imports from it);
* the feed goes to the importer's separation plants before any concentrate is pooled
  (:func:`route_first`), so China's heavy circuit takes its imported heavy elements from
  Myanmar and Laos, not from whichever node has concentrate to spare.

Quantities are t REO per year here; rows in gross tonnes count at ``clay_feed_reo_per_gross``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from reesim.dataset.model import Dataset
from reesim.model.dims import Dims

Array = NDArray[np.float64]


def clay_tonnes(ds: Dataset, year: int) -> dict[tuple[str, str], float]:
    """(exporter, importer) -> t REO per year of ionic-clay feed in ``year``.

    Only whole-year rows count (``months`` = 12) and only named exporters (not the ``WLD``
    cross-check rows). An exporter's ``t_reo`` row is used as it is; without one, its
    ``t_gross`` rows are summed and counted at ``clay_feed_reo_per_gross``.
    """
    table = ds["clay_feed"]
    rows = table[(table["year"] == year) & (table["months"] == 12) & (table["exporter"] != "WLD")]
    per_gross = ds.parameter("clay_feed_reo_per_gross")
    out: dict[tuple[str, str], float] = {}
    for (exporter, importer), group in rows.groupby(["exporter", "importer"]):
        reo = group[group["unit"] == "t_reo"]["quantity"]
        gross = group[group["unit"] == "t_gross"]["quantity"]
        tonnes = float(reo.sum()) if not reo.empty else float(gross.sum()) * per_gross
        out[(str(exporter), str(importer))] = tonnes
    return out


def clay_exports(ds: Dataset, year: int) -> dict[str, float]:
    """Exporter -> t REO per year of ionic-clay feed it ships in ``year`` (all importers)."""
    out: dict[str, float] = {}
    for (exporter, _), tonnes in clay_tonnes(ds, year).items():
        out[exporter] = out.get(exporter, 0.0) + tonnes
    return out


def clay_routes(ds: Dataset, dims: Dims, year: int) -> Array:
    """[N_importer, N_exporter] t REO per year of ionic-clay feed between model nodes."""
    out = np.zeros((dims.n_nodes, dims.n_nodes))
    for (exporter, importer), tonnes in clay_tonnes(ds, year).items():
        out[dims.node(importer), dims.node(exporter)] += tonnes
    return out


def route_first(need: Array, have: Array, routes: Array) -> tuple[Array, Array, Array]:
    """Own supply first, then the fixed routes, within what each side has left.

    ``need`` and ``have`` are [N] t per month of one circuit's elements; ``routes`` [N_imp, N_exp]
    the tonnes the routes would carry. A route is cut in proportion where its importer needs
    less, or its exporter has less, than the routes name. Returns (route flows [N_imp, N_exp],
    need left [N], supply left [N]) for the world pool.
    """
    own = np.minimum(need, have)
    gap, spare = need - own, have - own
    flows = routes.copy()
    for axis, room in ((1, gap), (0, spare)):
        total = flows.sum(axis=axis)
        cut = np.divide(room, total, out=np.ones_like(total), where=total > room)
        flows = flows * (cut[:, None] if axis == 1 else cut[None, :])
    return flows, gap - flows.sum(axis=1), spare - flows.sum(axis=0)
