"""The reference kernel: the monthly mine-to-product step in plain, vectorised NumPy.

Written for clarity, not speed; every array has a leading run axis so Monte Carlo needs no rewrite.
A month is the named steps of :data:`reesim.kernel.steps.STEPS`, the same as the fast kernel's;
each is a function here:

1. ``rules``, ``limits``: the licensed shares of the controls in force, export quotas and
   strategic purchases.
2. ``supply``: projects financed on expected prices and running, existing plants outside China
   running against their costs (:mod:`reesim.kernel.reference_market`), each stage's planned
   input (base-year input in the node's feed mix, plus what projects add in their own output
   mix: a heavy separation circuit takes heavy-element concentrate), mine output; an output
   cap in force holds a stage's input (or a mine's output) at most at a multiple of its
   base-year level, projects included.
3. ``final_demand``: base demand x scenario index x price response x substitution.

Then for each material in chain order (concentrate, oxide, metal, magnet):

4. ``positions``: what each node has (working stock, output, goods arriving, scheduled
   releases of its strategic stocks), uses (the next stage's planned input, final demand,
   strategic purchases), can spare (within its export quota) and asks of others (use plus the
   refill of its working stock spread over ``restock_months`` at most, and of the goods it keeps
   under way when shipments take time).
5. ``trade``: requests go to exporters along base-year shares (per element); licences scale
   what may be shipped; an exporter short of surplus serves tier 1 (defence), then tier 2
   (contracted), then tier 3 (spot), pro rata within a tier. Importers re-route what they still
   miss to exporters with surplus left that no licence limits, as far as they have qualified
   other suppliers (a share growing with the months they have been short, over
   ``supplier_switch_months`` for magnets and ``material_switch_months`` before), winning at most
   ``supplier_switch_max_share`` of each exporter's surplus.
6. ``transit``: shipments reach their importer after their route's lag (a fraction of a month
   splits a shipment between two months); with no lag they arrive the month they leave.
7. ``settle``: what a node holds after trade meets its users' uses pro rata (strategic purchases
   get what is left above the working-stock target); strategic stockpiles
   release when their holder's users are short, then to short allies; the China-origin share of
   every stock moves with goods.
8. ``stage``: the input consumed becomes the next material times the stage's yield (magnets use
   Leontief proportions: a missing element limits the whole batch); the rest is a loss.
9. ``keep``: the working stock left at the end of the month.
10. ``respond``: producers move their output toward the orders they could not fill, at most
    ``output_headroom_share`` above the base year (a separator's light and heavy circuits each
    toward the orders for their own elements).

Last, ``prices``: each market's price from its inventory cover and traders' expectations,
buyers' desired cover, arbitrage between the markets and substitution
(:mod:`reesim.kernel.reference_market`); demand answers prices with a short-run elasticity.

:func:`month_steps` yields the state after every step, so a test can compare the two kernels
step by step (``tests/test_kernel_steps.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reesim.kernel import reference_market as markets
from reesim.kernel import reference_sectors as sectors
from reesim.kernel.bundles import Params, params, thrift_rows
from reesim.kernel.reference_state import Month, Row, State
from reesim.kernel.shared import EMPTIED, EPS, HEAVY_CIRCUIT, SHORT_SHARE, base_output, feed_mixes
from reesim.kernel.state import SECTORED, Array, Outputs
from reesim.model.compile import Inputs
from reesim.model.dims import CONCENTRATE, MAGNET, MATERIALS, OXIDE
from reesim.model.lifetimes import LIFE_ORDER, steady_stock

__all__ = ["EPS", "capacity_additions", "feed_mixes", "month_steps", "run_reference"]


def capacity_additions(inputs: Inputs, t: int, runs: int) -> Array:
    """The most projects can add at month ``t``: [R, K, N] t/month with every project at its
    planned start (no acceleration) and running in full."""
    base = inputs.base
    add = np.zeros((runs, len(MATERIALS), base.dims.n_nodes))
    if inputs.proj_node.size == 0:
        return add
    shape = (runs, inputs.proj_node.size)
    start = np.broadcast_to(inputs.proj_start, shape)
    ramp = np.broadcast_to(inputs.proj_ramp, shape)
    level = np.clip((t + 1 - start) / ramp, 0.0, 1.0) * np.broadcast_to(inputs.proj_capacity, shape)
    for p in range(inputs.proj_node.size):
        add[:, inputs.proj_material[p], inputs.proj_node[p]] += level[:, p]
    return add


def run_reference(inputs: Inputs, runs: int = 1, keep_trade: bool = False) -> Outputs:
    """Simulate every month for ``runs`` runs; return all outputs (bilateral trade if asked)."""
    base = inputs.base
    out = Outputs.zeros(runs, len(inputs.months), len(MATERIALS), base.dims.n_nodes, base.dims.n_elements,
                        keep_trade, projects=inputs.proj_node.size,
                        sectors=len(inputs.sectors.names))  # fmt: skip
    for _ in month_steps(inputs, runs, out):
        pass
    return out


def month_steps(inputs: Inputs, runs: int, out: Outputs) -> Iterator[tuple[int, int, str, State, Any]]:
    """Simulate, writing ``out``, and yield ``(month, material, step, state, terms or row)`` after
    every step (material -1 for the steps of the whole month)."""
    base = inputs.base
    k_n = len(MATERIALS)
    par = params(inputs, runs)
    state = _start(inputs, runs, par)
    if out.project_output.shape[2] != inputs.proj_node.size:  # allocated without the projects
        out.project_output = np.zeros((runs, len(inputs.months), inputs.proj_node.size))
    j_n = len(inputs.sectors.names)
    if out.sector_demand.shape[3] != j_n:  # allocated without the sectors
        for name in SECTORED:
            setattr(out, name, np.zeros((runs, len(inputs.months), base.dims.n_nodes, j_n)))
    for t in range(len(inputs.months)):
        month = rules(inputs, t)
        yield t, -1, "rules", state, month
        limits(inputs, t, par, month, state)
        yield t, -1, "limits", state, month
        supply(inputs, t, runs, par, state)
        yield t, -1, "supply", state, month
        final_demand(inputs, t, par, state)
        yield t, -1, "final_demand", state, month
        state.wanted = np.zeros_like(state.demand)
        state.missing = np.zeros_like(state.demand)
        state.consumed = np.zeros_like(state.demand)
        for k in range(k_n):
            row = positions(inputs, k, t, par, state, month)
            yield t, k, "positions", state, row
            trade(inputs, k, par, state, month, row)
            if out.trade is not None:
                out.trade[:, t, k] = row.ship
            yield t, k, "trade", state, row
            transit(inputs, k, t, state, row)
            yield t, k, "transit", state, row
            settle(inputs, k, par, state, row)
            yield t, k, "settle", state, row
            stage(inputs, k, t, state, row)
            yield t, k, "stage", state, row
            keep(k, state, row)
            yield t, k, "keep", state, row
            respond(inputs, k, par, state, month, row)
            yield t, k, "respond", state, row
            _record(inputs, k, t, state, row, out)
        markets.prices(inputs, t, par, state)
        out.price[:, t] = state.price
        out.floor_cost[:, t] = state.floor_paid
        out.stockpile_cost[:, t] = (state.pile_bought * state.price).sum(axis=(1, 2, 3)) * 1000.0
        state.pile_bought = np.zeros_like(state.price)
        out.project_output[:, t] = state.level
        state.magnet_used = out.consumption[:, t, MAGNET].copy()
        state.magnet_made = out.production[:, t, MAGNET].copy()
        yield t, -1, "prices", state, None
    del base


def _start(inputs: Inputs, runs: int, par: Params) -> State:
    """The state before the first month."""
    base = inputs.base
    k_n, n_n, e_n = len(MATERIALS), base.dims.n_nodes, base.dims.n_elements
    piles = inputs.stockpiles
    origin = np.zeros((runs, k_n, n_n, e_n))
    origin[:, :, inputs.origin_node, :] = 1.0
    lags = np.broadcast_to(inputs.transit, (runs, inputs.transit.shape[1]))
    slots = int(np.floor(lags.max(initial=0.0))) + 2
    whole = np.floor(lags).astype(np.int64)
    arrival = np.zeros((runs, lags.shape[1], slots))
    rr, cc = np.meshgrid(np.arange(runs), np.arange(lags.shape[1]), indexing="ij")
    arrival[rr, cc, whole] = 1.0 - (lags - whole)
    arrival[rr, cc, whole + 1] += lags - whole
    route_arrival = arrival[:, inputs.route_class, :]  # [R, X, I, slots]
    later = arrival[:, :, ::-1].cumsum(axis=2)[:, :, ::-1] - arrival  # shares arriving after each offset
    route_later = later[:, inputs.route_class, :]  # [R, X, I, slots]
    trade0 = base.trade  # [K, I, X, E] base-year shipments left every month before the first
    ring = np.einsum("kixe,rxim->mrkie", trade0, route_later)
    from_origin = np.zeros_like(trade0)
    from_origin[:, :, inputs.origin_node, :] = trade0[:, :, inputs.origin_node, :]
    ring_origin = np.einsum("kixe,rxim->mrkie", from_origin, route_later)
    route_lag = lags[:, inputs.route_class]  # [R, X, I]
    lag_in = np.einsum("kixe,rxi->rkie", base.shares, route_lag)
    mixes = feed_mixes(inputs)
    market = inputs.market
    inv = par.working_stock_months[:, None, None, None] * (base.feed + base.final)[None]
    stock = np.broadcast_to(piles.initial_stock(k_n, n_n, e_n), (runs, k_n, n_n, e_n)).copy()
    reserve = piles.floors(k_n, n_n, e_n)
    price = np.broadcast_to(base.prices[:, None, :], (runs, k_n, 2, e_n)).copy()
    p_n = inputs.proj_node.size
    committed = np.broadcast_to(inputs.proj_committed, (runs, p_n))
    life = np.broadcast_to(inputs.recycle_life, (runs, inputs.recycle_life.shape[1]))
    return State(
        expect=price.copy(), hoard=np.ones((runs, k_n, 2, e_n)), open=np.ones((runs, k_n, e_n)),
        pile_bought=np.zeros_like(price),
        guard=np.ones((runs, k_n, n_n, e_n)), open_in=np.ones((runs, k_n, n_n, e_n)),
        quota_in=np.zeros((runs, k_n, n_n, e_n)), quota_seen=np.zeros((runs, n_n, e_n)),
        cover0=base_cover(inv, base.feed + base.final, market),
        status=np.where(committed, markets.FINANCED, markets.UNDECIDED),
        begin=np.where(committed, np.broadcast_to(inputs.proj_start, (runs, p_n)), np.inf),
        running=np.ones((runs, k_n, n_n)), capacity=np.ones((runs, k_n, n_n)), proj_run=np.ones((runs, p_n)),
        mixes=mixes, mine_profile=np.where(base.mine[:, None] > 0, base.profile, mixes[CONCENTRATE]),
        market=market, thrift=thrift_rows(base.magnet_grades, k_n),
        lagged=bool(slots > 2 or (arrival[:, :, 0] < 1.0).any()),
        inv=inv, stock=stock,
        stock_target=np.broadcast_to(piles.targets(k_n, n_n, e_n), (runs, k_n, n_n, e_n)).copy(),
        price=price, sub=np.zeros((runs, k_n, 2, e_n)), tight=np.zeros((runs, k_n, 2, e_n)),
        short_months=np.zeros((runs, k_n, n_n, e_n)), origin=origin, asked=np.zeros((runs, k_n, n_n, e_n)),
        magnet_used=np.broadcast_to(base.final[MAGNET], (runs, n_n, e_n)).copy(),
        magnet_made=np.broadcast_to(base.production[MAGNET], (runs, n_n, e_n)).copy(),
        in_use=steady_stock(base.final[MAGNET][None], inputs.use_shares, life),
        wear=LIFE_ORDER / life, ring=ring,
        ring_origin=ring_origin, arrival=arrival, route_arrival=route_arrival, lag_in=lag_in,
        allies=piles.ally_matrix(k_n, n_n), defended=piles.defended(k_n, n_n),
        reserve=reserve, sale=piles.sale_prices(k_n, n_n),
        util=np.ones((runs, k_n + 1, n_n)), base_out=base_output(inputs, mixes),
        sector_part=sectors.start_parts(inputs, runs),
        rent=np.zeros((runs, inputs.quotas.node.size)), rent_cell=np.zeros((runs, k_n, e_n)),
    )  # fmt: skip


def base_cover(held: Array, use: Array, market: NDArray[np.int64]) -> Array:
    """[R, K, market, E] months of use each market holds: ``held`` [R, K, N, E] t over ``use``
    [K, N, E] t/month summed over the market's nodes (0 where it uses none)."""
    runs, k_n, _, e_n = held.shape
    out = np.zeros((runs, k_n, 2, e_n))
    for m in (0, 1):
        nodes = market == m
        d = use[:, nodes].sum(axis=1)[None]
        out[:, :, m] = np.divide(
            held[:, :, nodes].sum(axis=2), d, out=np.zeros((runs, k_n, e_n)), where=d > EPS
        )
    return out


def rules(inputs: Inputs, t: int) -> Month:
    """The licensed shares of the export controls in force in month ``t``."""
    c = inputs.controls
    share, threshold = c.content_at(t)
    return Month(factor=c.factors(t), allow=c.allow_at(t), content_share=share, content_threshold=threshold,
                 denied=c.denied_at(t))  # fmt: skip


def limits(inputs: Inputs, t: int, par: Params, month: Month, state: State) -> None:
    """Export quotas in force (shared by last month's asks where a quota says so) and their
    licence rents (:meth:`reesim.model.limits.Quotas.rents`), strategic purchases and scheduled
    releases in month ``t``."""
    shape = (len(MATERIALS), inputs.base.dims.n_nodes, inputs.base.dims.n_elements)
    month.quota = inputs.quotas.at(t, *shape, state.asked)
    adjust = np.maximum(par.quota_rent_months, 1.0)
    state.rent_cell = inputs.quotas.rents(
        t,
        state.rent,
        state.asked,
        par.quota_rent_rate,
        adjust,
        par.price_backstop_multiple,
        inputs.origin_node,
    )
    month.stock_rate = inputs.stockpiles.rate_at(t, *shape)
    month.scheduled = inputs.stockpiles.scheduled_at(t, *shape)


def supply(inputs: Inputs, t: int, runs: int, par: Params, state: State) -> None:
    """Projects financed and running, existing plants running, each stage's planned input and the
    mines' output; the producers that grow with demand add ``supply_growth x grow_by`` of theirs."""
    base = inputs.base
    k_n, n_n, e_n = len(MATERIALS), base.dims.n_nodes, base.dims.n_elements
    mixes = state.mixes
    state.level = markets.projects(inputs, t, par, state)
    state.add = np.zeros((runs, k_n, n_n, e_n))
    for p in range(inputs.proj_node.size):  # each project's output in its own element mix
        k, n = inputs.proj_material[p], inputs.proj_node[p]
        state.add[:, k, n] += state.level[:, p, None] * inputs.proj_out[p][None]
    markets.existing_running(inputs, t, par, state)
    # base-year producers that grow with demand (reesim.model.growth): [R or 1, K, N, E]
    util = running_multiples(inputs, state) * (1.0 + inputs.supply_growth[:, t, :, None, :] * inputs.grow_by)
    base_in = base.feed.sum(axis=2)  # [K, N] input of the stage fed by material k
    state.planned = np.zeros((runs, k_n, n_n, e_n))
    for k in range(MAGNET):
        running = base_in[k][None, :, None] * util[:, k + 1]  # base input x the output multiple run
        state.planned[:, k] = running * mixes[k][None] + state.add[:, k + 1] / base.yields[k + 1]
    state.produced = np.zeros((runs, k_n, n_n, e_n))
    mined = base.mine[None, :, None] * util[:, CONCENTRATE]
    state.produced[:, CONCENTRATE] = mined * state.mine_profile[None] + state.add[:, CONCENTRATE]
    if inputs.caps.node.size:  # output caps: at most a multiple of the base-year level, projects included
        cap = inputs.caps.at(t, k_n, n_n, e_n)  # [R or 1, K, N, E]; inf where none
        capped = np.isfinite(cap)
        most = np.where(capped[:, CONCENTRATE], cap[:, CONCENTRATE], 0.0) * (
            base.mine[:, None] * state.mine_profile
        )
        state.produced[:, CONCENTRATE] = np.where(
            capped[:, CONCENTRATE],
            np.minimum(state.produced[:, CONCENTRATE], most),
            state.produced[:, CONCENTRATE],
        )
        for k in range(MAGNET):
            most = np.where(capped[:, k + 1], cap[:, k + 1], 0.0) * (base_in[k][:, None] * mixes[k])
            state.planned[:, k] = np.where(
                capped[:, k + 1], np.minimum(state.planned[:, k], most), state.planned[:, k]
            )


def running_multiples(inputs: Inputs, state: State) -> Array:
    """[R, K, N, E] each stage's output as a multiple of its base-year output, per element: the
    multiple ``util`` it answers orders with times the share that runs (``running``); a
    separator's heavy elements take its heavy circuit's multiple."""
    k_n = len(MATERIALS)
    run = state.util[:, :k_n] * state.running  # [R, K, N]
    each = np.repeat(run[..., None], inputs.base.dims.n_elements, axis=3)
    heavy_run = state.util[:, HEAVY_CIRCUIT] * state.running[:, OXIDE]  # [R, N]
    each[:, OXIDE] = np.where(inputs.base.heavy[None, None, :], heavy_run[:, :, None], each[:, OXIDE])
    return each


def final_demand(inputs: Inputs, t: int, par: Params, state: State) -> None:
    """Final demand: base use x the scenario's index x the response to price and substitution."""
    base = inputs.base
    market = state.market
    elasticity = par.demand_price_elasticity[:, None, None, None]
    response = (state.price / base.prices[None, :, None, :]) ** elasticity * (1.0 - state.sub)  # [R, K, 2, E]
    state.demand = base.final[None] * inputs.demand_index[:, t, :, :, None] * response[:, :, market, :]


def positions(inputs: Inputs, k: int, t: int, par: Params, state: State, month: Month) -> Row:
    """What each node has, uses, can spare and asks of others (see the module docstring)."""
    base = inputs.base
    hoarded = state.hoard[:, k][:, state.market, :] * state.guard[:, k]  # [R, N, E]
    desired = par.working_stock_months[:, None, None] * hoarded
    grown = inputs.use_index[:, t, k, :, None]  # [R or 1, N, 1] the node's use over the base year's
    target = desired * (base.feed[k] + base.final[k])[None] * grown
    produced = state.produced[:, k]
    avail = state.inv[:, k] + produced
    slots = state.ring.shape[0]
    if state.lagged:
        avail = avail + state.ring[t % slots, :, k]
    # Scheduled releases (at most the stock) join the holder's supply; they are sales: the
    # stockpile's target falls by as much, so it does not buy them back.
    scheduled = np.minimum(month.scheduled[:, k], state.stock[:, k])
    state.stock[:, k] -= scheduled
    state.stock_target[:, k] = np.maximum(state.stock_target[:, k] - scheduled, 0.0)
    avail = avail + scheduled
    buy = np.minimum(month.stock_rate[:, k], np.maximum(state.stock_target[:, k] - state.stock[:, k], 0))
    buy = np.where(buying(state.tight[:, k][:, state.market, :], state.inv[:, k], target,
                          state.planned[:, k] + state.demand[:, k], month.stock_rate[:, k],
                          par.stockpile_buy_max_shortfall), buy, 0.0)  # fmt: skip
    use = state.planned[:, k] + state.demand[:, k] + buy
    # what an exporter can spare, capped by its export quota (t/month; inf: none)
    surplus = np.minimum(np.maximum(avail - use - target, 0.0), month.quota[:, k])
    restock = par.restock_months[:, None, None]
    if state.lagged:  # orders keep the goods under way at the lag times what the node lacks
        coming = sum(state.ring[(t + j) % slots, :, k] for j in range(1, slots))
        due = state.lag_in[:, k] * np.maximum(use - produced, 0.0)
        request = np.minimum(
            np.maximum(use + target - avail + (due - coming), 0.0), use + (target + due) / restock
        )
    else:  # orders refill the working stock over restock_months at most (steady state: the deficit)
        request = np.minimum(np.maximum(use + target - avail, 0.0), use + target / restock)
    # What a licence can approve: the same order for end uses only (no strategic purchases) and
    # the working stock at its base cover (no precautionary stock), at most the request.
    ends = state.planned[:, k] + state.demand[:, k]
    base_target = par.working_stock_months[:, None, None] * (base.feed[k] + base.final[k])[None] * grown
    if state.lagged:
        due = state.lag_in[:, k] * np.maximum(ends - produced, 0.0)
        need = np.minimum(
            np.maximum(ends + base_target - avail + (due - coming), 0.0), ends + (base_target + due) / restock
        )
    else:
        need = np.minimum(np.maximum(ends + base_target - avail, 0.0), ends + base_target / restock)
    return Row(avail=avail, buy=buy, use=use, surplus=surplus, request=request, target=target,
               need=np.minimum(need, request), scheduled=scheduled)  # fmt: skip


def buying(
    tight: Array, held: Array, target: Array, ends: Array, rate: Array, most: Array
) -> NDArray[np.bool_]:
    """[R, N, 1] whether each node's strategic stockpile of the material buys this month: only
    after a month in which, for every element it buys (``rate`` > 0, t/month), its market was
    not short (``tight`` [R, N, E], the share of what the market's users wanted left unmet, at
    most ``most`` [R]) and its holder's working stock (``held``, t, at the end of that month) was
    at most ``most`` times the month's end uses (``ends``, t) below its ``target`` (t). A
    stockpile buys its mix whole: the elements of a magnet, or of an NdPr oxide, come together,
    and an order for one of them makes producers run their whole mix, taking from the holder the
    element it lacks; and a holder whose industry is short of one of them does not take supply
    from it to add to its stock."""
    share = most[:, None, None]
    ready = (tight <= share) & (target - held <= share * ends)
    out: NDArray[np.bool_] = np.all(ready | (rate <= 0.0), axis=2, keepdims=True)
    return out


def trade(inputs: Inputs, k: int, par: Params, state: State, month: Month, row: Row) -> None:
    """Shipments [R, importer, exporter, E] of material k in the month (see the module docstring)."""
    base = inputs.base
    origin, request = state.origin[:, k], row.request
    contracted = par.contracted_share[:, None, None, None]
    shares = base.shares[k][None]  # [1, I, X, E]
    allowed = np.swapaxes(month.allow[:, k], 1, 2)  # [R or 1, I, X, E]
    over = origin[:, None, :, :] >= month.content_threshold[:, k, :, None, :]  # [R, I, X, E]
    over[:, :, inputs.origin_node, :] = False
    allowed = allowed * np.where(over, month.content_share[:, k, :, None, :], 1.0)
    wanted = request[:, :, None, :] * shares
    # On a route under licence the order is what a licence can approve (``need``): end uses and
    # the base working stock, not precautionary stock or stockpile purchases.
    licensable = np.where(allowed < 1.0, row.need[:, :, None, :] * shares, wanted)
    defence = np.zeros_like(request)
    if k == MAGNET:
        defence = np.minimum(state.demand[:, k] * base.defence_share[None, :, None], request)
    d_share = np.divide(defence, request, out=np.zeros_like(request), where=request > EPS)[:, :, None, :]
    denied = np.swapaxes(month.denied[k], 0, 1)[None, :, :, None]
    tiers = (
        licensable * d_share * allowed * ~denied,
        licensable * (1 - d_share) * contracted * allowed,
        licensable * (1 - d_share) * (1 - contracted) * allowed,
    )
    ship = np.zeros_like(wanted)
    left = row.surplus.copy()  # [R, X, E]
    for q in tiers:
        total = q.sum(axis=1)
        frac = np.divide(np.minimum(left, total), total, out=np.zeros_like(total), where=total > EPS)
        ship += q * frac[:, None, :, :]
        left = np.maximum(left - total * frac, 0.0)
    # Switching: an importer qualifies other suppliers over the months it has been short (magnets
    # slower than the materials before them) and re-routes that part of what it still misses to
    # exporters with surplus left that no licence limits (an exporter under licence is asked once,
    # by the first ask: asking again does not raise what its licence lets it ship). From each it
    # can get at most a share of its surplus and at most its whole gap; it spreads the gap in
    # proportion to what it can get.
    gap = np.maximum(request - ship.sum(axis=2), 0.0)
    months = par.supplier_switch_months if k == MAGNET else par.material_switch_months
    lag = np.maximum(months, 1.0)[:, None, None]
    most = par.supplier_switch_max_share[:, None, None, None]
    reroute = gap * np.minimum(state.short_months[:, k] / lag, 1.0)
    free = allowed >= 1.0  # routes no licence limits
    can = np.minimum(most * left[:, None, :, :], reroute[:, :, None, :]) * free  # [R, I, X, E]
    can[:, np.arange(can.shape[1]), np.arange(can.shape[1]), :] = 0.0
    total = can.sum(axis=2, keepdims=True)
    spread = np.divide(reroute[:, :, None, :], total, out=np.zeros_like(total), where=total > EPS)
    extra = can * np.minimum(spread, 1.0)
    asked = extra.sum(axis=1)
    frac = np.divide(np.minimum(left, asked), asked, out=np.zeros_like(asked), where=asked > EPS)
    row.ordered = sum(q.sum(axis=1) for q in tiers) + asked
    state.asked[:, k] = row.ordered  # shares next month's quotas split by asks
    row.ship = ship + extra * frac[:, None, :, :]
    # The share of what importers asked of China that no licence, ban or binding export quota
    # held back, in all and for each importer (read by prices: arbitrage and precautionary
    # buying). Under a binding quota China's surplus is shared pro rata over licensed asks.
    o = inputs.origin_node
    asked_in = wanted[:, :, o, :]  # [R, I, E]
    licensed_in = (licensable * allowed)[:, :, o, :]
    asked_china, licensed = asked_in.sum(axis=1), licensed_in.sum(axis=1)
    capped = row.surplus[:, o, :] >= month.quota[:, k, o, :]
    shipped = row.ship[:, :, o, :].sum(axis=1)
    short_of_quota = np.maximum(licensed - shipped, 0.0)
    held = asked_china - licensed + np.where(capped, short_of_quota, 0.0)
    state.open[:, k] = np.clip(
        1.0 - np.divide(held, asked_china, out=np.zeros_like(held), where=asked_china > EPS), 0.0, 1.0
    )
    share_unshipped = np.divide(short_of_quota, licensed, out=np.zeros_like(held), where=licensed > EPS)
    unshipped = np.where(capped, share_unshipped, 0.0)
    # For each importer, as a share of what it uses in the month (a small ask held back is a
    # small risk).
    by_quota = licensed_in * unshipped[:, None, :]
    held_in = asked_in - licensed_in + by_quota
    at_risk = np.divide(held_in, row.use, out=np.zeros_like(held_in), where=row.use > EPS)
    state.open_in[:, k] = 1.0 - np.clip(at_risk, 0.0, 1.0)
    quota_risk = np.divide(by_quota, row.use, out=np.zeros_like(by_quota), where=row.use > EPS)
    state.quota_in[:, k] = np.clip(quota_risk, 0.0, 1.0)
    row.imports, row.exports = row.ship.sum(axis=2), row.ship.sum(axis=1)


def transit(inputs: Inputs, k: int, t: int, state: State, row: Row) -> None:
    """Put this month's shipments on their way: ``arrived`` is the part reaching its importer
    this month, the rest waits in the ring by month of arrival; ``landed`` is every arrival of
    the month (the reported imports) and ``arrived_origin`` their China-origin part, at the
    exporter's share when it left."""
    slots, slot = state.ring.shape[0], t % state.ring.shape[0]
    if not state.lagged:
        row.arrived, row.landed = row.imports, row.imports
        return
    by_offset = np.einsum("rixe,rxim->mrie", row.ship, state.route_arrival)  # [slots, R, I, E]
    carried = row.ship * state.origin[:, k][:, None, :, :]  # China-origin part of each shipment
    origin_by_offset = np.einsum("rixe,rxim->mrie", carried, state.route_arrival)
    row.arrived = by_offset[0]
    row.landed = state.ring[slot, :, k] + by_offset[0]
    row.arrived_origin = state.ring_origin[slot, :, k] + origin_by_offset[0]
    state.ring[slot, :, k] = 0.0
    state.ring_origin[slot, :, k] = 0.0
    for j in range(1, slots):
        state.ring[(t + j) % slots, :, k] += by_offset[j]
        state.ring_origin[(t + j) % slots, :, k] += origin_by_offset[j]


def settle(inputs: Inputs, k: int, par: Params, state: State, row: Row) -> None:
    """Uses met, stock releases, shortage months and the China-origin share after trade."""
    demand, planned = state.demand[:, k], state.planned[:, k]
    lagged = state.lagged
    row.have = row.avail + (row.arrived if lagged else row.imports) - row.exports
    # Users first (final and next stage, pro rata); strategic purchases only from what is left
    # above the working-stock target.
    users = demand + planned
    frac = np.divide(np.minimum(row.have, users), users, out=np.ones_like(users), where=users > EPS)
    final_met, row.feed_met = demand * frac, planned * frac
    if k == MAGNET:  # final users are sectors, each with its own stock
        final_met = sectors.use(inputs, state, row, demand, users)
    row.bought = np.minimum(row.buy, np.maximum(row.have - users - row.target, 0.0))
    for m in (0, 1):  # paid for at the month's price in the buyer's market (see month_steps)
        state.pile_bought[:, k, m] += row.bought[:, state.market == m].sum(axis=1)
    release_at = np.where(  # [R, N]: a stockpile's own release rule, else the parameter
        np.isnan(inputs.release_threshold), par.stockpile_release_shortfall[:, None], inputs.release_threshold
    )
    # Stockpiles release first when their holder's uses are short enough, to its final users and
    # its next stage (an oxide stockpile feeds the metal and magnet makers), pro rata to what each
    # lacks; with a sale price only while the market price is at least that.
    priced = state.price[:, k][:, state.market, :] >= state.sale[:, k, :, None]  # [R, N, E]
    lack_final, lack_feed = demand - final_met, planned - row.feed_met
    short = (lack_final + lack_feed).sum(axis=2) > release_at * (demand + planned).sum(axis=2)  # [R, N]
    own_final, own_feed = _served(inputs, k, state.defended[k], np.arange(demand.shape[1]))
    lack_final, lack_feed = lack_final * own_final[None, :, None], lack_feed * own_feed[None, :, None]
    lack = lack_final + lack_feed
    row.release = np.where(short[..., None] & priced, np.minimum(state.stock[:, k], lack), 0.0)
    to_feed = np.divide(row.release * lack_feed, lack, out=np.zeros_like(lack), where=lack > EPS)
    row.final_met = final_met + (row.release - to_feed)
    row.feed_met = row.feed_met + to_feed
    state.stock[:, k] += row.bought - row.release
    # Then, holder by holder, what is left above the reserve goes to short allies.
    for h in np.flatnonzero(state.allies[k].any(axis=1)):
        _to_allies(inputs, k, int(h), release_at[:, h], priced[:, h], state, row)
    if k == MAGNET:
        sectors.releases(inputs, state, row)
    state.wanted[:, k] = demand + planned
    state.missing[:, k] = (demand - row.final_met) + (planned - row.feed_met)
    # A month short counts in full toward qualifying other suppliers once SHORT_SHARE of what was
    # asked did not come, in part below (so outputs move continuously with what arrives).
    lacked = np.divide(row.request - row.imports, SHORT_SHARE * row.request, out=np.zeros_like(row.request),
                       where=row.request > EPS)  # fmt: skip
    state.short_months[:, k] += np.clip(lacked, 0.0, 1.0)
    # China-origin share of what the node now holds (tracked for content rules).
    origin = state.origin[:, k]
    origin_prod = np.zeros_like(origin)
    if k == CONCENTRATE:
        origin_prod[:, inputs.origin_node, :] = 1.0
    else:
        origin_prod = state.origin[:, k - 1]
    # What it received, at the exporters' share when it left.
    received = row.arrived_origin if lagged else (row.ship * origin[:, None, :, :]).sum(axis=2)
    held = state.inv[:, k] * origin + state.produced[:, k] * origin_prod - row.exports * origin + received
    held = held + row.scheduled * origin  # released stock takes the share of what the node holds
    gross = row.avail + (row.arrived if lagged else row.imports)  # what it had and received
    kept = (row.have > EPS) & (row.have > EMPTIED * gross)  # else rounding residue: the share is kept
    state.origin[:, k] = np.clip(np.divide(held, row.have, out=origin.copy(), where=kept), 0.0, 1.0)


def _served(inputs: Inputs, k: int, defence: NDArray[np.bool_], to: NDArray[np.int64]) -> tuple[Array, Array]:
    """([A], [A]) the part of the final users' and of the next stage's lack at nodes ``to`` that a
    stock serves: all of it, or for a defence holding (``defence``, one per node or one for all) the
    defence share of final magnet use, of final use for magnets and of the next stage's for the
    materials before (none of their final use)."""
    share = inputs.base.defence_share[to]
    final = np.where(defence, share if k == MAGNET else np.zeros_like(share), 1.0)
    return final, np.where(defence, share, 1.0)


def _to_allies(
    inputs: Inputs, k: int, h: int, release_at: Array, priced: NDArray[np.bool_], state: State, row: Row
) -> None:
    """Release the stock of material ``k`` held at ``h`` (what is left above its reserve, in
    elements ``priced`` [R, E]) to its allies whose unmet share of their uses exceeds
    ``release_at`` [R], pro rata to what each lacks; it is met use at the ally."""
    demand, planned = state.demand[:, k], state.planned[:, k]
    to = np.flatnonzero(state.allies[k, h])
    lack_final = demand[:, to] - row.final_met[:, to]  # [R, A, E]
    lack_feed = planned[:, to] - row.feed_met[:, to]
    wanted = (demand[:, to] + planned[:, to]).sum(axis=2)
    short = (lack_final + lack_feed).sum(axis=2) > release_at[:, None] * wanted  # [R, A]
    served_final, served_feed = _served(inputs, k, state.defended[k, h], to)
    lack_feed = lack_feed * served_feed[None, :, None]
    need = np.where(short[..., None], lack_final * served_final[None, :, None] + lack_feed, 0.0)
    total = need.sum(axis=1)  # [R, E]
    spare = np.where(priced, np.maximum(state.stock[:, k, h] - state.reserve[:, k, h], 0.0), 0.0)
    give = np.minimum(spare, total)
    got = np.divide(give[:, None, :] * need, total[:, None, :], out=np.zeros_like(need),
                    where=total[:, None, :] > EPS)  # fmt: skip
    fed = np.divide(got * lack_feed, need, out=np.zeros_like(need), where=need > EPS)
    row.final_met[:, to] += got - fed
    row.feed_met[:, to] += fed
    row.release[:, to] += got
    state.stock[:, k, h] -= give


def stage(inputs: Inputs, k: int, t: int, state: State, row: Row) -> None:
    """What the next stage consumes of material ``k`` and makes of it; oxide recycled from the
    magnets discarded this month joins oxide output (:func:`discard`), as does China's secondary
    supply, its magnet makers' scrap moving with their output (:func:`new_scrap`) and the rest
    growing with demand (``secondary_growth``)."""
    base = inputs.base
    mixes = state.mixes
    consumed = row.feed_met
    if k < MAGNET:
        if k + 1 == MAGNET:
            batches = np.min(
                np.where(mixes[k][None] > 0, row.feed_met / np.maximum(mixes[k][None], EPS), np.inf), axis=2
            )
            consumed = batches[:, :, None] * mixes[k][None]
        produced_next = consumed * base.yields[k + 1]
        if k + 1 == OXIDE:  # secondary supply in China and recycling (see reesim.model.baseline)
            growing = inputs.supply_growth[:, t, OXIDE] * inputs.secondary_growth[None]  # [R or 1, E]
            produced_next[:, inputs.origin_node] += base.secondary + growing
            produced_next += new_scrap(inputs, state)
            row.recycled = inputs.recycle_rate[:, t, :, None] * discard(inputs, state)
            produced_next += row.recycled
        state.produced[:, k + 1] = produced_next
    state.consumed[:, k] = consumed


def new_scrap(inputs: Inputs, state: State) -> Array:
    """[R, N, E] how far the oxide recovered from magnet makers' scrap (``swarf``, part of the
    secondary supply) moves from the base year's: in proportion to the node's magnet output last
    month over its base-year output."""
    base0 = inputs.base.production[MAGNET].sum(axis=1)  # [N]
    made = state.magnet_made.sum(axis=2)  # [R, N]
    ratio = np.divide(made, base0, out=np.ones_like(made), where=base0 > 0)
    out: Array = inputs.base.swarf[None] * (ratio - 1.0)[:, :, None]
    return out


def discard(inputs: Inputs, state: State) -> Array:
    """[R, N, E] magnets leaving use this month: last month's magnet use enters each sector's
    chain of products in use (its share of use), every stage passes on ``wear`` of what it held
    at the start of the month, and the last stages' outflows are the discards
    (:mod:`reesim.model.lifetimes`). Updates ``state.in_use``."""
    out = np.zeros_like(state.magnet_used)
    for s in range(state.in_use.shape[1]):
        inflow = inputs.use_shares[s] * state.magnet_used
        rate = state.wear[:, s, None, None]
        for j in range(state.in_use.shape[2]):
            held = state.in_use[:, s, j]
            leaving = rate * held
            state.in_use[:, s, j] = held - leaving + inflow
            inflow = leaving
        out = out + inflow
    return out


def keep(k: int, state: State, row: Row) -> None:
    """The working stock left at the end of the month (stock bought leaves it for the stockpile;
    ``final_met`` includes what the stockpile released)."""
    left = row.have - row.final_met + row.release - state.consumed[:, k] - row.bought
    state.inv[:, k] = np.maximum(left, 0.0)
    if k == MAGNET:
        sectors.keep(state, row)


def respond(inputs: Inputs, k: int, par: Params, state: State, month: Month, row: Row) -> None:
    """Producers move their output toward the orders they could not fill: what others asked of
    them and they did not ship (unless an export quota, not output, held it back) plus their own
    uses not met, valued at base prices, as a share of the value of their base-year output; at
    most ``output_headroom_share`` above base-year output, over ``output_adjust_months``. Output
    falls below the base year only where prices do not pay (see
    :func:`reesim.kernel.reference_market.existing_running`). A separator's light and heavy
    circuits are two producers: each answers the orders for its own elements, against the value
    of its own output (``util`` row :data:`HEAVY_CIRCUIT` is the heavy circuit's)."""
    p0 = inputs.base.prices[k][None, None, :]  # [1, 1, E] USD/kg
    made = state.base_out[k][None] > 0  # only what it makes: more output cannot supply the rest
    free = row.surplus < month.quota[:, k]  # more output would be more to sell abroad
    unfilled = np.where(free, np.maximum(row.ordered - row.exports, 0.0), 0.0) + state.missing[:, k]
    unfilled = np.where(made, unfilled, 0.0)
    adjust = np.maximum(par.output_adjust_months, 1.0)[:, None]
    heavy = inputs.base.heavy
    # A separator's light and heavy circuits answer the orders for their own elements.
    parts = ((~heavy, k), (heavy, HEAVY_CIRCUIT)) if k == OXIDE else ((np.ones_like(heavy), k),)
    for members, r in parts:
        worth = (state.base_out[k][None] * p0 * members).sum(axis=2)  # [1, N] USD/month (x 1,000)
        value = (unfilled * p0 * members).sum(axis=2)
        lack = np.divide(value, worth, out=np.zeros(unfilled.shape[:2]), where=worth > EPS)
        goal = 1.0 + np.minimum(lack, par.output_headroom_share[:, None])
        state.util[:, r] = state.util[:, r] + (goal - state.util[:, r]) / adjust


def _record(inputs: Inputs, k: int, t: int, state: State, row: Row, out: Outputs) -> None:
    """Write material ``k``'s month to the outputs."""
    base = inputs.base
    if k < MAGNET:
        out.losses[:, t, k + 1] = state.consumed[:, k] * (1.0 - base.yields[k + 1])
    if k == CONCENTRATE:
        out.recycled[:, t, OXIDE] = row.recycled if row.recycled.size else 0.0
    out.production[:, t, k] = state.produced[:, k]
    out.imports[:, t, k], out.exports[:, t, k] = row.landed, row.exports
    out.feed[:, t, k], out.consumption[:, t, k] = state.consumed[:, k], row.final_met
    out.demand[:, t, k], out.unmet[:, t, k] = state.demand[:, k], state.demand[:, k] - row.final_met
    out.inventory[:, t, k], out.stockpile[:, t, k] = state.inv[:, k], state.stock[:, k]
    out.released[:, t, k] = row.release + row.scheduled
    if k == MAGNET:
        wants = sectors.sector_demand(inputs, state.demand[:, k])
        out.sector_demand[:, t] = wants.sum(axis=3)
        out.sector_unmet[:, t] = (wants - row.sector_met).sum(axis=3)
        out.sector_stock[:, t] = (state.inv[:, k][:, :, None, :] * state.sector_part).sum(axis=3)
    slots = state.ring.shape[0]
    if state.lagged:
        out.transit[:, t, k] = sum(state.ring[(t + j) % slots, :, k] for j in range(1, slots))
