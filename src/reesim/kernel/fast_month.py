"""The terms of one month for the fast kernel (:mod:`reesim.kernel.fast_kernel`), per lane.

Each function fills arrays with a trailing lane axis (one lane per run simulated side by side;
``rl[lane]`` is the lane's run, the row it reads of per-run tables). Arguments are the named
bundles of :mod:`reesim.kernel.bundles` and :mod:`reesim.kernel.fast_state`: ``s`` the
structure, ``par`` the lanes' parameters, ``state``, ``now`` (this month's terms) and ``scr``
(scratch). The rules are those of the
reference kernel (:mod:`reesim.kernel.reference`): licensed shares of the export controls in
force, quotas, strategic purchases, capacity (with :mod:`reesim.kernel.fast_market`), planned
inputs, mine output, final demand and what each node has and asks. Quantities are t REO-eq per
month; prices USD/kg.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from reesim.kernel.fast_market import existing_running, floors, projects
from reesim.kernel.shared import HEAVY_CIRCUIT
from reesim.kernel.vec import any_lane, gather, load, splat, store, vmax, vmin, where


@njit(cache=True, error_model="numpy")
def rules(lt, t, rl, ctl, now):  # pragma: no cover - compiled
    """This month's licensed share per pattern of controls (see :mod:`reesim.model.controls`)."""
    lanes = len(lt)
    c_start, c_end, c_review, c_share, c_threshold = ctl.start, ctl.end, ctl.review, ctl.share, ctl.threshold
    factor, in_force, allow_now = now.factor, now.in_force, now.allow_now
    content_share, content_threshold, denied_now = now.content_share, now.content_threshold, now.denied_now
    allow_members, content_members, denied_members = (
        ctl.allow_members,
        ctl.content_members,
        ctl.denied_members,
    )
    c_n = c_start.size
    for c in range(c_n):
        in_force[c] = c_start[c] <= t < c_end[c]
        for q in range(lanes):
            r = rl[q]
            if not in_force[c]:
                factor[c, q] = 1.0
            else:  # the share for the part of the month after the review (0 before it ends)
                part = min(max(t + 1 - c_start[c] - c_review[r, c], 0.0), 1.0)
                factor[c, q] = c_share[r, c] * part
    for p in range(allow_members.shape[0]):  # a member covers a share of the pattern's flow
        allow_now[p, :] = 1.0
        for c in range(c_n):
            weight = allow_members[p, c]
            if weight > 0.0:
                for q in range(lanes):
                    allow_now[p, q] *= 1.0 - weight * (1.0 - factor[c, q])
    for p in range(content_members.shape[0]):
        content_share[p, :] = 1.0
        content_threshold[p, :] = np.inf
        for c in range(c_n):
            weight = content_members[p, c]
            if weight > 0.0 and in_force[c]:
                for q in range(lanes):
                    content_share[p, q] *= 1.0 - weight * (1.0 - factor[c, q])
                    content_threshold[p, q] = min(content_threshold[p, q], c_threshold[rl[q], c])
    for p in range(denied_members.shape[0]):
        hit = False
        for c in range(c_n):
            if denied_members[p, c] and in_force[c]:
                hit = True
        denied_now[p] = hit


@njit(cache=True, error_model="numpy")
def _asked_in(asked, covers, n, out):  # pragma: no cover - compiled
    """Write into ``out`` [lane] what importers asked of exporter ``n`` last month, t, in the
    cells ``covers`` [material, element] marks: the demand on one quota's licences (t/month)."""
    out[:] = 0.0
    for k in range(covers.shape[0]):
        for e in range(covers.shape[1]):
            if covers[k, e]:
                for q in range(out.size):
                    out[q] += asked[k, n, e, q]


@njit(cache=True, error_model="numpy")
def _rents(t, rl, lim, par, state, asks):  # pragma: no cover - compiled
    """Each quota in force moves its rent over ``quota_rent_months`` toward ``quota_rent_rate`` x
    its basket price x (what was asked in its cells last month, ``asks[quota, lane]``, over the
    month's cap, less 1, at least 0); a quota continuing another starts from its rent;
    ``rent_cell`` is the largest rent of the quotas in force on China's exports covering each
    material and element."""
    q_node, q_covers, q_tonnes = lim.q_node, lim.q_covers, lim.q_tonnes
    rent, cell = state.rent, state.rent_cell
    if q_node.size == 0:
        return
    cell[:] = 0.0
    k_n, e_n, lanes = q_covers.shape[1], q_covers.shape[2], asks.shape[1]
    for qi in range(q_node.size):
        if not lim.q_start[qi] <= t < lim.q_end[qi]:
            continue
        if t == lim.q_start[qi] and lim.q_follows[qi] >= 0:
            rent[qi, :] = rent[lim.q_follows[qi], :]
        for q in range(lanes):
            cap = q_tonnes[rl[q], qi] / 12.0
            if cap > 1e-12:  # a smaller cap licenses nothing (reesim.model.limits.EPS)
                goal = par.quota_rent_rate[q] * lim.q_basket[qi] * max(asks[qi, q] / cap - 1.0, 0.0)
                goal = min(goal, par.price_backstop_multiple[q] * lim.q_basket[qi])
                rent[qi, q] = rent[qi, q] + (goal - rent[qi, q]) / max(par.quota_rent_months[q], 1.0)
            else:
                rent[qi, q] = 0.0
        if lim.q_china[qi]:
            for k in range(k_n):
                for e in range(e_n):
                    if q_covers[qi, k, e]:
                        for q in range(lanes):
                            cell[k, e, q] = max(cell[k, e, q], rent[qi, q])


@njit(cache=True, error_model="numpy")
def limits(lt, t, rl, lim, par, state, now):  # pragma: no cover - compiled
    """Export quotas in force (``quota[material, node, element, lane]``, inf where none; a quota
    split by asks shares its cap by ``asked``, last month's requests, see
    :mod:`reesim.model.limits`), their licence rents (``state.rent[quota, lane]``, and
    ``state.rent_cell[material, element, lane]`` on China's exports; the arithmetic of
    :meth:`reesim.model.limits.Quotas.rents`),
    strategic purchases per month (``stock_rate``) and releases scheduled this month (``sched``,
    t). Only the cells some quota covers, and the cells of stockpiles, are reset: the others keep
    inf and zero from the start."""
    lanes = len(lt)
    q_node, q_start, q_end, q_covers, q_weight, q_tonnes = (lim.q_node, lim.q_start, lim.q_end, lim.q_covers,
                                                            lim.q_weight, lim.q_tonnes)  # fmt: skip
    s_node, s_material, s_start, s_mix, s_purchase = (
        lim.s_node,
        lim.s_material,
        lim.s_start,
        lim.s_mix,
        lim.s_purchase,
    )
    quota, stock_rate, sched = now.quota, now.stock_rate, now.sched
    k_n, e_n = q_covers.shape[1], q_covers.shape[2]
    for qi in range(q_node.size):
        for k in range(k_n):
            for e in range(e_n):
                if q_covers[qi, k, e]:
                    quota[k, q_node[qi], e, :] = np.inf
    asked, asks = now.asked, np.zeros((q_node.size, lanes))
    for qi in range(q_node.size):
        if q_start[qi] <= t < q_end[qi]:
            n = q_node[qi]
            _asked_in(asked, q_covers[qi], n, asks[qi])  # what was asked in the quota's cells last month
            total = asks[qi]
            for k in range(k_n):
                for e in range(e_n):
                    if q_covers[qi, k, e]:
                        for q in range(lanes):
                            split = lim.q_asked[qi] and total[q] > 0.0
                            share = asked[k, n, e, q] / total[q] if split else q_weight[qi, k, e]
                            cap = q_tonnes[rl[q], qi] / 12.0 * share
                            quota[k, n, e, q] = min(quota[k, n, e, q], cap)
    _rents(t, rl, lim, par, state, asks)
    for s in range(s_node.size):
        stock_rate[s_material[s], s_node[s], :, :] = 0.0
        sched[s_material[s], s_node[s], :, :] = 0.0
    for r in range(lim.r_pile.size):
        if lim.r_month[r] == t:
            s = lim.r_pile[r]
            for e in range(e_n):
                for q in range(lanes):
                    sched[s_material[s], s_node[s], e, q] += lim.r_tonnes[rl[q], r] * s_mix[s, e]
    for s in range(s_node.size):
        if s_start[s] <= t:
            for e in range(e_n):
                for q in range(lanes):
                    bought = s_purchase[rl[q], s] / 12.0 * s_mix[s, e]
                    stock_rate[s_material[s], s_node[s], e, q] += bought


@njit(cache=True, error_model="numpy")
def supply(lt, t, rl, s, lim, proj, paths, par, state, now, scr):  # pragma: no cover - compiled
    """Projects financed and their output (``add[material, node, element, lane]``, in each
    project's own element mix), the share of existing plants' output that runs (``running``), and
    what the floors pay (``floor_paid``; see :mod:`reesim.kernel.fast_market`); then each stage's
    planned input (base-year input in the node's feed mix times the stage's ``util``, see
    :mod:`reesim.kernel.fast_respond`, times the share that runs and the growth with demand,
    ``1 + supply_growth x grow_by``, plus what projects add over the stage's yield) and the mines'
    output (``produced[node, element, lane]``), each held at most at the ceiling of the output
    caps in force (``lim.o_*``: a share of the cell's base-year level, projects included); each
    node's use index (``grown``). ``planned`` and
    ``produced`` are not written in rows not listed (``act_e``, ``n_act``; see
    :mod:`reesim.kernel.active`): they must be zero there."""
    add, planned, produced, util, running = (
        now.add,
        state.planned,
        state.produced[0],
        state.util,
        state.running,
    )
    mixes, yields, base_in, mine, mine_profile = s.mixes, s.yields, s.base_in, s.mine, s.mine_profile
    act_e, n_act, heavy = s.act_e, s.n_act, s.heavy
    k_n, n_n = mixes.shape[0], mixes.shape[1]
    grow_by, use, picked, grown = paths.grow_by, paths.use_index, scr.picked, scr.grown
    sg, supply_growth = scr.growing, paths.supply_growth
    rs = supply_growth.shape[0] > 1
    o_node, o_start, o_end, o_covers, o_share = lim.o_node, lim.o_start, lim.o_end, lim.o_covers, lim.o_share
    floors(lt, t, rl, paths, scr)
    projects(lt, t, rl, s, proj, par, state, now, scr)
    existing_running(lt, s, par, state, scr)
    for k in range(k_n):
        for e in range(sg.shape[1]):
            store(sg, (k, e), gather(lt, supply_growth, (t, k, e), rl, rs, picked))
    for k in range(k_n):
        for n in range(n_n):
            store(grown, (k, n), gather(lt, use, (t, k, n), rl, use.shape[0] > 1, picked))
    for k in range(k_n - 1):
        y = yields[k + 1]
        for n in range(n_n):
            plan = base_in[k, n] * (load(lt, util, (k + 1, n)) * load(lt, running, (k + 1, n)))
            # a separator's heavy elements: its heavy circuit's multiple (see fast_respond)
            plan_heavy = base_in[k, n] * (load(lt, util, (HEAVY_CIRCUIT, n)) * load(lt, running, (k + 1, n)))
            for i in range(n_act[k, n]):
                e = act_e[k, n, i]
                more = 1.0 + load(lt, sg, (k + 1, e)) * grow_by[k + 1, n, e]
                each = (plan_heavy if k == 0 and heavy[e] else plan) * more
                store(planned, (k, n, e), each * mixes[k, n, e] + load(lt, add, (k + 1, n, e)) / y)
    for n in range(n_n):
        made = mine[n] * (load(lt, util, (0, n)) * load(lt, running, (0, n)))
        for i in range(n_act[0, n]):
            e = act_e[0, n, i]
            grown = made * (1.0 + load(lt, sg, (0, e)) * grow_by[0, n, e])
            store(produced, (n, e), grown * mine_profile[n, e] + load(lt, add, (0, n, e)))
    for c in range(o_node.size):  # output caps in force: at most share x the base-year level
        if o_start[c] <= t < o_end[c]:
            n = o_node[c]
            for e in range(mixes.shape[2]):
                if o_covers[c, 0, e]:
                    level = mine[n] * mine_profile[n, e]
                    for q in range(len(lt)):
                        produced[n, e, q] = min(produced[n, e, q], o_share[rl[q], c] * level)
                for k in range(k_n - 1):
                    if o_covers[c, k + 1, e]:
                        level = base_in[k, n] * mixes[k, n, e]
                        for q in range(len(lt)):
                            planned[k, n, e, q] = min(planned[k, n, e, q], o_share[rl[q], c] * level)


@njit(cache=True, error_model="numpy")
def _working_target(lt, k, n, e, months, hoard, guard, market, base_use, grown):  # pragma: no cover
    """The working-stock target of row (node ``n``, element ``e``) of material ``k``, t per lane:
    ``months`` (``working_stock_months``) x the desired cover of the node's market (``hoard``
    [material, market, element, lane]) x the row's guard (``guard``) x base use
    (``base_use[material, node, element]``, t/month) x the node's use index (``grown``)."""
    cover = load(lt, hoard, (k, market[n], e)) * load(lt, guard, (k, n, e))
    return months * cover * (base_use[k, n, e] * load(lt, grown, (k, n)))


@njit(cache=True, error_model="numpy")
def positions(lt, k, t, s, par, state, now, scr):  # pragma: no cover - compiled
    """What each node has of material ``k`` (``avail``: working stock and output), uses (``use``:
    next stage's input, final demand and strategic purchases ``buy``), can offer (``surplus``,
    within its export quota) and asks of others (``request``, restocking towards its working-stock
    target over ``restock`` months), [node, element, lane]. The target is ``working_stock_months``
    x the desired cover of the node's market (``hoard``, see :mod:`reesim.kernel.fast_market`) x
    base use (``base_use[material, node, element]``, t/month) x the node's use index (``grown``).
    ``need`` is the part of the request a licence can approve: the same order for end uses only
    (no strategic purchases) towards the working stock at its base cover (no precautionary stock).

    Marks rows (node, element) where some lane asks something (``live``) and rows where anything
    is held, made, used, asked or stocked (``busy``). A row not busy stays empty this month: the
    settling functions skip it (it would only add zeros). Only the rows listed for material ``k``
    (``act_e[k, node, :n_act[k, node]]``, see :mod:`reesim.kernel.active`) are computed: the others
    stay empty in every month, and their ``live`` and ``busy`` stay False. Stocks are read only in
    rows a stockpile holds (``piled[material, node, element]``), quotas only in rows one covers
    (``capped``): elsewhere they are zero and inf. In stockpiled rows the release scheduled this
    month (at most the stock) leaves the stock and its target and joins ``avail``; ``sched``
    [node, element, lane] keeps it (zero in the other listed rows). A stockpile buys (``buy``)
    its element mix whole, only after a month in which, for every element it buys, its market was
    not short and the node's working stock ended at most ``stockpile_buy_max_shortfall`` x the
    month's end uses below its target (:func:`reesim.kernel.reference.buying`)."""
    act_e, n_act, piled, capped, base_use, market = s.act_e, s.n_act, s.piled, s.capped, s.base_use, s.market
    inv, produced, stock_target, stock = state.inv, state.produced[k], state.stock_target, state.stock
    tight, guard, grown = state.tight, state.guard, scr.grown
    planned, demand, stock_rate, quota, hoard = (
        state.planned,
        state.demand,
        now.stock_rate,
        now.quota,
        state.hoard,
    )
    avail, buy, use, surplus, request, need, sched = (
        scr.avail,
        scr.buy,
        scr.use,
        scr.surplus,
        scr.request,
        scr.need,
        scr.sched,
    )
    live, busy = scr.live[k], scr.busy[k]
    n_n = avail.shape[0]
    zero = splat(lt, 0.0)
    restock, stock_months = load(lt, par.restock_months, ()), load(lt, par.working_stock_months, ())
    buy_below = load(lt, par.stockpile_buy_max_shortfall, ())
    lagged = s.lagged
    slot = t % s.slots
    for n in range(n_n):
        # A stockpile buys its mix whole: only after a month in which, for every element it buys,
        # its market was not short and the node's working stock was at most ``buy_below`` x the
        # month's end uses below its target.
        whole = splat(lt, True)
        for i in range(n_act[k, n]):
            e = act_e[k, n, i]
            if piled[k, n, e]:
                ends = load(lt, planned, (k, n, e)) + load(lt, demand, (k, n, e))
                tg = _working_target(lt, k, n, e, stock_months, hoard, guard, market, base_use, grown)
                ready = (load(lt, tight, (k, market[n], e)) <= buy_below) & (
                    tg - load(lt, inv, (k, n, e)) <= buy_below * ends
                )
                whole = whole & (ready | (load(lt, stock_rate, (k, n, e)) <= 0.0))
        for i in range(n_act[k, n]):
            e = act_e[k, n, i]
            av = load(lt, inv, (k, n, e)) + load(lt, produced, (n, e))
            coming, due = zero, zero  # goods arriving later, and the amount the importer wants under way
            if lagged:  # goods arriving this month join what the node has
                av = av + load(lt, state.ring, (slot, k, n, e))
                for j in range(1, s.slots):
                    coming = coming + load(lt, state.ring, ((t + j) % s.slots, k, n, e))
            held, by, out = zero, zero, zero
            if piled[k, n, e]:  # a scheduled release is a sale: the target falls by as much
                held = load(lt, stock, (k, n, e))
                out = vmin(load(lt, now.sched, (k, n, e)), held)
                held = held - out
                store(stock, (k, n, e), held)
                goal = vmax(load(lt, stock_target, (k, n, e)) - out, 0.0)
                store(stock_target, (k, n, e), goal)
                av = av + out
                room = vmax(goal - held, 0.0)
                by = where(whole, vmin(load(lt, stock_rate, (k, n, e)), room), 0.0)
            ends = load(lt, planned, (k, n, e)) + load(lt, demand, (k, n, e))
            us = ends + by
            tg = _working_target(lt, k, n, e, stock_months, hoard, guard, market, base_use, grown)
            store(avail, (n, e), av)
            store(sched, (n, e), out)
            store(buy, (n, e), by)
            store(use, (n, e), us)
            spare = vmax(av - us - tg, 0.0)
            if capped[k, n, e]:
                spare = vmin(spare, load(lt, quota, (k, n, e)))
            store(surplus, (n, e), spare)
            tb = stock_months * (base_use[k, n, e] * load(lt, grown, (k, n)))  # the target at base cover
            if lagged:  # orders keep the goods under way at the lag times what the node lacks
                lag_in = load(lt, state.lag_in, (k, n, e))
                due = lag_in * vmax(us - load(lt, produced, (n, e)), 0.0)
                req = vmin(vmax(us + tg - av + (due - coming), 0.0), us + (tg + due) / restock)
                due = lag_in * vmax(ends - load(lt, produced, (n, e)), 0.0)
                nd = vmin(vmax(ends + tb - av + (due - coming), 0.0), ends + (tb + due) / restock)
            else:
                req = vmin(vmax(us + tg - av, 0.0), us + tg / restock)
                nd = vmin(vmax(ends + tb - av, 0.0), ends + tb / restock)
            store(request, (n, e), req)
            store(need, (n, e), vmin(nd, req))
            live[n, e] = any_lane(req > 0.0)
            busy[n, e] = any_lane((av != 0.0) | (us != 0.0) | (req != 0.0) | (held != 0.0))


@njit(cache=True, error_model="numpy")
def final_demand(lt, t, rl, s, paths, par, state, scr):  # pragma: no cover - compiled
    """Final demand ``demand[material, node, element, lane]``: base use x the scenario's demand
    index x the response to price (elasticity) and to substitution. Rows without base use are not written:
    ``demand`` must be zero there on entry. The response ``resp`` [market, element, lane] is
    computed where some node of the market has base use (``needs[material, market, element]``).
    ``seen`` and ``power`` [material, market, element, lane] keep the last price ratio raised to
    the elasticity and the result: most prices settle, and the power is taken again only when
    the ratio changed (NaN on the first call). ``picked`` is scratch [lanes]."""
    lanes = len(lt)
    final, demand_index, market, p0, needs = s.final, paths.demand_index, s.market, s.p0, s.needs
    price, sub, seen, power, demand = state.price, state.sub, state.seen, state.power, state.demand
    resp, picked = scr.resp, scr.picked
    rd = demand_index.shape[0] > 1
    k_n, n_n, e_n = final.shape
    for k in range(k_n):
        for m in range(2):
            for e in range(e_n):
                if not needs[k, m, e]:
                    continue  # no node of this market uses it: not read
                for q in range(lanes):
                    ratio = price[k, m, e, q] / p0[k, e]
                    if ratio == 1.0:
                        scale = 1.0
                    elif ratio == seen[k, m, e, q]:  # the same power as last time (prices settle)
                        scale = power[k, m, e, q]
                    else:
                        scale = ratio ** par.demand_price_elasticity[q]
                        seen[k, m, e, q], power[k, m, e, q] = ratio, scale
                    resp[m, e, q] = scale * (1.0 - sub[k, m, e, q])
        for n in range(n_n):
            mk = market[n]
            scale = gather(lt, demand_index, (t, k, n), rl, rd, picked)
            for e in range(e_n):
                if final[k, n, e] == 0.0:
                    continue  # no base use: stays zero (about nine rows in ten)
                store(demand, (k, n, e), final[k, n, e] * scale * load(lt, resp, (mk, e)))
