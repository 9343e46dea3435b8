"""Compile a scenario and the dataset into the plain arrays the kernel runs on.

Each instrument is added by its kind's compile step (:mod:`reesim.instruments`), through a
:class:`~reesim.model.builder.Builder` that turns labels (countries, blocs, elements,
materials, dates) into integer indices. Everything the kernel reads is in :class:`Inputs`; arrays
with a leading run axis have length 1 (shared by all runs) or the number of runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reesim.dataset.model import Dataset
from reesim.model.baseline import Baseline, build_baseline, priced
from reesim.model.builder import Builder, bad, resolve_places
from reesim.model.controls import Controls, build
from reesim.model.costs import MATERIAL_OF_STAGE, stage_opex
from reesim.model.dims import MATERIALS, OXIDE, Dims
from reesim.model.lifetimes import LIFE_PARAMETERS, RATE_PARAMETERS, life_months, sector_shares
from reesim.model.limits import OutputCaps, Quotas, Stockpiles, output_caps, quotas, stockpiles
from reesim.model.perrun import Value, as_runs, first_run, table
from reesim.model.prices import unpriced_year
from reesim.model.scenario import Scenario, month_index
from reesim.model.sectors import Sectors, build_sectors, cover_parameters

__all__ = ["KERNEL_PARAMETERS", "SCENARIO_PARAMETERS", "Inputs", "compile_scenario", "resolve_places"]

Array = NDArray[np.float64]

#: Parameters the kernel reads, by name in ``parameters.csv``.
KERNEL_PARAMETERS = (
    "working_stock_months",
    "supplier_switch_months",
    "supplier_switch_max_share",
    "price_tightness_elasticity",
    "price_adjust_months",
    "demand_price_elasticity",
    "substitution_lag_months",
    "substitution_max_share",
    "stockpile_release_shortfall",
    "contracted_share",
    "idle_price_ratio",
    "restock_months",
    "stockpile_buy_max_shortfall",
    "material_switch_months",
    "output_headroom_share",
    "output_adjust_months",
    "idle_price_band",
    "price_cover_elasticity",
    "price_expectation_months",
    "price_cost_weight",
    "price_cover_min",
    "price_backstop_multiple",
    "precaution_risk",
    "precaution_trend",
    "precaution_months",
    "precaution_max",
    "precaution_min",
    "arbitrage_share",
    "project_build_months",
    "project_hurdle_ratio",
    "project_payback_months",
    "project_wait_months",
    "project_accelerate_ratio",
    "project_accelerate_months",
    "heavy_thrift_max_share",
    "substitution_full_multiple",
    "closure_idle_months",
    "quota_rent_rate",
    "quota_rent_months",
    "precaution_quota_fade_months",
)
#: Months a shipment takes: between nodes of one region, and between regions (index = class).
TRANSIT_PARAMETERS = ("transit_months_regional", "transit_months")
#: Parameters the compile step reads (besides the kernel's).
SCENARIO_PARAMETERS = (
    *KERNEL_PARAMETERS, *RATE_PARAMETERS, *LIFE_PARAMETERS, *TRANSIT_PARAMETERS, "outside_growth_share",
)  # fmt: skip


@dataclass(frozen=True)
class Inputs:
    """Everything one batch of runs needs, as arrays. T months, K materials, N nodes, E elements.

    Tables with a leading run axis have 1 row (the same in every run) or R rows (one per run, as
    Monte Carlo compiles a batch of draws at once); instruments whose terms may be drawn are kept
    as rules (:mod:`reesim.model.controls`, :mod:`reesim.model.limits`).
    """

    base: Baseline
    months: tuple[str, ...]  # [T] YYYY-MM labels
    controls: Controls  # export controls: licences, content rules, defence denials
    quotas: Quotas  # export quotas
    caps: OutputCaps  # ceilings on producers' output
    stockpiles: Stockpiles  # strategic stockpiles
    origin_node: int  # index of the node whose material origin is tracked (China)
    demand_index: Array  # [R or 1, T, K, N] multiplier on base final demand
    supply_growth: Array  # [R or 1, T, K, E] s(t): producers of material k add s x grow_by of base output
    grow_by: Array  # [K, N, E] what a growing producer adds per unit of s (0: does not grow)
    secondary_growth: Array  # [E] t/month China's unexplained secondary supply adds per unit of s
    use_index: Array  # [R or 1, T, K, N] each node's use over the base year's (working stocks)
    proj_node: NDArray[np.int64]  # [P]
    proj_names: tuple[str, ...]  # [P] the projects' ids
    proj_material: NDArray[np.int64]  # [P]
    proj_capacity: Array  # [R or 1, P] t/month at nameplate
    proj_start: Array  # [R or 1, P] month index at which output starts
    proj_ramp: Array  # [R or 1, P] months to nameplate
    proj_opex: Array  # [R or 1, P] USD/kg REO-eq below which (x idle_price_ratio) the plant idles; 0: never
    proj_offtake: NDArray[np.bool_]  # [P] an offtake keeps the plant running whatever the price
    proj_mix: Array  # [P, E] output mix weighting the project's revenue price
    proj_out: Array  # [P, E] element mix of the project's output and input (rows sum to 1)
    proj_capex: Array  # [R or 1, P] private capex USD (capex less public funding) its price must recover
    proj_committed: NDArray[np.bool_]  # [P] financed before the scenario starts (or under offtake)
    proj_floored: NDArray[np.bool_]  # [P] a price floor pays it the difference to the market price
    node_floored: NDArray[np.bool_]  # [K, N] a floor covers the country's existing output of material k
    stage_opex: Array  # [K, N] USD/kg operating cost of existing output outside China (0: never idles)
    recycle_rate: Array  # [R or 1, T, N] share of end-of-life magnet rare earths returned as oxide
    use_shares: Array  # [S] share of magnet use held by each sector with a product lifetime
    recycle_life: Array  # [R or 1, S] mean lifetime of each sector's magnets in use, months
    price_floor: Array  # [R or 1, T, K, E] minimum outside-China price, USD/kg (0: none)
    release_threshold: (
        Array  # [R or 1, N] shortfall share that releases a holder's stockpile (nan: parameter)
    )
    params: dict[str, Array]  # name -> [R or 1] values
    transit: Array  # [R or 1, classes] months a shipment takes on the routes of each class
    route_class: NDArray[np.int64]  # [X, I] transit class of each route (see route_classes)
    sectors: Sectors  # final-use sectors of magnets: demand shares and stock shares per node

    @property
    def market(self) -> NDArray[np.int64]:
        """[N] the market of each node: 0 for China (the origin node), 1 for every other (outside
        China)."""
        out = np.ones(self.base.dims.n_nodes, dtype=np.int64)
        out[self.origin_node] = 0
        return out

    @property
    def runs(self) -> int:
        """Number of runs the per-run tables describe (1 when every run is the same)."""
        tables = [self.demand_index, self.supply_growth, self.use_index, self.proj_capacity, self.proj_start,
                  self.proj_ramp, self.proj_opex,
                  self.recycle_rate, self.recycle_life, self.price_floor, self.release_threshold,
                  self.controls.review, self.controls.share, self.controls.threshold, self.quotas.tonnes,
                  self.caps.share,
                  self.stockpiles.target, self.stockpiles.purchase, self.stockpiles.initial,
                  self.stockpiles.floor, self.stockpiles.sale, self.stockpiles.r_tonnes, self.sectors.hold,
                  *self.params.values()]  # fmt: skip
        return int(max(a.shape[0] for a in tables))


def _labels(start: str, months: int) -> tuple[str, ...]:
    y, m = (int(p) for p in start.split("-")[:2])
    return tuple(f"{y + (m - 1 + i) // 12:04d}-{(m - 1 + i) % 12 + 1:02d}" for i in range(months))


def compile_scenario(scenario: Scenario, ds: Dataset, base: Baseline | None = None) -> Inputs:
    """Turn ``scenario`` into :class:`Inputs` on the dataset's calibrated base year.

    Any number of the scenario (an instrument's field or a parameter) may be an array of one value
    per run instead of a float: the result then describes that many runs (Monte Carlo batches).
    Each instrument is added by the compile step its kind registers (:mod:`reesim.instruments`).
    With a ``price_year`` the baseline's reference prices are that year's (:func:`priced`): the
    inputs' ``base`` carries them, so every price the kernels read starts from and returns to them.
    """
    unpriced = None if scenario.price_year is None else unpriced_year(ds, scenario.price_year)
    if unpriced:
        raise bad("price_year", *unpriced)
    base = priced(base or build_baseline(ds), ds, scenario.price_year)
    dims = base.dims
    if scenario.months < 1:
        raise bad("months", "must be at least 1", "e.g. months=36")
    t_n, k_n, n_n, e_n = scenario.months, len(MATERIALS), dims.n_nodes, dims.n_elements
    month_index(scenario.start, scenario.start)  # validates the start date
    parameter = {name: scenario.parameters.get(name, ds.parameter(name))
                 for name in (*SCENARIO_PARAMETERS, *cover_parameters(ds))}  # fmt: skip
    from reesim.instruments.registry import compile_steps  # loads the scenario language (pydantic)

    b = Builder.start(scenario, ds, base, parameter)
    steps = compile_steps()
    for inst in scenario.instruments:
        step = steps.get(type(inst))
        if step is None:
            raise TypeError(f"{type(inst).__name__} is not the engine instrument of a registered kind")
        step(b, inst)

    projects = b.projects
    p_n = len(projects)
    proj_material = np.array([p[1] for p in projects], dtype=np.int64)
    proj_out = np.array([p[10] for p in projects], dtype=float).reshape(p_n, e_n)
    floored, node_floored = _floor_cover(b, dims.node("CHN"))
    return Inputs(
        base=base, months=_labels(scenario.start, t_n), controls=build(b.controls, k_n, n_n, e_n),
        quotas=quotas(b.quota_rules, k_n, e_n, base.prices), caps=output_caps(b.cap_rules, k_n, e_n),
        stockpiles=stockpiles(b.stock_rules, n_n, e_n),
        origin_node=dims.node("CHN"), demand_index=b.demand, supply_growth=b.grown.supply,
        grow_by=b.grown.grow_by, secondary_growth=b.grown.secondary, use_index=b.grown.use_index,
        proj_node=np.array([p[0] for p in projects], dtype=np.int64), proj_material=proj_material,
        proj_names=tuple(p[9][0] if p[9] else f"project{i}" for i, p in enumerate(projects)),
        proj_capacity=table([p[2] for p in projects], p_n), proj_start=table([p[3] for p in projects], p_n),
        proj_ramp=table([p[4] for p in projects], p_n), proj_opex=table([p[5] for p in projects], p_n),
        proj_offtake=np.array([p[6] for p in projects], dtype=bool),
        proj_mix=_project_mix(base, proj_material, proj_out), proj_out=proj_out,
        proj_capex=table([p[7] for p in projects], p_n),
        proj_committed=np.array([p[8] or p[6] for p in projects], dtype=bool),
        proj_floored=floored, node_floored=node_floored, stage_opex=stage_opex(ds, base),
        recycle_rate=_recycle_rate(b), use_shares=sector_shares(ds),
        recycle_life=life_months([parameter[name] for name in LIFE_PARAMETERS]), price_floor=b.floor,
        release_threshold=b.release_threshold,
        params={name: as_runs(parameter[name]) for name in KERNEL_PARAMETERS},
        transit=_transit([parameter[name] for name in TRANSIT_PARAMETERS]),
        route_class=route_classes(ds, dims), sectors=build_sectors(ds, base, parameter),
    )  # fmt: skip


def _recycle_rate(b: Builder) -> Array:
    """[R or 1, T, N] share of end-of-life magnet rare earths returned as oxide: collection x
    recovery; InputError naming the parameter when either is not a share."""
    for name, rate in (("eol_collection_rate", b.collect), ("eol_recovery_rate", b.recover)):
        if not np.isfinite(rate).all() or (rate < 0).any() or (rate > 1).any():
            raise bad(name, "an end-of-life rate is not a share", "give a fraction between 0 and 1")
    return np.ascontiguousarray(b.collect * b.recover)


def _transit(lags: list[Value]) -> Array:
    """[R or 1, classes] shipment lags in months; InputError if one is negative or not finite."""
    for name, lag in zip(TRANSIT_PARAMETERS, lags, strict=True):
        values = as_runs(lag)
        if not np.isfinite(values).all() or (values < 0).any():
            raise bad(name, f"shipment lag {first_run(lag)} is not a duration",
                       "give months >= 0 (0: shipments arrive the month they leave)")  # fmt: skip
    return table(lags, len(lags))


def route_classes(ds: Dataset, dims: Dims) -> NDArray[np.int64]:
    """[X, I] transit class of each route: 0 between nodes of one UN M49 region, 1 otherwise (a
    node without a region, such as the rest of the world, is in none)."""
    c = ds.countries
    region = dict(zip(c["iso3"].astype(str), c["region"].fillna("").astype(str), strict=True))
    regions = [region.get(node, "") for node in dims.nodes]
    n_n = dims.n_nodes
    out = np.ones((n_n, n_n), dtype=np.int64)
    for x in range(n_n):
        for i in range(n_n):
            if regions[x] and regions[x] == regions[i]:
                out[x, i] = 0
    return out


def _floor_cover(b: Builder, origin: int) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """([P], [K, N]) the projects and the countries' existing output that price floors cover: a
    floor's producers are project ids or facility ids (an operating facility that is no project
    covers its country's output of its stage); a floor naming none covers all outside China."""
    k_n, n_n = len(MATERIALS), b.n_n
    floored = np.zeros(len(b.projects), dtype=bool)
    node_floored = np.zeros((k_n, n_n), dtype=bool)
    facilities = b.ds["facilities"].set_index("facility_id")
    for k, names in b.floor_producers:
        if not names:
            floored |= np.array([p[1] == k and p[0] != origin for p in b.projects], dtype=bool)
            node_floored[k] = True
            node_floored[k, origin] = False
            continue
        for name in names:
            hit = np.array([name in p[9] for p in b.projects], dtype=bool)
            floored |= hit
            if hit.any() or name not in facilities.index:
                if not hit.any():
                    hint = "name a capacity_project id of the scenario or a facility id of the dataset"
                    raise bad("producers", f"no project or facility {name!r}", hint)
                continue
            row = facilities.loc[name]
            material = MATERIAL_OF_STAGE.get(str(row["stage"]))
            if material is None or MATERIALS.index(material) != k:
                raise bad("producers", f"facility {name!r} does not make the floor's material",
                          "name a facility of the floored stage")  # fmt: skip
            node_floored[k, b.dims.node(str(row["iso3"]))] = True
    return floored, node_floored


def _project_mix(base: Baseline, materials: NDArray[np.int64], made: Array) -> Array:
    """Revenue weights of each project's output: for a separation plant its output mix ``made``
    [P, E] (a heavy circuit sells heavy oxides), else the world base-year mix of its material."""
    world = base.production.sum(axis=1)  # [K, E]
    mix = world / np.maximum(world.sum(axis=1, keepdims=True), 1e-300)
    out: Array = mix[materials] if materials.size else np.zeros((0, base.dims.n_elements))
    return np.where((materials == OXIDE)[:, None], made, out)
