"""Material in transit, for the fast kernel: shipments reach their importer after the lag of
their route (:mod:`reesim.kernel.fast_kernel`; the reference kernel does the same in
:func:`reesim.kernel.reference.transit`).

A route's lag of ``L`` months (``d`` whole months and a fraction ``f``) delivers a shipment in
two parts: ``1 - f`` of it ``d`` months after it leaves and ``f`` a month later, so that every
output is continuous in the lag. ``state.arrival[class, j, lane]`` holds these shares by month
offset ``j``. Goods due in month ``t`` wait in ``state.ring[t % slots]`` (with their China-origin
part in ``ring_origin``); they join what the importer has at the start of that month (see
:func:`reesim.kernel.fast_month.positions`, where importers also order to keep the goods under
way at their lag times what they lack, as a stock manager does with a supply line: Sterman,
Business Dynamics, 2000, ch. 17). Quantities are t REO-eq per month.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from reesim.kernel.vec import load, splat, store


@njit(cache=True, error_model="numpy")
def transit(lt, k, t, s, state, scr):  # pragma: no cover - compiled
    """Put this month's shipments of material ``k`` on their way: the part arriving this month
    goes to ``arrived[k]``, the rest to the ring by month of arrival. ``landed[k]`` gets every
    arrival of the month (the ring's slot for ``t``, which is then emptied, plus ``arrived[k]``)
    and ``arrived_origin[k]`` their China-origin part, at the exporter's share when it left (for
    the (material, element) pairs a content rule can read, ``s.tracked``). Rows not ``busy``
    receive nothing: only their ``landed`` is written (zero).
    A row's shipments are first summed by route class (routes of one class share their lag)."""
    slots, slot = s.slots, t % s.slots
    zero = splat(lt, 0.0)
    ring, ring_origin, arrival = state.ring, state.ring_origin, state.arrival
    arrived, landed, arrived_origin = scr.arrived[k], scr.landed[k], scr.arrived_origin[k]
    origin, flow, wide, imports = state.origin[k], scr.flow, scr.wide, scr.imports[k]
    n_act, act_e, tracked_k, one_class = s.n_act[k], s.act_e[k], s.tracked[k], s.one_class[k]
    partners, route_class = s.partners[k], s.route_class
    busy, live, full, via, via_n = scr.busy[k], scr.live[k], scr.full, scr.via, scr.via_n
    classes = arrival.shape[0]
    sent, sent_origin = np.zeros((classes, len(lt))), np.zeros((classes, len(lt)))  # by route class
    n_n = landed.shape[0]
    for i in range(n_n):
        for ia in range(n_act[i]):
            e = act_e[i, ia]
            if not busy[i, e]:  # nothing arrives (it would be held) and nothing was sent to it
                store(landed, (i, e), zero)
                continue
            now, now_origin = zero, zero
            tracked = tracked_k[e]
            one = one_class[i, e]
            if live[i, e]:
                for c in range(classes):  # (lane vectors: a slice assignment would call memset)
                    store(sent, (c,), zero)
                    store(sent_origin, (c,), zero)
                if one >= 0 and not full[i, e] and not tracked:
                    # Every partner's route is of one class: the row's shipments are its imports.
                    store(sent, (one,), load(lt, imports, (i, e)))
                walk = one < 0 or full[i, e] or tracked
                slots_n = via_n[i, e] if full[i, e] else partners.shape[2]  # exporters to walk
                for j in range(slots_n if walk else 0):
                    if full[i, e]:
                        x = via[i, e, j]  # (the others shipped nothing)
                        w = load(lt, wide, (i, e, x))
                    else:
                        x = partners[i, e, j]
                        if x < 0:
                            break
                        if not busy[x, e]:
                            continue
                        w = load(lt, flow, (i, e, j))
                    c = route_class[x, i]
                    store(sent, (c,), load(lt, sent, (c,)) + w)
                    if tracked:
                        store(sent_origin, (c,), load(lt, sent_origin, (c,)) + w * load(lt, origin, (x, e)))
                for ci in range(classes if walk else 1):  # a row of one class: that class only
                    c = ci if walk else one
                    w, w_origin = load(lt, sent, (c,)), load(lt, sent_origin, (c,))
                    now = now + w * load(lt, arrival, (c, 0))
                    now_origin = now_origin + w_origin * load(lt, arrival, (c, 0))
                    for d in range(1, slots):
                        later = (t + d) % slots
                        share = load(lt, arrival, (c, d))
                        store(ring, (later, k, i, e), load(lt, ring, (later, k, i, e)) + w * share)
                        if tracked:
                            part = load(lt, ring_origin, (later, k, i, e)) + w_origin * share
                            store(ring_origin, (later, k, i, e), part)
            store(arrived, (i, e), now)
            store(landed, (i, e), load(lt, ring, (slot, k, i, e)) + now)
            store(ring, (slot, k, i, e), zero)
            if tracked:  # (the origin parts are read only where a content rule can read them)
                store(arrived_origin, (i, e), load(lt, ring_origin, (slot, k, i, e)) + now_origin)
                store(ring_origin, (slot, k, i, e), zero)
