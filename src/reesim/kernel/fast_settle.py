"""What one material's month comes to after trade, for the fast kernel, per lane.

The rules are those of the reference kernel (:mod:`reesim.kernel.reference`): shipments add up
to imports and exports; each node meets its final demand and the next stage's input pro rata
to what it has; strategic stocks are released when a node is short enough; the China-origin
share of every stock is carried along with shipments; the next stage converts what it received
with its yield (magnet making in whole batches of its mix); recycled oxide joins production.
Arrays have a trailing lane axis (see :mod:`reesim.kernel.fast_trade`); t REO-eq per month.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from reesim.kernel.reference import EPS


@njit(cache=True, error_model="numpy")
def flows(lt, k, live, full, partners, flow, wide, imports, exports):  # pragma: no cover - compiled
    """Imports and exports [node, element, lane] of material ``k`` from the shipments of
    :func:`reesim.kernel.fast_trade.trade` (``flow`` per partner slot, ``wide`` for ``full`` rows)."""
    lanes = len(lt)
    n_n, e_n = imports.shape[0], imports.shape[1]
    imports[:, :, :] = 0.0
    exports[:, :, :] = 0.0
    for i in range(n_n):
        for e in range(e_n):
            if not live[i, e]:
                continue  # asked nothing, so nothing was shipped to it
            if full[i, e]:
                for x in range(n_n):
                    for q in range(lanes):
                        imports[i, e, q] += wide[i, e, x, q]
                        exports[x, e, q] += wide[i, e, x, q]
                continue
            for j in range(partners.shape[3]):
                x = partners[k, i, e, j]
                if x < 0:
                    break
                for q in range(lanes):
                    imports[i, e, q] += flow[i, e, j, q]
                    exports[x, e, q] += flow[i, e, j, q]


@njit(cache=True, error_model="numpy")
def settle(lt, k, busy, live, full, partners, release_at, avail, use, buy, request, imports, exports, demand,
           planned, inv, stock, origin, produced, origin_prod, flow, wide, have, final_met, feed_met, bought,
           release, held, wanted, missing, short_months, dirty,
           sums):  # pragma: no cover - compiled  # fmt: skip
    """Uses met, stock releases, shortage months and the China-origin share after trade.

    Per-material arrays (``demand``, ``planned``, ``inv``, ``stock``, ``origin``, ``wanted``,
    ``missing``, ``short_months``) are [material, node, element, lane]; ``sums`` is scratch
    [2, lanes]; the others are this material's [node, element, lane]. A row not ``busy`` (see
    :func:`reesim.kernel.fast_month.positions`) had, used and received nothing: its uses met
    (``final_met``, ``feed_met``), ``wanted`` and ``missing`` are zero and its shortage count
    restarts. They are zeroed only if the row was busy since they last were (``dirty[material,
    node, element]``); ``have``, ``bought``, ``release`` and ``held`` are left as they are: they
    are read for busy rows only."""
    lanes = len(lt)
    n_n, e_n = avail.shape[0], avail.shape[1]
    for n in range(n_n):
        sums[:, :] = 0.0
        for e in range(e_n):
            if not busy[n, e]:
                if dirty[k, n, e]:
                    for q in range(lanes):
                        final_met[n, e, q], feed_met[n, e, q] = 0.0, 0.0
                        wanted[k, n, e, q], missing[k, n, e, q], short_months[k, n, e, q] = 0.0, 0.0, 0.0
                    dirty[k, n, e] = False
                continue
            dirty[k, n, e] = True
            for q in range(lanes):
                hv = avail[n, e, q] + imports[n, e, q] - exports[n, e, q]
                have[n, e, q] = hv
                u = use[n, e, q]
                frac = min(hv, u) / u if u > EPS else 1.0
                fm = demand[k, n, e, q] * frac
                final_met[n, e, q] = fm
                feed_met[n, e, q] = planned[k, n, e, q] * frac
                bought[n, e, q] = buy[n, e, q] * frac
                sums[0, q] += demand[k, n, e, q] - fm
                sums[1, q] += demand[k, n, e, q]
        for e in range(e_n):
            if not busy[n, e]:
                continue
            for q in range(lanes):
                d = demand[k, n, e, q]
                rel = min(stock[k, n, e, q], d - final_met[n, e, q])
                rel = rel if sums[0, q] > release_at[n, q] * sums[1, q] else 0.0
                release[n, e, q] = rel
                final_met[n, e, q] += rel
                stock[k, n, e, q] += bought[n, e, q] - rel
                wanted[k, n, e, q] = d + planned[k, n, e, q]
                missing[k, n, e, q] = (d - final_met[n, e, q]) + (planned[k, n, e, q] - feed_met[n, e, q])
                req = request[n, e, q]
                short = req - imports[n, e, q] > 1e-9 * max(req, 1.0)
                short_months[k, n, e, q] = short_months[k, n, e, q] + 1.0 if short else 0.0
                # China-origin share after trade: what it had and made, less what it sent ...
                h = inv[k, n, e, q] * origin[k, n, e, q] + produced[n, e, q] * origin_prod[n, e, q]
                held[n, e, q] = h - exports[n, e, q] * origin[k, n, e, q]
            # ... plus what it received, at the exporters' share before this month's update.
            if not live[n, e]:
                continue
            if full[n, e]:
                for x in range(n_n):
                    for q in range(lanes):
                        held[n, e, q] += wide[n, e, x, q] * origin[k, x, e, q]
                continue
            for j in range(partners.shape[3]):
                x = partners[k, n, e, j]
                if x < 0:
                    break
                for q in range(lanes):
                    held[n, e, q] += flow[n, e, j, q] * origin[k, x, e, q]
    for n in range(n_n):
        for e in range(e_n):
            if not busy[n, e]:
                continue  # have is zero: the share is kept
            for q in range(lanes):
                hv = have[n, e, q]
                share = min(max(held[n, e, q] / hv, 0.0), 1.0)
                origin[k, n, e, q] = share if hv > EPS else origin[k, n, e, q]


@njit(cache=True, error_model="numpy")
def stage(lt, k, t, rl, on, mixes, yields, secondary, recycle_rate, rr, magnet_used, feed_met, consumed,
          produced_next, recycled, batches):  # pragma: no cover - compiled  # fmt: skip
    """What the next stage consumes of material ``k`` and makes of it (``produced_next``), and
    the oxide recycled from magnets used last month (``recycled``, oxide only). Magnet making
    uses whole batches of its mix; ``batches`` is scratch [lanes]. ``rr`` is False when the
    recycling rate is the same in every run."""
    lanes = len(lt)
    n_n, e_n = consumed.shape[0], consumed.shape[1]
    consumed[:, :, :] = feed_met
    if k + 1 == mixes.shape[0]:
        return  # magnets: no next stage
    if k + 1 == 3:
        for n in range(n_n):
            batches[:] = np.inf
            for e in range(e_n):
                if mixes[k, n, e] > 0:
                    mix = max(mixes[k, n, e], EPS)
                    for q in range(lanes):
                        batches[q] = min(batches[q], feed_met[n, e, q] / mix)
            for e in range(e_n):
                for q in range(lanes):
                    consumed[n, e, q] = batches[q] * mixes[k, n, e]
    y = yields[k + 1]
    for n in range(n_n):
        for e in range(e_n):
            for q in range(lanes):
                produced_next[n, e, q] = consumed[n, e, q] * y
    if k + 1 == 1:
        for e in range(e_n):
            for q in range(lanes):
                produced_next[on, e, q] += secondary[e]
        for n in range(n_n):
            for e in range(e_n):
                for q in range(lanes):
                    rec = recycle_rate[rl[q] if rr else 0, t, n] * magnet_used[n, e, q]
                    recycled[n, e, q] = rec
                    produced_next[n, e, q] += rec


@njit(cache=True, error_model="numpy")
def clear(full, wide):  # pragma: no cover - compiled
    """Zero the rows of ``wide`` that :func:`reesim.kernel.fast_trade.trade` wrote (``full``).
    ``flow`` needs no clearing: every slot read was written this month."""
    n_n, e_n = full.shape
    for i in range(n_n):
        for e in range(e_n):
            if full[i, e]:
                wide[i, e, :, :] = 0.0
                full[i, e] = False
