"""Magnet stocks held by final-use sectors, for the fast kernel, per lane.

The rules are those of :mod:`reesim.kernel.reference_sectors`: a node's magnet working stock is
the sum of its sectors' stocks (``state.sector_part`` [node, sector, element, lane], the share each
holds); the month's new supply for final use goes to the sectors' demand first (less what a
sector holds above its stock target), pro rata, then to the gaps to their targets, then in
proportion to the targets; each sector uses at most its demand of what it holds; strategic
purchases take from what sectors hold above their targets; strategic releases to final users go
to the sectors pro rata to what each lacks. ``s.sector_share`` [node, sector] is each sector's
share of the node's magnet demand, ``state.sector_hold`` [node, sector, lane] its share of the
node's stock target.
"""

from __future__ import annotations

from numba import njit

from reesim.kernel.shared import EPS
from reesim.kernel.vec import load, splat, store, vmax, vmin, where


@njit(cache=True, error_model="numpy")
def use(lt, k, n, e, d, u, hv, target, s, state, scr):  # pragma: no cover - compiled
    """Each sector's use met of magnets (material ``k``) at node ``n``, element ``e``
    (``scr.sector_met``), stock left (``scr.sector_left``) and the part of it above its target
    (``scr.sector_excess``), from ``d`` the node's final demand, ``u`` all its uses, ``hv`` what it
    has after trade and ``target`` its working-stock target; returns the node's final use met
    (``d`` where it has no users)."""
    part, hold, share = state.sector_part, state.sector_hold, s.sector_share
    met_out, left_out = scr.sector_met, scr.sector_left
    j_n = share.shape[1]
    inv0 = load(lt, state.inv, (k, n, e))  # the stock it started the month with
    new = hv - inv0  # the month's supply for final use (negative: the node sent more)
    pos = vmax(new, 0.0)
    gaps, need = splat(lt, 0.0), splat(lt, 0.0)
    for j in range(j_n):
        held, goal = inv0 * load(lt, part, (n, j, e)), target * load(lt, hold, (n, j))
        gaps = gaps + vmax(goal - held, 0.0)
        need = need + vmax(d * share[n, j] - vmax(held - goal, 0.0), 0.0)
    first = vmin(pos, need)  # demand first, less what a sector holds above its target
    rest = pos - first
    second = vmin(rest, gaps)  # then the gaps to the sectors' stock targets
    third = rest - second  # the rest in proportion to the targets
    total = splat(lt, 0.0)  # what the sectors lack
    for j in range(j_n):
        p, h = load(lt, part, (n, j, e)), load(lt, hold, (n, j))
        held, goal = inv0 * p, target * h
        gap = vmax(goal - held, 0.0)
        want = d * share[n, j]
        fill = where(need > EPS, vmax(want - vmax(held - goal, 0.0), 0.0) / need, share[n, j])
        refill = where(gaps > EPS, gap / gaps, 0.0)
        grown = held + first * fill + second * refill + third * h
        got = where(new >= 0.0, grown, p * hv)
        met = where(u > EPS, vmin(want, vmax(got, 0.0)), want)
        store(met_out, (n, j, e), met)
        left = vmax(got - met, 0.0)
        store(left_out, (n, j, e), left)
        store(scr.sector_excess, (n, j, e), vmax(left - goal, 0.0))  # what purchases may take
        total = total + (want - met)
    return where(u > EPS, d - total, d)  # demand less what the sectors lack: exact when all met


@njit(cache=True, error_model="numpy")
def releases(lt, k, s, state, scr):  # pragma: no cover - compiled
    """Strategic releases to each node's final users (its final use met beyond the sectors' own)
    go to the sectors pro rata to what each lacks; busy rows only."""
    share, met_out, busy = s.sector_share, scr.sector_met, scr.busy[k]
    demand, final_met = state.demand, state.final_met[k]
    j_n = share.shape[1]
    for n in range(share.shape[0]):
        for i in range(s.n_act[k, n]):
            e = s.act_e[k, n, i]
            if not busy[n, e]:
                continue
            d = load(lt, demand, (k, n, e))
            lacks, used = splat(lt, 0.0), splat(lt, 0.0)
            for j in range(j_n):
                m = load(lt, met_out, (n, j, e))
                lacks = lacks + (d * share[n, j] - m)
                used = used + m
            extra = load(lt, final_met, (n, e)) - used
            for j in range(j_n):
                m = load(lt, met_out, (n, j, e))
                lack = d * share[n, j] - m
                store(met_out, (n, j, e), m + where(lacks > EPS, extra * lack / lacks, 0.0))


@njit(cache=True, error_model="numpy")
def keep(lt, k, s, state, scr):  # pragma: no cover - compiled
    """The sectors' shares of the stock left in busy rows after strategic purchases, which take
    from what each holds above its target, pro rata; kept as they were where nothing is left."""
    part, left_out, busy, excess = state.sector_part, scr.sector_left, scr.busy[k], scr.sector_excess
    j_n = s.sector_share.shape[1]
    for n in range(s.sector_share.shape[0]):
        for i in range(s.n_act[k, n]):
            e = s.act_e[k, n, i]
            if not busy[n, e]:
                continue
            bought, spare, total = load(lt, scr.bought, (n, e)), splat(lt, 0.0), splat(lt, 0.0)
            for j in range(j_n):
                spare = spare + load(lt, excess, (n, j, e))
            for j in range(j_n):
                taken = where(spare > EPS, bought * load(lt, excess, (n, j, e)) / spare, 0.0)
                left = vmax(load(lt, left_out, (n, j, e)) - taken, 0.0)
                store(left_out, (n, j, e), left)
                total = total + left
            for j in range(j_n):
                p = load(lt, part, (n, j, e))
                store(part, (n, j, e), where(total > EPS, load(lt, left_out, (n, j, e)) / total, p))
