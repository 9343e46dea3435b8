"""Costs of plants, projects and countries' stages, from the dataset's ``costs`` table.

Each row of ``costs.csv`` gives a facility's (or a whole country's stage's) investment in USD and
its operating cost in USD per kg of a stated product (``opex_per``): REO (in concentrate at a mine,
separated at a separation plant), NdPr oxide (the plant's costs charged to it), metal or finished
magnet. The engine counts every material in t REO-equivalent and prices it as the world base-year
mix of its elements, so :func:`opex_factors` gives, per material, the kg of each product in one kg
REO-equivalent:

- ``kg_reo``: 1;
- ``kg_ndpr_oxide``: the Nd + Pr share of the material's base-year output (a plant whose costs
  are all charged to NdPr breaks even when the basket's NdPr pays them): what the plants of the
  country made for existing plants (:func:`node_factors`, their revenue basket), the world's for
  projects;
- ``kg_metal``: the base year's t metal per t oxide;
- ``kg_magnet``: t metal per t oxide / ``magnet_re_content`` (t magnet per t REO-equivalent).

An operating cost in USD/kg REO-equivalent is the published cost times that factor.
:func:`stage_opex` averages these over a country's operating plants (the table's country rows stand
for China's stages); :func:`project_costs` gives a capacity project's defaults.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reesim.dataset.model import Dataset
from reesim.model.baseline import BASE_YEAR, Baseline, build_baseline
from reesim.model.dims import MATERIALS

Array = NDArray[np.float64]

#: Stage in the facilities table -> the engine material it makes (the stages capacity projects
#: accept, as ``FACILITY_STAGE`` and ``STAGE`` of :mod:`reesim.instruments.capacity_project`).
MATERIAL_OF_STAGE: dict[str, str] = {
    "mine": "concentrate",
    "separation_light": "oxide",
    "separation_heavy": "oxide",
    "metal": "metal",
    "magnet_sintered": "magnet",
    "magnet_bonded": "magnet",
}
#: What one kg of a published operating cost is (``costs.opex_per``).
OPEX_BASES: tuple[str, ...] = ("kg_reo", "kg_ndpr_oxide", "kg_metal", "kg_magnet")


@dataclass(frozen=True)
class FacilityCost:
    """One row of the costs table: a facility's costs, or a whole country's stage's.

    ``capex_usd`` is the total investment (USD), ``opex_usd_per_kg`` the operating cost in USD per
    kg of ``opex_per`` (one of :data:`OPEX_BASES`); ``None`` where the table gives none.
    """

    facility_id: str  # "" for a country row
    iso3: str
    stage: str
    capex_usd: float | None
    opex_usd_per_kg: float | None
    opex_per: str | None
    year: int

    @property
    def material(self) -> str | None:
        """The engine material the stage makes (``None`` for recycling and SmCo magnets)."""
        return MATERIAL_OF_STAGE.get(self.stage)

    def opex_usd_per_kg_reo(self, factors: dict[str, Array]) -> float | None:
        """Operating cost in USD per kg REO-equivalent of the stage's material (``None`` if unknown).

        ``factors`` are :func:`opex_factors`: kg of each ``opex_per`` product per kg REO-equivalent.
        """
        material = self.material
        if self.opex_usd_per_kg is None or self.opex_per is None or material is None:
            return None
        return self.opex_usd_per_kg * float(factors[self.opex_per][MATERIALS.index(material)])


def _number(value: object) -> float | None:
    """A table cell as a float, ``None`` if empty."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _rows(ds: Dataset) -> list[FacilityCost]:
    table = ds["costs"]
    columns = ("facility_id", "iso3", "stage", "capex_usd", "opex_usd_per_kg", "opex_per", "year")
    # (column by column: a row iterator builds a named tuple type on every call, and a batch of
    # runs asks for the costs once per capacity project)
    return [
        FacilityCost(
            facility_id=str(facility_id),
            iso3=str(iso3),
            stage=str(stage),
            capex_usd=_number(capex),
            opex_usd_per_kg=_number(opex),
            opex_per=str(per) or None,
            year=int(_number(year) or 0),
        )
        for facility_id, iso3, stage, capex, opex, per, year in zip(*(table[c] for c in columns), strict=True)
    ]


def facility_costs(ds: Dataset) -> dict[str, FacilityCost]:
    """The costs of each facility that has a row in the costs table, by ``facility_id``.

    ``capex_usd`` in USD, ``opex_usd_per_kg`` in USD per kg of ``opex_per``; ``None`` where unknown.
    """
    return {cost.facility_id: cost for cost in _rows(ds) if cost.facility_id}


def country_costs(ds: Dataset) -> dict[tuple[str, str], FacilityCost]:
    """The rows that describe a whole country's stage (no facility), by ``(iso3, stage)``."""
    return {(cost.iso3, cost.stage): cost for cost in _rows(ds) if not cost.facility_id}


def opex_factors(ds: Dataset, base: Baseline) -> dict[str, Array]:
    """kg of each :data:`OPEX_BASES` product per kg REO-equivalent of each material: ``[K]`` arrays.

    NdPr shares come from the world base-year output of each material; metal per oxide from the
    base year's magnet mix; magnet rare-earth content from the ``magnet_re_content`` parameter.
    """
    dims = base.dims
    world = base.production.sum(axis=1)  # [K, E] t REO-eq/month
    totals = world.sum(axis=1)
    ndpr = world[:, [dims.element("Nd"), dims.element("Pr")]].sum(axis=1)
    per_oxide = float(base.diagnostics["metal_per_oxide"])  # t metal / t oxide
    k = len(MATERIALS)
    return {
        "kg_reo": np.ones(k),
        "kg_ndpr_oxide": np.divide(ndpr, totals, out=np.zeros(k), where=totals > 0),
        "kg_metal": np.full(k, per_oxide),
        "kg_magnet": np.full(k, per_oxide / ds.parameter("magnet_re_content")),
    }


def node_factors(factors: dict[str, Array], base: Baseline, n: int) -> dict[str, Array]:
    """:func:`opex_factors` for the plants of node ``n``: the NdPr share of what the node's own
    plants made of each material in the base year (its revenue basket: mine output, and each
    stage's input times its yield, without recycled oxide or China's secondary supply), the
    world's where it makes none."""
    dims = base.dims
    own = np.concatenate([base.production[:1, n, :], base.feed[:-1, n, :] * base.yields[1:, None]])  # [K, E]
    totals = own.sum(axis=1)
    ndpr = own[:, [dims.element("Nd"), dims.element("Pr")]].sum(axis=1)
    share = np.divide(ndpr, totals, out=factors["kg_ndpr_oxide"].copy(), where=totals > 0)
    return {**factors, "kg_ndpr_oxide": share}


def _nameplate_reo(value: object, unit: str, per_oxide: float, re_content: float) -> float | None:
    """A facility's nameplate in t REO-equivalent per year (``None`` if not published)."""
    number = _number(value)
    if number is None:
        return None
    if unit == "t_magnet_per_yr":
        return number * re_content / per_oxide
    if unit == "t_metal_per_yr":
        return number / per_oxide
    return number  # t REO, t NdPr oxide and other oxide units count as REO


def _started(start: object, year: int) -> bool:
    text = str(start or "")
    return not text[:4].isdigit() or int(text[:4]) <= year


def stage_opex(ds: Dataset, base: Baseline) -> Array:
    """Operating cost of the stage making each material in each node: ``[K, N]`` USD/kg REO-eq.

    For each material (concentrate, oxide, metal, magnet; :data:`~reesim.model.dims.MATERIALS`)
    and node (``base.dims.nodes``): the nameplate-weighted mean of the costs of the node's
    facilities of that stage that have an operating cost and were operating in the base year
    (status ``operating``, started by :data:`~reesim.model.baseline.BASE_YEAR` or no start
    given). Nameplates count in t REO-equivalent per year; a facility without a published
    nameplate weighs as the mean of the others (1 if none has one). Where the table has rows for
    a whole country's stage (China's), their mean is the node's cost instead. 0 where nothing is
    known, which means the stage never idles.
    """
    dims = base.dims
    factors = opex_factors(ds, base)
    per_oxide = float(base.diagnostics["metal_per_oxide"])
    re_content = ds.parameter("magnet_re_content")
    facilities = ds["facilities"].set_index("facility_id")
    groups: dict[tuple[int, int], list[tuple[float, float | None]]] = defaultdict(list)
    for fid, cost in facility_costs(ds).items():
        row = facilities.loc[fid]
        opex = cost.opex_usd_per_kg_reo(node_factors(factors, base, dims.node(cost.iso3)))
        if opex is None or row["project_status"] != "operating" or not _started(row["start"], BASE_YEAR):
            continue
        weight = _nameplate_reo(row["nameplate"], str(row["nameplate_unit"]), per_oxide, re_content)
        key = (MATERIALS.index(str(cost.material)), dims.node(cost.iso3))
        groups[key].append((opex, weight))
    out = np.zeros((len(MATERIALS), dims.n_nodes))
    for (k, n), members in groups.items():
        known = [w for _, w in members if w is not None and w > 0]
        fill = sum(known) / len(known) if known else 1.0
        weights = np.array([w if w is not None and w > 0 else fill for _, w in members])
        out[k, n] = float(np.dot(weights, [v for v, _ in members]) / weights.sum())
    countries: dict[tuple[int, int], list[float]] = defaultdict(list)
    for cost in country_costs(ds).values():
        opex = cost.opex_usd_per_kg_reo(node_factors(factors, base, dims.node(cost.iso3)))
        if opex is not None:
            countries[(MATERIALS.index(str(cost.material)), dims.node(cost.iso3))].append(opex)
    for (k, n), values in countries.items():
        out[k, n] = sum(values) / len(values)
    return out


_FACTORS: dict[str, dict[str, Array]] = {}


def comparable_opex(ds: Dataset, material: str, factors: dict[str, Array]) -> float | None:
    """Mean sourced operating cost (USD/kg REO-equivalent, world mix) of the plants outside China
    that make ``material``: the assumption for a planned mine or separation plant whose own cost
    is not published (``None`` if no plant of that stage has one)."""
    values = [
        opex
        for cost in facility_costs(ds).values()
        if cost.material == material
        and cost.iso3 != "CHN"
        and (opex := cost.opex_usd_per_kg_reo(factors)) is not None
    ]
    return sum(values) / len(values) if values else None


def project_costs(ds: Dataset, facility_id: str) -> tuple[float | None, float | None]:
    """A facility's capex (USD) and operating cost (USD/kg REO-equivalent of its material).

    Capex ``None`` where the costs table gives none. The operating cost is the facility's own
    where published; for a mine or separation plant without one, the mean of the sourced costs of
    its stage outside China (:func:`comparable_opex`, an assumption: a comparable plant's cost);
    else ``None``. The conversion factors come from the calibrated base year of ``ds`` (cached
    per dataset version).
    """
    if ds.version not in _FACTORS:
        _FACTORS[ds.version] = opex_factors(ds, build_baseline(ds))
    factors = _FACTORS[ds.version]
    cost = facility_costs(ds).get(facility_id)
    capex = cost.capex_usd if cost is not None else None
    opex = cost.opex_usd_per_kg_reo(factors) if cost is not None else None
    if opex is None:
        stage = ds["facilities"].set_index("facility_id").loc[facility_id, "stage"]
        material = MATERIAL_OF_STAGE.get(str(stage))
        if material in ("concentrate", "oxide"):
            opex = comparable_opex(ds, material, factors)
    return capex, opex
