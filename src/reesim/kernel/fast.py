"""The fast kernel: the same monthly step as :mod:`reesim.kernel.reference`, compiled with Numba.

Contract: given the same :class:`~reesim.model.compile.Inputs` it returns the same
:class:`~reesim.kernel.state.Outputs` as the reference kernel, to 1e-9 relative (tests check it on
random scenarios). Runs are independent and spread over CPU cores (``prange``); within a run the
loops follow the reference's order of operations. Zero trade shares are skipped (each importer
buys a given element from few exporters); controls are evaluated once per month per pattern
(:mod:`reesim.model.controls`). Two modes: :func:`run_fast` writes every output,
:func:`run_fast_series` (Monte Carlo) adds each month into the compact series instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, prange

from reesim.kernel.fast_trade import trade
from reesim.kernel.reference import EPS, feed_mixes
from reesim.kernel.state import Array, Compact, Outputs
from reesim.model.compile import KERNEL_PARAMETERS, Inputs


def run_fast(inputs: Inputs, runs: int | None = None, out: Outputs | None = None) -> Outputs:
    """Simulate ``runs`` runs (default: as many as ``inputs`` describes) with the compiled kernel.

    ``out`` may be the outputs of an earlier call of the same shape: they are overwritten, which
    saves allocating (and the operating system zeroing) about 30 MB per 240-month run.
    """
    runs = _runs(inputs, runs)
    base = inputs.base
    t_n, k_n, n_n, e_n = len(inputs.months), 4, base.dims.n_nodes, base.dims.n_elements
    shape = (runs, t_n, k_n, n_n, e_n)
    if out is None:
        out = Outputs.zeros(*shape)
    else:
        if out.production.shape != shape or out.trade is not None:
            raise ValueError(f"out has shape {out.production.shape}, expected {shape} without trade")
        # Every other output is overwritten in full; these two are written for some materials only.
        out.losses.fill(0.0)
        out.recycled.fill(0.0)
    compact = _compact_buffers(runs, 1, 1, 1, 1)
    _call(inputs, runs, out, compact, np.zeros((1, n_n)), False)
    return out


def run_fast_series(inputs: Inputs, members: Array, runs: int | None = None) -> Compact:
    """Simulate ``runs`` runs (default: as many as ``inputs`` describes) keeping only the compact
    series of :class:`Compact`.

    ``members`` is [places, N]: 1 where a node belongs to a place. Nothing of size
    [month, material, node, element] is written, so a run costs a few hundred kB, not 30 MB.
    """
    runs = _runs(inputs, runs)
    base = inputs.base
    t_n, e_n = len(inputs.months), base.dims.n_elements
    compact = _compact_buffers(runs, t_n, members.shape[0], e_n, 4)
    out = Outputs.zeros(runs, 1, 1, 1, 1)  # not written in series mode
    out.price = compact.price
    _call(inputs, runs, out, compact, np.ascontiguousarray(members, dtype=float), True)
    return compact


def _runs(inputs: Inputs, runs: int | None) -> int:
    own = inputs.runs
    if runs is None:
        return own
    if own not in (1, runs):
        raise ValueError(f"inputs describe {own} runs, not {runs}")
    return runs


def _compact_buffers(runs: int, t_n: int, p_n: int, e_n: int, k_n: int) -> Compact:
    return Compact(
        demand=np.zeros((runs, t_n, p_n, 1 + e_n)), unmet=np.zeros((runs, t_n, p_n, 1 + e_n)),
        magnet_stock=np.zeros((runs, t_n, p_n)), stockpile=np.zeros((runs, t_n, p_n)),
        production_outside=np.zeros((runs, t_n, k_n)), use_outside=np.zeros((runs, t_n, k_n)),
        price=np.zeros((runs, t_n, k_n, 2, e_n)),
    )  # fmt: skip


def _per_run(array: Array, runs: int) -> Array:
    """A [R or 1, ...] table spread to ``runs`` rows (contiguous, for the kernel)."""
    return np.ascontiguousarray(np.broadcast_to(array, (runs, *array.shape[1:])), dtype=float)


def _call(inputs: Inputs, runs: int, out: Outputs, compact: Compact, members: Array, series: bool) -> None:
    base = inputs.base
    k_n, n_n, e_n = 4, base.dims.n_nodes, base.dims.n_elements
    mixes = feed_mixes(inputs)
    mine_profile = np.where(base.mine[:, None] > 0, base.profile, mixes[0])
    params = np.stack([np.broadcast_to(inputs.params[p], (runs,)).astype(float) for p in KERNEL_PARAMETERS])
    market = np.ones(n_n, dtype=np.int64)
    market[inputs.origin_node] = 0
    # For each material, importer and element: the exporters with a positive base share.
    nz = base.shares > 0
    counts = nz.sum(axis=2)
    width = max(int(counts.max()), 1)
    partners = np.full((k_n, n_n, e_n, width), -1, dtype=np.int64)
    n_partners = counts.astype(np.int64)
    for k, i, e in zip(*np.nonzero(counts), strict=True):
        found = np.flatnonzero(nz[k, i, :, e])
        partners[k, i, e, : found.size] = found
    c, q, sp = inputs.controls, inputs.quotas, inputs.stockpiles
    # The places (rows of members) each node belongs to.
    n_places = (members > 0).sum(axis=0).astype(np.int64)
    places_of = np.zeros((n_n, max(int(n_places.max(initial=0)), 1)), dtype=np.int64)
    for n in range(n_n):
        found = np.flatnonzero(members[:, n] > 0)
        places_of[n, : found.size] = found
    # The same, per partner slot: its base share and the control patterns covering it.
    x = np.maximum(partners, 0)
    kk, ii, ee = np.ogrid[:k_n, :n_n, :e_n]
    kk, ii, ee = kk[..., None], ii[..., None], ee[..., None]
    p_share = np.where(partners >= 0, base.shares[kk, ii, x, ee], 0.0)
    p_allow = inputs.controls.allow_pattern[kk, x, ii, ee]
    p_denied = inputs.controls.denied_pattern[kk, x, ii]
    args: tuple[Any, ...] = (
        base.mine, mine_profile, base.feed.sum(axis=2), mixes, base.yields, base.final, p_share, p_allow,
        p_denied, partners, n_partners, base.prices, base.defence_share, base.secondary,
        base.feed + base.final,
        c.start, c.end, _per_run(c.review, runs), _per_run(c.share, runs), _per_run(c.threshold, runs),
        c.allow_pattern, c.allow_members, c.content_pattern, c.content_members, c.denied_pattern,
        c.denied_members,
        q.node, q.start, q.end, q.covers, q.weight, _per_run(q.tonnes, runs),
        sp.node, sp.material, sp.start, sp.mix, _per_run(sp.target, runs), _per_run(sp.purchase, runs),
        _per_run(sp.initial, runs),
        inputs.demand_index, inputs.proj_node, inputs.proj_material, _per_run(inputs.proj_capacity, runs),
        _per_run(inputs.proj_start, runs), _per_run(inputs.proj_ramp, runs),
        _per_run(inputs.proj_opex, runs), inputs.proj_offtake, inputs.proj_mix, inputs.recycle_rate,
        inputs.price_floor, _per_run(inputs.release_threshold, runs), inputs.origin_node, market, params,
        out.production, out.imports, out.exports, out.feed, out.consumption, out.demand, out.unmet,
        out.losses, out.inventory, out.stockpile, out.recycled, out.price,
        series, places_of, n_places, compact.demand, compact.unmet, compact.magnet_stock, compact.stockpile,
        compact.production_outside, compact.use_outside,
    )  # fmt: skip
    _kernel(*(np.ascontiguousarray(a) if isinstance(a, np.ndarray) else a for a in args))


@njit(parallel=True, cache=True, error_model="numpy")
def _kernel(mine, mine_profile, base_in, mixes, yields, final, p_share, p_allow, p_denied, partners,
            n_partners, p0,
            defence_share, secondary, base_use, c_start, c_end, c_review, c_share, c_threshold,
            allow_pattern, allow_members, content_pattern, content_members, denied_pattern, denied_members,
            q_node, q_start, q_end, q_covers, q_weight, q_tonnes, s_node, s_material, s_start, s_mix,
            s_target, s_purchase, s_initial, demand_index, proj_node, proj_material, proj_capacity,
            proj_start, proj_ramp, proj_opex, proj_offtake, proj_mix, recycle_rate, price_floor,
            release_threshold, on, market, params, o_prod, o_imp, o_exp, o_feed, o_cons, o_dem, o_unmet,
            o_loss, o_inv, o_stock, o_recycled, o_price, series, places_of, n_places, s_dem, s_unm, s_mag,
            s_pile,
            s_prod, s_use):  # pragma: no cover - compiled  # fmt: skip
    runs, t_n, k_n, _, e_n = o_price.shape
    n_n = mine.shape[0]
    c_n, q_n, sp_n = c_start.size, q_node.size, s_node.size
    for r in prange(runs):
        ri = np.int64(r)  # the prange index is unsigned; mixing it with 0 would give a float
        rd = ri if demand_index.shape[0] > 1 else np.int64(0)
        rr = ri if recycle_rate.shape[0] > 1 else np.int64(0)
        rf = ri if price_floor.shape[0] > 1 else np.int64(0)
        cover, switch_lag, switch_max = params[0, r], params[1, r], params[2, r]
        kappa, tau, elasticity = params[3, r], params[4, r], params[5, r]
        sub_lag, sub_max, contracted = params[6, r], params[7, r], params[9, r]
        idle_ratio, restock = params[10, r], params[11, r]
        magnet_used = final[3].copy()
        target = cover * base_use
        inv = target.copy()
        stock = np.zeros((k_n, n_n, e_n))
        stock_target = np.zeros((k_n, n_n, e_n))
        for s in range(sp_n):
            for e in range(e_n):
                stock[s_material[s], s_node[s], e] += s_initial[r, s] * s_mix[s, e]
                stock_target[s_material[s], s_node[s], e] += s_target[r, s] * s_mix[s, e]
        stock_rate = np.zeros((k_n, n_n, e_n))
        quota = np.full((k_n, n_n, e_n), np.inf)
        factor = np.ones(c_n)
        in_force = np.zeros(c_n, dtype=np.bool_)
        allow_now = np.ones(allow_members.shape[0])
        content_share = np.ones(content_members.shape[0])
        content_threshold = np.full(content_members.shape[0], np.inf)
        denied_now = np.zeros(denied_members.shape[0], dtype=np.bool_)
        release_at_n = np.empty(n_n)
        for n in range(n_n):
            thr_n = release_threshold[r, n]
            release_at_n[n] = params[8, r] if np.isnan(thr_n) else thr_n
        price = np.empty((k_n, 2, e_n))
        for k in range(k_n):
            for m in range(2):
                price[k, m, :] = p0[k, :]
        sub = np.zeros((k_n, 2, e_n))
        short_months = np.zeros((k_n, n_n, e_n))
        origin = np.zeros((k_n, n_n, e_n))
        origin[:, on, :] = 1.0
        add = np.zeros((k_n, n_n))
        planned = np.zeros((k_n, n_n, e_n))
        produced = np.zeros((n_n, e_n))
        demand = np.zeros((k_n, n_n, e_n))
        origin_prod = np.zeros((n_n, e_n))
        ship = np.zeros((n_n, n_n, e_n))
        left = np.zeros((n_n, e_n))
        allowed = np.zeros((n_n, n_n, e_n))
        full = np.zeros((n_n, e_n), dtype=np.bool_)
        totals = np.zeros((3, n_n, e_n))
        tiers = np.zeros((3, n_n, e_n, partners.shape[3]))
        reroute, weight, asked = np.zeros((n_n, e_n)), np.zeros((n_n, e_n)), np.zeros((n_n, e_n))
        open_x = np.zeros((e_n, n_n), dtype=np.int64)
        open_n = np.zeros(e_n, dtype=np.int64)
        resp = np.zeros((2, e_n))
        avail, buy, use = np.zeros((n_n, e_n)), np.zeros((n_n, e_n)), np.zeros((n_n, e_n))
        surplus, request = np.zeros((n_n, e_n)), np.zeros((n_n, e_n))
        imports, exports, have = np.zeros((n_n, e_n)), np.zeros((n_n, e_n)), np.zeros((n_n, e_n))
        final_met, feed_met, bought = np.zeros((n_n, e_n)), np.zeros((n_n, e_n)), np.zeros((n_n, e_n))
        release, held_arr, consumed = np.zeros((n_n, e_n)), np.zeros((n_n, e_n)), np.zeros((n_n, e_n))
        produced_next = np.zeros((n_n, e_n))
        used_now = np.zeros((n_n, e_n))
        wanted = np.zeros((k_n, n_n, e_n))
        missing = np.zeros((k_n, n_n, e_n))
        for t in range(t_n):
            _rules(t, r, c_start, c_end, c_review, c_share, c_threshold, allow_members, content_members,
                   denied_members, factor, in_force, allow_now, content_share, content_threshold,
                   denied_now)  # fmt: skip
            if q_n > 0:
                quota[:, :, :] = np.inf
                for q in range(q_n):
                    if q_start[q] <= t < q_end[q]:
                        for k in range(k_n):
                            for e in range(e_n):
                                if q_covers[q, k, e]:
                                    cap = q_tonnes[r, q] / 12.0 * q_weight[q, k, e]
                                    quota[k, q_node[q], e] = min(quota[k, q_node[q], e], cap)
            if sp_n > 0:
                stock_rate[:, :, :] = 0.0
                for s in range(sp_n):
                    if s_start[s] <= t:
                        for e in range(e_n):
                            stock_rate[s_material[s], s_node[s], e] += s_purchase[r, s] / 12.0 * s_mix[s, e]
            add[:, :] = 0.0
            for p in range(proj_node.size):
                level = min(max((t + 1 - proj_start[r, p]) / proj_ramp[r, p], 0.0), 1.0) * proj_capacity[r, p]
                if not proj_offtake[p]:
                    mk = 0 if proj_node[p] == on else 1
                    revenue = 0.0
                    for e in range(e_n):
                        revenue += price[proj_material[p], mk, e] * proj_mix[p, e]
                    if revenue < idle_ratio * proj_opex[r, p]:
                        level = 0.0
                add[proj_material[p], proj_node[p]] += level
            for k in range(3):
                for n in range(n_n):
                    total = base_in[k, n] + add[k + 1, n] / yields[k + 1]
                    for e in range(e_n):
                        planned[k, n, e] = total * mixes[k, n, e]
            for n in range(n_n):
                for e in range(e_n):
                    produced[n, e] = (mine[n] + add[0, n]) * mine_profile[n, e]
                    origin_prod[n, e] = 1.0 if n == on else 0.0
            for k in range(k_n):
                for m in range(2):
                    for e in range(e_n):
                        ratio = price[k, m, e] / p0[k, e]
                        scale = 1.0 if ratio == 1.0 else ratio**elasticity
                        resp[m, e] = scale * (1.0 - sub[k, m, e])
                for n in range(n_n):
                    mk = market[n]
                    for e in range(e_n):
                        demand[k, n, e] = final[k, n, e] * demand_index[rd, t, k, n] * resp[mk, e]
            for k in range(k_n):
                for n in range(n_n):
                    for e in range(e_n):
                        av = inv[k, n, e] + produced[n, e]
                        by = min(stock_rate[k, n, e], max(stock_target[k, n, e] - stock[k, n, e], 0.0))
                        us = planned[k, n, e] + demand[k, n, e] + by
                        avail[n, e], buy[n, e], use[n, e] = av, by, us
                        surplus[n, e] = min(max(av - us - target[k, n, e], 0.0), quota[k, n, e])
                        request[n, e] = min(
                            max(us + target[k, n, e] - av, 0.0), us + target[k, n, e] / restock
                        )
                trade(k, request, surplus, demand[k], origin[k], partners, p_share, p_allow, p_denied,
                       allow_pattern, allow_now, denied_now, content_pattern, content_share,
                       content_threshold, defence_share, on, contracted, short_months[k], switch_lag,
                       switch_max, ship, left, allowed, full, totals, tiers, reroute, weight, asked, open_x,
                       open_n)  # fmt: skip
                imports[:, :] = 0.0
                exports[:, :] = 0.0
                for i in range(n_n):
                    for e in range(e_n):
                        if request[i, e] <= 0.0:
                            continue  # asked nothing, so nothing was shipped to it
                        count = n_n if full[i, e] else n_partners[k, i, e]
                        for j in range(count):
                            x = j if full[i, e] else partners[k, i, e, j]
                            v = ship[i, x, e]
                            imports[i, e] += v
                            exports[x, e] += v
                for n in range(n_n):
                    short_n = 0.0
                    dem_n = 0.0
                    for e in range(e_n):
                        hv = avail[n, e] + imports[n, e] - exports[n, e]
                        have[n, e] = hv
                        met = min(hv, use[n, e])
                        frac = met / use[n, e] if use[n, e] > EPS else 1.0
                        final_met[n, e] = demand[k, n, e] * frac
                        feed_met[n, e] = planned[k, n, e] * frac
                        bought[n, e] = buy[n, e] * frac
                        short_n += demand[k, n, e] - final_met[n, e]
                        dem_n += demand[k, n, e]
                    release_node = short_n > release_at_n[n] * dem_n
                    for e in range(e_n):
                        rel = min(stock[k, n, e], demand[k, n, e] - final_met[n, e]) if release_node else 0.0
                        release[n, e] = rel
                        final_met[n, e] += rel
                        stock[k, n, e] += bought[n, e] - rel
                        wanted[k, n, e] = demand[k, n, e] + planned[k, n, e]
                        short_final = demand[k, n, e] - final_met[n, e]
                        missing[k, n, e] = short_final + (planned[k, n, e] - feed_met[n, e])
                        if request[n, e] - imports[n, e] > 1e-9 * max(request[n, e], 1.0):
                            short_months[k, n, e] += 1.0
                        else:
                            short_months[k, n, e] = 0.0
                        # China-origin share after trade.
                        held = inv[k, n, e] * origin[k, n, e] + produced[n, e] * origin_prod[n, e]
                        held -= exports[n, e] * origin[k, n, e]
                        if imports[n, e] > 0.0:
                            count = n_n if full[n, e] else n_partners[k, n, e]
                            for j in range(count):
                                x = j if full[n, e] else partners[k, n, e, j]
                                held += ship[n, x, e] * origin[k, x, e]  # exporters' origin before update
                        held_arr[n, e] = held
                for n in range(n_n):
                    for e in range(e_n):
                        if have[n, e] > EPS:
                            origin[k, n, e] = min(max(held_arr[n, e] / have[n, e], 0.0), 1.0)
                consumed[:, :] = feed_met
                if k < 3:
                    if k + 1 == 3:
                        for n in range(n_n):
                            batches = np.inf
                            for e in range(e_n):
                                if mixes[k, n, e] > 0:
                                    batches = min(batches, feed_met[n, e] / max(mixes[k, n, e], EPS))
                            for e in range(e_n):
                                consumed[n, e] = batches * mixes[k, n, e]
                    y = yields[k + 1]
                    for n in range(n_n):
                        for e in range(e_n):
                            if not series:
                                o_loss[r, t, k + 1, n, e] = consumed[n, e] * (1.0 - y)
                            produced_next[n, e] = consumed[n, e] * y
                    if k + 1 == 1:
                        for e in range(e_n):
                            produced_next[on, e] += secondary[e]
                        for n in range(n_n):
                            for e in range(e_n):
                                rec = recycle_rate[rr, t, n] * magnet_used[n, e]
                                produced_next[n, e] += rec
                                if not series:
                                    o_recycled[r, t, 1, n, e] = rec
                for n in range(n_n):
                    for e in range(e_n):
                        left_stock = (
                            have[n, e] - final_met[n, e] + release[n, e] - consumed[n, e] - bought[n, e]
                        )
                        inv[k, n, e] = max(left_stock, 0.0)
                        if k == 3:
                            used_now[n, e] = final_met[n, e]
                        if series:
                            continue
                        o_prod[r, t, k, n, e] = produced[n, e]
                        o_imp[r, t, k, n, e] = imports[n, e]
                        o_exp[r, t, k, n, e] = exports[n, e]
                        o_feed[r, t, k, n, e] = consumed[n, e]
                        o_cons[r, t, k, n, e] = final_met[n, e]
                        o_dem[r, t, k, n, e] = demand[k, n, e]
                        o_unmet[r, t, k, n, e] = demand[k, n, e] - final_met[n, e]
                        o_inv[r, t, k, n, e] = inv[k, n, e]
                        o_stock[r, t, k, n, e] = stock[k, n, e]
                if series:
                    _record(r, t, k, on, places_of, n_places, demand[k], final_met, inv[k], stock[k],
                            produced, consumed, s_dem, s_unm, s_mag, s_pile, s_prod, s_use)  # fmt: skip
                # Clear this material's shipments (only the entries that were written).
                for i in range(n_n):
                    for e in range(e_n):
                        if request[i, e] <= 0.0:
                            continue
                        count = n_n if full[i, e] else n_partners[k, i, e]
                        for j in range(count):
                            ship[i, j if full[i, e] else partners[k, i, e, j], e] = 0.0
                        full[i, e] = False
                if k < 3:
                    for n in range(n_n):
                        for e in range(e_n):
                            origin_prod[n, e] = origin[k, n, e]
                            produced[n, e] = produced_next[n, e]
            for k in range(k_n):
                for e in range(e_n):
                    d0, u0, d1, u1 = 0.0, 0.0, 0.0, 0.0
                    for n in range(n_n):
                        if market[n] == 0:
                            d0 += wanted[k, n, e]
                            u0 += missing[k, n, e]
                        else:
                            d1 += wanted[k, n, e]
                            u1 += missing[k, n, e]
                    for m in range(2):
                        d, u = (d0, u0) if m == 0 else (d1, u1)
                        tight = u / d if d > EPS else 0.0
                        goal = p0[k, e] * (1.0 + kappa * tight)
                        price[k, m, e] += (goal - price[k, m, e]) / max(tau, 1.0)
            for k in range(k_n):
                for e in range(e_n):
                    price[k, 1, e] = max(price[k, 1, e], price_floor[rf, t, k, e])
            for k in range(k_n):
                for m in range(2):
                    for e in range(e_n):
                        rel = min(max(price[k, m, e] / p0[k, e] - 1.0, 0.0), 1.0)
                        sub[k, m, e] += (sub_max * rel - sub[k, m, e]) / max(sub_lag, 1.0)
            o_price[r, t] = price
            magnet_used[:, :] = used_now


@njit(cache=True, error_model="numpy")
def _rules(t, r, c_start, c_end, c_review, c_share, c_threshold, allow_members, content_members,
           denied_members, factor, in_force, allow_now, content_share, content_threshold,
           denied_now):  # pragma: no cover - compiled  # fmt: skip
    """This month's licensed share per pattern of controls (see :mod:`reesim.model.controls`)."""
    c_n = c_start.size
    for c in range(c_n):
        in_force[c] = c_start[c] <= t < c_end[c]
        if not in_force[c]:
            factor[c] = 1.0
        elif t - c_start[c] < c_review[r, c]:
            factor[c] = 0.0
        else:
            factor[c] = c_share[r, c]
    for p in range(allow_members.shape[0]):
        a = 1.0
        for c in range(c_n):
            if allow_members[p, c]:
                a *= factor[c]
        allow_now[p] = a
    for p in range(content_members.shape[0]):
        a = 1.0
        low = np.inf
        for c in range(c_n):
            if content_members[p, c] and in_force[c]:
                a *= factor[c]
                low = min(low, c_threshold[r, c])
        content_share[p] = a
        content_threshold[p] = low
    for p in range(denied_members.shape[0]):
        hit = False
        for c in range(c_n):
            if denied_members[p, c] and in_force[c]:
                hit = True
        denied_now[p] = hit


@njit(cache=True, error_model="numpy")
def _record(r, t, k, on, places_of, n_places, demand, final_met, inv, stock, produced, consumed, s_dem, s_unm,
            s_mag,
            s_pile, s_prod, s_use):  # pragma: no cover - compiled  # fmt: skip
    """Add material ``k``'s month to the compact series (see :class:`Compact`)."""
    n_n, e_n = final_met.shape
    for n in range(n_n):
        for q in range(n_places[n]):
            p = places_of[n, q]
            for e in range(e_n):
                d = demand[n, e]
                u = d - final_met[n, e]
                s_dem[r, t, p, 1 + e] += d
                s_unm[r, t, p, 1 + e] += u
                s_pile[r, t, p] += stock[n, e]
                if k == 3:
                    s_dem[r, t, p, 0] += d
                    s_unm[r, t, p, 0] += u
                    s_mag[r, t, p] += inv[n, e]
        if n != on:
            for e in range(e_n):
                s_prod[r, t, k] += produced[n, e]
                s_use[r, t, k] += demand[n, e] + consumed[n, e]
