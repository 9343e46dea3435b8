"""Trade between nodes in one month, for the fast kernel (:mod:`reesim.kernel.fast_kernel`).

The same rules as the reference kernel's ``_trade`` (see :mod:`reesim.kernel.reference`):
requests go to exporters along base-year shares, licences scale them, each exporter serves
tier 1 (defence), then 2 (contracted), then 3 (spot) pro rata from its surplus, and importers
short for a while re-route part of the gap to exporters with surplus left. Quantities are
t REO-eq per month.

Every per-run array has a trailing *lane* axis (``lt`` is a tuple as long as the lane count;
see :mod:`reesim.kernel.lanes`): the kernel simulates several runs side by side, so the walk
over partners and the tests on a row are done once for all lanes and the innermost loops run
over lanes. Conditions that differ between runs are selects inside the lane loop; a lane that
asks nothing adds exact zeros, so each run's arithmetic (and its order) is the same as if it
were simulated alone. Only trade partners that are ``busy`` (hold, make, use or stock
something this month) are walked, and for re-routing only rows where some lane re-routes and
exporters with surplus left in some lane.

Shipments are kept per partner *slot* (``flow[importer, element, slot, lane]``, the slot's
exporter being ``partners[material, importer, element, slot]``): in the shipped dataset a row
has at most 12 partners of 22 nodes (on average about 10 for concentrate, 8 for oxide, 4 for
metal and 6 for magnets, among rows with any), so this is about half the memory of a
per-exporter layout and is walked in order. The few rows that re-route (to any exporter) are
moved to a per-exporter array, ``wide``.
"""

from __future__ import annotations

from numba import njit

from reesim.kernel.reference import EPS
from reesim.model.dims import MAGNET


@njit(cache=True, error_model="numpy")
def trade(lt, k, request, live, busy, surplus, final, origin, partners, p_share, p_allow, p_denied,
          allow_pattern, allow_now, denied_now, content_pattern, content_share, content_threshold,
          defence_share, on, contracted, short_months, switch_lag, switch_max, flow, wide, left, full, rows,
          totals, part, reroute, weight, asked, ok, open_x,
          open_n):  # pragma: no cover - compiled  # fmt: skip
    """Shipments of material ``k`` this month, per partner slot: ``flow[importer, element, slot,
    lane]`` from exporter ``partners[k, importer, element, slot]``.

    Only rows (importer, element) that are ``live`` (some lane asks something) are written. If
    some lane of a row re-routes, ``full[importer, element]`` is set and the row's shipments from
    every exporter are in ``wide[importer, element, exporter, lane]`` instead (it must be zero on
    entry; callers read, then clear, those rows). Exporters not ``busy`` have nothing to offer:
    their slots get zero without being walked.
    """
    lanes = len(lt)
    n_n, e_n = request.shape[0], request.shape[1]
    _ask(lt, k, request, live, busy, final, origin, partners, p_share, p_allow, p_denied, allow_now,
         denied_now, content_pattern, content_share, content_threshold, defence_share, on, contracted, totals,
         flow, part)  # fmt: skip
    # Each exporter serves tier 1, then 2, then 3 from its surplus, pro rata within a tier;
    # totals become fill fractions. Exporters not busy have no surplus and are not asked.
    for x in range(n_n):
        for e in range(e_n):
            if busy[x, e]:
                for q in range(lanes):
                    left[x, e, q] = surplus[x, e, q]
    for tier in range(3):
        for x in range(n_n):
            for e in range(e_n):
                if not busy[x, e]:
                    continue
                for q in range(lanes):
                    total = totals[tier, x, e, q]
                    used = min(left[x, e, q], total)
                    fill = used / total if total > EPS else 0.0
                    left[x, e, q] = max(left[x, e, q] - used, 0.0) if total > EPS else left[x, e, q]
                    totals[tier, x, e, q] = fill
    # Shipments = each tier's request times its exporter's fill fraction.
    for i in range(n_n):
        for e in range(e_n):
            if not live[i, e]:
                continue
            for j in range(partners.shape[3]):
                x = partners[k, i, e, j]
                if x < 0:
                    break
                if not busy[x, e]:
                    flow[i, e, j, :] = 0.0
                    continue
                denied = denied_now[p_denied[k, i, e, j]]
                for q in range(lanes):
                    w = flow[i, e, j, q]
                    d = part[i, e, q]
                    first = 0.0 if denied else w * d
                    second = w * (1.0 - d) * contracted[q]
                    third = w * (1.0 - d) * (1.0 - contracted[q])
                    f0, f1, f2 = totals[0, x, e, q], totals[1, x, e, q], totals[2, x, e, q]
                    flow[i, e, j, q] = first * f0 + second * f1 + third * f2
    if _gaps(lt, k, request, live, partners, short_months, switch_lag, switch_max, flow, reroute, rows, part):
        _reroute(lt, k, rows, reroute, left, busy, origin, partners, allow_pattern, allow_now,
                 content_pattern, content_share, content_threshold, on, flow, wide, full, weight, asked, ok,
                 open_x, open_n)  # fmt: skip


@njit(cache=True, error_model="numpy")
def _ask(lt, k, request, live, busy, final, origin, partners, p_share, p_allow, p_denied, allow_now,
         denied_now, content_pattern, content_share, content_threshold, defence_share, on, contracted, totals,
         flow, part):  # pragma: no cover - compiled  # fmt: skip
    """Walk every live row's requests along its partners that are ``busy``: each partner's
    licensed request goes to ``flow[importer, element, slot, lane]``, and its three tiers are
    added to ``totals[tier, exporter, element, lane]`` (zeroed here for busy rows only: the
    others are not read). ``part[importer, element, lane]`` gets the share of each lane's
    request that is defence demand (tier 1; magnets only)."""
    lanes = len(lt)
    n_n, e_n = request.shape[0], request.shape[1]
    for x in range(n_n):
        for e in range(e_n):
            if busy[x, e]:
                for tier in range(3):
                    for q in range(lanes):
                        totals[tier, x, e, q] = 0.0
    for i in range(n_n):
        for e in range(e_n):
            if not live[i, e]:
                continue
            for q in range(lanes):
                req = request[i, e, q]
                d = min(final[i, e, q] * defence_share[i], req) / req
                part[i, e, q] = d if k == MAGNET and req > EPS else 0.0
            c = content_pattern[k, i, e]
            for j in range(partners.shape[3]):
                x = partners[k, i, e, j]
                if x < 0:
                    break
                if not busy[x, e]:
                    continue  # nothing to offer: its slot gets zero after the fill
                pa = p_allow[k, i, e, j]
                denied = denied_now[p_denied[k, i, e, j]]
                share = p_share[k, i, e, j]
                outside = x != on
                for q in range(lanes):
                    a = allow_now[pa, q]
                    cut = outside and origin[x, e, q] >= content_threshold[c, q]
                    a = a * content_share[c, q] if cut else a
                    w = request[i, e, q] * share * a
                    flow[i, e, j, q] = w
                    d = part[i, e, q]
                    first = 0.0 if denied else w * d
                    totals[0, x, e, q] += first
                    totals[1, x, e, q] += w * (1.0 - d) * contracted[q]
                    totals[2, x, e, q] += w * (1.0 - d) * (1.0 - contracted[q])


@njit(cache=True, error_model="numpy")
def _gaps(lt, k, request, live, partners, short_months, switch_lag, switch_max, flow, reroute, rows,
          got):  # pragma: no cover - compiled  # fmt: skip
    """Amounts to re-route: part of what is still missing for importers short for a while.

    Marks rows where some lane re-routes in ``rows[importer, element]``, fills their
    ``reroute[importer, element, lane]`` (other rows are not read) and returns whether any row
    re-routes. ``got`` is scratch [N, E, lanes]."""
    lanes = len(lt)
    n_n, e_n = request.shape[0], request.shape[1]
    any_gap = False
    for i in range(n_n):
        for e in range(e_n):
            rows[i, e] = False
            if not live[i, e]:
                continue  # asked nothing: no gap
            short = False
            for q in range(lanes):
                short |= short_months[i, e, q] > 0.0
            if not short:
                continue
            for q in range(lanes):
                got[i, e, q] = 0.0
            for j in range(partners.shape[3]):
                x = partners[k, i, e, j]
                if x < 0:
                    break
                for q in range(lanes):
                    got[i, e, q] += flow[i, e, j, q]
            hit = False
            for q in range(lanes):
                gap = max(request[i, e, q] - got[i, e, q], 0.0)
                amount = gap * min(short_months[i, e, q] / max(switch_lag[q], 1.0), 1.0) * switch_max[q]
                reroute[i, e, q] = amount if short_months[i, e, q] > 0.0 else 0.0
                hit |= reroute[i, e, q] > 0.0
            rows[i, e] = hit
            any_gap |= hit
    return any_gap


@njit(cache=True, error_model="numpy")
def _reroute(lt, k, rows, reroute, left, busy, origin, partners, allow_pattern, allow_now, content_pattern,
             content_share, content_threshold, on, flow, wide, full, weight, asked, ok, open_x,
             open_n):  # pragma: no cover - compiled  # fmt: skip
    """Send re-routed amounts to exporters with surplus left, in proportion to that surplus,
    each exporter filling them pro rata up to its surplus, in the ``rows`` marked by :func:`_gaps`.

    A lane re-routes to exporter ``x`` (``ok``, scratch [N, E, N, lanes]) when it re-routes
    something, ``x`` is not the importer, has surplus left and a licence allows some of it.
    A row that re-routes in some lane is marked ``full``: its shipments so far are moved from
    ``flow`` (per partner slot) to ``wide`` (per exporter) and the re-routed amounts added
    there. ``open_x`` [E, N] and ``open_n`` [E] are scratch for the exporters with surplus left."""
    lanes = len(lt)
    n_n, e_n = reroute.shape[0], reroute.shape[1]
    # Only exporters with surplus left in some lane can take re-routed orders: list them once.
    for e in range(e_n):
        open_n[e] = 0
        for x in range(n_n):
            if not busy[x, e]:
                continue  # no surplus
            has = False
            for q in range(lanes):
                has |= left[x, e, q] > 0.0
            if has:
                open_x[e, open_n[e]] = x
                open_n[e] += 1
                for q in range(lanes):
                    asked[x, e, q] = 0.0
    for i in range(n_n):
        for e in range(e_n):
            if not rows[i, e]:
                continue
            c = content_pattern[k, i, e]
            for q in range(lanes):
                weight[i, e, q] = 0.0
            for j in range(open_n[e]):
                x = open_x[e, j]
                pa = allow_pattern[k, x, i, e]
                for q in range(lanes):
                    a = allow_now[pa, q]
                    cut = x != on and origin[x, e, q] >= content_threshold[c, q]
                    a = a * content_share[c, q] if cut else a
                    yes = x != i and reroute[i, e, q] > 0.0 and left[x, e, q] > 0.0 and a > 0.0
                    ok[i, e, x, q] = yes
                    weight[i, e, q] += left[x, e, q] if yes else 0.0
            hit = False
            for q in range(lanes):
                hit |= reroute[i, e, q] > 0.0 and weight[i, e, q] > EPS
            if not hit:
                continue
            full[i, e] = True
            for j in range(partners.shape[3]):
                x = partners[k, i, e, j]
                if x < 0:
                    break
                for q in range(lanes):
                    wide[i, e, x, q] = flow[i, e, j, q]
            for j in range(open_n[e]):
                x = open_x[e, j]
                for q in range(lanes):
                    yes = ok[i, e, x, q] and weight[i, e, q] > EPS
                    asked[x, e, q] += reroute[i, e, q] * left[x, e, q] / weight[i, e, q] if yes else 0.0
    for e in range(e_n):
        for j in range(open_n[e]):
            x = open_x[e, j]
            for q in range(lanes):
                total = asked[x, e, q]
                asked[x, e, q] = min(left[x, e, q], total) / total if total > EPS else 0.0  # fill fraction
    for i in range(n_n):
        for e in range(e_n):
            if not full[i, e]:
                continue
            for j in range(open_n[e]):
                x = open_x[e, j]
                for q in range(lanes):
                    yes = ok[i, e, x, q] and weight[i, e, q] > EPS
                    amount = reroute[i, e, q] * left[x, e, q] / weight[i, e, q] * asked[x, e, q]
                    wide[i, e, x, q] += amount if yes else 0.0
