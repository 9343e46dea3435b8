"""What the dashboard's world map shows of a stored run: per model node and month, a shortfall,
stock cover, stockpile or price, and the shipments between nodes.

The stored series are per bloc, and a run does not keep its bilateral shipments (they are
large), so the map simulates the run's central scenario again with the reference kernel,
keeping shipments (:func:`reesim.kernel.reference.run_reference`, about a second): for a single
run these are the stored run's numbers (same scenario, central values); for a Monte Carlo run
they are its central run. The last :data:`KEEP` such simulations are kept in memory (about
30 MB each), so moving the month slider or changing the element asks for nothing new.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from reesim.dataset.model import Dataset
from reesim.kernel.state import Outputs
from reesim.model.baseline import Baseline
from reesim.model.dims import MATERIALS
from reesim.results.plain import strict

#: Simulations with shipments kept in memory.
KEEP = 2
#: Shipments drawn per month: the largest, and only those above this share of the month's largest.
MAX_FLOWS, MIN_FLOW_SHARE = 40, 0.01

#: Where each node's shipments start and end on the map (longitude, latitude): the country's
#: middle; the other EU members' in central Europe; the rest of the world's in Africa.
POINTS: dict[str, tuple[float, float]] = {
    "CHN": (104.0, 35.0), "USA": (-98.0, 39.0), "JPN": (138.0, 36.5), "KOR": (127.8, 36.3),
    "AUS": (134.0, -25.0), "MYS": (102.0, 4.0), "MMR": (96.0, 21.0), "LAO": (102.5, 19.5),
    "VNM": (106.0, 15.5), "THA": (101.0, 15.0), "IND": (79.0, 22.0), "CAN": (-106.0, 57.0),
    "BRA": (-52.0, -10.0), "GBR": (-2.0, 53.0), "EST": (25.5, 58.7), "FRA": (2.5, 46.5),
    "DEU": (10.4, 51.0), "RUS": (60.0, 58.0), "GRL": (-41.0, 72.0), "SAU": (45.0, 24.0),
    "XEU": (17.0, 47.0), "ROW": (20.0, 5.0),
}  # fmt: skip
#: Names of the nodes that are not one country.
GROUPS = {"XEU": "Other EU members", "ROW": "Rest of the world"}


@dataclass(frozen=True)
class MapIndicator:
    """A per-node figure the map can colour countries by."""

    label: str
    unit: str


INDICATORS: dict[str, MapIndicator] = {
    "shortfall_share": MapIndicator("Shortfall share of final demand", "%"),
    "shortfall": MapIndicator("Shortfall", "t REO-eq per month"),
    "cover": MapIndicator("Stock cover", "months of use"),
    "stockpile": MapIndicator("Strategic stockpile", "t REO-eq"),
    "price": MapIndicator("Price", "USD/kg"),
}
ALL = "all"


class Simulations:
    """The last :data:`KEEP` central simulations with shipments, by run id."""

    def __init__(self, ds: Dataset, base: Baseline, keep: int = KEEP) -> None:
        self.ds, self.base, self.keep = ds, base, keep
        self._kept: OrderedDict[str, Outputs] = OrderedDict()
        self._lock = threading.Lock()
        self._compute = threading.Lock()  # one simulation at a time: memory stays bounded

    def get(self, done: Any) -> Outputs:
        """The outputs of ``done``'s central scenario, with shipments."""
        from reesim.kernel.reference import run_reference
        from reesim.model.compile import compile_scenario

        key = done.record.id
        with self._compute:
            with self._lock:
                if key in self._kept:
                    self._kept.move_to_end(key)
                    return self._kept[key]
            out = run_reference(compile_scenario(done.batch.scenario, self.ds, self.base), keep_trade=True)
        with self._lock:
            self._kept[key] = out
            while len(self._kept) > self.keep:
                self._kept.popitem(last=False)
        return out


def nodes(ds: Dataset, base: Baseline) -> list[dict[str, Any]]:
    """Each node: id, name, the ISO alpha-3 codes of its countries, and its point on the map."""
    countries = ds["countries"]
    out = []
    for node in base.dims.nodes:
        members = sorted(str(c) for c in countries.loc[countries["node"] == node, "iso3"])
        own = countries.loc[countries["iso3"] == node, "name"]
        name = GROUPS.get(node) or (str(own.iloc[0]) if len(own) else node)
        lon, lat = POINTS.get(node, (0.0, 0.0))
        out.append({"id": node, "name": name, "countries": members, "lon": lon, "lat": lat})
    return out


def _per_node(out: Outputs, base: Baseline, indicator: str, k: int, e: slice | int) -> np.ndarray:
    """[month, node] of ``indicator`` for material ``k`` and element(s) ``e`` (NaN: not defined)."""

    def pick(array: np.ndarray) -> np.ndarray:
        part = array[0, :, k][..., e]  # [T, N] or [T, N, E]
        return np.asarray(part.sum(axis=-1) if part.ndim == 3 else part, dtype=float)

    with np.errstate(divide="ignore", invalid="ignore"):
        if indicator in {"shortfall_share", "shortfall"}:
            demand, unmet = pick(out.demand), pick(out.unmet)
            if indicator == "shortfall":
                return np.where(demand > 0, unmet, np.nan)
            return np.where(demand > 0, 100 * unmet / demand, np.nan)
        if indicator == "cover":
            use = pick(out.demand) + pick(out.feed)
            return np.where(use > 0, pick(out.inventory) / use, np.nan)
        if indicator == "stockpile":
            return pick(out.stockpile)
    price = out.price[0, :, k]  # [T, market, E]
    if isinstance(e, int):
        markets = price[:, :, e]
    else:
        weights = base.final[k].sum(axis=0) + base.production[k].sum(axis=0)
        weights = weights if weights.sum() > 0 else np.ones_like(weights)
        markets = (price * weights).sum(axis=2) / weights.sum()
    china = np.array([n == "CHN" for n in base.dims.nodes])
    return np.where(china[None, :], markets[:, :1], markets[:, 1:2])


def flows(out: Outputs, k: int, e: slice | int) -> list[list[Any]]:
    """Shipments between nodes: ``[month index, exporter, importer, t]``, the largest of each month."""
    trade = out.trade
    if trade is None:
        return []
    part = trade[0, :, k][..., e]  # [T, importer, exporter] or with elements
    ship = np.asarray(part.sum(axis=-1) if part.ndim == 4 else part, dtype=float)
    n = ship.shape[1]
    ship[:, np.arange(n), np.arange(n)] = 0.0
    found: list[list[Any]] = []
    for t in range(ship.shape[0]):
        month = ship[t]
        top = float(month.max())
        if top <= 0:
            continue
        order = np.argsort(month, axis=None)[::-1][:MAX_FLOWS]
        for flat in order:
            value = float(month.flat[flat])
            if value < MIN_FLOW_SHARE * top:
                break
            importer, exporter = divmod(int(flat), n)
            found.append([t, exporter, importer, round(value, 3)])
    return found


def map_data(done: Any, sims: Simulations, indicator: str, material: str, element: str) -> dict[str, Any]:
    """Everything the map draws of a run for one indicator, material and element (or ``all``):
    per node and month, and the largest shipments of each month between nodes."""
    ds, base = sims.ds, sims.base
    if element != ALL and element not in base.dims.elements:
        raise LookupError(f"no element {element!r}; elements: {ALL}, {', '.join(base.dims.elements)}")
    out = sims.get(done)
    k = MATERIALS.index(material)
    e: slice | int = slice(None) if element == ALL else base.dims.elements.index(element)
    months = [str(m) for m in done.batch.series["month"].values][: out.demand.shape[1]]
    table = _per_node(out, base, indicator, k, e)
    ids = list(base.dims.nodes)
    spec = INDICATORS[indicator]
    result: dict[str, Any] = strict(
        {"run": done.record.id, "scenario": done.record.scenario, "months": months, "indicator": indicator,
         "label": spec.label, "unit": spec.unit, "material": material, "element": element,
         "elements": [ALL, *base.dims.elements], "nodes": nodes(ds, base),
         "values": {node: table[:, j] for j, node in enumerate(ids)},
         "flows": [[t, ids[a], ids[b], v] for t, a, b, v in flows(out, k, e)],
         "flow_unit": "t REO-eq per month", "central": done.record.runs > 1}
    )  # fmt: skip
    return result
