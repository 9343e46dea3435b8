"""What one material's month comes to after trade, for the fast kernel, per lane.

The rules are those of the reference kernel (:mod:`reesim.kernel.reference`): shipments add up
to imports and exports; each node meets its final demand and the next stage's input pro rata
to what it has; strategic stocks are released when their holder is short enough, then to short
allies; the China-origin share of every stock is carried along with shipments; the next stage
converts what it received with its yield (magnet making in whole batches of its mix); recycled
oxide joins production.
Arrays have a trailing lane axis (see :mod:`reesim.kernel.fast_trade`); t REO-eq per month.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from reesim.kernel import fast_sectors
from reesim.kernel.shared import EMPTIED, EPS, SHORT_SHARE
from reesim.kernel.vec import gather, load, splat, store, vmax, vmin, where
from reesim.model.dims import MAGNET, OXIDE


@njit(cache=True, error_model="numpy")
def settle(lt, k, s, par, state, scr):  # pragma: no cover - compiled
    """Uses met, stock releases, shortage months and the China-origin share after trade.

    Per-material arrays (``demand``, ``planned``, ``inv``, ``stock``, ``origin``, ``wanted``,
    ``missing``, ``short_months``) are [material, node, element, lane]; the others are this
    material's [node, element, lane]. A row not ``busy`` (see
    :func:`reesim.kernel.fast_month.positions`) had, used and received nothing: its uses met
    (``final_met``, ``feed_met``), ``wanted`` and ``missing`` are zero; its count of months short
    (``short_months``: every month it got less than it asked, a measure of the other suppliers it
    has qualified) is kept. They are zeroed only if the row was busy since they last were
    (``dirty[material, node, element]``); ``have``, ``bought``, ``release`` and ``held`` are left as
    they are: they are read for busy rows only. Rows not listed for ``k`` (``act_e``, ``n_act``) are
    never busy and not visited. Stocks are read and written only in rows a stockpile holds
    (``piled[material, node, element]``). ``release`` is what a row received from strategic stocks:
    its holder's own (with a sale price only while the market price is at least that, ``sale_at``;
    a defence holding, ``defended``, serves only the defence part of the uses), then from the stocks
    that name it an ally (:func:`_to_allies`, after every node's own releases). The China-origin
    share is updated only for (material, element) pairs a content rule can read, now or through a
    later stage (``tracked``; see :func:`reesim.kernel.bundles.structure`): elsewhere it is never
    read.

    What a node has after trade is what it had (``avail``, arrivals included) plus what reached
    it this month less what it sent: with lags, ``arrived`` (see :mod:`reesim.kernel.transit`),
    else the shipments sent to it (``imports``); a scheduled release of its stock (``sched``) is in
    ``avail`` and carries the share the node's stock has."""
    act_e, n_act, piled, tracked, partners = s.act_e, s.n_act, s.piled, s.tracked, s.partners
    busy, live, full, flow, wide = scr.busy[k], scr.live[k], scr.full, scr.flow, scr.wide
    avail, buy, request, have = scr.avail, scr.buy, scr.request, scr.have
    stock_months, hoard = load(lt, par.working_stock_months, ()), state.hoard
    bought, release, held, release_at = scr.bought, scr.release, scr.held, state.release_at
    price, sale_at, defended, shares, market = (
        state.price,
        state.sale_at,
        s.defended,
        s.defence_share,
        s.market,
    )
    magnet = k == MAGNET
    imports, exports, arrived = scr.imports[k], scr.exports[k], scr.arrived[k]
    demand, planned, inv, stock, origin = state.demand, state.planned, state.inv, state.stock, state.origin
    produced, final_met, feed_met = state.produced[k], state.final_met[k], state.feed_met[k]
    origin_prod = scr.origin_mine if k == 0 else origin[k - 1]  # the stage before: its stock's share
    wanted, missing, short_months, dirty = state.wanted, state.missing, state.short_months, state.dirty
    lagged = s.lagged
    guard, grown_by, base_use, sched = state.guard, scr.grown, s.base_use, scr.sched
    arrived_origin, via, via_n = scr.arrived_origin[k], scr.via, scr.via_n
    n_n = avail.shape[0]
    zero = splat(lt, 0.0)
    for n in range(n_n):
        unmet, total = zero, zero  # the node's uses (final and next stage's) not met, and all of them
        for i in range(n_act[k, n]):
            e = act_e[k, n, i]
            if not busy[n, e]:
                if dirty[k, n, e]:
                    store(final_met, (n, e), zero)
                    store(feed_met, (n, e), zero)
                    store(wanted, (k, n, e), zero)
                    store(missing, (k, n, e), zero)
                    dirty[k, n, e] = False
                continue
            dirty[k, n, e] = True
            received = load(lt, arrived, (n, e)) if lagged else load(lt, imports, (n, e))
            hv = load(lt, avail, (n, e)) + received - load(lt, exports, (n, e))
            store(have, (n, e), hv)
            # Users first (final and next stage, pro rata); strategic purchases only from what is
            # left above the working-stock target.
            d, pl = load(lt, demand, (k, n, e)), load(lt, planned, (k, n, e))
            u = d + pl
            frac = where(u > EPS, vmin(hv, u) / u, 1.0)
            guarded = load(lt, hoard, (k, market[n], e)) * load(lt, guard, (k, n, e))
            grown = load(lt, grown_by, (k, n))  # the node's use over the base year's
            target = stock_months * guarded * (base_use[k, n, e] * grown)  # as positions
            fm = d * frac
            if magnet:  # final users are sectors, each with its own stock
                fm = fast_sectors.use(lt, k, n, e, d, u, hv, target, s, state, scr)
            store(final_met, (n, e), fm)
            fd = pl * frac
            store(feed_met, (n, e), fd)
            spare = vmax(hv - u - target, 0.0)
            store(bought, (n, e), vmin(load(lt, buy, (n, e)), spare))
            unmet = unmet + ((d - fm) + (pl - fd))
            total = total + (d + pl)
            if not piled[k, n, e]:  # no stockpile here: nothing released, so the uses met are final
                store(release, (n, e), zero)
                store(wanted, (k, n, e), d + pl)
                store(missing, (k, n, e), (d - fm) + (pl - fd))
            req = load(lt, request, (n, e))
            months = load(lt, short_months, (k, n, e))
            lacked = (req - load(lt, imports, (n, e))) / (SHORT_SHARE * req)
            store(short_months, (k, n, e), months + where(req > EPS, vmin(vmax(lacked, 0.0), 1.0), 0.0))
            if not tracked[k, e]:
                continue  # no content rule reads this share
            # China-origin share after trade: what it had and made, less what it sent ...
            share = load(lt, origin, (k, n, e))
            h = load(lt, inv, (k, n, e)) * share + load(lt, produced, (n, e)) * load(lt, origin_prod, (n, e))
            h = h - load(lt, exports, (n, e)) * share
            # ... plus what it received, at the exporters' share when it left.
            if lagged:
                h = h + load(lt, arrived_origin, (n, e))
            elif live[n, e]:
                if full[n, e]:
                    for v in range(via_n[n, e]):  # the others shipped nothing
                        x = via[n, e, v]
                        h = h + load(lt, wide, (n, e, x)) * load(lt, origin, (k, x, e))
                else:
                    for j in range(partners.shape[3]):
                        x = partners[k, n, e, j]
                        if x < 0:
                            break
                        if busy[x, e]:
                            h = h + load(lt, flow, (n, e, j)) * load(lt, origin, (k, x, e))
            h = h + load(lt, sched, (n, e)) * share  # released stock: the share the node holds
            store(held, (n, e), h)
        # Stockpiles release when the node is short enough: to its final users and to its next
        # stage (an oxide stockpile feeds the metal and magnet makers), pro rata to what each lacks.
        releasing = unmet > load(lt, release_at, (n,)) * total
        served_final, served_feed = 1.0, 1.0  # the part of each lack it serves (defence: their share)
        if defended[k, n]:
            served_final, served_feed = shares[n] if magnet else 0.0, shares[n]
        sale = load(lt, sale_at, (k, n))
        for i in range(n_act[k, n]):
            e = act_e[k, n, i]
            if not (busy[n, e] and piled[k, n, e]):
                continue
            d, pl = load(lt, demand, (k, n, e)), load(lt, planned, (k, n, e))
            fm, fd = load(lt, final_met, (n, e)), load(lt, feed_met, (n, e))
            pile = load(lt, stock, (k, n, e))
            lack_feed = (pl - fd) * served_feed
            lack = (d - fm) * served_final + lack_feed
            priced = load(lt, price, (k, market[n], e)) >= sale
            rel = where(releasing & priced, vmin(pile, lack), 0.0)
            to_feed = where(lack > EPS, rel * lack_feed / lack, 0.0)
            store(release, (n, e), rel)
            fm = fm + (rel - to_feed)
            fd = fd + to_feed
            store(final_met, (n, e), fm)
            store(feed_met, (n, e), fd)
            got = load(lt, bought, (n, e))
            store(stock, (k, n, e), pile + (got - rel))
            spent = (k, market[n], e)  # paid for at the month's price there (fast_kernel._write_month)
            store(state.pile_bought, spent, load(lt, state.pile_bought, spent) + got)
            store(wanted, (k, n, e), d + pl)
            store(missing, (k, n, e), (d - fm) + (pl - fd))
    # Then, holder by holder, what is left above the reserve goes to short allies.
    for n in range(n_n):
        if s.allies[k, n, 0] >= 0:
            _to_allies(lt, k, n, s, state, scr)
    if magnet:
        fast_sectors.releases(lt, k, s, state, scr)
    for n in range(n_n):
        for i in range(n_act[k, n]):
            e = act_e[k, n, i]
            if not busy[n, e] or not tracked[k, e]:
                continue  # have is zero, or no content rule reads it: the share is kept
            hv = load(lt, have, (n, e))
            received = load(lt, arrived, (n, e)) if lagged else load(lt, imports, (n, e))
            gross = load(lt, avail, (n, e)) + received  # what it had and received
            share = vmin(vmax(load(lt, held, (n, e)) / hv, 0.0), 1.0)
            kept = (hv > EPS) & (hv > EMPTIED * gross)  # else rounding residue: the share is kept
            store(origin, (k, n, e), where(kept, share, load(lt, origin, (k, n, e))))


@njit(cache=True, error_model="numpy")
def _to_allies(lt, k, h, s, state, scr):  # pragma: no cover - compiled
    """Release the stock of material ``k`` held at ``h`` to its allies (``s.allies[k, h]``) whose
    unmet share of their uses (final and next stage's, every element) exceeds the holder's
    threshold (``short_ally[ally]``, found before any of them receives), pro rata to what each
    lacks, element by element, down to the stock's ``reserve``; with a sale price only where the
    holder's market price is at least that. What an ally gets is use met there (``final_met``,
    ``feed_met``, ``missing``) and received (``release``); the stock falls by as much. A defence
    holding serves the defence part of the lacks only (as in :func:`settle`)."""
    act_e, n_act, piled, busy, allies = s.act_e, s.n_act, s.piled[k], scr.busy[k], s.allies[k, h]
    demand, planned, final_met, feed_met = (
        state.demand[k],
        state.planned[k],
        state.final_met[k],
        state.feed_met[k],
    )
    stock, reserve, missing, release, short = (
        state.stock[k],
        state.reserve[k],
        state.missing[k],
        scr.release,
        scr.short_ally,
    )
    zero = splat(lt, 0.0)
    threshold = load(lt, state.release_at, (h,))
    sale = load(lt, state.sale_at, (k, h))
    defence, magnet = s.defended[k, h], k == MAGNET
    for j in range(allies.size):
        a = allies[j]
        if a < 0:
            break
        unmet, total = zero, zero
        for i in range(n_act[k, a]):
            x = act_e[k, a, i]
            if busy[a, x]:
                d, pl = load(lt, demand, (a, x)), load(lt, planned, (a, x))
                unmet = unmet + ((d - load(lt, final_met, (a, x))) + (pl - load(lt, feed_met, (a, x))))
                total = total + (d + pl)
        store(short, (a,), unmet > threshold * total)
    for i in range(n_act[k, h]):
        e = act_e[k, h, i]
        if not (busy[h, e] and piled[h, e]):
            continue
        priced = load(lt, state.price, (k, s.market[h], e)) >= sale
        spare = where(priced, vmax(load(lt, stock, (h, e)) - load(lt, reserve, (h, e)), 0.0), 0.0)
        total = zero  # what the short allies lack of the element
        for j in range(allies.size):
            a = allies[j]
            if a < 0:
                break
            if busy[a, e]:
                lack_final, lack_feed = _lacks(lt, k, a, e, s, state, defence, magnet)
                total = total + where(load(lt, short, (a,)), lack_final + lack_feed, 0.0)
        give = vmin(spare, total)
        for j in range(allies.size):
            a = allies[j]
            if a < 0:
                break
            if not busy[a, e]:
                continue
            lack_final, lack_feed = _lacks(lt, k, a, e, s, state, defence, magnet)
            need = where(load(lt, short, (a,)), lack_final + lack_feed, 0.0)
            got = where(total > EPS, give * need / total, 0.0)
            fed = where(need > EPS, got * lack_feed / need, 0.0)
            fm = load(lt, final_met, (a, e)) + (got - fed)
            fd = load(lt, feed_met, (a, e)) + fed
            store(final_met, (a, e), fm)
            store(feed_met, (a, e), fd)
            store(release, (a, e), load(lt, release, (a, e)) + got)
            store(missing, (a, e), (load(lt, demand, (a, e)) - fm) + (load(lt, planned, (a, e)) - fd))
        store(stock, (h, e), load(lt, stock, (h, e)) - give)


@njit(cache=True, error_model="numpy")
def _lacks(lt, k, a, e, s, state, defence, magnet):  # pragma: no cover - compiled
    """What node ``a``'s final users and next stage lack of material ``k`` and element ``e`` that
    a stock serves: all of it, or for a ``defence`` holding the defence share of final magnet use
    (of final use for magnets, of the next stage's for the materials before)."""
    served_final, served_feed = 1.0, 1.0
    if defence:
        served_final, served_feed = s.defence_share[a] if magnet else 0.0, s.defence_share[a]
    lack_final = (load(lt, state.demand, (k, a, e)) - load(lt, state.final_met, (k, a, e))) * served_final
    lack_feed = (load(lt, state.planned, (k, a, e)) - load(lt, state.feed_met, (k, a, e))) * served_feed
    return lack_final, lack_feed


@njit(cache=True, error_model="numpy")
def stage(lt, k, t, rl, s, paths, state, scr):  # pragma: no cover - compiled
    """What the next stage consumes of material ``k`` (``consumed[k]``) and makes of it
    (``produced[k + 1]``; both [material, node, element, lane]), and the oxide recycled from
    magnets discarded this month (``recycled``, oxide only; see :func:`discard`); the secondary
    supply's part from magnet makers' scrap moves with their output last month (``swarf``,
    ``magnets0``; the stage's ``produced[MAGNET]`` still holds last month's), the rest with demand
    (``secondary_growth``). Magnet making
    uses whole batches of its mix. Only rows listed for the material (``act_e``, ``n_act``) are
    written: the others stay zero. A row without base-year magnet use has empty chains of
    products in use and discards nothing: its chains are not visited. ``picked`` is scratch
    [lanes]."""
    on, act_e, n_act, mixes, yields, secondary = s.origin, s.act_e, s.n_act, s.mixes, s.yields, s.secondary
    recycle_rate, picked, recycled = paths.recycle_rate, scr.picked, scr.recycled
    magnet_used, feed_met = state.final_met[mixes.shape[0] - 1], state.feed_met[k]
    consumed, produced, in_use, wear = state.consumed, state.produced, state.in_use, state.wear
    magnets0, swarf, final, use_share = s.magnets0, s.swarf, s.final, s.use_share
    secondary_growth = paths.secondary_growth
    rr = recycle_rate.shape[0] > 1
    n_n, e_n = mixes.shape[1], mixes.shape[2]
    sg = scr.growing  # this month's supply growth (see fast_month.supply)
    if k + 1 == mixes.shape[0]:
        return  # magnets: no next stage, and nothing planned to feed one (consumed stays zero)
    magnets = k + 1 == MAGNET
    for n in range(n_n):
        most = splat(lt, np.inf)  # whole batches of the magnet mix
        if magnets:
            for e in range(e_n):
                if mixes[k, n, e] > 0:
                    most = vmin(most, load(lt, feed_met, (n, e)) / max(mixes[k, n, e], EPS))
        for i in range(n_act[k, n]):
            e = act_e[k, n, i]
            store(consumed, (k, n, e), most * mixes[k, n, e] if magnets else load(lt, feed_met, (n, e)))
    y = yields[k + 1]
    oxide = k + 1 == OXIDE
    zero = splat(lt, 0.0)
    for n in range(n_n):
        rate = gather(lt, recycle_rate, (t, n), rl, rr, picked) if oxide else splat(lt, 0.0)
        moved = splat(lt, 0.0)  # magnet output last month over the base year's, less 1
        if oxide and t > 0 and magnets0[n] > 0:
            made_n = splat(lt, 0.0)
            for i in range(n_act[MAGNET, n]):
                made_n = made_n + load(lt, produced, (MAGNET, n, act_e[MAGNET, n, i]))
            moved = made_n / magnets0[n] - 1.0
        for i in range(n_act[k + 1, n]):
            e = act_e[k + 1, n, i]
            made = load(lt, consumed, (k, n, e)) * y
            if oxide:  # secondary supply in China, then recycling
                if n == on:  # its unexplained part grows with demand
                    made = made + (secondary[e] + load(lt, sg, (OXIDE, e)) * secondary_growth[e])
                made = made + moved * swarf[n, e]  # magnet makers' scrap follows their output
                # without base magnet use a row's chains stay empty: nothing is discarded
                used = final[MAGNET, n, e] != 0.0
                gone = discard(lt, n, e, in_use, wear, use_share, magnet_used) if used else zero
                rec = rate * gone
                store(recycled, (n, e), rec)
                made = made + rec
            store(produced, (k + 1, n, e), made)


@njit(cache=True, error_model="numpy")
def discard(lt, n, e, in_use, wear, use_share, magnet_used):  # pragma: no cover - compiled
    """Magnets of element ``e`` leaving use at node ``n`` this month: last month's magnet use
    (``magnet_used`` [node, element, lane]) enters each sector's chain of products in use (its
    share of use, ``use_share`` [S]), every stage passes on ``wear`` [S, lanes] of what it held at
    the start of the month, and the last stages' outflows are the discards. Updates ``in_use``
    (``state.in_use``, [S, stages, N, E + 1, lanes])."""
    out = splat(lt, 0.0)
    for si in range(use_share.size):
        inflow = load(lt, magnet_used, (n, e)) * use_share[si]
        rate = load(lt, wear, (si,))
        for j in range(in_use.shape[1]):
            held = load(lt, in_use, (si, j, n, e))
            leaving = rate * held
            store(in_use, (si, j, n, e), held - leaving + inflow)
            inflow = leaving
        out = out + inflow
    return out


@njit(cache=True, error_model="numpy")
def keep(lt, k, s, state, scr):  # pragma: no cover - compiled
    """Working stocks at the end of the month: what a node had after trade less its uses met,
    the next stage's consumption and strategic purchases, plus stockpile releases (never below
    zero). Rows not busy stay as they are (empty)."""
    have, release, bought, busy = scr.have, scr.release, scr.bought, scr.busy[k]
    inv, final_met, consumed = state.inv, state.final_met, state.consumed
    for n in range(have.shape[0]):
        for i in range(s.n_act[k, n]):
            e = s.act_e[k, n, i]
            if not busy[n, e]:
                continue  # nothing held, made, wanted or stocked: stays empty
            left_stock = (load(lt, have, (n, e)) - load(lt, final_met, (k, n, e))
                          + load(lt, release, (n, e)) - load(lt, consumed, (k, n, e))
                          - load(lt, bought, (n, e)))  # fmt: skip
            store(inv, (k, n, e), vmax(left_stock, 0.0))
    if k == MAGNET:
        fast_sectors.keep(lt, k, s, state, scr)


@njit(cache=True, error_model="numpy")
def clear(lt, scr):  # pragma: no cover - compiled
    """Zero the rows of ``wide`` that :func:`reesim.kernel.fast_trade.trade` wrote (``full``), in
    the exporters listed in ``via``: the others were neither written nor read. ``flow`` needs no
    clearing: every slot read was written this month. (A cell is zeroed as one lane vector: a
    slice assignment would call ``memset`` for each of about a thousand cells a month.)"""
    full, wide, via = scr.full, scr.wide, scr.via
    n_n, e_n = full.shape
    zero = splat(lt, 0.0)
    for i in range(n_n):
        for e in range(e_n):
            if full[i, e]:
                for v in range(scr.via_n[i, e]):
                    store(wide, (i, e, via[i, e, v]), zero)
                full[i, e] = False
