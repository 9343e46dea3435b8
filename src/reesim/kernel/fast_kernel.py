"""The compiled monthly loop of the fast kernel (driven by :mod:`reesim.kernel.fast`).

Runs are simulated in groups of ``len(lt)`` side by side (:mod:`reesim.kernel.lanes`): every
state array has a trailing lane axis, and a cell's lanes are loaded, computed and stored as one
machine vector (:mod:`reesim.kernel.vec`; a run's own arithmetic, and its order, are those of
the reference kernel, so a run gives bit for bit the same in any group). Groups are spread over
CPU cores (``prange``). A group's last lanes repeat its last run when the number of runs is not
a multiple of the lane count; they are simulated but not written. Only the rows (material,
node, element) that can hold anything in the scenario are visited (``act_e``, ``n_act``; see
:mod:`reesim.kernel.active`; in ``race`` 482 of 1,408): the others stay zero and are never
read. Of those, rows where nothing is held, made, used, asked or stocked this month are skipped
in and after trade (``busy``); a row's results are zeroed only when it stops being busy
(``dirty``).

A month: the terms in force (:mod:`reesim.kernel.fast_month`), then for each material in chain
order (concentrate, oxide, metal, magnet) what every node can offer and needs, trade
(:mod:`reesim.kernel.fast_trade`) and what it comes to (:mod:`reesim.kernel.fast_settle`), then
prices. Two modes: full outputs [run, month, material, node, element], or (``series``) the
compact series Monte Carlo keeps (:class:`reesim.kernel.state.Compact`).

Padding: the [material, node, element, lane] and [node, element, lane] arrays, and ``totals``,
``flow``, ``wide`` and ``offer``, have one spare element per node (and ``flow`` one spare
partner slot). Without it, a node's row is 16 elements x 16 lanes x 8 bytes = 2 KiB, so the
same cell of two materials, tiers or nodes two apart lies a multiple of 4 KiB away (in ``flow``,
without the spare slot, so do elements eight apart). The price arrays ([material, market,
element, lane], 4 KiB a material) are not padded: prices are a small step, not measured. The
processor matches a load against earlier stores by the low 12 bits of the address first, and
such a load waits for a store it does not depend on (in a profile of ``race``, one load in
the asking step of trade took 4% of the kernel's time). Loops take the element count from the
data (``mixes``, ``dirty``, ...), never from a padded array.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from reesim.kernel.fast_month import final_demand, limits, positions, prices, rules, supply
from reesim.kernel.fast_settle import clear, settle, stage
from reesim.kernel.fast_trade import trade
from reesim.kernel.vec import load, store, vmax

#: SHA-256 (first 16 hex digits) of the modules the kernel calls or takes constants from, in
#: :data:`CALLED_MODULES` order. Numba's on-disk cache of :func:`kernel` is keyed on this file
#: alone: it does not notice when a called module changes and would go on running the old compiled
#: code. ``tests/test_fast_kernel.py`` checks this value, so a change to a called module comes with
#: a change to this file, and that renews the cache.
CALLED_SOURCES = "f1ce11e9fd55a620"
CALLED_MODULES = ("kernel/fast_month.py", "kernel/fast_settle.py", "kernel/fast_trade.py",
                  "kernel/reference.py", "kernel/vec.py", "model/dims.py")  # fmt: skip


@njit(parallel=True, cache=True, error_model="numpy", nogil=True)  # other threads run while it runs
def kernel(lt, mine, mine_profile, base_in, mixes, yields, final, p_share, p_allow, p_denied, partners, p0,
           defence_share, secondary, base_use, c_start, c_end, c_review, c_share, c_threshold, allow_pattern,
           allow_members, content_pattern, content_members, denied_pattern, denied_members, q_node, q_start,
           q_end, q_covers, q_weight, q_tonnes, s_node, s_material, s_start, s_mix, s_target, s_purchase,
           s_initial, demand_index, proj_node, proj_material, proj_capacity, proj_start, proj_ramp, proj_opex,
           proj_offtake, proj_mix, recycle_rate, price_floor, release_threshold, on, market, act_e, n_act,
           params, o_prod, o_imp, o_exp, o_feed, o_cons, o_dem, o_unmet, o_loss, o_inv, o_stock, o_recycled,
           o_price, series, places_of, n_places, s_dem, s_unm, s_mag, s_pile, s_prod,
           s_use):  # pragma: no cover - compiled  # fmt: skip
    runs, t_n, k_n, _, e_n = o_price.shape
    n_n, width = mine.shape[0], partners.shape[3]
    rd, rr, rf = demand_index.shape[0] > 1, recycle_rate.shape[0] > 1, price_floor.shape[0] > 1
    lanes = len(lt)  # runs simulated side by side: a compile-time constant (one compiled kernel each)
    groups = (runs + lanes - 1) // lanes
    # (material, element) pairs whose China-origin share some content rule can read: directly, or
    # through a later stage (a stage's share is carried from the stage before, element by element).
    tracked = np.zeros((k_n, e_n), dtype=np.bool_)
    for c in range(c_start.size):
        if not np.isfinite(c_threshold[:, c]).any():
            continue  # no content rule in any run
        for k in range(k_n):
            for n in range(n_n):
                for e in range(e_n):
                    tracked[k, e] |= content_members[content_pattern[k, n, e], c]
    for k in range(k_n - 2, -1, -1):
        for e in range(e_n):
            tracked[k, e] |= tracked[k + 1, e]
    for g in prange(groups):
        first = np.int64(g) * lanes  # the prange index is unsigned; mixing it with 0 would give a float
        real = min(lanes, runs - first)  # lanes beyond it repeat the last run and are not written
        rl = np.empty(lanes, dtype=np.int64)
        for q in range(lanes):
            rl[q] = min(first + q, runs - 1)
        par = np.empty((params.shape[0], lanes))
        for p in range(params.shape[0]):
            for q in range(lanes):
                par[p, q] = params[p, rl[q]]
        # State carried from month to month ([material, node, element, lane] cells).
        # One spare element per node (and one spare partner slot in ``flow``), never read or
        # written: see "Padding" in the module docstring.
        ep = e_n + 1
        cell, row = (k_n, n_n, ep, lanes), (n_n, ep, lanes)
        inv = np.empty(cell)  # working stocks start at their targets
        # Uses met [material, node, element, lane]; the magnets used last month are recycled.
        final_met, feed_met = np.zeros(cell), np.zeros(cell)
        for k in range(k_n):
            for n in range(n_n):
                for e in range(e_n):
                    for q in range(lanes):
                        inv[k, n, e, q] = par[0, q] * base_use[k, n, e]
                        if k == k_n - 1:
                            final_met[k, n, e, q] = final[k, n, e]
        stock = np.zeros(cell)
        stock_target = np.zeros(cell)
        piled = np.zeros((k_n, n_n, e_n), dtype=np.bool_)  # rows a stockpile holds
        for s in range(s_node.size):
            for e in range(e_n):
                piled[s_material[s], s_node[s], e] |= s_mix[s, e] != 0.0
                for q in range(lanes):
                    stock[s_material[s], s_node[s], e, q] += s_initial[rl[q], s] * s_mix[s, e]
                    stock_target[s_material[s], s_node[s], e, q] += s_target[rl[q], s] * s_mix[s, e]
        release_at = np.empty((n_n, lanes))
        for n in range(n_n):
            for q in range(lanes):
                own = release_threshold[rl[q], n]
                release_at[n, q] = par[8, q] if np.isnan(own) else own
        price = np.empty((k_n, 2, e_n, lanes))
        for k in range(k_n):
            for m in range(2):
                for e in range(e_n):
                    price[k, m, e, :] = p0[k, e]
        sub = np.zeros((k_n, 2, e_n, lanes))
        short_months = np.zeros(cell)
        origin = np.zeros(cell)
        origin[:, on, :, :] = 1.0
        stock_rate = np.zeros(cell)
        quota = np.full(cell, np.inf)
        capped = np.zeros((k_n, n_n, e_n), dtype=np.bool_)  # rows an export quota covers
        for qi in range(q_node.size):
            for k in range(k_n):
                for e in range(e_n):
                    capped[k, q_node[qi], e] |= q_covers[qi, k, e]
        # This month's terms.
        factor = np.ones((c_start.size, lanes))
        in_force = np.zeros(c_start.size, dtype=np.bool_)
        allow_now = np.ones((allow_members.shape[0], lanes))
        content_share = np.ones((content_members.shape[0], lanes))
        content_threshold = np.full((content_members.shape[0], lanes), np.inf)
        denied_now = np.zeros(denied_members.shape[0], dtype=np.bool_)
        add = np.zeros((k_n, n_n, lanes))
        planned = np.zeros(cell)
        demand = np.zeros(cell)
        resp, picked = np.zeros((2, e_n, lanes)), np.zeros(lanes)  # picked: scratch [lanes]
        seen, power = np.full((k_n, 2, e_n, lanes), np.nan), np.zeros((k_n, 2, e_n, lanes))
        needs = np.zeros((k_n, 2, e_n), dtype=np.bool_)  # some node of the market has base use
        for k in range(k_n):
            for n in range(n_n):
                for e in range(e_n):
                    if final[k, n, e] != 0.0:
                        needs[k, market[n], e] = True
        wanted = np.zeros(cell)
        missing = np.zeros(cell)
        # One material's month.
        produced, consumed = np.zeros(cell), np.zeros(cell)  # made, and used by the next stage
        origin_mine = np.zeros(row)  # China-origin share of what is mined
        origin_mine[on, :, :] = 1.0
        avail, buy, use = np.zeros(row), np.zeros(row), np.zeros(row)
        surplus, request = np.zeros(row), np.zeros(row)
        live = np.zeros((k_n, n_n, e_n), dtype=np.bool_)
        busy = np.zeros((k_n, n_n, e_n), dtype=np.bool_)
        flow = np.zeros((n_n, ep, width + 1, lanes))
        wide = np.zeros((n_n, ep, n_n, lanes))
        offer = np.zeros((n_n, ep, n_n, lanes))
        open_x, open_n = np.zeros((e_n, n_n), dtype=np.int64), np.zeros(e_n, dtype=np.int64)
        open_at = np.zeros((n_n, e_n), dtype=np.bool_)
        full = np.zeros((n_n, e_n), dtype=np.bool_)
        rows = np.zeros((n_n, e_n), dtype=np.bool_)
        left, part = np.zeros(row), np.zeros(row)
        totals = np.zeros((3, n_n, ep, lanes))
        reroute, weight, asked = np.zeros(row), np.zeros(row), np.zeros(row)
        # Imports and exports are kept per material for the full outputs; the compact series do
        # not read them after the material's settling, so one table serves every material.
        trades = (k_n if not series else 1, n_n, ep, lanes)
        imports, exports, have = np.zeros(trades), np.zeros(trades), np.zeros(row)
        dirty = np.zeros((k_n, n_n, e_n), dtype=np.bool_)
        for k in range(k_n):
            for n in range(n_n):
                for i in range(n_act[k, n]):
                    dirty[k, n, act_e[k, n, i]] = True
        bought, release, held = np.zeros(row), np.zeros(row), np.zeros(row)
        recycled = np.zeros(row)
        # This month's compact series (series mode), written out at the end of the month.
        places, items = (s_dem.shape[2], s_dem.shape[3], lanes), (s_dem.shape[2], lanes)
        a_dem, a_unm, a_mag, a_pile = np.zeros(places), np.zeros(places), np.zeros(items), np.zeros(items)
        a_prod, a_use = np.zeros((s_prod.shape[2], lanes)), np.zeros((s_prod.shape[2], lanes))
        for t in range(t_n):
            rules(lt, t, rl, c_start, c_end, c_review, c_share, c_threshold, allow_members, content_members,
                  denied_members, factor, in_force, allow_now, content_share, content_threshold,
                  denied_now)  # fmt: skip
            limits(lt, t, rl, q_node, q_start, q_end, q_covers, q_weight, q_tonnes, s_node, s_material,
                   s_start, s_mix, s_purchase, quota, stock_rate)  # fmt: skip
            supply(lt, t, rl, on, par, price, proj_node, proj_material, proj_capacity, proj_start, proj_ramp,
                   proj_opex, proj_offtake, proj_mix, base_in, yields, mixes, mine, mine_profile, act_e,
                   n_act, add, planned, produced[0])  # fmt: skip
            final_demand(lt, t, rl, rd, final, demand_index, market, p0, par, price, sub, needs, resp, seen,
                         power, picked, demand)  # fmt: skip
            for k in range(k_n):
                live_k, busy_k, made = live[k], busy[k], produced[k]
                kt = 0 if series else k  # this material's imports and exports
                origin_made = origin_mine if k == 0 else origin[k - 1]  # the stage before: its stock's share
                positions(lt, k, par, act_e, n_act, piled, capped, inv, made, stock_rate, stock_target, stock,
                          planned, demand, base_use, quota, avail, buy, use, surplus, request, live_k,
                          busy_k)  # fmt: skip
                trade(lt, k, act_e, n_act, request, live_k, busy_k, surplus, demand[k], origin[k], partners,
                      p_share, p_allow, p_denied, allow_pattern, allow_now, denied_now, content_pattern,
                      content_share, content_threshold, defence_share, on, par[9], short_months[k], par[1],
                      par[2], flow, wide, left, full, rows, totals, part, reroute, weight, asked, offer,
                      open_x, open_n, open_at, imports[kt], exports[kt])  # fmt: skip
                settle(lt, k, act_e, n_act, piled, tracked, busy_k, live_k, full, partners, release_at, avail,
                       use, buy, request, imports[kt], exports[kt], demand, planned, inv, stock, origin, made,
                       origin_made, flow, wide, have, final_met[k], feed_met[k], bought, release, held,
                       wanted, missing, short_months, dirty)  # fmt: skip
                stage(lt, k, t, rl, on, act_e, n_act, mixes, yields, secondary, recycle_rate, rr,
                      final_met[k_n - 1], feed_met[k], consumed, produced, recycled, picked)  # fmt: skip
                for n in range(n_n):
                    for i in range(n_act[k, n]):
                        e = act_e[k, n, i]
                        if not busy_k[n, e]:
                            continue  # nothing held, made, wanted or stocked: stays empty
                        left_stock = (load(lt, have, (n, e)) - load(lt, final_met, (k, n, e))
                                      + load(lt, release, (n, e)) - load(lt, consumed, (k, n, e))
                                      - load(lt, bought, (n, e)))  # fmt: skip
                        store(inv, (k, n, e), vmax(left_stock, 0.0))
                if series:
                    _record(lt, k, on, act_e, n_act, busy_k, final[k], piled[k], places_of, n_places,
                            demand[k], final_met[k], inv[k], stock[k], made, consumed[k], a_dem, a_unm, a_mag,
                            a_pile, a_prod, a_use)  # fmt: skip
                else:
                    _write(first, real, t, k, yields, made, imports[k], exports[k], consumed[k], final_met[k],
                           demand[k], inv[k], stock[k], recycled, o_prod, o_imp, o_exp, o_feed, o_cons, o_dem,
                           o_unmet, o_loss, o_inv, o_stock, o_recycled)  # fmt: skip
                clear(full, busy_k, wide)
            if series:
                _flush(first, real, t, a_dem, a_unm, a_mag, a_pile, a_prod, a_use, s_dem, s_unm, s_mag,
                       s_pile, s_prod, s_use)  # fmt: skip
            prices(lt, t, rl, rf, market, p0, par, wanted, missing, dirty, price_floor, price, sub, picked)
            for q in range(real):
                for k in range(k_n):
                    for m in range(2):
                        for e in range(e_n):
                            o_price[first + q, t, k, m, e] = price[k, m, e, q]


@njit(cache=True, error_model="numpy")
def _write(first, real, t, k, yields, produced, imports, exports, consumed, final_met, demand, inv, stock,
           recycled, o_prod, o_imp, o_exp, o_feed, o_cons, o_dem, o_unmet, o_loss, o_inv, o_stock,
           o_recycled):  # pragma: no cover - compiled  # fmt: skip
    """Write material ``k``'s month of the first ``real`` lanes to the full outputs."""
    k_n, n_n, e_n = o_prod.shape[2], o_prod.shape[3], o_prod.shape[4]
    for q in range(real):
        r = first + q
        for n in range(n_n):
            for e in range(e_n):
                o_prod[r, t, k, n, e] = produced[n, e, q]
                o_imp[r, t, k, n, e] = imports[n, e, q]
                o_exp[r, t, k, n, e] = exports[n, e, q]
                o_feed[r, t, k, n, e] = consumed[n, e, q]
                o_cons[r, t, k, n, e] = final_met[n, e, q]
                o_dem[r, t, k, n, e] = demand[n, e, q]
                o_unmet[r, t, k, n, e] = demand[n, e, q] - final_met[n, e, q]
                o_inv[r, t, k, n, e] = inv[n, e, q]
                o_stock[r, t, k, n, e] = stock[n, e, q]
                if k + 1 < k_n:
                    o_loss[r, t, k + 1, n, e] = consumed[n, e, q] * (1.0 - yields[k + 1])
                if k == 0:
                    o_recycled[r, t, 1, n, e] = recycled[n, e, q]


@njit(cache=True, error_model="numpy")
def _record(lt, k, on, act_e, n_act, busy, final, piled, places_of, n_places, demand, final_met, inv, stock,
            produced, consumed, a_dem, a_unm, a_mag, a_pile, a_prod,
            a_use):  # pragma: no cover - compiled  # fmt: skip
    """Add material ``k``'s month to this month's compact series of every lane: ``a_dem`` and
    ``a_unm`` [places, 1 + E, lanes], ``a_mag`` and ``a_pile`` [places, lanes], ``a_prod`` and
    ``a_use`` [K, lanes] (see :class:`reesim.kernel.state.Compact`). Only rows that can add
    something are read: rows ``busy`` this month among those listed (``act_e``, ``n_act``; see
    :mod:`reesim.kernel.active`), for demand only rows with base final use (``final[node,
    element]``) and for stockpiles only stockpiled rows (``piled[node, element]``). Each sum
    adds in node, then element order."""
    n_n = final_met.shape[0]
    magnet = k == a_prod.shape[0] - 1
    for n in range(n_n):
        for i in range(n_places[n]):
            p = places_of[n, i]
            pile, mag = load(lt, a_pile, (p,)), load(lt, a_mag, (p,))
            dem, unm = load(lt, a_dem, (p, 0)), load(lt, a_unm, (p, 0))
            for j in range(n_act[k, n]):
                e = act_e[k, n, j]
                if not busy[n, e]:
                    continue
                if final[n, e] != 0.0:  # else demand and its unmet part are zero
                    d = load(lt, demand, (n, e))
                    u = d - load(lt, final_met, (n, e))
                    store(a_dem, (p, 1 + e), load(lt, a_dem, (p, 1 + e)) + d)
                    store(a_unm, (p, 1 + e), load(lt, a_unm, (p, 1 + e)) + u)
                    if magnet:
                        dem, unm = dem + d, unm + u
                if piled[n, e]:
                    pile = pile + load(lt, stock, (n, e))
                if magnet:
                    mag = mag + load(lt, inv, (n, e))
            store(a_pile, (p,), pile)
            store(a_mag, (p,), mag)
            store(a_dem, (p, 0), dem)
            store(a_unm, (p, 0), unm)
    made, use = load(lt, a_prod, (k,)), load(lt, a_use, (k,))
    for n in range(n_n):
        if n == on:
            continue
        for j in range(n_act[k, n]):
            e = act_e[k, n, j]
            if busy[n, e]:
                made = made + load(lt, produced, (n, e))
                use = use + (load(lt, demand, (n, e)) + load(lt, consumed, (n, e)))
    store(a_prod, (k,), made)
    store(a_use, (k,), use)


@njit(cache=True, error_model="numpy")
def _flush(first, real, t, a_dem, a_unm, a_mag, a_pile, a_prod, a_use, s_dem, s_unm, s_mag, s_pile, s_prod,
           s_use):  # pragma: no cover - compiled  # fmt: skip
    """Write month ``t`` of the first ``real`` lanes to the compact series and zero the lanes."""
    for q in range(real):
        r = first + q
        for p in range(a_dem.shape[0]):
            for e in range(a_dem.shape[1]):
                s_dem[r, t, p, e] = a_dem[p, e, q]
                s_unm[r, t, p, e] = a_unm[p, e, q]
            s_mag[r, t, p] = a_mag[p, q]
            s_pile[r, t, p] = a_pile[p, q]
        for k in range(a_prod.shape[0]):
            s_prod[r, t, k] = a_prod[k, q]
            s_use[r, t, k] = a_use[k, q]
    a_dem[:, :, :] = 0.0
    a_unm[:, :, :] = 0.0
    a_mag[:, :] = 0.0
    a_pile[:, :] = 0.0
    a_prod[:, :] = 0.0
    a_use[:, :] = 0.0
