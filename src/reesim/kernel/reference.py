"""The reference kernel: the monthly mine-to-product step in plain, vectorised NumPy.

Written for clarity, not speed; every array has a leading run axis so Monte Carlo needs no rewrite.
Each month, for each material in chain order (concentrate, oxide, metal, magnet):

1. **Supply**: stock on hand plus this month's production.
2. **Use**: the next stage's planned input (capacity-based, with new projects ramping up) plus
   final demand (base demand x scenario index x price response x substitution) plus stockpile buying.
3. **Trade**: each node keeps a working stock and serves its own use first. Deficits (use plus
   the stock refill, spread over ``restock_months`` at most) become requests to exporters along
   base-year shares (per element); licences scale what may be shipped;
   an exporter short of surplus serves tier 1 (defence), then tier 2 (contracted), then tier 3 (spot),
   pro rata within a tier. After a switching lag, importers re-route part of what they still miss
   to exporters with spare surplus.
4. **Use met**: what a node holds after trade meets its use pro rata; strategic stockpiles
   release when final users are short.
5. **Conversion**: the input consumed becomes the next material times the stage's yield (magnets
   use Leontief proportions: a missing element limits the whole batch); the rest is a loss.
6. **Prices** move toward a level set by the unmet share of final demand in each market (China,
   outside China), never below a price floor; demand answers prices with a short-run elasticity and,
   with a lag, through substitution.
"""

from __future__ import annotations

import numpy as np

from reesim.kernel.state import Array, Outputs
from reesim.model.compile import Inputs
from reesim.model.dims import MAGNET

EPS = 1e-12


def _p(inputs: Inputs, name: str, runs: int) -> Array:
    return np.broadcast_to(inputs.params[name], (runs,)).astype(float)


def capacity_additions(inputs: Inputs, t: int, runs: int, price: Array | None = None) -> Array:
    """Extra capacity from projects at month ``t``: [R, K, N] t/month.

    With ``price`` ([R, K, market, E]) a project idles when its revenue price is below
    ``idle_price_ratio`` x its opex, unless it has an offtake; without, all projects run.
    """
    base = inputs.base
    add = np.zeros((runs, 4, base.dims.n_nodes))
    if inputs.proj_node.size == 0:
        return add
    shape = (runs, inputs.proj_node.size)
    start = np.broadcast_to(inputs.proj_start, shape)
    ramp = np.broadcast_to(inputs.proj_ramp, shape)
    level = np.clip((t + 1 - start) / ramp, 0.0, 1.0) * np.broadcast_to(inputs.proj_capacity, shape)
    if price is not None:
        market = np.where(inputs.proj_node == inputs.origin_node, 0, 1)
        revenue = (price[:, inputs.proj_material, market, :] * inputs.proj_mix[None]).sum(axis=2)  # [R, P]
        ratio = _p(inputs, "idle_price_ratio", runs)[:, None]
        running = inputs.proj_offtake[None, :] | (revenue >= ratio * np.broadcast_to(inputs.proj_opex, shape))
        level = level * running
    for p in range(inputs.proj_node.size):
        add[:, inputs.proj_material[p], inputs.proj_node[p]] += level[:, p]
    return add


def feed_mixes(inputs: Inputs) -> Array:
    """Unit input mix of the stage fed by material k at each node: [K, N, E], rows sum to 1."""
    base = inputs.base
    mix = np.zeros_like(base.feed)
    world_conc = base.production[0].sum(axis=0) / max(base.production[0].sum(), EPS)
    defaults = [world_conc, base.magnet_mix, base.magnet_mix, base.magnet_mix]
    for k in range(3):
        total = base.feed[k].sum(axis=1, keepdims=True)
        mix[k] = np.where(total > 0, base.feed[k] / np.maximum(total, EPS), defaults[k][None, :])
    return mix


def run_reference(inputs: Inputs, runs: int = 1, keep_trade: bool = False) -> Outputs:
    """Simulate every month for ``runs`` runs; return all outputs (bilateral trade if asked)."""
    base = inputs.base
    t_n, k_n, n_n, e_n = len(inputs.months), 4, base.dims.n_nodes, base.dims.n_elements
    out = Outputs.zeros(runs, t_n, k_n, n_n, e_n, keep_trade)
    mixes = feed_mixes(inputs)
    base_use = base.feed + base.final
    cover = _p(inputs, "working_stock_months", runs)[:, None, None, None]
    target = cover * base_use[None]
    inv = target.copy()
    piles = inputs.stockpiles
    stock = np.broadcast_to(piles.initial_stock(k_n, n_n, e_n), (runs, k_n, n_n, e_n)).copy()
    stock_target = piles.targets(k_n, n_n, e_n)  # [R or 1, K, N, E]
    price = np.broadcast_to(base.prices[:, None, :], (runs, k_n, 2, e_n)).copy()
    p0 = base.prices[None, :, None, :]
    sub = np.zeros((runs, k_n, 2, e_n))
    short_months = np.zeros((runs, k_n, n_n, e_n))
    origin = np.zeros((runs, k_n, n_n, e_n))
    origin[:, :, inputs.origin_node, :] = 1.0
    market = np.ones(n_n, dtype=np.int64)
    market[inputs.origin_node] = 0
    magnet_used = np.broadcast_to(base.final[MAGNET], (runs, n_n, e_n)).copy()  # last month's final use

    switch_lag = _p(inputs, "supplier_switch_months", runs)[:, None, None]
    switch_max = _p(inputs, "supplier_switch_max_share", runs)[:, None, None]
    kappa = _p(inputs, "price_tightness_elasticity", runs)[:, None, None]
    tau = _p(inputs, "price_adjust_months", runs)[:, None, None]
    elasticity = _p(inputs, "demand_price_elasticity", runs)[:, None, None]
    sub_lag = _p(inputs, "substitution_lag_months", runs)[:, None, None]
    sub_max = _p(inputs, "substitution_max_share", runs)[:, None, None]
    release_at = np.where(  # [R, N]: a stockpile's own release rule, else the parameter
        np.isnan(inputs.release_threshold),
        _p(inputs, "stockpile_release_shortfall", runs)[:, None],
        inputs.release_threshold,
    )
    contracted = _p(inputs, "contracted_share", runs)[:, None, None]
    restock = _p(inputs, "restock_months", runs)[:, None, None]

    base_in = base.feed.sum(axis=2)  # [K, N] input of the stage fed by material k
    mine_profile = np.where(base.mine[:, None] > 0, base.profile, mixes[0])  # new mines: world mix
    for t in range(t_n):
        add = capacity_additions(inputs, t, runs, price)
        planned = np.zeros((runs, k_n, n_n, e_n))
        for k in range(3):
            extra = add[:, k + 1, :] / base.yields[k + 1]
            planned[:, k] = (base_in[k][None, :] + extra)[:, :, None] * mixes[k][None]
        produced = (base.mine[None, :] + add[:, 0, :])[:, :, None] * mine_profile[None]
        response = (price / p0) ** elasticity[..., None] * (1.0 - sub)  # [R, K, 2, E]
        demand = base.final[None] * inputs.demand_index[:, t, :, :, None] * response[:, :, market, :]
        rules = _Month(inputs, t)
        origin_prod = np.zeros((runs, n_n, e_n))
        origin_prod[:, inputs.origin_node, :] = 1.0
        wanted = np.zeros((runs, k_n, n_n, e_n))  # final demand + next stage's planned input
        missing = np.zeros((runs, k_n, n_n, e_n))  # the part of it not met

        for k in range(k_n):
            avail = inv[:, k] + produced
            buy = np.minimum(rules.stock_rate[:, k], np.maximum(stock_target[:, k] - stock[:, k], 0))
            use = planned[:, k] + demand[:, k] + buy
            # what an exporter can spare, capped by its export quota (t/month; inf: none)
            surplus = np.minimum(np.maximum(avail - use - target[:, k], 0.0), rules.quota[:, k])
            # orders refill the working stock over restock_months at most (steady state: the deficit)
            request = np.minimum(np.maximum(use + target[:, k] - avail, 0.0), use + target[:, k] / restock)
            ship = _trade(
                inputs,
                rules,
                k,
                request,
                surplus,
                demand[:, k],
                origin[:, k],
                contracted,
                short_months[:, k],
                switch_lag,
                switch_max,
            )
            imports, exports = ship.sum(axis=2), ship.sum(axis=1)
            if out.trade is not None:
                out.trade[:, t, k] = ship
            have = avail + imports - exports
            met = np.minimum(have, use)
            frac = np.divide(met, use, out=np.ones_like(met), where=use > EPS)
            final_met, feed_met, bought = demand[:, k] * frac, planned[:, k] * frac, buy * frac
            short = demand[:, k] - final_met
            release = np.where(
                (short.sum(axis=2) > release_at * demand[:, k].sum(axis=2))[..., None],
                np.minimum(stock[:, k], short),
                0.0,
            )
            final_met = final_met + release
            stock[:, k] += bought - release
            wanted[:, k] = demand[:, k] + planned[:, k]
            missing[:, k] = (demand[:, k] - final_met) + (planned[:, k] - feed_met)
            short_months[:, k] = np.where(
                request - imports > 1e-9 * np.maximum(request, 1.0), short_months[:, k] + 1, 0.0
            )

            # China-origin share of what the node now holds (tracked for content rules).
            from_origin = ship * origin[:, k][:, None, :, :]  # [R, I, X, E] via exporter origin
            held = (
                inv[:, k] * origin[:, k]
                + produced * origin_prod
                - exports * origin[:, k]
                + from_origin.sum(axis=2)
            )
            origin[:, k] = np.clip(np.divide(held, have, out=origin[:, k].copy(), where=have > EPS), 0.0, 1.0)

            consumed = feed_met
            if k < 3:
                if k + 1 == MAGNET:
                    batches = np.min(
                        np.where(mixes[k][None] > 0, feed_met / np.maximum(mixes[k][None], EPS), np.inf),
                        axis=2,
                    )
                    consumed = batches[:, :, None] * mixes[k][None]
                out.losses[:, t, k + 1] = consumed * (1.0 - base.yields[k + 1])
                produced_next = consumed * base.yields[k + 1]
                if k + 1 == 1:  # secondary supply in China and recycling (see reesim.model.baseline)
                    produced_next[:, inputs.origin_node] += base.secondary
                    recycled = inputs.recycle_rate[:, t, :, None] * magnet_used
                    produced_next += recycled
                    out.recycled[:, t, 1] = recycled
            inv[:, k] = have - final_met + release - consumed - bought
            # (final_met includes release; stock bought leaves working stock into the stockpile)
            inv[:, k] = np.maximum(inv[:, k], 0.0)
            out.production[:, t, k] = produced
            out.imports[:, t, k], out.exports[:, t, k] = imports, exports
            out.feed[:, t, k], out.consumption[:, t, k] = consumed, final_met
            out.demand[:, t, k], out.unmet[:, t, k] = demand[:, k], demand[:, k] - final_met
            out.inventory[:, t, k], out.stockpile[:, t, k] = inv[:, k], stock[:, k]
            if k < 3:
                origin_prod = origin[:, k].copy()
                produced = produced_next

        # Prices per market move toward the level implied by the unmet share of what users want:
        # final demand and the next stage's planned input (a metal maker short of oxide bids too).
        for m in (0, 1):
            nodes = market == m
            d = wanted[:, :, nodes].sum(axis=2)
            u = missing[:, :, nodes].sum(axis=2)
            tight = np.divide(u, d, out=np.zeros_like(u), where=d > EPS)
            goal = base.prices[None] * (1.0 + kappa * tight)
            price[:, :, m] += (goal - price[:, :, m]) / np.maximum(tau, 1.0)
        price[:, :, 1] = np.maximum(price[:, :, 1], inputs.price_floor[:, t])
        rel = np.clip(price / p0 - 1.0, 0.0, 1.0)
        sub += (sub_max[..., None] * rel - sub) / np.maximum(sub_lag[..., None], 1.0)
        out.price[:, t] = price
        magnet_used = out.consumption[:, t, MAGNET].copy()
    return out


class _Month:
    """The month's arrays from the scenario's rules (controls, quotas, stockpile purchases)."""

    def __init__(self, inputs: Inputs, t: int) -> None:
        k_n, n_n, e_n = 4, inputs.base.dims.n_nodes, inputs.base.dims.n_elements
        self.allow = inputs.controls.allow_at(t)  # [R or 1, K, X, I, E]
        self.content_share, self.content_threshold = inputs.controls.content_at(t)  # [R or 1, K, I, E]
        self.denied = inputs.controls.denied_at(t)  # [K, X, I]
        self.quota = inputs.quotas.at(t, k_n, n_n, e_n)  # [R or 1, K, N, E]
        self.stock_rate = inputs.stockpiles.rate_at(t, k_n, n_n, e_n)  # [R or 1, K, N, E]


def _trade(
    inputs: Inputs,
    rules: _Month,
    k: int,
    request: Array,
    surplus: Array,
    final: Array,
    origin: Array,
    contracted: Array,
    short_months: Array,
    switch_lag: Array,
    switch_max: Array,
) -> Array:
    """Shipments [R, importer, exporter, E] of material k in the month (see the module docstring)."""
    base = inputs.base
    shares = base.shares[k][None]  # [1, I, X, E]
    allowed = np.swapaxes(rules.allow[:, k], 1, 2)  # [R or 1, I, X, E]
    over = origin[:, None, :, :] >= rules.content_threshold[:, k, :, None, :]  # [R, I, X, E]
    over[:, :, inputs.origin_node, :] = False
    allowed = allowed * np.where(over, rules.content_share[:, k, :, None, :], 1.0)
    wanted = request[:, :, None, :] * shares
    defence = np.zeros_like(request)
    if k == MAGNET:
        defence = np.minimum(final * base.defence_share[None, :, None], request)
    d_share = np.divide(defence, request, out=np.zeros_like(request), where=request > EPS)[:, :, None, :]
    denied = np.swapaxes(rules.denied[k], 0, 1)[None, :, :, None]
    tiers = (
        wanted * d_share * allowed * ~denied,
        wanted * (1 - d_share) * contracted[..., None] * allowed,
        wanted * (1 - d_share) * (1 - contracted[..., None]) * allowed,
    )
    ship = np.zeros_like(wanted)
    left = surplus.copy()  # [R, X, E]
    for q in tiers:
        total = q.sum(axis=1)
        frac = np.divide(np.minimum(left, total), total, out=np.zeros_like(total), where=total > EPS)
        ship += q * frac[:, None, :, :]
        left = np.maximum(left - total * frac, 0.0)
    # Switching: importers short for a while re-route part of the gap to exporters with surplus left.
    gap = np.maximum(request - ship.sum(axis=2), 0.0)
    reroute = gap * np.minimum(short_months / np.maximum(switch_lag, 1.0), 1.0) * switch_max
    open_ = (allowed > 0).astype(float) * left[:, None, :, :]
    open_[:, np.arange(open_.shape[1]), np.arange(open_.shape[1]), :] = 0.0
    weight_total = open_.sum(axis=2, keepdims=True)
    extra = reroute[:, :, None, :] * np.divide(
        open_, weight_total, out=np.zeros_like(open_), where=weight_total > EPS
    )
    asked = extra.sum(axis=1)
    frac = np.divide(np.minimum(left, asked), asked, out=np.zeros_like(asked), where=asked > EPS)
    shipped: Array = ship + extra * frac[:, None, :, :]
    return shipped
