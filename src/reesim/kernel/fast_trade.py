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
were simulated alone. Only trade partners are walked, and for re-routing only rows where some
lane re-routes and exporters with surplus left in some lane.
"""

from __future__ import annotations

from numba import njit

from reesim.kernel.reference import EPS
from reesim.model.dims import MAGNET


@njit(cache=True, error_model="numpy")
def trade(lt, k, request, live, surplus, final, origin, partners, p_share, p_allow, p_denied, allow_pattern,
          allow_now, denied_now, content_pattern, content_share, content_threshold, defence_share, on,
          contracted, short_months, switch_lag, switch_max, ship, left, full, rows, totals, tiers, part,
          reroute, weight, asked, ok, open_x, open_n):  # pragma: no cover - compiled  # fmt: skip
    """Shipments of material ``k`` this month into ``ship[importer, element, exporter, lane]``.

    ``ship`` must be zero on entry. Rows (importer, element) not ``live`` (no lane asks anything)
    are not touched. In a live row only partner entries are written, unless some lane re-routes:
    then any exporter's entry may be written and ``full[importer, element]`` is set, so callers
    read (and clear) the whole row.
    """
    lanes = len(lt)
    n_n, e_n = request.shape[0], request.shape[1]
    _ask(lt, k, request, live, final, origin, partners, p_share, p_allow, p_denied, allow_now, denied_now,
         content_pattern, content_share, content_threshold, defence_share, on, contracted, totals, tiers,
         part)  # fmt: skip
    # Each exporter serves tier 1, then 2, then 3 from its surplus, pro rata within a tier;
    # totals become fill fractions.
    left[:, :, :] = surplus
    for tier in range(3):
        for x in range(n_n):
            for e in range(e_n):
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
                for q in range(lanes):
                    ship[i, e, x, q] = (
                        tiers[0, i, e, j, q] * totals[0, x, e, q]
                        + tiers[1, i, e, j, q] * totals[1, x, e, q]
                        + tiers[2, i, e, j, q] * totals[2, x, e, q]
                    )
    if _gaps(lt, k, request, live, partners, short_months, switch_lag, switch_max, ship, reroute, rows, part):
        _reroute(lt, k, rows, reroute, left, origin, allow_pattern, allow_now, content_pattern, content_share,
                 content_threshold, on, ship, full, weight, asked, ok, open_x, open_n)  # fmt: skip


@njit(cache=True, error_model="numpy")
def _ask(lt, k, request, live, final, origin, partners, p_share, p_allow, p_denied, allow_now, denied_now,
         content_pattern, content_share, content_threshold, defence_share, on, contracted, totals, tiers,
         part):  # pragma: no cover - compiled  # fmt: skip
    """Walk every live row's requests along its partners, split into the three tiers: each
    partner's tier amounts go to ``tiers[tier, importer, element, slot, lane]`` and are added
    to ``totals[tier, exporter, element, lane]``. ``part`` is scratch of shape [N, E, lanes]."""
    lanes = len(lt)
    n_n, e_n = request.shape[0], request.shape[1]
    totals[:, :, :, :] = 0.0
    for i in range(n_n):
        for e in range(e_n):
            if not live[i, e]:
                continue
            # Share of each lane's request that is defence demand (tier 1): magnets only.
            for q in range(lanes):
                req = request[i, e, q]
                d = min(final[i, e, q] * defence_share[i], req) / req
                part[i, e, q] = d if k == MAGNET and req > EPS else 0.0
            c = content_pattern[k, i, e]
            for j in range(partners.shape[3]):
                x = partners[k, i, e, j]
                if x < 0:
                    break
                pa = p_allow[k, i, e, j]
                denied = denied_now[p_denied[k, i, e, j]]
                share = p_share[k, i, e, j]
                outside = x != on
                for q in range(lanes):
                    a = allow_now[pa, q]
                    cut = outside and origin[x, e, q] >= content_threshold[c, q]
                    a = a * content_share[c, q] if cut else a
                    w = request[i, e, q] * share * a
                    d = part[i, e, q]
                    first = 0.0 if denied else w * d
                    second = w * (1.0 - d) * contracted[q]
                    third = w * (1.0 - d) * (1.0 - contracted[q])
                    tiers[0, i, e, j, q] = first
                    tiers[1, i, e, j, q] = second
                    tiers[2, i, e, j, q] = third
                    totals[0, x, e, q] += first
                    totals[1, x, e, q] += second
                    totals[2, x, e, q] += third


@njit(cache=True, error_model="numpy")
def _gaps(lt, k, request, live, partners, short_months, switch_lag, switch_max, ship, reroute, rows,
          got):  # pragma: no cover - compiled  # fmt: skip
    """Amounts to re-route: part of what is still missing for importers short for a while.

    Fills ``reroute[importer, element, lane]``, marks rows where some lane re-routes in
    ``rows[importer, element]`` and returns whether any row does. ``got`` is scratch [N, E, lanes]."""
    lanes = len(lt)
    n_n, e_n = request.shape[0], request.shape[1]
    any_gap = False
    for i in range(n_n):
        for e in range(e_n):
            rows[i, e] = False
            for q in range(lanes):
                reroute[i, e, q] = 0.0
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
                    got[i, e, q] += ship[i, e, x, q]
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
def _reroute(lt, k, rows, reroute, left, origin, allow_pattern, allow_now, content_pattern, content_share,
             content_threshold, on, ship, full, weight, asked, ok, open_x,
             open_n):  # pragma: no cover - compiled  # fmt: skip
    """Send re-routed amounts to exporters with surplus left, in proportion to that surplus,
    each exporter filling them pro rata up to its surplus, in the ``rows`` marked by :func:`_gaps`.

    A lane re-routes to exporter ``x`` (``ok``, scratch [N, E, N, lanes]) when it re-routes
    something, ``x`` is not the importer, has surplus left and a licence allows some of it.
    ``open_x`` [E, N] and ``open_n`` [E] are scratch for the exporters with surplus left."""
    lanes = len(lt)
    n_n, e_n = reroute.shape[0], reroute.shape[1]
    # Only exporters with surplus left in some lane can take re-routed orders: list them once.
    for e in range(e_n):
        open_n[e] = 0
        for x in range(n_n):
            has = False
            for q in range(lanes):
                has |= left[x, e, q] > 0.0
            if has:
                open_x[e, open_n[e]] = x
                open_n[e] += 1
    weight[:, :, :] = 0.0
    asked[:, :, :] = 0.0
    for i in range(n_n):
        for e in range(e_n):
            if not rows[i, e]:
                continue
            c = content_pattern[k, i, e]
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
            for j in range(open_n[e]):
                x = open_x[e, j]
                for q in range(lanes):
                    yes = ok[i, e, x, q] and weight[i, e, q] > EPS
                    asked[x, e, q] += reroute[i, e, q] * left[x, e, q] / weight[i, e, q] if yes else 0.0
    for x in range(n_n):
        for e in range(e_n):
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
                    ship[i, e, x, q] += amount if yes else 0.0
