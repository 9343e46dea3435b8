"""Trade between nodes in one month, for the fast kernel (:mod:`reesim.kernel.fast_kernel`).

The same rules as the reference kernel's ``_trade`` (see :mod:`reesim.kernel.reference`):
requests go to exporters along base-year shares, licences scale them, each exporter serves
tier 1 (defence), then 2 (contracted), then 3 (spot) pro rata from its surplus, and importers
short for a while re-route what they still miss to exporters with surplus left. Quantities are
t REO-eq per month.

Every per-run array has a trailing *lane* axis (``lt`` is a tuple as long as the lane count; see
:mod:`reesim.kernel.lanes`): the kernel simulates several runs side by side, so the walk over
partners and the tests on a row are done once for all lanes, and a cell's lanes are one machine
vector (:mod:`reesim.kernel.vec`). Conditions that differ between runs are selects between lane
vectors; a lane that asks nothing adds exact zeros, so each run's arithmetic (and its order) is
the same as if it were simulated alone. Only trade partners that are ``busy`` (hold, make, use
or stock something this month) are walked, and for re-routing only rows where some lane re-
routes and exporters with surplus left in some lane.

Shipments are kept per partner *slot* (``flow[importer, element, slot, lane]``, the slot's
exporter being ``partners[material, importer, element, slot]``): in the shipped dataset a row
has at most 12 partners of 22 nodes (on average about 10 for concentrate, 8 for oxide, 4 for
metal and 6 for magnets, among rows with any), so this is about half the memory of a
per-exporter layout and is walked in order. Rows that re-route (to any exporter; in ``race``
nearly every row that asks something, in some lane, every month) are moved to a per-exporter
array, ``wide``, with the list of exporters that can have shipped to each (``via``): later steps
walk that list.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from reesim.kernel.fast_market import china_open
from reesim.kernel.shared import EPS
from reesim.kernel.vec import any_lane, load, splat, store, vmax, vmin, where
from reesim.model.dims import MAGNET


@njit(cache=True, error_model="numpy")
def trade(lt, k, s, par, state, now, scr):  # pragma: no cover - compiled
    """Shipments of material ``k`` this month, per partner slot: ``flow[importer, element, slot,
    lane]`` from exporter ``partners[k, importer, element, slot]`` (``scr`` is the scratch of
    :mod:`reesim.kernel.fast_state`).

    Only rows (importer, element) that are ``live`` (some lane asks something) are written. If
    some lane of a row re-routes, ``full[importer, element]`` is set and the row's shipments from
    every exporter are in ``wide[importer, element, exporter, lane]`` instead (it must be zero on
    entry; callers read, then clear, those rows). Exporters not ``busy`` have nothing to offer:
    their slots are neither written nor read.

    Also sums the shipments into ``imports[k]`` and ``exports[k]`` [node, element, lane] in the
    rows listed for ``k``; rows not listed are not written and must be zero. ``ordered[exporter,
    element, lane]`` gets the licensed requests made of each exporter in the rows listed, first
    asks and re-routed (read by :mod:`reesim.kernel.fast_respond`), and ``open[k]`` the share of
    what was asked of China that no control held back (:func:`reesim.kernel.fast_market.china_open`).
    """
    _ask(lt, k, s, par, state, now, scr)
    _fill(lt, k, s, par, now, scr)
    if _gaps(lt, k, s, par, state, scr) and _reroute(lt, k, s, par, state, now, scr):
        _resum(lt, k, s, scr)
    china_open(lt, k, s, state, now, scr)


@njit(cache=True, error_model="numpy")
def _fill(lt, k, s, par, now, scr):  # pragma: no cover - compiled
    """Each busy exporter fills the tiers of what it was asked (``totals``, which become fill
    fractions) from its surplus, keeping what is ``left``; each live row's shipments per partner
    slot (``flow``) are its licensed requests times the fill fractions, summed into ``imports``
    and ``exports`` (see :func:`trade`)."""
    act_e, n_act, partners = s.act_e, s.n_act, s.partners
    request, live, busy, surplus = scr.request, scr.live[k], scr.busy[k], scr.surplus
    totals, flow, part, left = scr.totals, scr.flow, scr.part, scr.left
    denied_now, p_denied = now.denied_now, s.p_denied
    imports, exports = scr.imports[k], scr.exports[k]
    spot = load(lt, par.contracted_share, ())
    n_n = request.shape[0]
    # Each exporter serves tier 1, then 2, then 3 from its surplus, pro rata within a tier;
    # totals become fill fractions. Exporters not busy have no surplus and are not asked.
    # (Exporters are independent: each row goes through its tiers in one visit.)
    magnets = k == MAGNET
    for x in range(n_n):
        for ia in range(n_act[k, x]):
            e = act_e[k, x, ia]
            if not busy[x, e]:
                continue
            have = load(lt, surplus, (x, e))
            for tier in range(0 if magnets else 1, 3):  # tier 1 (defence) asks for magnets only
                total = load(lt, totals, (tier, x, e))
                used = vmin(have, total)
                some = total > EPS
                store(totals, (tier, x, e), where(some, used / total, 0.0))
                have = where(some, vmax(have - used, 0.0), have)
            store(left, (x, e), have)
    # Shipments = each tier's request times its exporter's fill fraction.
    zero = splat(lt, 0.0)
    rest = 1.0 - spot
    # Summed into imports and exports as they go (in importer order, as :func:`_resum` does).
    for i in range(n_n):
        for ia in range(n_act[k, i]):
            store(exports, (i, act_e[k, i, ia]), zero)
    for i in range(n_n):
        for ia in range(n_act[k, i]):
            e = act_e[k, i, ia]
            if not live[i, e]:
                store(imports, (i, e), zero)
                continue
            d = load(lt, part, (i, e))
            civil = 1.0 - d
            got = zero
            for j in range(partners.shape[3]):
                x = partners[k, i, e, j]
                if x < 0:
                    break
                if not busy[x, e]:
                    continue
                w = load(lt, flow, (i, e, j))
                if magnets:
                    first = zero if denied_now[p_denied[k, i, e, j]] else w * d
                    second = w * civil * spot
                    third = w * civil * rest
                    shipped = (first * load(lt, totals, (0, x, e)) + second * load(lt, totals, (1, x, e))
                               + third * load(lt, totals, (2, x, e)))  # fmt: skip
                else:  # no defence tier: the same sums without their zero terms
                    by_contract, on_spot = load(lt, totals, (1, x, e)), load(lt, totals, (2, x, e))
                    shipped = (w * spot) * by_contract + (w * rest) * on_spot
                store(flow, (i, e, j), shipped)
                got = got + shipped
                store(exports, (x, e), load(lt, exports, (x, e)) + shipped)
            store(imports, (i, e), got)


@njit(cache=True, error_model="numpy")
def _ask(lt, k, s, par, state, now, scr):  # pragma: no cover - compiled
    """Walk every live row's requests along its partners that are ``busy``: each partner's
    licensed request goes to ``flow[importer, element, slot, lane]``, and its three tiers are
    added to ``totals[tier, exporter, element, lane]`` (zeroed here for busy rows only: the
    others are not read). ``part[importer, element, lane]`` gets the share of each lane's
    request that is defence demand (tier 1; magnets only). ``to_china[0, element, lane]`` sums
    what the rows asked of China (the origin node), ``to_china[1]`` the licensed part of it;
    ``china_in[0 or 1, importer, element, lane]`` the same for each importer (written in live rows
    only: the others are not read)."""
    act_e, n_act, partners = s.act_e, s.n_act, s.partners
    p_share, p_allow, p_denied = s.p_share, s.p_allow, s.p_denied
    content_pattern, defence_share, on = s.content_pattern, s.defence_share, s.origin
    request, need, live, busy, totals, flow, part, ordered = (
        scr.request,
        scr.need,
        scr.live[k],
        scr.busy[k],
        scr.totals,
        scr.flow,
        scr.part,
        scr.ordered,
    )
    allow_now, denied_now = now.allow_now, now.denied_now
    content_share, content_threshold = now.content_share, now.content_threshold
    final, origin, to_china, china_in = state.demand[k], state.origin[k], scr.to_china, scr.china_in
    n_n = request.shape[0]
    zero = splat(lt, 0.0)
    magnets = k == MAGNET
    to_china[:, :, :] = 0.0
    for x in range(n_n):
        for ia in range(n_act[k, x]):
            e = act_e[k, x, ia]
            store(ordered, (x, e), zero)
            if busy[x, e]:
                for tier in range(0 if magnets else 1, 3):
                    store(totals, (tier, x, e), zero)
    spot = load(lt, par.contracted_share, ())
    rest = 1.0 - spot
    for i in range(n_n):
        for ia in range(n_act[k, i]):
            e = act_e[k, i, ia]
            if not live[i, e]:
                continue
            req, nd = load(lt, request, (i, e)), load(lt, need, (i, e))
            if magnets:
                d = where(req > EPS, vmin(load(lt, final, (i, e)) * defence_share[i], req) / req, 0.0)
            else:
                d = zero
            store(part, (i, e), d)
            civil = 1.0 - d
            c = content_pattern[k, i, e]
            threshold, kept = load(lt, content_threshold, (c,)), load(lt, content_share, (c,))
            content = any_lane(threshold < np.inf)  # a content rule in force (else origin is not read)
            of_china, licensed = zero, zero
            for j in range(partners.shape[3]):
                x = partners[k, i, e, j]
                if x < 0:
                    break
                a = load(lt, allow_now, (p_allow[k, i, e, j],))
                if content and x != on:
                    a = where(load(lt, origin, (x, e)) >= threshold, a * kept, a)
                asked = req * p_share[k, i, e, j]
                w = where(a < 1.0, nd * p_share[k, i, e, j], asked) * a  # under licence: the need
                if x == on:  # asked of China, and the licensed part (see fast_market.china_open)
                    store(to_china, (0, e), load(lt, to_china, (0, e)) + asked)
                    store(to_china, (1, e), load(lt, to_china, (1, e)) + w)
                    of_china, licensed = of_china + asked, licensed + w
                if magnets:
                    first = zero if denied_now[p_denied[k, i, e, j]] else w * d
                    second, third = w * civil * spot, w * civil * rest
                else:  # civil is 1: the same products
                    first, second, third = zero, w * spot, w * rest
                # What was ordered of the exporter, whether or not it has anything to offer.
                store(ordered, (x, e), load(lt, ordered, (x, e)) + ((first + second) + third))
                if not busy[x, e]:
                    continue  # nothing to offer: its slot gets zero after the fill
                store(flow, (i, e, j), w)
                if magnets:
                    store(totals, (0, x, e), load(lt, totals, (0, x, e)) + first)
                store(totals, (1, x, e), load(lt, totals, (1, x, e)) + second)
                store(totals, (2, x, e), load(lt, totals, (2, x, e)) + third)
            store(china_in, (0, i, e), of_china)
            store(china_in, (1, i, e), licensed)


@njit(cache=True, error_model="numpy")
def _gaps(lt, k, s, par, state, scr):  # pragma: no cover - compiled
    """Amounts to re-route: the part of what is still missing that importers short for a while
    have qualified other suppliers for (all of it after ``supplier_switch_months`` short for
    magnets, ``material_switch_months`` for the materials before them).

    Marks rows where some lane re-routes in ``rows[importer, element]``, fills their
    ``reroute[importer, element, lane]`` (other rows are not read) and returns whether any row
    re-routes."""
    act_e, n_act = s.act_e, s.n_act
    request, live, reroute, rows = scr.request, scr.live[k], scr.reroute, scr.rows
    short_months, imports = state.short_months[k], scr.imports[k]
    n_n = request.shape[0]
    months = par.supplier_switch_months if k == MAGNET else par.material_switch_months
    lag = vmax(load(lt, months, ()), 1.0)
    any_gap = False
    for i in range(n_n):
        for ia in range(n_act[k, i]):
            e = act_e[k, i, ia]
            rows[i, e] = False
            if not live[i, e]:
                continue  # asked nothing: no gap
            months = load(lt, short_months, (i, e))
            short = months > 0.0
            if not any_lane(short):
                continue
            gap = vmax(load(lt, request, (i, e)) - load(lt, imports, (i, e)), 0.0)
            amount = where(short, gap * vmin(months / lag, 1.0), 0.0)
            store(reroute, (i, e), amount)
            hit = any_lane(amount > 0.0)
            rows[i, e] = hit
            any_gap |= hit
    return any_gap


@njit(cache=True, error_model="numpy")
def _reroute(lt, k, s, par, state, now, scr):  # pragma: no cover - compiled
    """Send re-routed amounts to exporters with surplus left that no licence limits (an exporter
    under licence is asked once, by the first ask: asking again does not raise what it may ship),
    in the ``rows`` marked by :func:`_gaps`: from each, an importer can get at most
    ``supplier_switch_max_share`` of its surplus and at most its whole gap; it spreads the gap in
    proportion to what it can get, and each exporter fills what it is asked pro rata up to its
    surplus.

    A lane re-routes to exporter ``x`` when it re-routes something, ``x`` is not the importer, has
    surplus left and no licence limits the route (its licensed share is 1). ``offer`` (scratch [N,
    E, N, lanes]) holds first what the lane can get from ``x`` (zero where it may not re-route
    there), then what it asks of ``x`` before the fill. A row that re-routes in some lane is marked
    ``full``: its shipments so far are moved from ``flow`` (per partner slot) to ``wide`` (per
    exporter) and the re-routed amounts added there; ``via`` lists the exporters that can have
    shipped to it (see :func:`_list_via`). ``open_x`` [E, N] and ``open_n`` [E] are scratch for
    the exporters with surplus left, and ``open_at[exporter, element]`` marks them. Returns
    whether some row was marked ``full``."""
    act_e, n_act, partners, allow_pattern = s.act_e, s.n_act, s.partners, s.allow_pattern
    content_pattern, on, origin = s.content_pattern, s.origin, state.origin[k]
    allow_now, content_share, content_threshold = now.allow_now, now.content_share, now.content_threshold
    rows, reroute, left, busy, flow, wide, full = (
        scr.rows,
        scr.reroute,
        scr.left,
        scr.busy[k],
        scr.flow,
        scr.wide,
        scr.full,
    )
    ordered, mark, via, via_n = scr.ordered, scr.mark, scr.via, scr.via_n
    asked, offer, open_x, open_n, open_at = (
        scr.asked,
        scr.offer,
        scr.open_x,
        scr.open_n,
        scr.open_at,
    )
    n_n, e_n = open_at.shape
    zero = splat(lt, 0.0)
    most = load(lt, par.supplier_switch_max_share, ())
    any_full = False
    # Only exporters with surplus left in some lane can take re-routed orders: list them once.
    for e in range(e_n):
        open_n[e] = 0
        for x in range(n_n):
            is_open = busy[x, e] and any_lane(load(lt, left, (x, e)) > 0.0)
            open_at[x, e] = is_open
            if is_open:
                open_x[e, open_n[e]] = x
                open_n[e] += 1
                store(asked, (x, e), zero)
    for i in range(n_n):
        for ia in range(n_act[k, i]):
            e = act_e[k, i, ia]
            if not rows[i, e]:
                continue
            c = content_pattern[k, i, e]
            threshold, kept = load(lt, content_threshold, (c,)), load(lt, content_share, (c,))
            content = any_lane(threshold < np.inf)  # a content rule in force (else origin is not read)
            amount = load(lt, reroute, (i, e))
            wants = amount > 0.0
            total = zero
            for j in range(open_n[e]):
                x = open_x[e, j]
                if x == i:
                    continue  # not to itself: its offer stays zero (never written)
                a = _licensed(load(lt, allow_now, (allow_pattern[k, x, i, e],)), content and x != on,
                              load(lt, origin, (x, e)), threshold, kept)  # fmt: skip
                has = load(lt, left, (x, e))
                yes = wants & (has > 0.0) & (a >= 1.0)  # no licence limits the route
                # At most a share of its surplus, and at most the whole gap.
                may = where(yes, vmin(most * has, amount), 0.0)
                store(offer, (i, e, x), may)
                total = total + may
            if not any_lane(wants & (total > EPS)):
                continue
            full[i, e] = True
            any_full = True
            for j in range(partners.shape[3]):
                x = partners[k, i, e, j]
                if x < 0:
                    break
                if busy[x, e]:  # the slots of the others were not written
                    store(wide, (i, e, x), load(lt, flow, (i, e, j)))
                    mark[x] = True
            some = total > EPS
            for j in range(open_n[e]):
                x = open_x[e, j]
                may = load(lt, offer, (i, e, x))
                if not any_lane(may > 0.0):
                    continue  # nothing to get from it: its offer stays zero
                mark[x] = True
                # The gap spread in proportion to what it can get from each, at most all of that.
                share = where((may > 0.0) & some, may * vmin(amount / total, 1.0), 0.0)
                store(offer, (i, e, x), share)
                store(asked, (x, e), load(lt, asked, (x, e)) + share)
            _list_via(i, e, mark, via, via_n)
    for e in range(e_n):
        for j in range(open_n[e]):
            x = open_x[e, j]
            total = load(lt, asked, (x, e))
            store(ordered, (x, e), load(lt, ordered, (x, e)) + total)  # open exporters are busy
            store(asked, (x, e), where(total > EPS, vmin(load(lt, left, (x, e)), total) / total, 0.0))  # fill
    for i in range(n_n):
        for ia in range(n_act[k, i]):
            e = act_e[k, i, ia]
            if not full[i, e]:
                continue
            for j in range(open_n[e]):
                x = open_x[e, j]
                share = load(lt, offer, (i, e, x))
                if not any_lane(share > 0.0):
                    continue  # asked nothing of it
                got = where(share > 0.0, share * load(lt, asked, (x, e)), 0.0)
                store(wide, (i, e, x), load(lt, wide, (i, e, x)) + got)
    return any_full


@njit(cache=True, error_model="numpy")
def _list_via(i, e, mark, via, via_n):  # pragma: no cover - compiled
    """List in ``via[i, e, :via_n[i, e]]``, in ascending order, the exporters marked (``mark``) for
    the ``full`` row (importer ``i``, element ``e``): its partners that were busy and the exporters it
    re-routed to. The others have shipped it nothing (their ``wide`` is zero in every lane), so
    sums over the listed exporters in that order are the sums over all of them. Clears ``mark``
    (``mark``, ``via`` and ``via_n`` are the scratch's)."""
    listed = 0
    for x in range(mark.size):
        if mark[x]:
            via[i, e, listed] = x
            listed += 1
            mark[x] = False
    via_n[i, e] = listed


@njit(cache=True, error_model="numpy")
def _licensed(allowed, content, share, threshold, kept):  # pragma: no cover - compiled
    """The licensed share of a route: ``allowed``, times ``kept`` in the lanes where a content
    rule is in force (``content``) and the exporter's China-origin ``share`` reaches ``threshold``."""
    return where(share >= threshold, allowed * kept, allowed) if content else allowed


@njit(cache=True, error_model="numpy")
def _resum(lt, k, s, scr):  # pragma: no cover - compiled
    """Sum imports and exports again for the elements where some row re-routed (``full``), in
    the same order as the first sums, so that each is what one pass over the final shipments
    gives. Only the sums that can change are taken again: imports of the rows that re-routed
    and exports of the exporters that could take re-routed orders (``open_at``; see
    :func:`_reroute`). Every other term is what the first pass added (a re-routing row's
    shipments from other exporters were copied unchanged)."""
    partners, live, full, flow, wide = s.partners, scr.live[k], scr.full, scr.flow, scr.wide
    open_x, open_n, open_at = scr.open_x, scr.open_n, scr.open_at
    imports, exports, via, via_n = scr.imports[k], scr.exports[k], scr.via, scr.via_n
    n_n, e_n = full.shape
    zero = splat(lt, 0.0)
    for e in range(e_n):
        redo = False
        for i in range(n_n):
            redo |= full[i, e]
        if not redo:
            continue
        for j in range(open_n[e]):
            store(exports, (open_x[e, j], e), zero)
        for i in range(n_n):
            if not live[i, e]:
                continue  # asked nothing, so nothing was shipped to it
            if full[i, e]:
                got = zero
                for v in range(via_n[i, e]):  # the others shipped it nothing
                    x = via[i, e, v]
                    w = load(lt, wide, (i, e, x))
                    got = got + w
                    if open_at[x, e]:
                        store(exports, (x, e), load(lt, exports, (x, e)) + w)
                store(imports, (i, e), got)
            else:
                for j in range(partners.shape[3]):
                    x = partners[k, i, e, j]
                    if x < 0:
                        break
                    if open_at[x, e]:  # open exporters are busy
                        store(exports, (x, e), load(lt, exports, (x, e)) + load(lt, flow, (i, e, j)))
