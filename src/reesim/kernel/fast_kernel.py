"""The compiled monthly loop of the fast kernel (driven by :mod:`reesim.kernel.fast`).

Runs are simulated in groups of ``len(lt)`` side by side (:mod:`reesim.kernel.lanes`): every
state array has a trailing lane axis, and a cell's lanes are loaded, computed and stored as one
machine vector (:mod:`reesim.kernel.vec`; a run's own arithmetic, and its order, are those of
the reference kernel, so a run gives bit for bit the same in any group). Groups are spread over
CPU cores by threads, each calling the kernel for its share of the groups (Numba's ``prange``
would do the same, but its parallel compile takes about a third longer). A group's last lanes
repeat its last run when the number of runs is not a multiple of the lane count; they are
simulated but not written. Only the rows (material, node, element) that can hold anything in
the scenario are visited (``s.act_e``, ``s.n_act``; see :mod:`reesim.kernel.active`; in
``race`` 482 of 1,408): the others stay zero and are never read. Of those, rows where nothing
is held, made, used, asked or stocked this month are skipped in and after trade (``busy``); a
row's results are zeroed only when it stops being busy (``dirty``).

A month is the named steps of :data:`reesim.kernel.steps.STEPS`, the same in both kernels: the
terms in force and the month's supply and demand (:mod:`reesim.kernel.fast_month`), then for
each material in chain order (concentrate, oxide, metal, magnet) what every node can offer and
needs, trade (:mod:`reesim.kernel.fast_trade`), goods put in transit
(:mod:`reesim.kernel.transit`), what it comes to (:mod:`reesim.kernel.fast_settle`) and how
producers answer orders they could not fill (:mod:`reesim.kernel.fast_respond`), then prices
(:mod:`reesim.kernel.fast_market`, which also finances and runs the plants in the month's supply).
Arguments are the named bundles of :mod:`reesim.kernel.bundles`; what a group keeps is in
:mod:`reesim.kernel.fast_state`. Two modes: full outputs [run, month, material, node, element],
or (``series.on``) the compact series Monte Carlo keeps (:class:`reesim.kernel.state.Compact`).

Reading a bundle's field, or taking a view of an array (``a[k]``, ``a[:, t]``), takes a
reference to the array that is given back after its last use: two atomic operations, which
Numba leaves out only where both fall in one straight run of code, and a bundle read inside a
loop keeps the references to all its arrays (about two hundred) over the loop. So the steps
read the fields they use at their top, per-run tables are read in place
(:func:`reesim.kernel.vec.gather`), and the helpers that transit, stage and re-routing call
inside their loops get the arrays they read.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from reesim.kernel.fast_market import prices
from reesim.kernel.fast_month import final_demand, limits, positions, rules, supply
from reesim.kernel.fast_respond import respond
from reesim.kernel.fast_settle import clear, keep, settle, stage
from reesim.kernel.fast_state import lane_params, new_now, new_scratch, new_state
from reesim.kernel.fast_trade import trade
from reesim.kernel.transit import transit
from reesim.kernel.vec import load, store

#: SHA-256 (first 16 hex digits) of the modules the kernel calls or takes constants from, in
#: :data:`CALLED_MODULES` order. Numba's on-disk cache of :func:`kernel` is keyed on this file
#: alone: it does not notice when a called module changes and would go on running the old compiled
#: code. ``tests/test_fast_kernel.py`` checks this value, so a change to a called module comes with
#: a change to this file, and that renews the cache.
CALLED_SOURCES = "a3c306d137db19c7"
CALLED_MODULES = ("kernel/bundles.py", "kernel/fast_market.py", "kernel/fast_month.py",
                  "kernel/fast_respond.py", "kernel/fast_sectors.py", "kernel/fast_settle.py",
                  "kernel/fast_state.py", "kernel/fast_trade.py", "kernel/shared.py", "kernel/transit.py",
                  "kernel/vec.py", "model/dims.py")  # fmt: skip


@njit(cache=True, error_model="numpy", nogil=True)  # other threads run while it runs
def kernel(lt, groups, s, ctl, lim, proj, paths, params, full, series):  # pragma: no cover - compiled
    """Simulate the runs of groups ``groups[0]`` to ``groups[1]`` (excluded): ``s`` the
    structure, ``ctl``, ``lim``, ``proj`` and ``paths`` the scenario's terms, ``params`` the
    per-run parameters (see :mod:`reesim.kernel.bundles`); results go to ``full`` or, with
    ``series.on``, to ``series``. Calls for disjoint groups may run at once on several threads
    (:func:`reesim.kernel.fast.run_fast` does so: one call per core)."""
    runs, t_n = full.price.shape[0], full.price.shape[1]
    lanes = len(lt)  # runs simulated side by side: a compile-time constant (one compiled kernel each)
    for g in range(groups[0], groups[1]):
        first = np.int64(g) * lanes
        real = min(lanes, runs - first)  # lanes beyond it repeat the last run and are not written
        rl = np.empty(lanes, dtype=np.int64)
        for q in range(lanes):
            rl[q] = min(first + q, runs - 1)
        par = lane_params(params, rl)
        state = new_state(lt, rl, s, lim, proj, paths, par)
        now = new_now(lt, s, ctl)
        scr = new_scratch(lt, s, series)
        for t in range(t_n):
            rules(lt, t, rl, ctl, now)
            limits(lt, t, rl, lim, par, state, now)
            supply(lt, t, rl, s, lim, proj, paths, par, state, now, scr)
            final_demand(lt, t, rl, s, paths, par, state, scr)
            for k in range(s.yields.size):
                positions(lt, k, t, s, par, state, now, scr)
                trade(lt, k, s, par, state, now, scr)
                if s.lagged:
                    transit(lt, k, t, s, state, scr)
                settle(lt, k, s, par, state, scr)
                stage(lt, k, t, rl, s, paths, state, scr)
                keep(lt, k, s, state, scr)
                respond(lt, k, s, par, state, now, scr)
                if series.on:
                    _record(lt, k, s, state, scr)
                else:
                    _write(lt, first, real, k, t, s, state, scr, full)
                clear(lt, scr)
            if series.on:
                _flush(first, real, t, scr, series)
            prices(lt, s, par, state, scr)
            _write_month(first, real, t, state, full, series)


@njit(cache=True, error_model="numpy")
def _write(lt, first, real, k, t, s, state, scr, out):  # pragma: no cover - compiled
    """Write material ``k``'s month of the first ``real`` lanes to the full outputs ``out``."""
    k_n, n_n, e_n = out.production.shape[2], out.production.shape[3], out.production.shape[4]
    produced, consumed, final_met = state.produced[k], state.consumed[k], state.final_met[k]
    demand, inv, stock, recycled, yields = (
        state.demand[k],
        state.inv[k],
        state.stock[k],
        scr.recycled,
        s.yields,
    )
    imports = scr.landed[k] if s.lagged else scr.imports[k]
    exports, release, sched, busy = scr.exports[k], scr.release, scr.sched, scr.busy[k]
    for n in range(n_n):
        for e in range(e_n):
            for q in range(real):
                r = first + q
                out.production[r, t, k, n, e] = produced[n, e, q]
                out.imports[r, t, k, n, e] = imports[n, e, q]
                out.exports[r, t, k, n, e] = exports[n, e, q]
                out.feed[r, t, k, n, e] = consumed[n, e, q]
                out.consumption[r, t, k, n, e] = final_met[n, e, q]
                out.demand[r, t, k, n, e] = demand[n, e, q]
                out.unmet[r, t, k, n, e] = demand[n, e, q] - final_met[n, e, q]
                out.inventory[r, t, k, n, e] = inv[n, e, q]
                out.stockpile[r, t, k, n, e] = stock[n, e, q]
                # received from strategic stocks (read in busy rows only: see fast_settle.settle)
                out.released[r, t, k, n, e] = release[n, e, q] + sched[n, e, q] if busy[n, e] else 0.0
                coming = 0.0  # goods under way to the node at the end of the month
                if s.lagged:
                    for d in range(1, s.slots):
                        coming += state.ring[(t + d) % s.slots, k, n, e, q]
                out.transit[r, t, k, n, e] = coming
                if k + 1 < k_n:
                    out.losses[r, t, k + 1, n, e] = consumed[n, e, q] * (1.0 - yields[k + 1])
                if k == 0:
                    out.recycled[r, t, 1, n, e] = recycled[n, e, q]
    if k == k_n - 1:
        _write_sectors(first, real, k, t, s, state, scr, out)


@njit(cache=True, error_model="numpy")
def _write_sectors(first, real, k, t, s, state, scr, out):  # pragma: no cover - compiled
    """Write each final-use sector's magnet demand, unmet part and stock of the first ``real``
    lanes to the full outputs ``out`` (summed over the rows listed for magnets; a row not busy
    has no demand and no stock)."""
    share, met, part = s.sector_share, scr.sector_met, state.sector_part
    demand, inv, busy = state.demand[k], state.inv[k], scr.busy[k]
    n_n, j_n = share.shape
    for n in range(n_n):
        for j in range(j_n):
            for q in range(real):
                wanted, unmet, held = 0.0, 0.0, 0.0
                for i in range(s.n_act[k, n]):
                    e = s.act_e[k, n, i]
                    if not busy[n, e]:
                        continue
                    want = demand[n, e, q] * share[n, j]
                    wanted += want
                    unmet += want - met[n, j, e, q]
                    held += inv[n, e, q] * part[n, j, e, q]
                r = first + q
                out.sector_demand[r, t, n, j] = wanted
                out.sector_unmet[r, t, n, j] = unmet
                out.sector_stock[r, t, n, j] = held


@njit(cache=True, error_model="numpy")
def _write_month(first, real, t, state, full, series):  # pragma: no cover - compiled
    """Write month ``t``'s prices [material, market, element, lane] of the first ``real`` lanes
    (to ``full.price``, which is the series' in series mode), what the floors paid and what the
    stockpiles paid for this month's purchases at this month's prices (to the series, or the full
    outputs) and, in full, each project's output. Starts next month's purchases at zero."""
    price, out, bought = state.price, full.price, state.pile_bought
    k_n, _, e_n = out.shape[2], out.shape[3], out.shape[4]
    paid = series.floor_cost if series.on else full.floor_cost
    piles = series.stockpile_cost if series.on else full.stockpile_cost
    for q in range(real):
        r = first + q
        spent = 0.0
        for k in range(k_n):
            for m in range(2):
                for e in range(e_n):
                    out[r, t, k, m, e] = price[k, m, e, q]
                    spent += bought[k, m, e, q] * price[k, m, e, q]
        paid[r, t] = state.floor_paid[q]
        piles[r, t] = spent * 1000.0
        if not series.on:
            for p in range(state.level.shape[0]):
                full.project_output[r, t, p] = state.level[p, q]
    bought[:] = 0.0


@njit(cache=True, error_model="numpy")
def _record(lt, k, s, state, scr):  # pragma: no cover - compiled
    """Add material ``k``'s month to this month's compact series of every lane: ``a_dem`` and
    ``a_unm`` [places, 1 + E, lanes], ``a_mag`` and ``a_pile`` [places, lanes], ``a_prod`` and
    ``a_use`` [K, lanes], and the same per element in ``a_prod_e`` and ``a_use_e`` [K, E, lanes]
    (see :class:`reesim.kernel.state.Compact`). Only rows that can add
    something are read: rows ``busy`` this month among those listed (``act_e``, ``n_act``; see
    :mod:`reesim.kernel.active`), for demand only rows with base final use (``final[node,
    element]``) and for stockpiles only stockpiled rows (``piled[node, element]``). ``a_rel``
    [places, lanes] adds what the rows received from strategic stocks. Each sum adds in node,
    then element order."""
    on, act_e, n_act, final, piled = s.origin, s.act_e, s.n_act, s.final[k], s.piled[k]
    places_of, n_places, busy = s.places_of, s.n_places, scr.busy[k]
    demand, final_met, inv, stock = state.demand[k], state.final_met[k], state.inv[k], state.stock[k]
    produced, consumed = state.produced[k], state.consumed[k]
    a_dem, a_unm, a_mag, a_pile, a_prod, a_use = (
        scr.a_dem,
        scr.a_unm,
        scr.a_mag,
        scr.a_pile,
        scr.a_prod,
        scr.a_use,
    )
    n_n = final_met.shape[0]
    magnet = k == a_prod.shape[0] - 1
    for n in range(n_n):
        for i in range(n_places[n]):
            p = places_of[n, i]
            pile, mag, rel = load(lt, a_pile, (p,)), load(lt, a_mag, (p,)), load(lt, scr.a_rel, (p,))
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
                rel = rel + (load(lt, scr.release, (n, e)) + load(lt, scr.sched, (n, e)))
                if magnet:
                    mag = mag + load(lt, inv, (n, e))
            store(a_pile, (p,), pile)
            store(scr.a_rel, (p,), rel)
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
                made_e = load(lt, produced, (n, e))
                use_e = load(lt, demand, (n, e)) + load(lt, consumed, (n, e))
                made, use = made + made_e, use + use_e
                store(scr.a_prod_e, (k, e), load(lt, scr.a_prod_e, (k, e)) + made_e)
                store(scr.a_use_e, (k, e), load(lt, scr.a_use_e, (k, e)) + use_e)
    store(a_prod, (k,), made)
    store(a_use, (k,), use)
    if magnet and scr.a_sdem.shape[1] > 0:
        _record_sectors(lt, k, s, state, scr)


@njit(cache=True, error_model="numpy")
def _record_sectors(lt, k, s, state, scr):  # pragma: no cover - compiled
    """Add each final-use sector's magnet demand and unmet part at every node to this month's
    compact series of its places (``a_sdem``, ``a_sunm`` [places, sectors, lanes]), over the
    rows ``busy`` this month with base final use; in node, then sector, then element order."""
    share, met, busy, final = s.sector_share, scr.sector_met, scr.busy[k], s.final[k]
    demand, a_sdem, a_sunm = state.demand[k], scr.a_sdem, scr.a_sunm
    n_n, j_n = share.shape
    for n in range(n_n):
        for i in range(s.n_places[n]):
            p = s.places_of[n, i]
            for j in range(j_n):
                dem, unm = load(lt, a_sdem, (p, j)), load(lt, a_sunm, (p, j))
                for x in range(s.n_act[k, n]):
                    e = s.act_e[k, n, x]
                    if not busy[n, e] or final[n, e] == 0.0:
                        continue
                    want = load(lt, demand, (n, e)) * share[n, j]
                    dem = dem + want
                    unm = unm + (want - load(lt, met, (n, j, e)))
                store(a_sdem, (p, j), dem)
                store(a_sunm, (p, j), unm)


@njit(cache=True, error_model="numpy")
def _flush(first, real, t, scr, series):  # pragma: no cover - compiled
    """Write month ``t`` of the first ``real`` lanes to the compact series and zero the lanes."""
    a_dem, a_unm, a_mag, a_pile, a_prod, a_use = (
        scr.a_dem,
        scr.a_unm,
        scr.a_mag,
        scr.a_pile,
        scr.a_prod,
        scr.a_use,
    )
    s_dem, s_unm, s_mag, s_pile = series.demand, series.unmet, series.magnet_stock, series.stockpile
    a_rel, s_rel = scr.a_rel, series.released
    s_prod, s_use = series.production_outside, series.use_outside
    for q in range(real):
        r = first + q
        for p in range(a_dem.shape[0]):
            for e in range(a_dem.shape[1]):
                s_dem[r, t, p, e] = a_dem[p, e, q]
                s_unm[r, t, p, e] = a_unm[p, e, q]
            s_mag[r, t, p] = a_mag[p, q]
            s_pile[r, t, p] = a_pile[p, q]
            s_rel[r, t, p] = a_rel[p, q]
        for k in range(a_prod.shape[0]):
            s_prod[r, t, k] = a_prod[k, q]
            s_use[r, t, k] = a_use[k, q]
            for e in range(scr.a_prod_e.shape[1]):
                if t == 0:
                    series.alone_from[r, k, e] = 0.0
                if scr.a_prod_e[k, e, q] < scr.a_use_e[k, e, q] * (1.0 - 1e-9):
                    series.alone_from[r, k, e] = t + 1.0  # short this month: alone from the next at best
        for p in range(scr.a_sdem.shape[0]):
            for j in range(scr.a_sdem.shape[1]):
                series.sector_demand[r, t, p, j] = scr.a_sdem[p, j, q]
                series.sector_unmet[r, t, p, j] = scr.a_sunm[p, j, q]
    a_dem[:, :, :] = 0.0
    a_unm[:, :, :] = 0.0
    a_mag[:, :] = 0.0
    a_pile[:, :] = 0.0
    a_rel[:, :] = 0.0
    a_prod[:, :] = 0.0
    a_use[:, :] = 0.0
    scr.a_prod_e[:, :, :] = 0.0
    scr.a_use_e[:, :, :] = 0.0
    scr.a_sdem[:, :, :] = 0.0
    scr.a_sunm[:, :, :] = 0.0
