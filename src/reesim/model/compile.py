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
from reesim.model.dims import MAGNET, MATERIALS, Dims
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


@dataclass(frozen=True)
class Inputs:
    """Everything one batch of runs needs, as arrays. T months, K materials, N nodes, E elements."""

    base: Baseline
    months: tuple[str, ...]  # [T] YYYY-MM labels
    allow: Array  # [T, K, N_exporter, N_importer, E] share of requested shipments licensed
    defence_denied: NDArray[np.bool_]  # [T, K, N_exporter, N_importer]
    content_share: Array  # [T, K, N_importer, E] licensed share for goods over the content threshold
    content_threshold: Array  # [T, K, N_importer, E] China-origin share that triggers it (inf: none)
    origin_node: int  # index of the node whose material origin is tracked (China)
    demand_index: Array  # [T, K, N] multiplier on base final demand
    proj_node: NDArray[np.int64]  # [P]
    proj_material: NDArray[np.int64]  # [P]
    proj_capacity: Array  # [P] t/month at nameplate
    proj_start: Array  # [R or 1, P] month index at which output starts
    proj_ramp: Array  # [R or 1, P] months to nameplate
    proj_opex: Array  # [P] USD/kg REO-eq below which (x idle_price_ratio) the plant idles; 0: never
    proj_offtake: NDArray[np.bool_]  # [P] an offtake keeps the plant running whatever the price
    proj_mix: Array  # [P, E] output mix weighting the project's revenue price
    recycle_rate: Array  # [T, N] share of magnet rare earths used that return as oxide next month
    stock_target: Array  # [K, N, E] strategic stockpile targets, t
    stock_rate: Array  # [T, K, N, E] purchases per month, t
    stock_initial: Array  # [K, N, E]
    price_floor: Array  # [T, K, E] minimum outside-China price, USD/kg (0: none)
    quota: Array  # [T, K, N, E] most an exporter may ship abroad, t/month (inf: no quota)
    release_threshold: Array  # [N] shortfall share that releases a holder's stockpile (nan: parameter)
    params: dict[str, Array]  # name -> [R or 1] values


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


def _active(t: NDArray[np.int64], start: str, end: str | None, origin: str) -> NDArray[np.bool_]:
    """Months from ``start`` (inclusive) to ``end`` (exclusive; ``None``: the horizon)."""
    s = month_index(start, origin)
    e = month_index(end, origin) if end else int(t.size)
    if end and e < s:
        raise _bad("end", f"end {end} is before start {start}", "swap the dates")
    out: NDArray[np.bool_] = (t >= s) & (t < e)
    return out


def _labels(start: str, months: int) -> tuple[str, ...]:
    y, m = (int(p) for p in start.split("-")[:2])
    return tuple(f"{y + (m - 1 + i) // 12:04d}-{(m - 1 + i) % 12 + 1:02d}" for i in range(months))


def compile_scenario(scenario: Scenario, ds: Dataset, base: Baseline | None = None) -> Inputs:
    """Turn ``scenario`` into :class:`Inputs` on the dataset's calibrated base year."""
    base = base or build_baseline(ds)
    dims = base.dims
    if scenario.months < 1:
        raise _bad("months", "must be at least 1", "e.g. months=36")
    t_n, k_n, n_n, e_n = scenario.months, len(MATERIALS), dims.n_nodes, dims.n_elements
    month_index(scenario.start, scenario.start)  # validates the start date
    allow = np.ones((t_n, k_n, n_n, n_n, e_n))
    denied = np.zeros((t_n, k_n, n_n, n_n), dtype=bool)
    content_share = np.ones((t_n, k_n, n_n, e_n))
    content_threshold = np.full((t_n, k_n, n_n, e_n), np.inf)
    demand = np.ones((t_n, k_n, n_n))
    stock_target = np.zeros((k_n, n_n, e_n))
    stock_rate = np.zeros((t_n, k_n, n_n, e_n))
    stock_initial = np.zeros((k_n, n_n, e_n))
    floor = np.zeros((t_n, k_n, e_n))
    quota = np.full((t_n, k_n, n_n, e_n), np.inf)
    release_threshold = np.full(n_n, np.nan)
    projects: list[tuple[int, int, float, float, float]] = []
    economics: list[tuple[float, bool]] = []
    recycle = np.full((t_n, n_n), scenario.parameters.get("recycling_rate", ds.parameter("recycling_rate")))
    t = np.arange(t_n)

    for inst in scenario.instruments:
        if isinstance(inst, ExportControl):
            x = _one_node(ds, dims, inst.exporter, "exporter")
            ks = _materials(inst.materials, "materials")
            es = _elements(dims, inst.elements, "elements")
            # A magnet containing a controlled element is controlled as a whole.
            whole = bool(set(es) & set(np.flatnonzero(base.magnet_mix > 0).tolist()))
            dest = (
                resolve_places(ds, dims, inst.destinations, "destinations")
                if inst.destinations
                else [i for i in range(n_n) if i != x]
            )
            exempt = set(resolve_places(ds, dims, inst.exempt, "exempt"))
            dest = [i for i in dest if i not in exempt and i != x]
            active = _active(t, inst.start, inst.end, scenario.start)
            s = month_index(inst.start, scenario.start)
            share = np.where(t - s < inst.review_months, 0.0, inst.approval_share)
            for k in ks:
                ek = list(range(e_n)) if (k == MAGNET and whole) else es
                for i in dest:
                    if not inst.content_only:
                        for e in ek:
                            allow[active, k, x, i, e] *= share[active]
                    if inst.defence_denied:
                        denied[active, k, x, i] = True
                    if inst.content_threshold is not None:
                        for e in ek:
                            content_threshold[active, k, i, e] = np.minimum(
                                content_threshold[active, k, i, e], inst.content_threshold
                            )
                            content_share[active, k, i, e] *= share[active]
        elif isinstance(inst, CapacityProject):
            k = _materials((inst.material,), "material")[0]
            if min(inst.nameplate, inst.opex_usd_per_kg, inst.capex_usd, inst.ramp_months) < 0:
                raise _bad(
                    "capacity_project",
                    "negative nameplate, cost or ramp",
                    "give non-negative t REO-equivalent per year, USD and months",
                )
            start = month_index(inst.start, scenario.start) + inst.delay_months
            projects.append(
                (_one_node(ds, dims, inst.node, "node"), k, inst.nameplate / 12.0, start, inst.ramp_months)
            )
            economics.append((inst.opex_usd_per_kg, inst.offtake))
        elif isinstance(inst, Recycling):
            nodes = resolve_places(ds, dims, inst.nodes, "nodes") if inst.nodes else list(range(n_n))
            if not 0.0 <= inst.rate <= 1.0:
                raise _bad(
                    "rate", f"recycling rate {inst.rate} is not a share", "give a fraction between 0 and 1"
                )
            recycle[max(month_index(inst.start, scenario.start), 0) :, nodes] = inst.rate
        elif isinstance(inst, ExportQuota):
            x = _one_node(ds, dims, inst.exporter, "exporter")
            ks, es = _materials(inst.materials, "materials"), _elements(dims, inst.elements, "elements")
            if inst.tonnes_per_yr < 0:
                raise _bad("tonnes_per_yr", f"negative quota {inst.tonnes_per_yr}", "give t/yr >= 0")
            active = _active(t, inst.start, inst.end, scenario.start)
            exports = base.trade[:, :, x, :].sum(axis=1)[np.ix_(ks, es)]  # [K', E'] base-year t/yr
            weights = (
                exports / exports.sum() if exports.sum() > 0 else np.full(exports.shape, 1 / exports.size)
            )
            for a, k in enumerate(ks):
                for b, e in enumerate(es):
                    cap = inst.tonnes_per_yr / 12.0 * weights[a, b]
                    quota[active, k, x, e] = np.minimum(quota[active, k, x, e], cap)
        elif isinstance(inst, Tariff):
            x = _one_node(ds, dims, inst.exporter, "exporter")
            active = _active(t, inst.start, inst.end, scenario.start)
            if inst.rate < 0:
                raise _bad("rate", f"negative tariff {inst.rate}", "give a fraction, e.g. 0.25 for 25%")
            elasticity = scenario.parameters.get(
                "demand_price_elasticity", ds.parameter("demand_price_elasticity")
            )
            for i in resolve_places(ds, dims, inst.importers, "importers"):
                for k in _materials(inst.materials, "materials"):
                    demand[active, k, i] *= tariff_factor(base, k, i, x, inst.rate, elasticity)
        elif isinstance(inst, DemandChange):
            k = _materials((inst.material,), "material")[0]
            nodes = resolve_places(ds, dims, inst.nodes, "nodes") if inst.nodes else list(range(n_n))
            s = month_index(inst.start, scenario.start)
            demand[:, k, nodes] *= demand_change_factor(t, s, inst.growth_pct_per_yr, inst.shock, inst.share)[
                :, None
            ]
        elif isinstance(inst, Substitution):
            if not 0.0 <= inst.share <= 1.0:
                raise _bad("share", f"substitution share {inst.share} is not a share", "give 0 to 1")
            nodes = resolve_places(ds, dims, inst.nodes, "nodes") if inst.nodes else list(range(n_n))
            replaced = inst.share * sector_share(ds, inst.sector)
            s = month_index(inst.start, scenario.start)
            demand[:, MAGNET, nodes] *= substitution_factor(t, s, inst.lag_months, replaced)[:, None]
        elif isinstance(inst, Stockpile):
            k = _materials((inst.material,), "material")[0]
            n = _one_node(ds, dims, inst.holder, "holder")
            es = _elements(dims, inst.elements, "elements")
            use = base.feed[k, n] + base.final[k, n]
            mix = use[es] / use[es].sum() if use[es].sum() > 0 else np.full(len(es), 1 / len(es))
            s = max(month_index(inst.start, scenario.start), 0)
            stock_target[k, n, es] += inst.target * mix
            stock_rate[s:, k, n, es] += inst.purchase_per_yr / 12 * mix
            stock_initial[k, n, es] += inst.initial * mix
            if inst.release_shortfall is not None:
                release_threshold[n] = inst.release_shortfall
        elif isinstance(inst, PriceFloor):
            k = _materials((inst.material,), "material")[0]
            active = _active(t, inst.start, inst.end, scenario.start)
            for e in _elements(dims, inst.elements, "elements"):
                floor[active, k, e] = np.maximum(floor[active, k, e], inst.level)

    params = {
        name: np.array([scenario.parameters.get(name, ds.parameter(name))]) for name in KERNEL_PARAMETERS
    }
    proj = np.array(projects, dtype=float).reshape(-1, 5)
    return Inputs(
        base=base, months=_labels(scenario.start, t_n), allow=allow, defence_denied=denied,
        content_share=content_share, content_threshold=content_threshold, origin_node=dims.node("CHN"),
        demand_index=demand, proj_node=proj[:, 0].astype(np.int64), proj_material=proj[:, 1].astype(np.int64),
        proj_capacity=proj[:, 2], proj_start=proj[None, :, 3], proj_ramp=np.maximum(proj[None, :, 4], 1.0),
        proj_opex=np.array([e[0] for e in economics], dtype=float),
        proj_offtake=np.array([e[1] for e in economics], dtype=bool),
        proj_mix=_project_mix(base, proj[:, 1].astype(np.int64)), recycle_rate=recycle,
        stock_target=stock_target, stock_rate=stock_rate, stock_initial=stock_initial, price_floor=floor,
        quota=quota, release_threshold=release_threshold, params=params,
    )  # fmt: skip


def _project_mix(base: Baseline, materials: NDArray[np.int64]) -> Array:
    """Revenue weights of each project's output: the world base-year mix of its material."""
    world = base.production.sum(axis=1)  # [K, E]
    mix = world / np.maximum(world.sum(axis=1, keepdims=True), 1e-300)
    out: Array = mix[materials] if materials.size else np.zeros((0, base.dims.n_elements))
    return out
