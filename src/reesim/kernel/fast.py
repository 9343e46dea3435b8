"""The fast kernel: the same monthly step as :mod:`reesim.kernel.reference`, compiled with Numba.

Contract: given the same :class:`~reesim.model.compile.Inputs` it returns the same
:class:`~reesim.kernel.state.Outputs` as the reference kernel, to 1e-9 relative (tests check it on
random scenarios). Runs are independent and spread over CPU cores (``prange``); within a run the
loops follow the reference's order of operations. Zero trade shares are skipped, which is where
most of the speed comes from: each importer buys a given element from few exporters.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, prange

from reesim.kernel.reference import EPS, feed_mixes
from reesim.kernel.state import Outputs
from reesim.model.compile import KERNEL_PARAMETERS, Inputs
from reesim.model.dims import MAGNET


def run_fast(inputs: Inputs, runs: int = 1, out: Outputs | None = None) -> Outputs:
    """Simulate ``runs`` runs with the compiled kernel.

    ``out`` may be the outputs of an earlier call of the same shape: they are overwritten, which
    saves allocating (and the operating system zeroing) about 30 MB per 240-month run. Batch
    drivers such as Monte Carlo reuse one buffer this way.
    """
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
    mixes = feed_mixes(inputs)
    mine_profile = np.where(base.mine[:, None] > 0, base.profile, mixes[0])
    params = np.stack([np.broadcast_to(inputs.params[p], (runs,)).astype(float) for p in KERNEL_PARAMETERS])
    market = np.ones(n_n, dtype=np.int64)
    market[inputs.origin_node] = 0
    p_n = inputs.proj_capacity.size
    proj_start = np.ascontiguousarray(np.broadcast_to(inputs.proj_start, (runs, p_n)), dtype=float)
    proj_ramp = np.ascontiguousarray(np.broadcast_to(inputs.proj_ramp, (runs, p_n)), dtype=float)
    # For each material, importer and element: the exporters with a positive base share.
    nz = base.shares > 0
    counts = nz.sum(axis=2)
    width = max(int(counts.max()), 1)
    partners = np.full((k_n, n_n, e_n, width), -1, dtype=np.int64)
    n_partners = counts.astype(np.int64)
    for k, i, e in zip(*np.nonzero(counts), strict=True):
        found = np.flatnonzero(nz[k, i, :, e])
        partners[k, i, e, : found.size] = found
    args: tuple[Any, ...] = (
        base.mine,
        mine_profile,
        base.feed.sum(axis=2),
        mixes,
        base.yields,
        base.final,
        base.shares,
        partners,
        n_partners,
        base.prices,
        base.defence_share,
        base.secondary,
        base.feed + base.final,
        inputs.allow,
        inputs.defence_denied,
        inputs.content_share,
        inputs.content_threshold,
        inputs.demand_index,
        inputs.proj_node,
        inputs.proj_material,
        inputs.proj_capacity,
        proj_start,
        proj_ramp,
        inputs.proj_opex,
        inputs.proj_offtake,
        inputs.proj_mix,
        inputs.recycle_rate,
        inputs.stock_target,
        inputs.stock_rate,
        inputs.stock_initial,
        inputs.price_floor,
        inputs.quota,
        inputs.release_threshold,
        inputs.origin_node,
        market,
        params,
        out.production,
        out.imports,
        out.exports,
        out.feed,
        out.consumption,
        out.demand,
        out.unmet,
        out.losses,
        out.inventory,
        out.stockpile,
        out.recycled,
        out.price,
    )
    _kernel(*(np.ascontiguousarray(a) if isinstance(a, np.ndarray) else a for a in args))
    return out


@njit(parallel=True, cache=True, error_model="numpy")
def _kernel(mine, mine_profile, base_in, mixes, yields, final, shares, partners, n_partners, p0,
            defence_share, secondary, base_use, allow, denied, content_share, content_threshold,
            demand_index, proj_node, proj_material, proj_capacity, proj_start, proj_ramp, proj_opex,
            proj_offtake, proj_mix, recycle_rate, stock_target, stock_rate, stock_initial, price_floor,
            quota, release_threshold, on, market, params, o_prod, o_imp, o_exp, o_feed, o_cons, o_dem,
            o_unmet, o_loss, o_inv, o_stock, o_recycled, o_price):  # pragma: no cover - compiled  # fmt: skip
    runs, t_n, k_n, n_n, e_n = o_prod.shape
    for r in prange(runs):
        cover, switch_lag, switch_max = params[0, r], params[1, r], params[2, r]
        kappa, tau, elasticity = params[3, r], params[4, r], params[5, r]
        sub_lag, sub_max, release_at, contracted = params[6, r], params[7, r], params[8, r], params[9, r]
        idle_ratio, restock = params[10, r], params[11, r]
        magnet_used = final[3].copy()
        target = cover * base_use
        inv = target.copy()
        stock = stock_initial.copy()
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
        resp = np.zeros((2, e_n))
        avail, buy, use = np.zeros((n_n, e_n)), np.zeros((n_n, e_n)), np.zeros((n_n, e_n))
        surplus, request = np.zeros((n_n, e_n)), np.zeros((n_n, e_n))
        imports, exports, have = np.zeros((n_n, e_n)), np.zeros((n_n, e_n)), np.zeros((n_n, e_n))
        final_met, feed_met, bought = np.zeros((n_n, e_n)), np.zeros((n_n, e_n)), np.zeros((n_n, e_n))
        release, held_arr, consumed = np.zeros((n_n, e_n)), np.zeros((n_n, e_n)), np.zeros((n_n, e_n))
        produced_next = np.zeros((n_n, e_n))
        wanted = np.zeros((k_n, n_n, e_n))
        missing = np.zeros((k_n, n_n, e_n))
        for t in range(t_n):
            add[:, :] = 0.0
            for p in range(proj_capacity.size):
                level = min(max((t + 1 - proj_start[r, p]) / proj_ramp[r, p], 0.0), 1.0) * proj_capacity[p]
                if not proj_offtake[p]:
                    mk = 0 if proj_node[p] == on else 1
                    revenue = 0.0
                    for e in range(e_n):
                        revenue += price[proj_material[p], mk, e] * proj_mix[p, e]
                    if revenue < idle_ratio * proj_opex[p]:
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
                        demand[k, n, e] = final[k, n, e] * demand_index[t, k, n] * resp[mk, e]
            for k in range(k_n):
                for n in range(n_n):
                    for e in range(e_n):
                        av = inv[k, n, e] + produced[n, e]
                        by = min(stock_rate[t, k, n, e], max(stock_target[k, n, e] - stock[k, n, e], 0.0))
                        us = planned[k, n, e] + demand[k, n, e] + by
                        avail[n, e], buy[n, e], use[n, e] = av, by, us
                        surplus[n, e] = min(max(av - us - target[k, n, e], 0.0), quota[t, k, n, e])
                        request[n, e] = min(
                            max(us + target[k, n, e] - av, 0.0), us + target[k, n, e] / restock
                        )
                _trade(k, t, request, surplus, demand[k], origin[k], shares, partners, allow, denied,
                       content_share, content_threshold, defence_share, on, contracted, short_months[k],
                       switch_lag, switch_max, ship, left, allowed, full)  # fmt: skip
                imports[:, :] = 0.0
                exports[:, :] = 0.0
                for i in range(n_n):
                    for e in range(e_n):
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
                    thr = release_at if np.isnan(release_threshold[n]) else release_threshold[n]
                    release_node = short_n > thr * dem_n
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
                            o_loss[r, t, k + 1, n, e] = consumed[n, e] * (1.0 - y)
                            produced_next[n, e] = consumed[n, e] * y
                    if k + 1 == 1:
                        for e in range(e_n):
                            produced_next[on, e] += secondary[e]
                        for n in range(n_n):
                            for e in range(e_n):
                                rec = recycle_rate[t, n] * magnet_used[n, e]
                                produced_next[n, e] += rec
                                o_recycled[r, t, 1, n, e] = rec
                for n in range(n_n):
                    for e in range(e_n):
                        left_stock = (
                            have[n, e] - final_met[n, e] + release[n, e] - consumed[n, e] - bought[n, e]
                        )
                        inv[k, n, e] = max(left_stock, 0.0)
                        o_prod[r, t, k, n, e] = produced[n, e]
                        o_imp[r, t, k, n, e] = imports[n, e]
                        o_exp[r, t, k, n, e] = exports[n, e]
                        o_feed[r, t, k, n, e] = consumed[n, e]
                        o_cons[r, t, k, n, e] = final_met[n, e]
                        o_dem[r, t, k, n, e] = demand[k, n, e]
                        o_unmet[r, t, k, n, e] = demand[k, n, e] - final_met[n, e]
                        o_inv[r, t, k, n, e] = inv[k, n, e]
                        o_stock[r, t, k, n, e] = stock[k, n, e]
                # Clear this material's shipments (only the entries that were written).
                for i in range(n_n):
                    for e in range(e_n):
                        count = n_n if full[i, e] else n_partners[k, i, e]
                        for j in range(count):
                            ship[i, j if full[i, e] else partners[k, i, e, j], e] = 0.0
                        full[i, e] = False
                if k < 3:
                    for n in range(n_n):
                        for e in range(e_n):
                            origin_prod[n, e] = origin[k, n, e]
                            produced[n, e] = produced_next[n, e]
            for m in range(2):
                for k in range(k_n):
                    for e in range(e_n):
                        d = 0.0
                        u = 0.0
                        for n in range(n_n):
                            if market[n] == m:
                                d += wanted[k, n, e]
                                u += missing[k, n, e]
                        tight = u / d if d > EPS else 0.0
                        goal = p0[k, e] * (1.0 + kappa * tight)
                        price[k, m, e] += (goal - price[k, m, e]) / max(tau, 1.0)
            for k in range(k_n):
                for e in range(e_n):
                    price[k, 1, e] = max(price[k, 1, e], price_floor[t, k, e])
            for k in range(k_n):
                for m in range(2):
                    for e in range(e_n):
                        rel = min(max(price[k, m, e] / p0[k, e] - 1.0, 0.0), 1.0)
                        sub[k, m, e] += (sub_max * rel - sub[k, m, e]) / max(sub_lag, 1.0)
            o_price[r, t] = price
            magnet_used[:, :] = o_cons[r, t, 3]


@njit(cache=True, error_model="numpy")
def _trade(k, t, request, surplus, final, origin, shares, partners, allow, denied, content_share,
           content_threshold, defence_share, on, contracted, short_months, switch_lag, switch_max, ship,
           left, allowed, full):  # pragma: no cover - compiled  # fmt: skip
    """Shipments of material ``k`` in month ``t`` into ``ship[importer, exporter, element]``.

    ``ship`` must be zero on entry. Only partner entries are written, except for an
    (importer, element) whose unmet request is re-routed: there every exporter's entry may be
    written and ``full[importer, element]`` is set, so callers know to read (and clear) the whole row.
    """
    n_n, e_n = request.shape
    width = partners.shape[3]
    # Pass 1: tier totals asked of each exporter (tier 1 defence, 2 contracted, 3 spot).
    totals = np.zeros((3, n_n, e_n))
    _tier_pass(False, k, t, request, final, shares, partners, allow, denied, origin, on, content_share,
               content_threshold, defence_share, contracted, totals, ship)  # fmt: skip
    # Pass 2: each exporter serves tier 1, then 2, then 3 from its surplus, pro rata within a tier;
    # totals become fill fractions.
    left[:, :] = surplus
    for tier in range(3):
        for x in range(n_n):
            for e in range(e_n):
                total = totals[tier, x, e]
                if total > EPS:
                    used = min(left[x, e], total)
                    left[x, e] = max(left[x, e] - used, 0.0)
                    totals[tier, x, e] = used / total
                else:
                    totals[tier, x, e] = 0.0
    # Pass 3: shipments = each tier's request times its exporter's fill fraction.
    _tier_pass(True, k, t, request, final, shares, partners, allow, denied, origin, on, content_share,
               content_threshold, defence_share, contracted, totals, ship)  # fmt: skip
    # Switching: re-route part of what is still missing to exporters with surplus left.
    reroute = np.zeros((n_n, e_n))
    any_gap = False
    for i in range(n_n):
        for e in range(e_n):
            if short_months[i, e] <= 0.0:
                continue
            got = 0.0
            for j in range(width):
                x = partners[k, i, e, j]
                if x < 0:
                    break
                got += ship[i, x, e]
            gap = max(request[i, e] - got, 0.0)
            reroute[i, e] = gap * min(short_months[i, e] / max(switch_lag, 1.0), 1.0) * switch_max
            if reroute[i, e] > 0.0:
                any_gap = True
    if not any_gap:
        return
    weight = np.zeros((n_n, e_n))
    asked = np.zeros((n_n, e_n))
    for i in range(n_n):
        for e in range(e_n):
            if reroute[i, e] <= 0.0:
                continue
            for x in range(n_n):
                allowed[i, x, e] = _allowed(
                    k, t, i, x, e, allow, origin, on, content_share, content_threshold
                )
                if x != i and allowed[i, x, e] > 0:
                    weight[i, e] += left[x, e]
            if weight[i, e] > EPS:
                full[i, e] = True
                for x in range(n_n):
                    if x != i and allowed[i, x, e] > 0:
                        asked[x, e] += reroute[i, e] * left[x, e] / weight[i, e]
    for x in range(n_n):
        for e in range(e_n):
            if asked[x, e] > EPS:
                asked[x, e] = min(left[x, e], asked[x, e]) / asked[x, e]  # now the fill fraction
            else:
                asked[x, e] = 0.0
    for i in range(n_n):
        for e in range(e_n):
            if reroute[i, e] <= 0.0 or weight[i, e] <= EPS:
                continue
            for x in range(n_n):
                if x != i and allowed[i, x, e] > 0:
                    ship[i, x, e] += reroute[i, e] * left[x, e] / weight[i, e] * asked[x, e]


@njit(cache=True, error_model="numpy")
def _tier_pass(write, k, t, request, final, shares, partners, allow, denied, origin, on, content_share,
               content_threshold, defence_share, contracted, totals, ship):  # pragma: no cover  # fmt: skip
    """Walk every importer's requests along its partners, split into the three tiers.

    With ``write`` false, add each tier's request to ``totals[tier, exporter, element]``; with
    ``write`` true, ``totals`` holds fill fractions and the shipments are written to ``ship``.
    """
    n_n, e_n = request.shape
    for i in range(n_n):
        for e in range(e_n):
            req = request[i, e]
            if req <= 0.0:
                continue
            d = _defence_part(k, req, final[i, e], defence_share[i])
            for j in range(partners.shape[3]):
                x = partners[k, i, e, j]
                if x < 0:
                    break
                w = req * shares[k, i, x, e] * _allowed(k, t, i, x, e, allow, origin, on, content_share,
                                                         content_threshold)  # fmt: skip
                first = 0.0 if denied[t, k, x, i] else w * d
                second = w * (1.0 - d) * contracted
                third = w * (1.0 - d) * (1.0 - contracted)
                if write:
                    ship[i, x, e] = (
                        first * totals[0, x, e] + second * totals[1, x, e] + third * totals[2, x, e]
                    )
                else:
                    totals[0, x, e] += first
                    totals[1, x, e] += second
                    totals[2, x, e] += third


@njit(cache=True, inline="always", error_model="numpy")
def _defence_part(k, req, final, share):  # pragma: no cover
    """Share of a request that is defence demand (tier 1): magnets only."""
    if k != MAGNET or req <= EPS:
        return 0.0
    return min(final * share, req) / req


@njit(cache=True, inline="always", error_model="numpy")
def _allowed(k, t, i, x, e, allow, origin, on, content_share, content_threshold):  # pragma: no cover
    a = allow[t, k, x, i, e]
    if x != on and origin[x, e] >= content_threshold[t, k, i, e]:
        a *= content_share[t, k, i, e]
    return a
