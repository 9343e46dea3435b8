"""Producers answer the orders they cannot fill, for the fast kernel, per lane.

The rule is the reference kernel's ``respond`` (:mod:`reesim.kernel.reference`): a node's output
of a material moves toward its base-year output plus the orders it could not fill, valued at
base prices, at most ``output_headroom_share`` above its base-year output (spare capacity), over
``output_adjust_months``. Orders not filled are what others asked of it and it did not ship
(unless an export quota, not its output, held the shipments back) plus its own uses not met
(its final users and its next stage). The multiple ``util[material, node, lane]`` scales the
stage's planned input (mines: their output) from next month on (see
:func:`reesim.kernel.fast_month.supply`). Quantities are t REO-eq per month, prices USD/kg.
"""

from __future__ import annotations

from numba import njit

from reesim.kernel.shared import EPS, HEAVY_CIRCUIT
from reesim.kernel.vec import load, splat, store, vmax, vmin, where
from reesim.model.dims import OXIDE


@njit(cache=True, error_model="numpy")
def respond(lt, k, s, par, state, now, scr):  # pragma: no cover - compiled
    """Move ``util[k]`` [node, lane] toward the orders each node could not fill this month.

    Only elements a node makes in the base year count (``base_out[k, node, element]`` > 0: more
    output cannot supply an element it does not make). Those rows are listed for ``k``, so
    ``ordered`` (see :func:`reesim.kernel.fast_trade.trade`), ``exports``, ``surplus`` and
    ``missing`` hold this month's values there. Quotas are read only in rows one covers
    (``capped``), where this month's ``ordered`` is kept (``now.asked``) to share next month's
    quotas split by asks. A separator's light and heavy circuits each answer the orders for their own
    elements (``heavy``), against the value of their own output: ``util[HEAVY_CIRCUIT]`` is the
    heavy circuit's multiple."""
    base_out, p0, capped, heavy = s.base_out[k], s.p0[k], s.capped[k], s.heavy
    ordered, exports, surplus, quota = scr.ordered, scr.exports[k], scr.surplus, now.quota[k]
    missing, util = state.missing[k], state.util
    n_n, e_n = base_out.shape
    asked, act_e, n_act = now.asked[k], s.act_e[k], s.n_act[k]
    for n in range(n_n):  # what was asked in rows a quota covers shares next month's quotas
        for ia in range(n_act[n]):
            e = act_e[n, ia]
            if capped[n, e]:
                store(asked, (n, e), load(lt, ordered, (n, e)))
    headroom = load(lt, par.output_headroom_share, ())
    adjust = vmax(load(lt, par.output_adjust_months, ()), 1.0)
    zero = splat(lt, 0.0)
    parts = 2 if k == OXIDE else 1  # a separator's light and heavy circuits answer apart
    for n in range(n_n):
        for c in range(parts):
            worth = 0.0  # value of the base-year output, USD/month (x 1,000: t x USD/kg)
            unfilled = zero
            for e in range(e_n):
                if base_out[n, e] <= 0.0 or (parts == 2 and heavy[e] != (c == 1)):
                    continue
                worth += base_out[n, e] * p0[e]
                left = vmax(load(lt, ordered, (n, e)) - load(lt, exports, (n, e)), 0.0)
                if capped[n, e]:  # a binding quota, not output, holds the shipments back
                    left = where(load(lt, surplus, (n, e)) < load(lt, quota, (n, e)), left, 0.0)
                unfilled = unfilled + (left + load(lt, missing, (n, e))) * p0[e]
            if worth <= EPS:
                continue  # nothing made in the base year: projects alone change its output
            goal = 1.0 + vmin(unfilled / worth, headroom)
            r = HEAVY_CIRCUIT if c == 1 else k
            u = load(lt, util, (r, n))
            store(util, (r, n), u + (goal - u) / adjust)
