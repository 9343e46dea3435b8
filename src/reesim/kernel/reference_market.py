"""The market in the reference kernel: prices from inventory cover and expectations, precautionary
buying, arbitrage between China and the rest of the world, and plants and projects that answer to
expected prices and floors. Plain NumPy with a leading run axis, like :mod:`reesim.kernel.reference`.

Prices follow the generic commodity model of Sterman (2000, ch. 20), which Jeffers et al. (2015,
Sandia/INL) applied to rare earths. In each market (China, outside) and for each material and
element, the indicated price is the traders' expected price, weighed against the base-year price
(the long-run cost anchor), times the effect of relative inventory cover and a premium for use
left unmet::

    indicated = expected^(1 - w) x p0^w x clip(relative cover, c_min, 1 / c_min)^-s x (1 + kappa x unmet)

The price moves toward it over ``price_adjust_months`` and the expected price follows the price
less its shortage premium (traders see the premium for use left unmet this month as passing)
over ``price_expectation_months``, so a cover held low makes prices climb month after month and a
glut makes them fall. In China a metal or magnet price never falls below its input's price over
the stage's yield: converters price their output from their raw materials, which are most of
their cost. Outside China that floor holds only as far as controls hold China's own metal or
magnets back (1 - ``open`` of the material): where China's product flows freely, buyers outside
pay about China's price for it, and converters outside that buy dear oxide are squeezed and idle
instead (as magnet and alloy making moved into China in 2011, when the quotas covered ore, oxide
and metal but not magnets); what stands idle closes over ``closure_idle_months`` and does not
come back when prices fall. Concentrate never sells for more than the oxide it makes was
worth last month (its price times the separation yield): separators pay for the contained oxide,
so a scarce concentrate cannot cost more than its product. No price exceeds
``price_backstop_multiple`` times p0: the backstop price (Nordhaus 1973) at which users turn to
other designs and materials. Cover is what the market's nodes hold in working stock over what
they use in a month, relative to the base year's cover times the desired-cover multiple. A
market's buyers raise that multiple when prices rise (``precaution_trend``) and cut it when they
fall: hoarding, then destocking; each importer outside China raises its own for the share of its
use that licences, bans or quotas hold back of what it asks of China (``precaution_risk``).
Strategic stocks are off the market until they are released (as a government's emergency stocks
are kept apart from industry's in the oil market): what a stockpile buys is demand, and what it
releases joins its holder's working stock.
Where trade is free the markets are one: each market's cover blends toward the pooled cover of
both, and its price is pulled toward the use-weighted mean of both, by ``arbitrage_share`` times
the share of what was asked of China that no licence, ban or binding export quota held back.
An export quota is one tonnage over every form and element it covers, so its scarce licences
carry one rent per kg (:meth:`reesim.model.limits.Quotas.rents`): what China exports under it
sells outside China for at least China's price plus the rent, and the pull joins China's price
to the outside price net of the rent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from reesim.kernel.bundles import Params
from reesim.kernel.reference_state import State
from reesim.kernel.shared import CANCELLED, EPS, FINANCED, HEAVY_CIRCUIT, UNDECIDED
from reesim.kernel.state import Array
from reesim.model.dims import METAL, OXIDE

if TYPE_CHECKING:
    from reesim.model.compile import Inputs

#: Names the reference kernel reads (the project status codes come from :mod:`reesim.kernel.shared`).
__all__ = ["CANCELLED", "FINANCED", "UNDECIDED", "existing_running", "floors_now", "prices", "projects",
           "running_share"]  # fmt: skip


def running_share(revenue: Array, opex: Array, par: Params) -> Array:
    """Share of capacity a plant runs at, [R, ...]: all while its expected revenue per kg is at
    least ``idle_price_ratio`` x its opex, falling linearly to none at ``1 - idle_price_band`` of
    that (lines idle one by one); opex 0 never idles."""
    extra = (1,) * (revenue.ndim - 1)
    floor = par.idle_price_ratio.reshape(-1, *extra) * opex
    low = floor * (1.0 - par.idle_price_band.reshape(-1, *extra))
    gap = floor - low
    zero = np.zeros(np.broadcast(revenue, gap).shape)
    share = np.clip(np.divide(revenue - low, gap, out=zero, where=gap > EPS), 0.0, 1.0)
    return np.where(revenue >= floor, 1.0, share)


def floors_now(inputs: Inputs, t: int, runs: int) -> Array:
    """[R, K, E] the floor level in force in month ``t`` (0: none), USD/kg."""
    return np.broadcast_to(inputs.price_floor[:, t], (runs, *inputs.price_floor.shape[2:]))


def projects(inputs: Inputs, t: int, par: Params, state: State) -> Array:
    """Decide financing, then each project's output this month, [R, P] t/month.

    An undecided project is financed from its decision month (start less
    ``project_build_months``, the scenario's first month at the earliest) as soon as its expected
    revenue per kg covers ``project_hurdle_ratio`` x its unit cost (opex plus private capex over
    ``project_payback_months`` of nameplate output; a metal or magnet plant without a published
    operating cost counts its input at expected prices); its start moves by the months it
    waited, or ``project_accelerate_months`` earlier when financed at once with revenue at least
    ``project_accelerate_ratio`` x cost. Not financed within ``project_wait_months``: cancelled.
    Output ramps from the start and runs at a share that moves over ``output_adjust_months``
    toward :func:`running_share` of its expected revenue, unless an offtake holds it up. Also
    pays the floors: ``state.floor_paid`` [R] USD this month.
    """
    runs = state.price.shape[0]
    p_n = inputs.proj_node.size
    state.floor_paid = np.zeros(runs)
    if p_n == 0:
        return np.zeros((runs, 0))
    shape = (runs, p_n)
    start = np.broadcast_to(inputs.proj_start, shape)
    capacity = np.broadcast_to(inputs.proj_capacity, shape)
    opex = np.broadcast_to(inputs.proj_opex, shape)
    market = state.market[inputs.proj_node]  # 0 China, 1 outside
    floor = floors_now(inputs, t, runs)[:, inputs.proj_material, :]  # [R, P, E]
    floor = np.where(inputs.proj_floored[None, :, None], floor, 0.0)
    expected = state.expect[:, inputs.proj_material, market, :]  # [R, P, E]
    revenue = (np.maximum(expected, floor) * inputs.proj_mix[None]).sum(axis=2)  # [R, P] USD/kg
    # Without a published operating cost a converter's running cost is its input (in its own
    # output mix) at expected prices.
    bought = np.zeros(shape)
    for p in range(p_n):
        k = inputs.proj_material[p]
        if k > 0:
            prior = state.expect[:, k - 1, market[p], :]  # [R, E]
            bought[:, p] = (inputs.proj_out[p][None] * prior).sum(axis=1) / inputs.base.yields[k]
    opex = np.where(opex > 0, opex, bought)
    payback = par.project_payback_months[:, None] * np.maximum(capacity, EPS) * 1000.0  # kg
    cost = opex + np.broadcast_to(inputs.proj_capex, shape) / payback
    decide = np.ceil(np.maximum(start - par.project_build_months[:, None], 0.0))
    waited = t - decide  # whole months past the decision month
    due = (state.status == UNDECIDED) & (waited >= 0.0)
    ratio = np.divide(revenue, cost, out=np.full(shape, np.inf), where=cost > EPS)
    go = due & (ratio >= par.project_hurdle_ratio[:, None])
    early = go & (waited == 0.0) & (ratio >= par.project_accelerate_ratio[:, None]) & (cost > EPS)
    begin = np.where(
        early, np.maximum(start - par.project_accelerate_months[:, None], t + 1.0), start + waited
    )
    state.begin = np.where(go, begin, state.begin)
    state.status = np.where(go, FINANCED, state.status)
    late = due & ~go & (waited >= par.project_wait_months[:, None])
    state.status = np.where(late, CANCELLED, state.status)
    ramp = np.broadcast_to(inputs.proj_ramp, shape)
    built = np.where(state.status == FINANCED, np.clip((t + 1 - state.begin) / ramp, 0.0, 1.0), 0.0)
    goal = np.where(inputs.proj_offtake[None, :], 1.0, running_share(revenue, opex, par))
    state.proj_run += (goal - state.proj_run) / np.maximum(par.output_adjust_months, 1.0)[:, None]
    level = built * capacity * state.proj_run
    outside = state.price[:, inputs.proj_material, 1, :]  # [R, P, E] the price it sells at
    gap = np.maximum(floor - outside, 0.0) * inputs.proj_mix[None]
    state.floor_paid += (level * 1000.0 * gap.sum(axis=2)).sum(axis=1)
    return level


def existing_running(inputs: Inputs, t: int, par: Params, state: State) -> None:
    """Move ``state.running`` [R, K, N], the share of each country's base-year output of each
    material that runs, over ``output_adjust_months`` toward its goal: outside
    China, :func:`running_share` of its expected revenue per kg (its base-year mix at expected
    outside prices, at least the floor where one covers it) against its cost per kg: its sourced
    cost (``stage_opex``, which for separation covers the producer's whole chain, mine included,
    as Mountain Pass and Lynas report it) or, where none is known, what its input costs at
    expected outside prices (the stage's input mix over its yield): a converter squeezed between
    dear inputs and its output's price idles (plants idle and restart over months, not at once).
    A metal or magnet maker runs at most ``state.capacity``, the share of its base-year capacity
    still open, and the part of it that stands idle closes over ``closure_idle_months``: closed
    capacity does not restart (China's never idles, so it never closes). Adds what the floors pay
    on it to ``state.floor_paid``."""
    runs = state.price.shape[0]
    base = inputs.base
    mix = state.base_out / np.maximum(state.base_out.sum(axis=2, keepdims=True), EPS)  # [K, N, E]
    floor = floors_now(inputs, t, runs)[:, :, None, :] * inputs.node_floored[None, :, :, None]  # [R, K, N, E]
    expected = state.expect[:, :, 1, None, :]  # [R, K, 1, E]
    revenue = (np.maximum(expected, floor) * mix[None]).sum(axis=3)  # [R, K, N]
    cost = np.broadcast_to(inputs.stage_opex[None], revenue.shape).copy()
    for k in range(1, cost.shape[1]):  # the input of the stage making k is material k - 1
        bought = (state.mixes[k - 1][None] * state.expect[:, k - 1, 1, None, :]).sum(axis=2)  # [R, N]
        cost[:, k] = np.where(inputs.stage_opex[k][None] > 0, cost[:, k], bought / base.yields[k])
    goal = running_share(revenue, cost, par)
    goal[:, :, inputs.origin_node] = 1.0
    goal[:, state.base_out.sum(axis=2) <= 0] = 1.0  # nothing to run
    # Converters outside China run at most the capacity they still have; what stays idle closes
    # over ``closure_idle_months`` and only projects build it again.
    np.minimum(goal[:, METAL:], state.capacity[:, METAL:], out=goal[:, METAL:])
    state.running += (goal - state.running) / np.maximum(par.output_adjust_months, 1.0)[:, None, None]
    idle = np.maximum(state.capacity[:, METAL:] - state.running[:, METAL:], 0.0)
    state.capacity[:, METAL:] -= idle / np.maximum(par.closure_idle_months, 1.0)[:, None, None]
    k_n = state.running.shape[1]
    run = state.util[:, :k_n] * state.running  # [R, K, N]
    each = np.repeat(run[..., None], state.base_out.shape[2], axis=3)  # per element
    heavy_run = state.util[:, HEAVY_CIRCUIT] * state.running[:, OXIDE]  # a separator's heavy circuit
    each[:, OXIDE] = np.where(inputs.base.heavy[None, None, :], heavy_run[:, :, None], each[:, OXIDE])
    out = state.base_out[None] * each  # t/month it runs at
    gap = np.maximum(floor - state.price[:, :, 1, None, :], 0.0)
    state.floor_paid += (out * 1000.0 * gap).sum(axis=(1, 2, 3))


def prices(inputs: Inputs, t: int, par: Params, state: State) -> None:
    """Each market's price toward its indicated level (see the module docstring), expectations,
    arbitrage between the markets, desired cover and substitution (toward its ceiling times the
    price rise over ``substitution_full_multiple`` - 1, at most all of it, over
    ``substitution_lag_months``; it only rises)."""
    base = inputs.base
    p0 = base.prices[None]  # [1, K, E]
    oxide_before = state.price[:, 1].copy()  # last month's oxide price: what concentrate is worth
    market = state.market
    kappa = par.price_tightness_elasticity[:, None, None]
    tau = np.maximum(par.price_adjust_months, 1.0)[:, None, None]
    s = par.price_cover_elasticity[:, None, None]
    w = par.price_cost_weight[:, None, None]
    low = par.price_cover_min[:, None, None]
    held = state.inv  # [R, K, N, E] working stock; strategic stocks are off the market
    used = np.zeros((state.price.shape[0], 2, *p0.shape[1:]))  # [R, 2, K, E]
    held_m, wanted_m, premium = np.zeros_like(used), np.zeros_like(used), np.ones_like(used)
    for m in (0, 1):
        nodes = market == m
        d = state.wanted[:, :, nodes].sum(axis=2)
        u = state.missing[:, :, nodes].sum(axis=2)
        used[:, m] = d
        tight = np.divide(u, d, out=np.zeros_like(u), where=d > EPS)
        state.tight[:, :, m] = tight  # read by strategic buyers next month
        premium[:, m] = 1.0 + kappa * tight
        held_m[:, m] = held[:, :, nodes].sum(axis=2)
        guarded = (state.wanted * state.guard)[:, :, nodes].sum(axis=2)
        wanted_m[:, m] = guarded * state.cover0[:, :, m] * state.hoard[:, :, m]  # t a market wants to hold
    # Where trade is free, stocks anywhere serve buyers anywhere: each market's cover blends
    # toward the pooled cover as far as controls let China ship what is asked.
    own = np.divide(held_m, wanted_m, out=np.ones_like(held_m), where=wanted_m > EPS)
    total = wanted_m.sum(axis=1)
    pooled = np.divide(held_m.sum(axis=1), total, out=np.ones_like(total), where=total > EPS)
    blend = (par.arbitrage_share[:, None, None] * state.open)[:, None]  # [R, 1, K, E]
    cover = own + blend * (pooled[:, None] - own)
    for m in (0, 1):
        expected = state.expect[:, :, m]
        c = np.clip(cover[:, m], low, 1.0 / low)  # a glut as deep as a shortage at most
        goal = expected ** (1.0 - w) * p0**w * c**-s * premium[:, m]
        state.price[:, :, m] += (goal - state.price[:, :, m]) / tau
    # Trade closes the gap between the markets as far as controls let China ship what is asked;
    # an export licence's rent stays between them: what China exports sells outside for China's
    # price plus the rent, and only an outside price above that draws China's up.
    rent = state.rent_cell
    state.price[:, :, 1] = np.where(rent > 0.0, np.maximum(state.price[:, :, 1] - rent, state.price[:, :, 0]),
                                    state.price[:, :, 1])  # fmt: skip
    total = used[:, 0] + used[:, 1]
    mean = np.divide(used[:, 0] * state.price[:, :, 0] + used[:, 1] * state.price[:, :, 1], total,
                     out=0.5 * (state.price[:, :, 0] + state.price[:, :, 1]), where=total > EPS)  # fmt: skip
    pull = par.arbitrage_share[:, None, None] * state.open
    for m in (0, 1):
        state.price[:, :, m] += pull * (mean - state.price[:, :, m])
    state.price[:, :, 1] += rent
    # A converted material sells for at least what its input costs (metal and magnet makers price
    # their output from their raw materials): in China always, outside China only as far as
    # controls hold China's own product back (where it flows, outside buyers pay China's price
    # and dear inputs squeeze the converters outside instead). No price exceeds the backstop.
    backstop = par.price_backstop_multiple[:, None, None, None] * p0[:, :, None, :]  # [R, K, 1, E]
    # Where a binding export quota makes China's export licences scarce, what China exports sells
    # outside for at least China's price plus the licence's rent (the same for every element).
    for k in range(state.price.shape[1]):  # in stage order: an input is bounded before its output
        if k >= 2:
            cost = state.price[:, k - 1] / base.yields[k]  # [R, 2, E]
            np.maximum(state.price[:, k, 0], cost[:, 0], out=state.price[:, k, 0])
        rent = state.rent_cell[:, k]  # [R, E]
        china = np.minimum(state.price[:, k, 0], backstop[:, k, 0])
        state.price[:, k, 1] = np.where(rent > 0.0, np.maximum(state.price[:, k, 1], china + rent),
                                        state.price[:, k, 1])  # fmt: skip
        if k >= 2:
            short = np.maximum(cost[:, 1] - state.price[:, k, 1], 0.0)
            state.price[:, k, 1] += (1.0 - state.open[:, k]) * short
        elif k == 0:  # concentrate sells for at most what its oxide was worth, less separation's loss
            np.minimum(state.price[:, 0], oxide_before * base.yields[1], out=state.price[:, 0])
        np.minimum(state.price[:, k], backstop[:, k], out=state.price[:, k])
    horizon = np.maximum(par.price_expectation_months, 1.0)[:, None, None, None]
    state.expect += (state.price / np.moveaxis(premium, 1, 2) - state.expect) / horizon
    # Desired cover: each market's buyers with the price trend (speculation); each importer outside
    # China for the part of its asks to China that controls hold back (an element held back in
    # any form puts every form at risk).
    each = (slice(None), None, None, None)
    pace = np.maximum(par.precaution_months, 1.0)[each]
    trend = state.price / np.maximum(state.expect, EPS) - 1.0  # [R, K, 2, E]
    goal_cover = np.clip(1.0 + par.precaution_trend[each] * trend, par.precaution_min[each],
                         par.precaution_max[each])  # fmt: skip
    state.hoard += (goal_cover - state.hoard) / pace
    risk = 1.0 - state.open_in.min(axis=1)[:, None]  # [R, 1, N, E]
    risk[..., inputs.origin_node, :] = 0.0
    # What a standing export quota holds back, a published tonnage, comes to be expected over
    # ``precaution_quota_fade_months``: importers guard only against the part they do not expect.
    fade = np.maximum(par.precaution_quota_fade_months, 1.0)[:, None, None]
    state.quota_seen += (state.quota_in.max(axis=1) - state.quota_seen) / fade
    risk = np.maximum(risk - state.quota_seen[:, None], 0.0)
    goal_guard = np.minimum(1.0 + par.precaution_risk[each] * risk, par.precaution_max[each])
    state.guard += (goal_guard - state.guard) / pace
    # The share of the ceiling a price rise calls for: none at the base price, all of it at
    # ``substitution_full_multiple`` times the base price.
    full = np.maximum(par.substitution_full_multiple - 1.0, EPS)[:, None, None, None]
    rel = np.clip((state.price / p0[:, :, None, :] - 1.0) / full, 0.0, 1.0)
    # Designers thrift the heavy rare earths in magnets (grain-boundary diffusion, heavy-free
    # grades) further than other motor designs replace Nd and Pr: their own ceiling.
    sub_max = np.where(state.thrift[None, :, None, :], par.heavy_thrift_max_share[:, None, None, None],
                       par.substitution_max_share[:, None, None, None])  # fmt: skip
    sub_lag = par.substitution_lag_months[:, None, None, None]
    # Substitution and thrifting, once designed in, stay: the share only rises.
    state.sub += np.maximum(sub_max * rel - state.sub, 0.0) / np.maximum(sub_lag, 1.0)
