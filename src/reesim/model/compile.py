"""Compile a scenario and the dataset into the plain arrays the kernel runs on.

This is the one place where labels (countries, blocs, elements, materials, dates) become integer
indices. Everything the kernel reads is in :class:`Inputs`; arrays with a leading run axis have
length 1 (shared by all runs) or the number of runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reesim.dataset.model import Dataset
from reesim.errors import InputError, Problem
from reesim.model.baseline import Baseline, build_baseline
from reesim.model.compile_demand import (
    demand_change_factor,
    sector_share,
    substitution_factor,
    tariff_factor,
)
from reesim.model.controls import Controls, Rule, build
from reesim.model.dims import MAGNET, MATERIALS, Dims
from reesim.model.limits import Quotas, Stockpiles, quotas, stockpiles
from reesim.model.perrun import (
    Value,
    any_below,
    any_outside,
    as_runs,
    clip_low,
    first_run,
    grow,
    table,
)
from reesim.model.scenario import (
    CapacityProject,
    DemandChange,
    ExportControl,
    ExportQuota,
    PriceFloor,
    Recycling,
    Scenario,
    Stockpile,
    Substitution,
    Tariff,
    month_index,
)

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
)
#: Months a shipment takes: between nodes of one region, and between regions (index = class).
TRANSIT_PARAMETERS = ("transit_months_regional", "transit_months")
#: Parameters the compile step reads (besides the kernel's).
SCENARIO_PARAMETERS = (*KERNEL_PARAMETERS, "recycling_rate", *TRANSIT_PARAMETERS)


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
    stockpiles: Stockpiles  # strategic stockpiles
    origin_node: int  # index of the node whose material origin is tracked (China)
    demand_index: Array  # [R or 1, T, K, N] multiplier on base final demand
    proj_node: NDArray[np.int64]  # [P]
    proj_material: NDArray[np.int64]  # [P]
    proj_capacity: Array  # [R or 1, P] t/month at nameplate
    proj_start: Array  # [R or 1, P] month index at which output starts
    proj_ramp: Array  # [R or 1, P] months to nameplate
    proj_opex: Array  # [R or 1, P] USD/kg REO-eq below which (x idle_price_ratio) the plant idles; 0: never
    proj_offtake: NDArray[np.bool_]  # [P] an offtake keeps the plant running whatever the price
    proj_mix: Array  # [P, E] output mix weighting the project's revenue price
    recycle_rate: Array  # [R or 1, T, N] share of magnet rare earths used that return as oxide next month
    price_floor: Array  # [R or 1, T, K, E] minimum outside-China price, USD/kg (0: none)
    release_threshold: (
        Array  # [R or 1, N] shortfall share that releases a holder's stockpile (nan: parameter)
    )
    params: dict[str, Array]  # name -> [R or 1] values
    transit: Array  # [R or 1, classes] months a shipment takes on the routes of each class
    route_class: NDArray[np.int64]  # [X, I] transit class of each route (see route_classes)

    @property
    def runs(self) -> int:
        """Number of runs the per-run tables describe (1 when every run is the same)."""
        tables = [self.demand_index, self.proj_capacity, self.proj_start, self.proj_ramp, self.proj_opex,
                  self.recycle_rate, self.price_floor, self.release_threshold, self.controls.review,
                  self.controls.share, self.controls.threshold, self.quotas.tonnes, self.stockpiles.target,
                  self.stockpiles.purchase, self.stockpiles.initial, *self.params.values()]  # fmt: skip
        return int(max(a.shape[0] for a in tables))


def _bad(field: str, message: str, hint: str) -> InputError:
    """The error for one bad scenario field."""
    return InputError([Problem("scenario", None, field, message, hint)])


def resolve_places(ds: Dataset, dims: Dims, names: tuple[str, ...], field: str) -> list[int]:
    """Node indices for countries, nodes or bloc ids; raises InputError naming unknown ones."""
    blocs = ds.blocs
    out: set[int] = set()
    for name in names:
        members = blocs.loc[blocs["bloc"] == name, "iso3"]
        codes = [str(m) for m in members] if not members.empty else [name]
        for code in codes:
            try:
                out.add(dims.node(code))
            except KeyError:
                known = sorted(set(dims.nodes) | set(blocs["bloc"]))
                from reesim.dataset.parse import did_you_mean

                raise _bad(field, f"unknown country or bloc {code!r}", did_you_mean(code, known)) from None
    return sorted(out)


def _one_node(ds: Dataset, dims: Dims, name: str, field: str) -> int:
    """The node of one country or node (not a bloc); InputError naming the field otherwise."""
    nodes = resolve_places(ds, dims, (name,), field)
    if len(nodes) != 1:
        raise _bad(field, f"{name!r} names {len(nodes)} nodes, not one", "give a single country or node")
    return nodes[0]


def _materials(names: tuple[str, ...], field: str) -> list[int]:
    out = []
    for name in names:
        if name not in MATERIALS:
            raise _bad(field, f"unknown material {name!r}", f"use one of {', '.join(MATERIALS)}")
        out.append(MATERIALS.index(name))
    return out


def _elements(dims: Dims, names: tuple[str, ...], field: str) -> list[int]:
    if not names:
        return list(range(dims.n_elements))
    out = []
    for name in names:
        try:
            out.append(dims.element(name))
        except KeyError:
            from reesim.dataset.parse import did_you_mean

            raise _bad(field, f"unknown element {name!r}", did_you_mean(name, dims.elements)) from None
    return out


def _labels(start: str, months: int) -> tuple[str, ...]:
    y, m = (int(p) for p in start.split("-")[:2])
    return tuple(f"{y + (m - 1 + i) // 12:04d}-{(m - 1 + i) % 12 + 1:02d}" for i in range(months))


def compile_scenario(scenario: Scenario, ds: Dataset, base: Baseline | None = None) -> Inputs:
    """Turn ``scenario`` into :class:`Inputs` on the dataset's calibrated base year.

    Any number of the scenario (an instrument's field or a parameter) may be an array of one value
    per run instead of a float: the result then describes that many runs (Monte Carlo batches).
    """
    base = base or build_baseline(ds)
    dims = base.dims
    if scenario.months < 1:
        raise _bad("months", "must be at least 1", "e.g. months=36")
    t_n, k_n, n_n, e_n = scenario.months, len(MATERIALS), dims.n_nodes, dims.n_elements
    month_index(scenario.start, scenario.start)  # validates the start date
    parameter = {name: scenario.parameters.get(name, ds.parameter(name)) for name in SCENARIO_PARAMETERS}
    demand: Array = np.ones((1, t_n, k_n, n_n))
    floor: Array = np.zeros((1, t_n, k_n, e_n))
    release_threshold: Array = np.full((1, n_n), np.nan)
    controls: list[Rule] = []
    quota_rules: list[tuple[int, int, int, NDArray[np.bool_], Array, Value]] = []
    stock_rules: list[tuple[int, int, int, Array, Value, Value, Value]] = []
    projects: list[tuple[int, int, Value, Value, Value, Value, bool]] = []
    recycle: Array = as_runs(parameter["recycling_rate"])[:, None, None] * np.ones((1, t_n, n_n))
    t = np.arange(t_n)
    magnet_elements = set(np.flatnonzero(base.magnet_mix > 0).tolist())

    for inst in scenario.instruments:
        if isinstance(inst, ExportControl):
            x = _one_node(ds, dims, inst.exporter, "exporter")
            es = _elements(dims, inst.elements, "elements")
            # A magnet containing a controlled element is controlled as a whole.
            whole = bool(set(es) & magnet_elements)
            dest = (
                resolve_places(ds, dims, inst.destinations, "destinations")
                if inst.destinations
                else [i for i in range(n_n) if i != x]
            )
            exempt = set(resolve_places(ds, dims, inst.exempt, "exempt"))
            begin, stop = _window(t_n, inst.start, inst.end, scenario.start)
            controls.append(Rule(
                exporter=x,
                cells=[(k, list(range(e_n)) if (k == MAGNET and whole) else es)
                       for k in _materials(inst.materials, "materials")],
                destinations=[i for i in dest if i not in exempt and i != x], start=begin, end=stop,
                review=inst.review_months, share=inst.approval_share, denies_defence=inst.defence_denied,
                threshold=inst.content_threshold, content_only=inst.content_only,
            ))  # fmt: skip
        elif isinstance(inst, CapacityProject):
            k = _materials((inst.material,), "material")[0]
            values = (inst.nameplate, inst.opex_usd_per_kg, inst.capex_usd, inst.ramp_months)
            if any(any_below(v, 0.0) for v in values):
                raise _bad(
                    "capacity_project",
                    "negative nameplate, cost or ramp",
                    "give non-negative t REO-equivalent per year, USD and months",
                )
            start = month_index(inst.start, scenario.start) + inst.delay_months
            node = _one_node(ds, dims, inst.node, "node")
            projects.append((node, k, inst.nameplate / 12.0, start, clip_low(inst.ramp_months, 1.0),
                             inst.opex_usd_per_kg, inst.offtake))  # fmt: skip
        elif isinstance(inst, Recycling):
            nodes = resolve_places(ds, dims, inst.nodes, "nodes") if inst.nodes else list(range(n_n))
            if any_outside(inst.rate, 0.0, 1.0):
                raise _bad(
                    "rate", f"recycling rate {first_run(inst.rate)} is not a share",
                    "give a fraction between 0 and 1",
                )  # fmt: skip
            rate = as_runs(inst.rate)
            recycle = grow(recycle, max(recycle.shape[0], rate.size))
            s = max(month_index(inst.start, scenario.start), 0)
            recycle[:, s:, nodes] = rate[:, None, None]
        elif isinstance(inst, ExportQuota):
            x = _one_node(ds, dims, inst.exporter, "exporter")
            ks, es = _materials(inst.materials, "materials"), _elements(dims, inst.elements, "elements")
            if any_below(inst.tonnes_per_yr, 0.0):
                raise _bad(
                    "tonnes_per_yr", f"negative quota {first_run(inst.tonnes_per_yr)}", "give t/yr >= 0"
                )
            first_m, last_m = _window(t_n, inst.start, inst.end, scenario.start)
            exports = base.trade[:, :, x, :].sum(axis=1)[np.ix_(ks, es)]  # [K', E'] base-year t/yr
            weights = (
                exports / exports.sum() if exports.sum() > 0 else np.full(exports.shape, 1 / exports.size)
            )
            covers = np.zeros((k_n, e_n), dtype=bool)
            weight = np.zeros((k_n, e_n))
            covers[np.ix_(ks, es)] = True
            weight[np.ix_(ks, es)] = weights
            quota_rules.append((x, first_m, last_m, covers, weight, inst.tonnes_per_yr))
        elif isinstance(inst, Tariff):
            x = _one_node(ds, dims, inst.exporter, "exporter")
            span = _months(t_n, _window(t_n, inst.start, inst.end, scenario.start))
            if any_below(inst.rate, 0.0):
                raise _bad(
                    "rate", f"negative tariff {first_run(inst.rate)}", "give a fraction, e.g. 0.25 for 25%"
                )
            elasticity = parameter["demand_price_elasticity"]
            for i in resolve_places(ds, dims, inst.importers, "importers"):
                for k in _materials(inst.materials, "materials"):
                    factor = as_runs(tariff_factor(base, k, i, x, inst.rate, elasticity))
                    demand = grow(demand, max(demand.shape[0], factor.size))
                    demand[:, span, k, i] *= factor[:, None]
        elif isinstance(inst, DemandChange):
            k = _materials((inst.material,), "material")[0]
            nodes = resolve_places(ds, dims, inst.nodes, "nodes") if inst.nodes else list(range(n_n))
            s = month_index(inst.start, scenario.start)
            factor = np.atleast_2d(demand_change_factor(t, s, inst.growth_pct_per_yr, inst.shock, inst.share))
            demand = grow(demand, max(demand.shape[0], factor.shape[0]))
            demand[:, :, k, nodes] *= factor[:, :, None]
        elif isinstance(inst, Substitution):
            if any_outside(inst.share, 0.0, 1.0):
                raise _bad(
                    "share", f"substitution share {first_run(inst.share)} is not a share", "give 0 to 1"
                )
            nodes = resolve_places(ds, dims, inst.nodes, "nodes") if inst.nodes else list(range(n_n))
            replaced = inst.share * sector_share(ds, inst.sector)
            s = month_index(inst.start, scenario.start)
            factor = np.atleast_2d(substitution_factor(t, s, inst.lag_months, replaced))
            demand = grow(demand, max(demand.shape[0], factor.shape[0]))
            demand[:, :, MAGNET, nodes] *= factor[:, :, None]
        elif isinstance(inst, Stockpile):
            k = _materials((inst.material,), "material")[0]
            n = _one_node(ds, dims, inst.holder, "holder")
            es = _elements(dims, inst.elements, "elements")
            use = base.feed[k, n] + base.final[k, n]
            mix = np.zeros(e_n)
            mix[es] = use[es] / use[es].sum() if use[es].sum() > 0 else np.full(len(es), 1 / len(es))
            s = max(month_index(inst.start, scenario.start), 0)
            stock_rules.append((n, k, s, mix, inst.target, inst.purchase_per_yr, inst.initial))
            if inst.release_shortfall is not None:
                level = as_runs(inst.release_shortfall)
                release_threshold = grow(release_threshold, max(release_threshold.shape[0], level.size))
                release_threshold[:, n] = level
        elif isinstance(inst, PriceFloor):
            k = _materials((inst.material,), "material")[0]
            span = _months(t_n, _window(t_n, inst.start, inst.end, scenario.start))
            level = as_runs(inst.level)
            floor = grow(floor, max(floor.shape[0], level.size))
            for e in _elements(dims, inst.elements, "elements"):
                floor[:, span, k, e] = np.maximum(floor[:, span, k, e], level[:, None])

    p_n = len(projects)
    proj_material = np.array([p[1] for p in projects], dtype=np.int64)
    return Inputs(
        base=base, months=_labels(scenario.start, t_n), controls=build(controls, k_n, n_n, e_n),
        quotas=quotas(quota_rules, k_n, e_n), stockpiles=stockpiles(stock_rules, e_n),
        origin_node=dims.node("CHN"), demand_index=demand,
        proj_node=np.array([p[0] for p in projects], dtype=np.int64), proj_material=proj_material,
        proj_capacity=table([p[2] for p in projects], p_n), proj_start=table([p[3] for p in projects], p_n),
        proj_ramp=table([p[4] for p in projects], p_n), proj_opex=table([p[5] for p in projects], p_n),
        proj_offtake=np.array([p[6] for p in projects], dtype=bool),
        proj_mix=_project_mix(base, proj_material), recycle_rate=recycle, price_floor=floor,
        release_threshold=release_threshold,
        params={name: as_runs(parameter[name]) for name in KERNEL_PARAMETERS},
        transit=_transit([parameter[name] for name in TRANSIT_PARAMETERS]),
        route_class=route_classes(ds, dims),
    )  # fmt: skip


def _transit(lags: list[Value]) -> Array:
    """[R or 1, classes] shipment lags in months; InputError if one is negative or not finite."""
    for name, lag in zip(TRANSIT_PARAMETERS, lags, strict=True):
        values = as_runs(lag)
        if not np.isfinite(values).all() or (values < 0).any():
            raise _bad(name, f"shipment lag {first_run(lag)} is not a duration",
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


def _window(t_n: int, start: str, end: str | None, origin: str) -> tuple[int, int]:
    """Month indices from ``start`` (inclusive) to ``end`` (exclusive; ``None``: the horizon).

    Not clipped: a control that started before the run counts its review from its own start.
    """
    s = month_index(start, origin)
    e = month_index(end, origin) if end else t_n
    if end and e < s:
        raise _bad("end", f"end {end} is before start {start}", "swap the dates")
    return s, e


def _months(t_n: int, window: tuple[int, int]) -> slice:
    """The slice of the horizon's months inside ``window``."""
    return slice(min(max(window[0], 0), t_n), min(max(window[1], 0), t_n))


def _project_mix(base: Baseline, materials: NDArray[np.int64]) -> Array:
    """Revenue weights of each project's output: the world base-year mix of its material."""
    world = base.production.sum(axis=1)  # [K, E]
    mix = world / np.maximum(world.sum(axis=1, keepdims=True), 1e-300)
    out: Array = mix[materials] if materials.size else np.zeros((0, base.dims.n_elements))
    return out
