"""The market for the fast kernel (:mod:`reesim.kernel.fast_kernel`), per lane: prices from
inventory cover and expectations, precautionary buying, arbitrage between China and the rest of
the world, and plants and projects that answer to expected prices and floors.

The rules, and each run's arithmetic, are those of :mod:`reesim.kernel.reference_market` (its
docstring gives the price model). Arrays have a trailing lane axis (one lane per run simulated
side by side; ``rl[lane]`` is the lane's run); a cell's lanes are one machine vector
(:mod:`reesim.kernel.vec`), except where a lane's own decision or a power is computed: those are
loops over the lanes. Quantities are t REO-eq per month, prices USD/kg, payments USD.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from reesim.kernel.shared import CANCELLED, EPS, FINANCED, HEAVY_CIRCUIT, UNDECIDED
from reesim.kernel.vec import any_lane, gather, load, splat, store, vmax, vmin, where
from reesim.model.dims import METAL, OXIDE


@njit(cache=True, error_model="numpy")
def floors(lt, t, rl, paths, scr):  # pragma: no cover - compiled
    """The price floor in force in month ``t``, ``floor_now[material, element, lane]`` USD/kg
    (0: none)."""
    price_floor, floor_now, picked = paths.price_floor, scr.floor_now, scr.picked
    rf = price_floor.shape[0] > 1
    k_n, e_n = floor_now.shape[0], floor_now.shape[1]
    for k in range(k_n):
        for e in range(e_n):
            store(floor_now, (k, e), gather(lt, price_floor, (t, k, e), rl, rf, picked))


@njit(cache=True, error_model="numpy")
def _running_share(revenue, opex, ratio, band):  # pragma: no cover - compiled
    """Share of capacity a plant runs at: all while its expected revenue per kg (``revenue``,
    USD/kg) is at least ``ratio`` x its ``opex`` (USD/kg), falling linearly to none at
    ``1 - band`` of that (lines idle one by one). One lane's scalars."""
    floor = ratio * opex
    low = floor * (1.0 - band)
    gap = floor - low
    share = min(max((revenue - low) / gap, 0.0), 1.0) if gap > EPS else 0.0
    return 1.0 if revenue >= floor else share


@njit(cache=True, error_model="numpy")
def _running_shares(revenue, opex, ratio, band):  # pragma: no cover - compiled
    """:func:`_running_share` of lane vectors ``revenue``, ``ratio`` and ``band``."""
    floor = ratio * opex
    low = floor * (1.0 - band)
    gap = floor - low
    share = where(gap > EPS, vmin(vmax((revenue - low) / gap, 0.0), 1.0), 0.0)
    return where(revenue >= floor, 1.0, share)


@njit(cache=True, error_model="numpy")
def projects(lt, t, rl, s, proj, par, state, now, scr):  # pragma: no cover - compiled
    """Decide each project's financing, then its output this month (``level[project, lane]``,
    added in its element mix ``out[project, element]`` to ``add[material, node, element, lane]``),
    and start this month's floor payments (``floor_paid[lane]``, USD) with what the floors pay
    projects.

    An undecided project is financed from its decision month (start less
    ``project_build_months``, the first month at the earliest) once its expected revenue per kg
    (expected price of its market, at least the floor that covers it) is at least
    ``project_hurdle_ratio`` x its unit cost (opex plus private capex over
    ``project_payback_months`` of nameplate output); its start moves by the months it waited, or
    ``project_accelerate_months`` earlier when financed at once at ``project_accelerate_ratio`` x
    its cost. Not financed within ``project_wait_months``: cancelled (``status``; ``begin`` is the
    month a financed project's output starts). Output ramps from that month and runs at the
    running share of its expected revenue unless an offtake holds it up. A covered project is
    paid the floor's gap to the outside price on its output (t x 1,000 kg/t x USD/kg)."""
    lanes = len(lt)
    add, paid, floor_now, expect, price = now.add, state.floor_paid, scr.floor_now, state.expect, state.price
    status, begin, level, proj_run = state.status, state.begin, state.level, state.proj_run
    both, zero = scr.resp, splat(lt, 0.0)  # [2, E, lanes] scratch: revenue and input cost per kg
    mix, out, e_n, yields = proj.mix, proj.out, proj.mix.shape[1], s.yields
    for p in range(proj.node.size):  # the only cells projects add to (the others stay zero)
        add[proj.material[p], proj.node[p], :, :] = 0.0
    paid[:] = 0.0
    for p in range(proj.node.size):
        mat, node, floored = proj.material[p], proj.node[p], proj.floored[p]
        mk = 0 if node == s.origin else 1
        # Revenue per kg over the output mix, and a converter's input cost per kg, all lanes at once.
        revenue_v, bought_v = zero, zero
        for e in range(e_n):
            floor_v = load(lt, floor_now, (mat, e)) if floored else zero
            revenue_v = revenue_v + vmax(load(lt, expect, (mat, mk, e)), floor_v) * mix[p, e]
            if mat > 0:  # a converter's input is in its output mix
                bought_v = bought_v + out[p, e] * load(lt, expect, (mat - 1, mk, e))
        store(both, (0, 0), revenue_v)
        store(both, (1, 0), bought_v)
        for q in range(lanes):
            r = rl[q]
            revenue = both[0, 0, q]  # USD/kg over the output mix
            start, capacity, opex = proj.start[r, p], proj.capacity[r, p], proj.opex[r, p]
            if opex <= 0.0 and mat > 0:  # a converter without a published cost: its input
                opex = both[1, 0, q] / yields[mat]
            payback = par.project_payback_months[q] * max(capacity, EPS) * 1000.0  # kg
            cost = opex + proj.capex[r, p] / payback
            decide = np.ceil(max(start - par.project_build_months[q], 0.0))
            waited = t - decide  # whole months past the decision month
            if status[p, q] == UNDECIDED and waited >= 0.0:
                ratio = revenue / cost if cost > EPS else np.inf
                if ratio >= par.project_hurdle_ratio[q]:
                    early = waited == 0.0 and ratio >= par.project_accelerate_ratio[q] and cost > EPS
                    if early:
                        begin[p, q] = max(start - par.project_accelerate_months[q], t + 1.0)
                    else:
                        begin[p, q] = start + waited
                    status[p, q] = FINANCED
                elif waited >= par.project_wait_months[q]:
                    status[p, q] = CANCELLED
            built = 0.0
            if status[p, q] == FINANCED:
                built = min(max((t + 1 - begin[p, q]) / proj.ramp[r, p], 0.0), 1.0)
            goal = 1.0
            if not proj.offtake[p]:
                goal = _running_share(revenue, opex, par.idle_price_ratio[q], par.idle_price_band[q])
            proj_run[p, q] += (goal - proj_run[p, q]) / max(par.output_adjust_months[q], 1.0)
            made = built * capacity * proj_run[p, q]
            level[p, q] = made
            for e in range(e_n):
                add[mat, node, e, q] += made * out[p, e]
            if floored:
                gap = 0.0  # USD/kg the floor pays over the outside price, over the output mix
                for e in range(e_n):
                    gap += max(floor_now[mat, e, q] - price[mat, 1, e, q], 0.0) * mix[p, e]
                paid[q] += made * 1000.0 * gap


@njit(cache=True, error_model="numpy")
def existing_running(lt, s, par, state, scr):  # pragma: no cover - compiled
    """``running[material, node, lane]``: the share of each node's base-year output that runs,
    moving over ``output_adjust_months`` toward its goal. Outside China the goal is the running
    share of its expected revenue per kg (its base-year mix, ``out_mix``, at expected outside
    prices, at least the floor where one covers it) against its cost per kg: ``stage_opex`` where
    known, else (after mining) its input at expected outside prices over its yield; in China, 1.
    A metal or magnet maker's goal is at most ``capacity[material, node, lane]``, the share of its
    base-year capacity still open, whose idle part closes over ``closure_idle_months``. Adds what
    the floors pay on the output that runs (base-year output x ``util`` x the share) to
    ``floor_paid``."""
    on, out_mix, base_out, opex, covered = s.origin, s.out_mix, s.base_out, s.stage_opex, s.node_floored
    heavy = s.heavy
    mixes, yields = s.mixes, s.yields
    expect, price, util, running, floor_now = (
        state.expect,
        state.price,
        state.util,
        state.running,
        scr.floor_now,
    )
    k_n, n_n, e_n = out_mix.shape
    ratio, band = load(lt, par.idle_price_ratio, ()), load(lt, par.idle_price_band, ())
    pace = vmax(load(lt, par.output_adjust_months, ()), 1.0)
    closing, capacity = vmax(load(lt, par.closure_idle_months, ()), 1.0), state.capacity
    zero, one = splat(lt, 0.0), splat(lt, 1.0)
    paid = load(lt, state.floor_paid, ())
    for k in range(k_n):
        for n in range(n_n):
            goal = one
            makes = False  # a node without base-year output of k has nothing to run: it stays at 1
            for e in range(e_n):
                if out_mix[k, n, e] != 0.0:
                    makes = True
                    break
            if n != on and makes and (k > 0 or opex[k, n] > 0.0):  # a mine of unknown cost runs
                revenue = zero
                for e in range(e_n):
                    if out_mix[k, n, e] != 0.0:  # elements it does not make add nothing
                        floor = load(lt, floor_now, (k, e)) if covered[k, n] else zero
                        revenue = revenue + vmax(load(lt, expect, (k, 1, e)), floor) * out_mix[k, n, e]
                cost = splat(lt, opex[k, n])
                if k > 0 and opex[k, n] <= 0.0:  # a converter without a published cost: its input
                    bought = zero
                    for e in range(e_n):
                        if mixes[k - 1, n, e] != 0.0:
                            bought = bought + mixes[k - 1, n, e] * load(lt, expect, (k - 1, 1, e))
                    cost = bought / yields[k]
                goal = _running_shares(revenue, cost, ratio, band)
            now = load(lt, running, (k, n))
            if k >= METAL:  # a converter runs at most the capacity it still has; idle capacity closes
                cap = load(lt, capacity, (k, n))
                goal = vmin(goal, cap)
                now = now + (goal - now) / pace
                store(capacity, (k, n), cap - vmax(cap - now, 0.0) / closing)
            else:
                now = now + (goal - now) / pace
            store(running, (k, n), now)
            if covered[k, n]:
                u = load(lt, util, (k, n)) * now
                u_heavy = load(lt, util, (HEAVY_CIRCUIT, n)) * now  # a separator's heavy circuit
                for e in range(e_n):
                    if base_out[k, n, e] != 0.0:
                        gap = vmax(load(lt, floor_now, (k, e)) - load(lt, price, (k, 1, e)), 0.0)
                        each = u_heavy if k == OXIDE and heavy[e] else u
                        paid = paid + base_out[k, n, e] * each * 1000.0 * gap
    store(state.floor_paid, (), paid)


@njit(cache=True, error_model="numpy")
def china_open(lt, k, s, state, now, scr):  # pragma: no cover - compiled
    """``open[k, element, lane]``: 1 less the share of what importers asked of China (``to_china[0]``,
    summed by :func:`reesim.kernel.fast_trade.trade`) that licences held back (asked less the
    licensed part, ``to_china[1]``) or, where China's surplus reached its export quota, that it did
    not ship of the licensed part; in [0, 1], 1 where nothing was asked. Read by :func:`prices`.
    China's surplus is read only where its row is busy (elsewhere it is zero).

    ``open_in[k, importer, element, lane]``: 1 less what controls held back of each importer's
    asks (``china_in``; a binding quota's shortfall shared pro rata over the licensed asks) as a
    share of its use this month (``use``), so a small ask held back is a small risk. Only rows
    listed for ``k`` (see :mod:`reesim.kernel.active`) can ask, and only ``live`` ones did: the
    others are 1. Rows below 1 in some lane are marked ``guarded[importer, element]`` (read by
    :func:`prices`). ``quota_in[k, importer, element, lane]``: the part of that share a binding
    export quota held back (0 where nothing was asked). ``resp`` [2, E, lanes] is scratch (row 0:
    the share of the licensed asks China did not ship)."""
    on, busy, live, surplus, quota = s.origin, scr.busy[k], scr.live[k], scr.surplus, now.quota
    to_china, china_in, opened, open_in, use = scr.to_china, scr.china_in, state.open, state.open_in, scr.use
    exports, not_shipped, quota_in = scr.exports[k], scr.resp, state.quota_in
    n_act, act_e, guarded = s.n_act, s.act_e, state.guarded
    zero, one = splat(lt, 0.0), splat(lt, 1.0)
    for e in range(to_china.shape[1]):
        asked, licensed = load(lt, to_china, (0, e)), load(lt, to_china, (1, e))
        spare = load(lt, surplus, (on, e)) if busy[on, e] else zero
        capped = spare >= load(lt, quota, (k, on, e))
        short = vmax(licensed - load(lt, exports, (on, e)), 0.0)
        held = (asked - licensed) + where(capped, short, 0.0)
        share = 1.0 - where(asked > EPS, held / where(asked > EPS, asked, 1.0), 0.0)
        store(opened, (k, e), vmin(vmax(share, 0.0), 1.0))
        unshipped = where(
            capped, where(licensed > EPS, short / where(licensed > EPS, licensed, 1.0), 0.0), 0.0
        )
        store(not_shipped, (0, e), unshipped)
    for i in range(china_in.shape[1]):
        for ia in range(n_act[k, i]):
            e = act_e[k, i, ia]
            if not live[i, e]:
                store(open_in, (k, i, e), one)  # asked nothing: nothing held back
                store(quota_in, (k, i, e), zero)
                continue
            a, w = load(lt, china_in, (0, i, e)), load(lt, china_in, (1, i, e))
            by_quota = w * load(lt, not_shipped, (0, e))
            kept = (a - w) + by_quota
            u = load(lt, use, (i, e))
            at_risk = where(u > EPS, kept / where(u > EPS, u, 1.0), 0.0)
            share = 1.0 - vmin(vmax(at_risk, 0.0), 1.0)
            store(open_in, (k, i, e), share)
            quota_risk = where(u > EPS, by_quota / where(u > EPS, u, 1.0), 0.0)
            store(quota_in, (k, i, e), vmin(vmax(quota_risk, 0.0), 1.0))
            if any_lane(share != 1.0):
                guarded[i, e] = True


@njit(cache=True, error_model="numpy")
def _at_base(lt, k, e, p0, price, expect, hoard, yields):  # pragma: no cover - compiled
    """Whether both markets' price and expected price of ``(k, e)`` are the base price, their
    desired cover 1, (metal and magnets) the input's price over the yield at most the base
    price and (concentrate) the oxide's price times the yield at least the base price, in every
    lane."""
    for m in range(2):
        if any_lane(load(lt, price, (k, m, e)) != p0[k, e]) or any_lane(
            load(lt, expect, (k, m, e)) != p0[k, e]
        ):
            return False
        if any_lane(load(lt, hoard, (k, m, e)) != 1.0):
            return False
        if k >= 2 and any_lane(load(lt, price, (k - 1, m, e)) / yields[k] > p0[k, e]):
            return False
        if k == 0 and any_lane(load(lt, price, (1, m, e)) * yields[1] < p0[k, e]):
            return False
    return True


@njit(cache=True, error_model="numpy")
def prices(lt, s, par, state, scr):  # pragma: no cover - compiled
    """Each market's price toward expected^(1 - w) x p0^w x clip(cover, c_min, 1 / c_min)^-s x
    (1 + kappa x unmet share) over ``price_adjust_months``, its cover blended toward the pooled
    cover of both markets by ``arbitrage_share`` x ``open``; then arbitrage pulls both markets
    toward their use-weighted mean by the same share (the outside price net of an export quota's
    licence rent ``rent_cell``, see :func:`reesim.kernel.fast_month.limits`, and where there is
    one, never below China's price plus it), a metal or magnet price at least its input's
    over the yield (outside China only the share ``1 - open`` of the gap to it: as far as controls
    hold China's product back), concentrate at most last month's oxide price times the yield, and at most
    ``price_backstop_multiple`` x the base price; the expected price
    follows the price less its premium; the market's desired cover (``hoard``) moves toward its
    goal for the price trend, each importer's (``guard``, outside China) toward its goal for the
    supply controls hold back from it (1 less the least ``open_in`` of any form of the element);
    substitution moves toward its ceiling x (price / base - 1) / (``substitution_full_multiple`` - 1),
    at most the ceiling, and never falls (its ceiling
    ``heavy_thrift_max_share`` on the ``thrift`` rows, ``substitution_max_share`` on the others).

    Cover is what a market's nodes hold in working stock (strategic stocks count once released)
    over what they want this month x their ``guard`` x ``cover0`` x ``hoard``. Rows not ``dirty`` (see
    :func:`reesim.kernel.fast_settle.settle`) want, miss and hold nothing. ``tight`` keeps each
    market's unmet share (read by strategic buyers next month); ``resp`` [2, E, lanes] is scratch
    (a market's cover, then the effects its powers give). ``cover_seen`` and ``cover_power`` keep
    the last relative cover raised to its elasticity and the result: a cover held at its clip
    repeats, and its power is taken again only when it changed."""
    market, p0, dirty, lanes = s.market, s.p0, state.dirty, len(lt)
    wanted, missing, inv = state.wanted, state.missing, state.inv
    price, sub, expect, hoard, opened = state.price, state.sub, state.expect, state.hoard, state.open
    cover0, p0w, tight, vals = state.cover0, state.p0w, state.tight, scr.resp
    cover_seen, cover_power = state.cover_seen, state.cover_power
    k_n, n_n, e_n = dirty.shape
    zero = splat(lt, 0.0)
    kappa = load(lt, par.price_tightness_elasticity, ())
    adjust = vmax(load(lt, par.price_adjust_months, ()), 1.0)
    arbitrage, horizon = (
        load(lt, par.arbitrage_share, ()),
        vmax(load(lt, par.price_expectation_months, ()), 1.0),
    )
    by_risk, by_trend = load(lt, par.precaution_risk, ()), load(lt, par.precaution_trend, ())
    least, most = load(lt, par.precaution_min, ()), load(lt, par.precaution_max, ())
    pace = vmax(load(lt, par.precaution_months, ()), 1.0)
    sub_max, sub_lag = (
        load(lt, par.substitution_max_share, ()),
        vmax(load(lt, par.substitution_lag_months, ()), 1.0),
    )
    full = vmax(load(lt, par.substitution_full_multiple, ()) - 1.0, EPS)  # the whole ceiling at this rise
    # Designers thrift the heavy rare earths in magnets (grain-boundary diffusion, heavy-free
    # grades) further than other motor designs replace Nd and Pr: their own ceiling.
    thrift, thrift_max = s.thrift, load(lt, par.heavy_thrift_max_share, ())
    w, elasticity = par.price_cost_weight, par.price_cover_elasticity
    low = load(lt, par.price_cover_min, ())
    backstop, yields = load(lt, par.price_backstop_multiple, ()), s.yields
    guard, open_in, guarded = state.guard, state.open_in, state.guarded
    quota_in, quota_seen = state.quota_in, state.quota_seen
    fade = vmax(load(lt, par.precaution_quota_fade_months, ()), 1.0)
    rent_cell = state.rent_cell
    for e in range(e_n):
        for k in range(k_n):
            d0, u0, h0, d1, u1, h1 = zero, zero, zero, zero, zero, zero  # each market's want, miss, hold
            g0, g1 = zero, zero  # each market's use x its importers' guard
            for n in range(n_n):
                if not dirty[k, n, e]:
                    continue
                d, u, h = load(lt, wanted, (k, n, e)), load(lt, missing, (k, n, e)), load(lt, inv, (k, n, e))
                g = d * load(lt, guard, (k, n, e))
                if market[n] == 0:
                    d0, u0, h0, g0 = d0 + d, u0 + u, h0 + h, g0 + g
                else:
                    d1, u1, h1, g1 = d1 + d, u1 + u, h1 + h, g1 + g
            rent = load(lt, rent_cell, (k, e))
            if not any_lane(
                (d0 != 0.0) | (d1 != 0.0) | (h0 != 0.0) | (h1 != 0.0) | (rent > 0.0)
            ) and _at_base(lt, k, e, p0, price, expect, hoard, yields):
                # Nothing used or held in either market, every price, expectation and desired cover
                # at the base year and no input dearer: the update leaves them there (to
                # rounding), so skip it.
                store(tight, (k, 0, e), zero)
                store(tight, (k, 1, e), zero)
                continue
            # What each market wants to hold (t): its use x base cover x desired-cover multiple.
            want0 = g0 * load(lt, cover0, (k, 0, e)) * load(lt, hoard, (k, 0, e))
            want1 = g1 * load(lt, cover0, (k, 1, e)) * load(lt, hoard, (k, 1, e))
            total = want0 + want1
            pooled = where(total > EPS, (h0 + h1) / where(total > EPS, total, 1.0), 1.0)
            blend = arbitrage * load(lt, opened, (k, e))  # free trade pools the two markets' cover
            for m in range(2):
                d, u, h, want = (d0, u0, h0, want0) if m == 0 else (d1, u1, h1, want1)
                short = where(d > EPS, u / d, 0.0)
                store(tight, (k, m, e), short)
                own = where(want > EPS, h / where(want > EPS, want, 1.0), 1.0)
                cover = own + blend * (pooled - own)
                store(vals, (0, e), vmin(vmax(cover, low), 1.0 / low))  # a glut as deep as a shortage
                # The powers, lane by lane (none where cover or expectation is at base): row 0 of
                # vals becomes the cover's effect, row 1 the price the expectation anchors.
                for q in range(lanes):
                    c, ex = vals[0, e, q], expect[k, m, e, q]
                    if c == 1.0:
                        vals[0, e, q] = 1.0
                    elif c == cover_seen[k, m, e, q]:  # the same power as last time (a cover at its clip)
                        vals[0, e, q] = cover_power[k, m, e, q]
                    else:
                        vals[0, e, q] = c ** -elasticity[q]
                        cover_seen[k, m, e, q], cover_power[k, m, e, q] = c, vals[0, e, q]
                    # expected at the base price: E^(1-w) p0^w is p0 (to rounding)
                    vals[1, e, q] = p0[k, e] if ex == p0[k, e] else ex ** (1.0 - w[q]) * p0w[k, e, q]
                goal = load(lt, vals, (1, e)) * load(lt, vals, (0, e)) * (1.0 + kappa * short)
                now = load(lt, price, (k, m, e))
                store(price, (k, m, e), now + (goal - now) / adjust)
            # Trade closes the gap between the markets as far as controls let China ship what is
            # asked; an export licence's rent stays between them (outside prices net of it).
            a, b = load(lt, price, (k, 0, e)), load(lt, price, (k, 1, e))
            b = where(rent > 0.0, vmax(b - rent, a), b)
            total = d0 + d1
            mean = where(total > EPS, (d0 * a + d1 * b) / total, 0.5 * (a + b))
            pull = arbitrage * load(lt, opened, (k, e))
            for m in range(2):
                p = a if m == 0 else b
                p = p + pull * (mean - p)
                if m == 1:  # what China exports sells outside for at least China's price plus the rent
                    p = p + rent
                    p = where(rent > 0.0, vmax(p, load(lt, price, (k, 0, e)) + rent), p)
                if k >= 2:  # a converted material sells for at least what its input costs:
                    cost = load(lt, price, (k - 1, m, e)) / yields[k]
                    if m == 0:  # in China always
                        p = vmax(p, cost)
                    else:  # outside as far as controls hold China's product back
                        p = p + (1.0 - load(lt, opened, (k, e))) * vmax(cost - p, 0.0)
                elif k == 0:  # concentrate at most what its oxide was worth (last month's price)
                    p = vmin(p, load(lt, price, (1, m, e)) * yields[1])
                p = vmin(p, backstop * p0[k, e])  # at most the backstop price
                store(price, (k, m, e), p)
                ex = load(lt, expect, (k, m, e))
                ex = ex + (p / (1.0 + kappa * load(lt, tight, (k, m, e))) - ex) / horizon
                store(expect, (k, m, e), ex)
                # Desired cover of the market's buyers: up when prices rise (speculation).
                trend = p / vmax(ex, EPS) - 1.0
                aim = vmin(vmax(1.0 + by_trend * trend, least), most)
                held = load(lt, hoard, (k, m, e))
                store(hoard, (k, m, e), held + (aim - held) / pace)
                rel = vmin(vmax((p / p0[k, e] - 1.0) / full, 0.0), 1.0)
                was = load(lt, sub, (k, m, e))
                ceiling = thrift_max if thrift[k, e] else sub_max
                store(sub, (k, m, e), was + vmax(ceiling * rel - was, 0.0) / sub_lag)  # it only rises
    # Each importer outside China raises its desired cover for the part of its asks to China that
    # controls hold back (an element held back in any form puts every form at risk), less what a
    # standing export quota holds back that it has come to expect (over
    # ``precaution_quota_fade_months``). Rows not ``guarded`` (nothing held back this month, no
    # guard up and no quota's hold-back expected) stay at 1.
    one = splat(lt, 1.0)
    for n in range(n_n):
        for e in range(e_n):
            if not guarded[n, e]:
                continue
            by_quota = load(lt, quota_in, (0, n, e))
            for k in range(1, k_n):
                by_quota = vmax(by_quota, load(lt, quota_in, (k, n, e)))
            seen = load(lt, quota_seen, (n, e))
            seen = seen + (by_quota - seen) / fade
            store(quota_seen, (n, e), seen)
            aim = one
            if n != s.origin:
                shut = load(lt, open_in, (0, n, e))
                for k in range(1, k_n):
                    shut = vmin(shut, load(lt, open_in, (k, n, e)))
                aim = vmin(1.0 + by_risk * vmax(1.0 - shut - seen, 0.0), most)
            up = any_lane(seen != 0.0)
            for k in range(k_n):
                held = load(lt, guard, (k, n, e))
                held = held + (aim - held) / pace
                store(guard, (k, n, e), held)
                up |= any_lane(held != 1.0)
            guarded[n, e] = up  # (set again by china_open where controls hold back some form)
