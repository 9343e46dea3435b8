"""The named bundles of arrays the fast kernel runs on, and where they are built.

The compiled kernel (:mod:`reesim.kernel.fast_kernel`) takes a handful of named tuples instead
of a long list of arrays, and its steps read fields by name (``s.mixes``, ``par.restock_months``).
Named tuples of arrays compile in Numba as they run in Python, so the same code runs with the
JIT turned off. Three kinds of bundle:

- built once per call from :class:`~reesim.model.compile.Inputs` (this module): the chain's
  fixed :class:`Structure`, the scenario's :class:`ControlTerms`, :class:`Limits`,
  :class:`Projects` and :class:`Paths`, the per-run :class:`Params`, and where results go
  (:class:`Full` or :class:`Series`);
- built per group of lanes inside the kernel (:mod:`reesim.kernel.fast_state`): the state
  carried from month to month, this month's terms, and scratch.

Per-run tables have a leading run axis of 1 (shared) or R rows; quantities are t REO-eq per
month, prices USD/kg, durations months.
"""

from __future__ import annotations

from typing import Any, NamedTuple, TypeVar

import numpy as np
from numpy.typing import NDArray

from reesim.kernel.active import active_rows, row_lists
from reesim.kernel.shared import EPS, base_output, feed_mixes
from reesim.kernel.state import Array, Compact, Outputs
from reesim.model.baseline import thriftable_elements
from reesim.model.compile import KERNEL_PARAMETERS, Inputs
from reesim.model.dims import MAGNET, MATERIALS
from reesim.model.lifetimes import LIFE_ORDER

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
B = TypeVar("B", bound=tuple[Any, ...])


class Structure(NamedTuple):
    """The chain's fixed structure: base-year flows, trade partners, rows that can hold anything."""

    mine: Array  # [N] base mine output, t/month
    mine_profile: Array  # [N, E] element shares of mine output (new mines: the world's mix)
    base_in: Array  # [K, N] base input of the stage fed by material k
    mixes: Array  # [K, N, E] unit input mix of the stage fed by material k
    yields: Array  # [K] output per input of the stage making material k
    final: Array  # [K, N, E] base final use
    base_use: Array  # [K, N, E] base final use plus next stage's input (working-stock basis)
    p0: Array  # [K, E] base prices
    defence_share: Array  # [N] defence share of final magnet use
    secondary: Array  # [E] secondary oxide supply in China
    swarf: Array  # [N, E] its part from magnet makers' scrap, which moves with their output
    magnets0: Array  # [N] base-year magnet output, t/month
    market: Ints  # [N] 0 China, 1 outside
    origin: int  # the node whose material origin is tracked (China)
    partners: Ints  # [K, I, E, W] exporters with a base share (-1: none)
    p_share: Array  # [K, I, E, W] base share of each partner slot
    p_allow: Ints  # [K, I, E, W] allow pattern of each partner slot
    p_denied: Ints  # [K, I, E, W] defence-denial pattern of each partner slot
    allow_pattern: Ints  # [K, X, I, E] allow pattern of every route (re-routing)
    content_pattern: Ints  # [K, I, E] content-rule pattern
    act_e: Ints  # [K, N, E] elements listed for each (material, node) (see reesim.kernel.active)
    n_act: Ints  # [K, N] how many are listed
    needs: Bools  # [K, 2, E] some node of the market has base final use
    tracked: Bools  # [K, E] China-origin share read by a content rule, here or later in the chain
    piled: Bools  # [K, N, E] rows a strategic stockpile holds
    allies: Ints  # [K, N, A] nodes each (material, holder)'s stock also releases to (-1: no more)
    defended: Bools  # [K, N] stocks that are defence holdings
    capped: Bools  # [K, N, E] rows an export quota covers
    trade0: Array  # [K, I, X, E] base-year shipments (goods in transit at the start)
    route_class: Ints  # [X, I] transit class of each route (index into Paths.transit)
    one_class: Ints  # [K, I, E] the class all of a row's base partners' routes share (-1: several)
    lagged: bool  # some route takes time in some run (else shipments arrive the month they leave)
    slots: int  # months of arrivals the transit ring holds
    places_of: Ints  # [N, M] the places (rows of the series' members) each node belongs to
    n_places: Ints  # [N] how many
    base_out: Array  # [K, N, E] base-year output of material k (see reesim.kernel.shared.base_output)
    out_mix: Array  # [K, N, E] element shares of that output (0 where a node makes none)
    stage_opex: Array  # [K, N] USD/kg operating cost of existing output outside China (0: never idles)
    node_floored: Bools  # [K, N] a price floor covers the node's existing output of material k
    use_share: Array  # [S] share of magnet use held by each sector with a product lifetime
    life_order: int  # stages of each sector's chain of products in use
    heavy: Bools  # [E] elements a heavy separation circuit separates (the others: a light circuit)
    thrift: Bools  # [K, E] rows whose substitution ceiling is heavy_thrift_max_share (see thriftable)
    sector_share: Array  # [N, J] each final-use sector's share of the node's magnet demand


class ControlTerms(NamedTuple):
    """Export controls as rules (see :mod:`reesim.model.controls`). C controls."""

    start: Ints  # [C] month index, inclusive
    end: Ints  # [C] month index, exclusive
    review: Array  # [R, C] months with nothing licensed from the start
    share: Array  # [R, C] licensed share after review
    threshold: Array  # [R, C] China-content threshold (inf: none)
    allow_members: Array  # [P, C] share of each allow pattern's flow each control covers
    content_members: Array  # [Q, C] share of each content pattern's flow each control covers
    denied_members: Bools  # [D, C] controls in each defence-denial pattern


class Limits(NamedTuple):
    """Export quotas, output caps and strategic stockpiles (see :mod:`reesim.model.limits`)."""

    q_node: Ints  # [Q] exporter
    q_start: Ints  # [Q]
    q_end: Ints  # [Q]
    q_covers: Bools  # [Q, K, E]
    q_weight: Array  # [Q, K, E]
    q_tonnes: Array  # [R, Q] t/yr
    q_asked: Bools  # [Q] shared by last month's asks (else by q_weight)
    o_node: Ints  # [C] producer an output cap holds
    o_start: Ints  # [C]
    o_end: Ints  # [C]
    o_covers: Bools  # [C, K, E]
    o_share: Array  # [R, C] most output as a share of the base year's
    q_basket: Array  # [Q] USD/kg scale of the quota's licence rent
    q_follows: Ints  # [Q] quota it continues (-1: none)
    q_china: Bools  # [Q] the exporter is China (its rent lifts prices outside over China's)
    s_node: Ints  # [S] holder
    s_material: Ints  # [S]
    s_start: Ints  # [S]
    s_mix: Array  # [S, E]
    s_target: Array  # [R, S] t
    s_purchase: Array  # [R, S] t/yr
    s_initial: Array  # [R, S] t
    s_floor: Array  # [R, S] t kept for the holder: releases to allies stop there
    s_sale: Array  # [R, S] USD/kg below which shortage releases wait (0: none)
    r_pile: Ints  # [Q] stockpile of each scheduled release
    r_month: Ints  # [Q] month index
    r_tonnes: Array  # [R, Q] t


class Projects(NamedTuple):
    """Capacity projects. P projects."""

    node: Ints  # [P]
    material: Ints  # [P]
    capacity: Array  # [R, P] t/month at nameplate
    start: Array  # [R, P] month output starts
    ramp: Array  # [R, P] months to nameplate
    opex: Array  # [R, P] USD/kg below which (x idle_price_ratio) it idles
    offtake: Bools  # [P] runs whatever the price
    mix: Array  # [P, E] revenue weights of its output
    out: Array  # [P, E] element mix of its output (and of a converter's input)
    capex: Array  # [R, P] private capex, USD (capex less public funding), recovered in its unit cost
    committed: Bools  # [P] financed before the scenario starts
    floored: Bools  # [P] a price floor pays it the difference to the market price


class Paths(NamedTuple):
    """Month-by-month tables of the scenario (leading axis: 1 row shared, or R)."""

    demand_index: Array  # [R or 1, T, K, N]
    supply_growth: Array  # [R or 1, T, K, E] s(t): producers of material k add s x grow_by
    grow_by: Array  # [K, N, E] what a producer adds per unit of s (0: does not grow)
    secondary_growth: Array  # [E] t/month China's unexplained secondary supply adds per unit of s
    use_index: Array  # [R or 1, T, K, N] each node's use over the base year's (working stocks)
    recycle_rate: Array  # [R or 1, T, N] share of end-of-life magnet rare earths returned as oxide
    recycle_life: Array  # [R, S] mean lifetime of each sector's magnets in use, months
    price_floor: Array  # [R or 1, T, K, E]
    release_threshold: Array  # [R, N] shortfall share releasing a holder's stockpile (nan: parameter)
    transit: Array  # [R, classes] months a shipment takes on the routes of each class
    sector_hold: Array  # [R, N, J] each sector's share of the node's magnet working stock target


class Params(NamedTuple):
    """The kernel's parameters by name (``parameters.csv``): [R] per run, or [lanes] in a group."""

    working_stock_months: Array
    supplier_switch_months: Array
    supplier_switch_max_share: Array
    price_tightness_elasticity: Array
    price_adjust_months: Array
    demand_price_elasticity: Array
    substitution_lag_months: Array
    substitution_max_share: Array
    stockpile_release_shortfall: Array
    contracted_share: Array
    idle_price_ratio: Array
    restock_months: Array
    stockpile_buy_max_shortfall: Array
    material_switch_months: Array
    output_headroom_share: Array
    output_adjust_months: Array
    idle_price_band: Array
    price_cover_elasticity: Array
    price_expectation_months: Array
    price_cost_weight: Array
    price_cover_min: Array
    price_backstop_multiple: Array
    precaution_risk: Array
    precaution_trend: Array
    precaution_months: Array
    precaution_max: Array
    precaution_min: Array
    arbitrage_share: Array
    project_build_months: Array
    project_hurdle_ratio: Array
    project_payback_months: Array
    project_wait_months: Array
    project_accelerate_ratio: Array
    project_accelerate_months: Array
    heavy_thrift_max_share: Array
    substitution_full_multiple: Array
    closure_idle_months: Array
    quota_rent_rate: Array
    quota_rent_months: Array
    precaution_quota_fade_months: Array


class Full(NamedTuple):
    """Every output, [run, month, material, node, element] (see :class:`Outputs`)."""

    production: Array
    imports: Array
    exports: Array
    feed: Array
    consumption: Array
    demand: Array
    unmet: Array
    losses: Array
    inventory: Array
    stockpile: Array
    released: Array
    recycled: Array
    transit: Array
    price: Array  # [run, month, material, market, element]
    floor_cost: Array  # [run, month] USD the price floors paid
    stockpile_cost: Array  # [run, month] USD strategic stockpiles paid for their purchases
    project_output: Array  # [run, month, project] t/month
    sector_demand: Array  # [run, month, node, sector] final magnet demand of each sector
    sector_unmet: Array  # [run, month, node, sector] the part of it not met
    sector_stock: Array  # [run, month, node, sector] each sector's magnet working stock


class Series(NamedTuple):
    """The compact series Monte Carlo keeps (see :class:`Compact`), and whether to keep them."""

    on: bool  # keep these instead of the full outputs
    demand: Array
    unmet: Array
    magnet_stock: Array
    stockpile: Array
    released: Array
    production_outside: Array
    use_outside: Array
    floor_cost: Array
    stockpile_cost: Array
    alone_from: Array
    sector_demand: Array
    sector_unmet: Array


class Bundles(NamedTuple):
    """Everything the compiled kernel takes after its lane tuple and group range, in order."""

    s: Structure
    ctl: ControlTerms
    lim: Limits
    proj: Projects
    paths: Paths
    params: Params
    full: Full
    series: Series


def build(inputs: Inputs, runs: int, out: Outputs, compact: Compact, members: Array, on: bool) -> Bundles:
    """The kernel's bundles for ``runs`` runs of ``inputs``: results to ``out`` or, with ``on``,
    to the series ``compact`` of the places in ``members`` [places, N]."""
    ctl, lim, proj, paths = terms(inputs, runs)
    return Bundles(
        contiguous(structure(inputs, members)), contiguous(ctl), contiguous(lim), contiguous(proj),
        contiguous(paths), params(inputs, runs), full(out), contiguous(series(compact, on)),
    )  # fmt: skip


def per_run(array: Array, runs: int) -> Array:
    """A [R or 1, ...] table spread to ``runs`` rows (a contiguous, writable copy: the compiled
    kernel's types, and so its compiled code, would differ for a read-only view)."""
    return np.array(np.broadcast_to(array, (runs, *array.shape[1:])), dtype=float, order="C")


def params(inputs: Inputs, runs: int) -> Params:
    """The kernel's parameters, one value per run."""
    return Params(**{name: np.array(np.broadcast_to(inputs.params[name], (runs,)), dtype=float)
                     for name in KERNEL_PARAMETERS})  # fmt: skip


def structure(inputs: Inputs, members: Array) -> Structure:
    """The fixed structure of ``inputs``; ``members`` [places, N] marks the series' places."""
    base = inputs.base
    k_n, n_n, e_n = len(MATERIALS), base.dims.n_nodes, base.dims.n_elements
    mixes = feed_mixes(inputs)
    market = inputs.market
    # For each material, importer and element: the exporters with a positive base share.
    nz = base.shares > 0
    counts = nz.sum(axis=2)
    width = max(int(counts.max()), 1)
    partners = np.full((k_n, n_n, e_n, width), -1, dtype=np.int64)
    for k, i, e in zip(*np.nonzero(counts), strict=True):
        found = np.flatnonzero(nz[k, i, :, e])
        partners[k, i, e, : found.size] = found
    x = np.maximum(partners, 0)
    kk, ii, ee = np.ogrid[:k_n, :n_n, :e_n]
    kk, ii, ee = kk[..., None], ii[..., None], ee[..., None]
    c = inputs.controls
    act_e, n_act = row_lists(active_rows(inputs))
    # The places (rows of members) each node belongs to.
    n_places = (members > 0).sum(axis=0).astype(np.int64)
    places_of = np.zeros((n_n, max(int(n_places.max(initial=0)), 1)), dtype=np.int64)
    for n in range(n_n):
        found = np.flatnonzero(members[:, n] > 0)
        places_of[n, : found.size] = found
    needs = np.zeros((k_n, 2, e_n), dtype=bool)
    for n in range(n_n):
        needs[:, market[n], :] |= base.final[:, n, :] != 0.0
    piled = np.zeros((k_n, n_n, e_n), dtype=bool)
    sp = inputs.stockpiles
    for s in range(sp.node.size):
        piled[sp.material[s], sp.node[s]] |= sp.mix[s] != 0.0
    to = sp.ally_matrix(k_n, n_n)
    allies = np.full((k_n, n_n, max(int(to.sum(axis=2).max(initial=0)), 1)), -1, dtype=np.int64)
    for k, n in zip(*np.nonzero(to.any(axis=2)), strict=True):
        found = np.flatnonzero(to[k, n])
        allies[k, n, : found.size] = found
    capped = np.zeros((k_n, n_n, e_n), dtype=bool)
    q = inputs.quotas
    for qi in range(q.node.size):
        capped[:, q.node[qi], :] |= q.covers[qi]
    lag = inputs.transit  # [R or 1, classes]
    longest = float(lag.max(initial=0.0))
    out = base_output(inputs, mixes)
    out_mix = out / np.maximum(out.sum(axis=2, keepdims=True), EPS)  # as the reference kernel's
    return Structure(
        mine=base.mine, mine_profile=np.where(base.mine[:, None] > 0, base.profile, mixes[0]),
        base_in=base.feed.sum(axis=2), mixes=mixes, yields=base.yields, final=base.final,
        base_use=base.feed + base.final, p0=base.prices, defence_share=base.defence_share,
        secondary=base.secondary, swarf=base.swarf, magnets0=base.production[MAGNET].sum(axis=1),
        market=market, origin=int(inputs.origin_node), partners=partners,
        p_share=np.where(partners >= 0, base.shares[kk, ii, x, ee], 0.0),
        p_allow=c.allow_pattern[kk, x, ii, ee], p_denied=c.denied_pattern[kk, x, ii],
        allow_pattern=c.allow_pattern, content_pattern=c.content_pattern, act_e=act_e, n_act=n_act,
        needs=needs, tracked=_tracked(inputs), piled=piled, allies=allies,
        defended=sp.defended(k_n, n_n), capped=capped, trade0=base.trade,
        route_class=inputs.route_class, one_class=_one_class(partners, inputs.route_class),
        lagged=longest > 0.0, slots=int(np.floor(longest)) + 2,
        places_of=places_of, n_places=n_places, base_out=out, out_mix=out_mix,
        stage_opex=inputs.stage_opex, node_floored=inputs.node_floored, heavy=base.heavy,
        thrift=thrift_rows(base.magnet_grades, k_n),
        use_share=inputs.use_shares, life_order=LIFE_ORDER, sector_share=inputs.sectors.share,
    )  # fmt: skip


def _one_class(partners: Ints, route_class: Ints) -> Ints:
    """[K, I, E]: the transit class shared by the routes from every base partner of a row, or -1
    where they differ (a row without partners: class 0; it ships nothing but what it re-routes)."""
    k_n, n_n, e_n, _ = partners.shape
    out = np.zeros((k_n, n_n, e_n), dtype=np.int64)
    for k, i, e in np.ndindex(k_n, n_n, e_n):
        found = {int(route_class[x, i]) for x in partners[k, i, e] if x >= 0}
        out[k, i, e] = found.pop() if len(found) == 1 else (-1 if found else 0)
    return out


def _tracked(inputs: Inputs) -> Bools:
    """(material, element) pairs whose China-origin share some content rule can read: directly,
    or through a later stage (a stage's share is carried from the stage before, element by
    element)."""
    c = inputs.controls
    k_n, _, e_n = c.content_pattern.shape
    tracked = np.zeros((k_n, e_n), dtype=bool)
    for ci in range(c.start.size):
        if not np.isfinite(c.threshold[:, ci]).any():
            continue  # no content rule in any run
        tracked |= c.content_members[c.content_pattern, ci].any(axis=1)
    for k in range(k_n - 2, -1, -1):
        tracked[k] |= tracked[k + 1]
    return tracked


def terms(inputs: Inputs, runs: int) -> tuple[ControlTerms, Limits, Projects, Paths]:
    """The scenario's rules, with every per-run table spread to ``runs`` rows."""
    c, q, sp = inputs.controls, inputs.quotas, inputs.stockpiles
    controls = ControlTerms(
        start=c.start, end=c.end, review=per_run(c.review, runs), share=per_run(c.share, runs),
        threshold=per_run(c.threshold, runs), allow_members=c.allow_members,
        content_members=c.content_members, denied_members=c.denied_members,
    )  # fmt: skip
    limits = Limits(
        q_node=q.node, q_start=q.start, q_end=q.end, q_covers=q.covers, q_weight=q.weight,
        q_tonnes=per_run(q.tonnes, runs), q_asked=q.asked, q_basket=q.basket,
        q_follows=q.follows, q_china=q.node == inputs.origin_node, o_node=inputs.caps.node,
        o_start=inputs.caps.start, o_end=inputs.caps.end, o_covers=inputs.caps.covers,
        o_share=per_run(inputs.caps.share, runs), s_node=sp.node, s_material=sp.material,
        s_start=sp.start, s_mix=sp.mix, s_target=per_run(sp.target, runs),
        s_purchase=per_run(sp.purchase, runs),
        s_initial=per_run(sp.initial, runs), s_floor=per_run(sp.floor, runs), s_sale=per_run(sp.sale, runs),
        r_pile=sp.r_pile, r_month=sp.r_month, r_tonnes=per_run(sp.r_tonnes, runs),
    )  # fmt: skip
    projects = Projects(
        node=inputs.proj_node, material=inputs.proj_material, capacity=per_run(inputs.proj_capacity, runs),
        start=per_run(inputs.proj_start, runs), ramp=per_run(inputs.proj_ramp, runs),
        opex=per_run(inputs.proj_opex, runs), offtake=inputs.proj_offtake, mix=inputs.proj_mix,
        out=inputs.proj_out, capex=per_run(inputs.proj_capex, runs), committed=inputs.proj_committed,
        floored=inputs.proj_floored,
    )  # fmt: skip
    paths = Paths(
        demand_index=inputs.demand_index, supply_growth=inputs.supply_growth, grow_by=inputs.grow_by,
        secondary_growth=inputs.secondary_growth, use_index=inputs.use_index,
        recycle_rate=inputs.recycle_rate,
        recycle_life=per_run(inputs.recycle_life, runs), price_floor=inputs.price_floor,
        release_threshold=per_run(inputs.release_threshold, runs), transit=per_run(inputs.transit, runs),
        sector_hold=per_run(inputs.sectors.hold, runs),
    )  # fmt: skip
    return controls, limits, projects, paths


def full(out: Outputs) -> Full:
    """Where the full outputs go."""
    return Full(**{name: getattr(out, name) for name in Full._fields})


def series(compact: Compact, on: bool) -> Series:
    """Where the compact series go (``on``: keep them instead of the full outputs)."""
    return Series(on, *(getattr(compact, name) for name in Series._fields[1:]))


def contiguous(bundle: B) -> B:
    """``bundle`` with every array C-contiguous (the lane intrinsics need it) and writable (Numba
    types a read-only array apart, and would compile the kernel again for it)."""
    return type(bundle)(*(np.require(v, requirements=["C", "W"]) if isinstance(v, np.ndarray) else v
                          for v in bundle))  # fmt: skip


def thrift_rows(grades: Array, k_n: int) -> Bools:
    """[K, E] the magnet rows of the elements designers can thrift
    (:func:`reesim.model.baseline.thriftable_elements`): their substitution ceiling is
    ``heavy_thrift_max_share``, every other row's ``substitution_max_share``."""
    out = np.zeros((k_n, grades.shape[1]), dtype=bool)
    out[MAGNET] = thriftable_elements(grades)
    return out
