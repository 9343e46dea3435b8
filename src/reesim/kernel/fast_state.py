"""What the fast kernel keeps for one group of lanes: the state carried from month to month,
this month's terms, and scratch, as named tuples of arrays with a trailing lane axis.

Cells are [material, node, element, lane] (``cell``), rows of one material [node, element, lane]
(``row``). Every such array has one spare element per node that nothing reads or writes:
without it a node's row is 16 elements x 32 lanes x 8 bytes = 4 KiB, and the same cell of two
materials, tiers or nodes two apart would lie a multiple of 4 KiB away, where the processor
makes a load wait for an unrelated store (it matches them by the low 12 bits of the address
first). Loops take the element count from the data (``s.mixes``, ``state.dirty``), never from a
padded array.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from reesim.kernel.bundles import (
    Bools,
    ControlTerms,
    Ints,
    Limits,
    Params,
    Paths,
    Projects,
    Series,
    Structure,
)
from reesim.kernel.shared import EPS, FINANCED, UNDECIDED
from reesim.kernel.state import Array

Lanes = tuple[int, ...]  # one entry per lane: its length is the compiled vector width


class State(NamedTuple):
    """Carried from month to month."""

    inv: Array  # cell: working stock at the end of the month
    stock: Array  # cell: strategic stock
    stock_target: Array  # cell: strategic stock sought (less what scheduled releases sold)
    final_met: Array  # cell: final use met this month (magnets: recycled next month)
    feed_met: Array  # cell: next stage's input met
    price: Array  # [K, 2, E, lanes] USD/kg, markets China and outside
    sub: Array  # [K, 2, E, lanes] share of demand substituted away
    tight: Array  # [K, 2, E, lanes] share of what users wanted left unmet, last month
    seen: Array  # [K, 2, E, lanes] last price ratio raised to the demand elasticity (NaN: none)
    power: Array  # [K, 2, E, lanes] ... and the result
    short_months: Array  # cell: months an importer was not sent all it asked (its suppliers qualified)
    origin: Array  # cell: China-origin share of what a node holds
    produced: Array  # cell: made this month (concentrate: mined)
    consumed: Array  # cell: used by the next stage this month
    planned: Array  # cell: next stage's planned input
    demand: Array  # cell: final demand
    wanted: Array  # cell: final demand plus planned input (read by prices)
    missing: Array  # cell: the part of it not met
    dirty: Bools  # [K, N, E] rows busy since their results were last zeroed
    release_at: Array  # [N, lanes] shortfall share that releases a holder's stockpile
    ring: Array  # [slots, K, N, E + 1, lanes] goods in transit by month of arrival (slot t % slots)
    ring_origin: Array  # the same, China-origin part
    arrival: Array  # [classes, slots, lanes] share of a shipment arriving j months after it leaves
    lag_in: Array  # cell: months an importer's goods take, weighted by its base trade shares
    reserve: Array  # cell: strategic stock kept for the holder: releases to allies stop there
    sale_at: Array  # [K, N, lanes] USD/kg below which a holder's stock makes no shortage release
    # [K + 1, N, lanes] output of the stage making material k, a multiple of its base-year output;
    # row K is the heavy separation circuit's (the oxide row the light circuit's)
    util: Array
    expect: Array  # [K, 2, E, lanes] traders' expected price, USD/kg
    hoard: Array  # [K, 2, E, lanes] desired cover as a multiple of the base year's
    open: Array  # [K, E, lanes] share of what was asked of China that no licence, ban or quota held back
    cover0: Array  # [K, 2, E, lanes] base-year months of use each market holds (fixed)
    p0w: Array  # [K, E, lanes] base price raised to the lane's price_cost_weight (fixed)
    status: Array  # [P, lanes] project undecided, financed or cancelled (see reesim.kernel.shared)
    begin: Array  # [P, lanes] month a financed project's output starts (inf: not financed)
    level: Array  # [P, lanes] projects' output this month, t/month
    running: Array  # [K, N, lanes] share of the base-year output that runs this month (existing plants)
    floor_paid: Array  # [lanes] USD the price floors pay this month
    proj_run: Array  # [P, lanes] share of a built project's capacity running
    guard: Array  # cell: an importer's desired cover for the supply controls hold back from it
    open_in: Array  # cell: 1 less the share of an importer's use that controls held back
    guarded: Bools  # [N, E] some form's open_in below 1 this month, or the guard not at 1 (see prices)
    in_use: Array  # [S, J, N, E + 1, lanes] magnets in products in use, by sector and stage of its chain
    wear: Array  # [S, lanes] share of each stage of a sector's chain that moves on each month (fixed)
    sector_part: Array  # [N, J, E + 1, lanes] share of the node's magnet working stock each sector holds
    sector_hold: Array  # [N, J, lanes] each sector's share of the node's magnet stock target (fixed)
    cover_seen: Array  # [K, 2, E, lanes] last relative cover raised to -price_cover_elasticity (NaN: none)
    cover_power: Array  # [K, 2, E, lanes] ... and the result
    capacity: Array  # [K, N, lanes] share of base-year capacity still open (converters outside China close)
    rent: Array  # [Q, lanes] each export quota's licence rent, USD/kg REO
    rent_cell: Array  # [K, E, lanes] rent on China's exports of each material and element this month, USD/kg
    quota_in: Array  # cell: the part of that share (open_in) a binding export quota held back
    quota_seen: Array  # [N, E, lanes] the quota's hold-back an importer has come to expect (any form)
    pile_bought: Array  # [K, 2, E, lanes] t the strategic stockpiles of each market bought this month


class Now(NamedTuple):
    """This month's terms."""

    factor: Array  # [C, lanes] each control's licensed share
    in_force: Bools  # [C]
    allow_now: Array  # [P, lanes] licensed share per allow pattern
    content_share: Array  # [Q, lanes] licensed share per content pattern
    content_threshold: Array  # [Q, lanes] China-content threshold per content pattern (inf: none)
    denied_now: Bools  # [D] defence orders refused per pattern
    quota: Array  # cell: most an exporter may ship abroad (inf: no quota)
    stock_rate: Array  # cell: most a stockpile buys
    add: Array  # cell: output of projects, in their element mixes
    sched: Array  # cell: releases scheduled this month (before the stock caps them)
    asked: Array  # cell: licensed requests to an exporter last month, in rows a quota covers


class Scratch(NamedTuple):
    """One material's month (rows [node, element, lane] unless stated)."""

    avail: Array  # working stock, output and arrivals
    buy: Array  # strategic purchases
    use: Array  # next stage's input, final demand and purchases
    surplus: Array  # what an exporter can spare
    request: Array  # what an importer asks of others
    need: Array  # the part of the request a licence can approve
    live: Bools  # [K, N, E] some lane asks something
    busy: Bools  # [K, N, E] something held, made, used, asked or stocked
    flow: Array  # [N, E + 1, W + 1, lanes] shipments per partner slot
    wide: Array  # [N, E + 1, N, lanes] shipments per exporter, rows that re-route
    offer: Array  # [N, E + 1, N, lanes] re-routed amounts asked of each exporter
    open_x: Ints  # [E, N] exporters with surplus left
    open_n: Ints  # [E]
    open_at: Bools  # [N, E]
    full: Bools  # [N, E] rows moved to ``wide``
    rows: Bools  # [N, E] rows that re-route
    left: Array  # surplus left after the tiers
    part: Array  # defence share of a request
    totals: Array  # [3, N, E + 1, lanes] each tier's requests, then its fill fraction
    reroute: Array  # amounts to re-route
    asked: Array  # re-routed amounts asked of an exporter, then its fill fraction
    imports: Array  # cell: shipments sent to a node this month
    exports: Array  # cell: shipments a node sent this month
    arrived: Array  # cell: goods sent this month that reached their importer this month
    arrived_origin: Array  # cell: China-origin part of every arrival this month
    landed: Array  # cell: every arrival this month (the reported imports when shipments take time)
    have: Array  # held after trade
    bought: Array  # purchases met
    release: Array  # stockpile released
    held: Array  # China-origin part of what is held
    recycled: Array  # oxide recovered from magnets
    origin_mine: Array  # China-origin share of what is mined
    resp: Array  # [2, E, lanes] demand response to price and substitution
    picked: Array  # [lanes]
    a_dem: Array  # [places, 1 + E, lanes] this month's compact series
    a_unm: Array
    a_mag: Array  # [places, lanes]
    a_pile: Array
    a_prod: Array  # [K, lanes]
    a_use: Array
    sched: Array  # scheduled release of a stock into its holder's supply
    a_rel: Array  # [places, lanes] released from strategic stocks to the place
    short_ally: Bools  # [N, lanes] an ally short enough for a stock's release (see fast_settle)
    ordered: Array  # licensed requests to an exporter this month (first asks and re-routed)
    to_china: Array  # [2, E, lanes] what importers asked of China, and the licensed part of it
    floor_now: Array  # [K, E, lanes] price floor in force this month, USD/kg (0: none)
    china_in: Array  # [2, N, E, lanes] what each importer asked of China, and the licensed part
    a_prod_e: Array  # [K, E, lanes] a_prod and a_use per element
    a_use_e: Array
    sector_met: Array  # [N, J, E + 1, lanes] magnets: each sector's use met
    a_sdem: Array  # [places, J, lanes] this month's compact series of each final-use sector
    a_sunm: Array
    sector_left: Array  # [N, J, E + 1, lanes] magnets: each sector's stock left
    sector_excess: Array  # [N, J, E + 1, lanes] magnets: what a sector has left above its target
    grown: Array  # [K, N, lanes] each node's use over the base year's (its working-stock target)
    growing: Array  # [K, E, lanes] this month's supply growth of each material and element (s)
    via: Ints  # [N, E, N] a ``full`` row's exporters that can have shipped to it, ascending
    via_n: Ints  # [N, E] how many of ``via`` are listed
    mark: Bools  # [N] scratch for listing ``via``


@njit(cache=True, error_model="numpy")
def lane_params(p: Params, rl: Ints) -> Params:  # pragma: no cover - compiled
    """Each lane's parameters: ``rl[lane]`` is the lane's run."""
    return Params(
        p.working_stock_months[rl], p.supplier_switch_months[rl], p.supplier_switch_max_share[rl],
        p.price_tightness_elasticity[rl], p.price_adjust_months[rl], p.demand_price_elasticity[rl],
        p.substitution_lag_months[rl], p.substitution_max_share[rl], p.stockpile_release_shortfall[rl],
        p.contracted_share[rl], p.idle_price_ratio[rl], p.restock_months[rl],
        p.stockpile_buy_max_shortfall[rl], p.material_switch_months[rl], p.output_headroom_share[rl],
        p.output_adjust_months[rl], p.idle_price_band[rl], p.price_cover_elasticity[rl],
        p.price_expectation_months[rl], p.price_cost_weight[rl], p.price_cover_min[rl],
        p.price_backstop_multiple[rl], p.precaution_risk[rl], p.precaution_trend[rl],
        p.precaution_months[rl], p.precaution_max[rl], p.precaution_min[rl], p.arbitrage_share[rl],
        p.project_build_months[rl], p.project_hurdle_ratio[rl], p.project_payback_months[rl],
        p.project_wait_months[rl], p.project_accelerate_ratio[rl], p.project_accelerate_months[rl],
        p.heavy_thrift_max_share[rl], p.substitution_full_multiple[rl], p.closure_idle_months[rl],
        p.quota_rent_rate[rl], p.quota_rent_months[rl], p.precaution_quota_fade_months[rl],
    )  # fmt: skip


@njit(cache=True, error_model="numpy")
def new_state(
    lt: Lanes, rl: Ints, s: Structure, lim: Limits, proj: Projects, paths: Paths, par: Params
) -> State:  # pragma: no cover
    """The state at the start of the first month: working stocks at their targets, prices and
    expected prices at base, desired cover as in the base year, stockpiles as they start, goods in
    transit as in the base year, committed projects financed from their start month."""
    lanes = len(lt)
    k_n, n_n, e_n = s.final.shape
    ep = e_n + 1  # one spare element per node: see the module docstring
    cell = (k_n, n_n, ep, lanes)
    inv = np.empty(cell)
    final_met = np.zeros(cell)
    for k in range(k_n):
        for n in range(n_n):
            for e in range(e_n):
                for q in range(lanes):
                    inv[k, n, e, q] = par.working_stock_months[q] * s.base_use[k, n, e]
                    if k == k_n - 1:
                        final_met[k, n, e, q] = s.final[k, n, e]  # magnets used last month
    stock, stock_target, reserve = np.zeros(cell), np.zeros(cell), np.zeros(cell)
    sale_at = np.zeros((k_n, n_n, lanes))
    for p in range(lim.s_node.size):
        k, n = lim.s_material[p], lim.s_node[p]
        for e in range(e_n):
            for q in range(lanes):
                stock[k, n, e, q] += lim.s_initial[rl[q], p] * lim.s_mix[p, e]
                stock_target[k, n, e, q] += lim.s_target[rl[q], p] * lim.s_mix[p, e]
                reserve[k, n, e, q] += lim.s_floor[rl[q], p] * lim.s_mix[p, e]
        for q in range(lanes):
            sale_at[k, n, q] = lim.s_sale[rl[q], p]  # the stockpiles of one stock share it
    release_at = np.empty((n_n, lanes))
    for n in range(n_n):
        for q in range(lanes):
            own = paths.release_threshold[rl[q], n]
            release_at[n, q] = par.stockpile_release_shortfall[q] if np.isnan(own) else own
    price = np.empty((k_n, 2, e_n, lanes))
    for k in range(k_n):
        for m in range(2):
            for e in range(e_n):
                price[k, m, e, :] = s.p0[k, e]
    origin = np.zeros(cell)
    origin[:, s.origin, :, :] = 1.0
    dirty = np.zeros((k_n, n_n, e_n), dtype=np.bool_)
    for k in range(k_n):
        for n in range(n_n):
            for i in range(s.n_act[k, n]):
                dirty[k, n, s.act_e[k, n, i]] = True
    classes = paths.transit.shape[1]
    arrival, lag = np.zeros((classes, s.slots, lanes)), np.empty((classes, lanes))
    for c in range(classes):
        for q in range(lanes):
            lag[c, q] = paths.transit[rl[q], c]
            d = int(np.floor(lag[c, q]))
            arrival[c, d, q] = 1.0 - (lag[c, q] - d)
            arrival[c, d + 1, q] += lag[c, q] - d
    ring, ring_origin = np.zeros((s.slots, *cell)), np.zeros((s.slots, *cell))
    lag_in = np.zeros(cell)
    if s.lagged:
        _fill_ring(s, arrival, lag, ring, ring_origin, lag_in)
    p_n = proj.node.size
    status, begin = np.empty((p_n, lanes)), np.empty((p_n, lanes))
    for p in range(p_n):
        for q in range(lanes):
            status[p, q] = FINANCED if proj.committed[p] else UNDECIDED
            begin[p, q] = proj.start[rl[q], p] if proj.committed[p] else np.inf
    j_n = s.sector_share.shape[1]
    sector_hold = np.empty((n_n, j_n, lanes))
    sector_part = np.zeros((n_n, j_n, ep, lanes))
    for n in range(n_n):
        for j in range(j_n):
            for q in range(lanes):
                sector_hold[n, j, q] = paths.sector_hold[rl[q], n, j]
                for e in range(e_n):
                    sector_part[n, j, e, q] = sector_hold[n, j, q]
    p0w = np.empty((k_n, e_n, lanes))
    for k in range(k_n):
        for e in range(e_n):
            for q in range(lanes):
                p0w[k, e, q] = s.p0[k, e] ** par.price_cost_weight[q]
    in_use, wear = _in_use(s, paths, rl, ep)
    return State(
        inv, stock, stock_target, final_met, np.zeros(cell), price, np.zeros((k_n, 2, e_n, lanes)),
        np.zeros((k_n, 2, e_n, lanes)),
        np.full((k_n, 2, e_n, lanes), np.nan), np.zeros((k_n, 2, e_n, lanes)), np.zeros(cell), origin,
        np.zeros(cell), np.zeros(cell), np.zeros(cell), np.zeros(cell), np.zeros(cell), np.zeros(cell),
        dirty, release_at, ring, ring_origin, arrival, lag_in, reserve, sale_at,
        np.ones((k_n + 1, n_n, lanes)),  # util: one row per stage and the heavy separation circuit's
        price.copy(), np.ones((k_n, 2, e_n, lanes)), np.ones((k_n, e_n, lanes)),
        _base_cover(s, inv), p0w, status, begin, np.zeros((p_n, lanes)),
        np.ones((k_n, n_n, lanes)), np.zeros(lanes), np.ones((p_n, lanes)),
        np.ones(cell), np.ones(cell), np.zeros((n_n, e_n), dtype=np.bool_), in_use, wear, sector_part,
        sector_hold, np.full((k_n, 2, e_n, lanes), np.nan), np.zeros((k_n, 2, e_n, lanes)),
        np.ones((k_n, n_n, lanes)), np.zeros((lim.q_node.size, lanes)), np.zeros((k_n, e_n, lanes)),
        np.zeros(cell), np.zeros((n_n, e_n, lanes)), np.zeros((k_n, 2, e_n, lanes)),
    )  # fmt: skip


@njit(cache=True, error_model="numpy")
def _in_use(s: Structure, paths: Paths, rl: Ints, ep: int) -> tuple[Array, Array]:  # pragma: no cover
    """Magnets in products in use at the start, [S, J, N, E + 1, lanes]: each sector's chain in
    steady state with base-year magnet use (every stage holding the sector's share of it times
    the lifetime over the order), and the share of a stage moving on each month, [S, lanes]."""
    s_n, j_n, lanes = s.use_share.size, s.life_order, rl.size
    k_n, n_n, e_n = s.final.shape
    in_use, wear = np.zeros((s_n, j_n, n_n, ep, lanes)), np.empty((s_n, lanes))
    for si in range(s_n):
        for q in range(lanes):
            life = paths.recycle_life[rl[q], si]
            wear[si, q] = j_n / life
            per_stage = s.use_share[si] * life / j_n
            for j in range(j_n):
                for n in range(n_n):
                    for e in range(e_n):
                        in_use[si, j, n, e, q] = per_stage * s.final[k_n - 1, n, e]
    return in_use, wear


@njit(cache=True, error_model="numpy")
def _base_cover(s: Structure, inv: Array) -> Array:  # pragma: no cover
    """[K, 2, E, lanes] months of use each market holds at the start: working stock summed over
    the market's nodes, over their base-year use (0 where they use none)."""
    k_n, n_n, e_n = s.final.shape
    lanes = inv.shape[3]
    out = np.zeros((k_n, 2, e_n, lanes))
    for k in range(k_n):
        for m in range(2):
            for e in range(e_n):
                for q in range(lanes):
                    held, use = 0.0, 0.0
                    for n in range(n_n):
                        if s.market[n] == m:
                            held += inv[k, n, e, q]
                            use += s.base_use[k, n, e]
                    out[k, m, e, q] = held / use if use > EPS else 0.0
    return out


@njit(cache=True, error_model="numpy")
def _fill_ring(
    s: Structure, arrival: Array, lag: Array, ring: Array, ring_origin: Array, lag_in: Array
) -> None:
    """Goods in transit at the start: base-year shipments left every month before it, so slot
    ``m`` holds the share of them arriving more than ``m`` months after they left. Also each
    importer's trade-weighted lag ``lag_in`` (``lag`` [class, lane] is each class's lag)."""
    k_n, n_n, e_n = s.final.shape
    classes, slots, lanes = arrival.shape
    later = np.zeros((classes, slots, lanes))  # share arriving more than j months after leaving
    for c in range(classes):
        for q in range(lanes):
            for j in range(slots):
                for jj in range(j + 1, slots):
                    later[c, j, q] += arrival[c, jj, q]
    for k in range(k_n):
        for i in range(n_n):
            for x in range(n_n):
                c = s.route_class[x, i]
                for e in range(e_n):
                    w = s.trade0[k, i, x, e]
                    if w == 0.0:
                        continue
                    for j in range(slots):
                        for q in range(lanes):
                            ring[j, k, i, e, q] += w * later[c, j, q]
                            if x == s.origin:
                                ring_origin[j, k, i, e, q] += w * later[c, j, q]
    for k in range(k_n):
        for i in range(n_n):
            for e in range(e_n):
                for j in range(s.partners.shape[3]):
                    x = s.partners[k, i, e, j]
                    if x < 0:
                        break
                    for q in range(lanes):
                        lag_in[k, i, e, q] += s.p_share[k, i, e, j] * lag[s.route_class[x, i], q]


@njit(cache=True, error_model="numpy")
def new_now(lt: Lanes, s: Structure, ctl: ControlTerms) -> Now:  # pragma: no cover - compiled
    """This month's terms, before the first month: nothing licensed yet, no quota, no purchase."""
    lanes = len(lt)
    k_n, n_n, e_n = s.final.shape
    cell = (k_n, n_n, e_n + 1, lanes)
    c_n = ctl.start.size
    return Now(
        np.ones((c_n, lanes)), np.zeros(c_n, dtype=np.bool_), np.ones((ctl.allow_members.shape[0], lanes)),
        np.ones((ctl.content_members.shape[0], lanes)),
        np.full((ctl.content_members.shape[0], lanes), np.inf),
        np.zeros(ctl.denied_members.shape[0], dtype=np.bool_), np.full(cell, np.inf), np.zeros(cell),
        np.zeros(cell), np.zeros(cell), np.zeros(cell),
    )  # fmt: skip


@njit(cache=True, error_model="numpy")
def new_scratch(lt: Lanes, s: Structure, series: Series) -> Scratch:  # pragma: no cover - compiled
    """Scratch for one group of lanes."""
    lanes = len(lt)
    k_n, n_n, e_n = s.final.shape
    ep = e_n + 1
    cell, row = (k_n, n_n, ep, lanes), (n_n, ep, lanes)
    width = s.partners.shape[3]
    origin_mine = np.zeros(row)
    origin_mine[s.origin, :, :] = 1.0
    places, items = (series.demand.shape[2], series.demand.shape[3], lanes), (series.demand.shape[2], lanes)
    materials = (series.production_outside.shape[2], lanes)
    return Scratch(
        np.zeros(row), np.zeros(row), np.zeros(row), np.zeros(row),  # avail, buy, use, surplus
        np.zeros(row), np.zeros(row),  # request, need
        np.zeros((k_n, n_n, e_n), dtype=np.bool_), np.zeros((k_n, n_n, e_n), dtype=np.bool_),  # live, busy
        np.zeros((n_n, ep, width + 1, lanes)), np.zeros((n_n, ep, n_n, lanes)),  # flow, wide
        np.zeros((n_n, ep, n_n, lanes)), np.zeros((e_n, n_n), dtype=np.int64),  # offer, open_x
        np.zeros(e_n, dtype=np.int64), np.zeros((n_n, e_n), dtype=np.bool_),  # open_n, open_at
        np.zeros((n_n, e_n), dtype=np.bool_), np.zeros((n_n, e_n), dtype=np.bool_),  # full, rows
        np.zeros(row), np.zeros(row), np.zeros((3, n_n, ep, lanes)),  # left, part, totals
        np.zeros(row), np.zeros(row),  # reroute, asked
        np.zeros(cell), np.zeros(cell), np.zeros(cell), np.zeros(cell), np.zeros(cell),  # imports .. landed
        np.zeros(row), np.zeros(row), np.zeros(row), np.zeros(row), np.zeros(row),  # have .. recycled
        origin_mine, np.zeros((2, e_n, lanes)), np.zeros(lanes),  # origin_mine, resp, picked
        np.zeros(places), np.zeros(places), np.zeros(items), np.zeros(items),  # a_dem .. a_pile
        np.zeros(materials), np.zeros(materials),  # a_prod, a_use
        np.zeros(row), np.zeros(items), np.zeros((n_n, lanes), dtype=np.bool_),  # sched, a_rel, short_ally
        np.zeros(row), np.zeros((2, e_n, lanes)), np.zeros((k_n, e_n, lanes)),  # ordered, to_china, floor_now
        np.zeros((2, n_n, e_n, lanes)),  # china_in
        np.zeros((materials[0], e_n, lanes)), np.zeros((materials[0], e_n, lanes)),  # a_prod_e, a_use_e
        np.zeros((n_n, s.sector_share.shape[1], ep, lanes)),  # sector_met
        np.zeros((series.sector_demand.shape[2], series.sector_demand.shape[3], lanes)),  # a_sdem
        np.zeros((series.sector_demand.shape[2], series.sector_demand.shape[3], lanes)),  # a_sunm
        np.zeros((n_n, s.sector_share.shape[1], ep, lanes)),  # sector_left
        np.zeros((n_n, s.sector_share.shape[1], ep, lanes)),  # sector_excess
        np.ones((k_n, n_n, lanes)),  # grown
        np.zeros((k_n, e_n, lanes)),  # growing
        np.zeros((n_n, e_n, n_n), dtype=np.int64), np.zeros((n_n, e_n), dtype=np.int64),  # via, via_n
        np.zeros(n_n, dtype=np.bool_),  # mark
    )  # fmt: skip
