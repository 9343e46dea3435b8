"""Trade between nodes in one month, for the fast kernel (:mod:`reesim.kernel.fast`).

The same rules as the reference kernel's ``_trade`` (see :mod:`reesim.kernel.reference`):
requests go to exporters along base-year shares, licences scale them, each exporter serves
tier 1 (defence), then 2 (contracted), then 3 (spot) pro rata from its surplus, and importers
short for a while re-route part of the gap to exporters with surplus left. Only trade partners
(and, for re-routing, exporters with surplus) are walked. Quantities are t REO-eq per month.
"""

from __future__ import annotations

from numba import njit

from reesim.kernel.reference import EPS
from reesim.model.dims import MAGNET


@njit(cache=True, error_model="numpy")
def trade(k, request, surplus, final, origin, partners, p_share, p_allow, p_denied, allow_pattern, allow_now,
           denied_now, content_pattern, content_share, content_threshold, defence_share, on, contracted,
           short_months, switch_lag, switch_max, ship, left, allowed, full, totals, tiers, reroute, weight,
           asked, open_x, open_n):  # pragma: no cover  # fmt: skip
    """Shipments of material ``k`` in month ``t`` into ``ship[importer, exporter, element]``.

    ``ship`` must be zero on entry. Only partner entries are written, except for an
    (importer, element) whose unmet request is re-routed: there every exporter's entry may be
    written and ``full[importer, element]`` is set, so callers know to read (and clear) the whole row.
    """
    n_n, e_n = request.shape
    width = partners.shape[3]
    # Pass 1: tier totals asked of each exporter (tier 1 defence, 2 contracted, 3 spot).
    totals[:, :, :] = 0.0
    _ask(k, request, final, partners, p_share, p_allow, p_denied, allow_now, denied_now, origin, on,
         content_pattern, content_share, content_threshold, defence_share, contracted, totals,
         tiers)  # fmt: skip
    # Pass 2: each exporter serves tier 1, then 2, then 3 from its surplus, pro rata within a tier;
    # totals become fill fractions.
    left[:, :] = surplus
    for tier in range(3):
        for x in range(n_n):
            for e in range(e_n):
                total = totals[tier, x, e]
                if total > EPS:
                    used = min(left[x, e], total)
                    left[x, e] = max(left[x, e] - used, 0.0)
                    totals[tier, x, e] = used / total
                else:
                    totals[tier, x, e] = 0.0
    # Pass 3: shipments = each tier's request times its exporter's fill fraction.
    _ship(request, partners, k, totals, tiers, ship)
    # Switching: re-route part of what is still missing to exporters with surplus left.
    reroute[:, :] = 0.0
    any_gap = False
    for i in range(n_n):
        for e in range(e_n):
            if short_months[i, e] <= 0.0:
                continue
            got = 0.0
            for j in range(width):
                x = partners[k, i, e, j]
                if x < 0:
                    break
                got += ship[i, x, e]
            gap = max(request[i, e] - got, 0.0)
            reroute[i, e] = gap * min(short_months[i, e] / max(switch_lag, 1.0), 1.0) * switch_max
            if reroute[i, e] > 0.0:
                any_gap = True
    if not any_gap:
        return
    # Only exporters with surplus left can take re-routed orders: list them once per element.
    open_n[:] = 0
    for x in range(n_n):
        for e in range(e_n):
            if left[x, e] > 0.0:
                open_x[e, open_n[e]] = x
                open_n[e] += 1
    weight[:, :] = 0.0
    asked[:, :] = 0.0
    for i in range(n_n):
        for e in range(e_n):
            if reroute[i, e] <= 0.0:
                continue
            for j in range(open_n[e]):
                x = open_x[e, j]
                allowed[i, x, e] = _allowed(k, i, x, e, allow_pattern, allow_now, origin, on,
                                            content_pattern, content_share, content_threshold)  # fmt: skip
                if x != i and allowed[i, x, e] > 0:
                    weight[i, e] += left[x, e]
            if weight[i, e] > EPS:
                full[i, e] = True
                for j in range(open_n[e]):
                    x = open_x[e, j]
                    if x != i and allowed[i, x, e] > 0:
                        asked[x, e] += reroute[i, e] * left[x, e] / weight[i, e]
    for x in range(n_n):
        for e in range(e_n):
            if asked[x, e] > EPS:
                asked[x, e] = min(left[x, e], asked[x, e]) / asked[x, e]  # now the fill fraction
            else:
                asked[x, e] = 0.0
    for i in range(n_n):
        for e in range(e_n):
            if reroute[i, e] <= 0.0 or weight[i, e] <= EPS:
                continue
            for j in range(open_n[e]):
                x = open_x[e, j]
                if x != i and allowed[i, x, e] > 0:
                    ship[i, x, e] += reroute[i, e] * left[x, e] / weight[i, e] * asked[x, e]


@njit(cache=True, error_model="numpy")
def _ask(k, request, final, partners, p_share, p_allow, p_denied, allow_now, denied_now, origin, on,
         content_pattern, content_share, content_threshold, defence_share, contracted, totals,
         tiers):  # pragma: no cover - compiled  # fmt: skip
    """Walk every importer's requests along its partners, split into the three tiers: each
    partner's tier amounts go to ``tiers[tier, importer, element, slot]`` and are added to
    ``totals[tier, exporter, element]``."""
    n_n, e_n = request.shape
    for i in range(n_n):
        for e in range(e_n):
            req = request[i, e]
            if req <= 0.0:
                continue
            d = _defence_part(k, req, final[i, e], defence_share[i])
            c = content_pattern[k, i, e]
            for j in range(partners.shape[3]):
                x = partners[k, i, e, j]
                if x < 0:
                    break
                a = allow_now[p_allow[k, i, e, j]]
                if x != on and origin[x, e] >= content_threshold[c]:
                    a *= content_share[c]
                w = req * p_share[k, i, e, j] * a
                first = 0.0 if denied_now[p_denied[k, i, e, j]] else w * d
                second = w * (1.0 - d) * contracted
                third = w * (1.0 - d) * (1.0 - contracted)
                tiers[0, i, e, j] = first
                tiers[1, i, e, j] = second
                tiers[2, i, e, j] = third
                totals[0, x, e] += first
                totals[1, x, e] += second
                totals[2, x, e] += third


@njit(cache=True, error_model="numpy")
def _ship(request, partners, k, totals, tiers, ship):  # pragma: no cover - compiled
    """Shipments: each partner's tier amounts (from :func:`_ask`) times its exporter's fill
    fraction of that tier (``totals`` after pass 2)."""
    n_n, e_n = request.shape
    for i in range(n_n):
        for e in range(e_n):
            if request[i, e] <= 0.0:
                continue
            for j in range(partners.shape[3]):
                x = partners[k, i, e, j]
                if x < 0:
                    break
                ship[i, x, e] = (
                    tiers[0, i, e, j] * totals[0, x, e]
                    + tiers[1, i, e, j] * totals[1, x, e]
                    + tiers[2, i, e, j] * totals[2, x, e]
                )


@njit(cache=True, inline="always", error_model="numpy")
def _defence_part(k, req, final, share):  # pragma: no cover
    """Share of a request that is defence demand (tier 1): magnets only."""
    if k != MAGNET or req <= EPS:
        return 0.0
    return min(final * share, req) / req


@njit(cache=True, inline="always", error_model="numpy")
def _allowed(k, i, x, e, allow_pattern, allow_now, origin, on, content_pattern, content_share,
             content_threshold):  # pragma: no cover  # fmt: skip
    """Share of a request from importer ``i`` to exporter ``x`` that is licensed this month."""
    a = allow_now[allow_pattern[k, x, i, e]]
    c = content_pattern[k, i, e]
    if x != on and origin[x, e] >= content_threshold[c]:
        a *= content_share[c]
    return a
