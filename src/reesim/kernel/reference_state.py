"""What the reference kernel carries from month to month (:class:`State`), the terms of a month
(:class:`Month`) and one material's month (:class:`Row`): plain dataclasses of NumPy arrays with a
leading run axis, named as in the fast kernel's :mod:`reesim.kernel.fast_state`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from reesim.kernel.state import Array


@dataclass
class State:
    """What the reference kernel carries and computes, [run, material, node, element] unless
    stated; names as in the fast kernel's :class:`reesim.kernel.fast_state.State`."""

    inv: Array  # working stock at the end of the month
    stock: Array  # strategic stock
    stock_target: Array  # strategic stock sought (less what scheduled releases sold)
    price: Array  # [R, K, market, E] USD/kg
    sub: Array  # [R, K, market, E] share of demand substituted away
    tight: Array  # [R, K, market, E] share of what users wanted left unmet, last month
    short_months: Array  # months an importer was not sent all it asked (its suppliers qualified)
    asked: Array  # licensed requests to each exporter last month (shares quotas split by asks)
    origin: Array  # China-origin share of what a node holds
    magnet_used: Array  # [R, N, E] final magnet use met last month (goes into products in use)
    magnet_made: Array  # [R, N, E] magnets made last month (magnet makers' scrap follows it)
    in_use: Array  # [R, S, J, N, E] magnets in products in use, by sector and stage of the lifetime chain
    wear: Array  # [R, S] share of each stage of a sector's chain that moves on each month (fixed)
    mixes: Array  # [K, N, E] unit input mix of the stage fed by material k (fixed for the run)
    mine_profile: Array  # [N, E] element shares of mine output, new mines the world's (fixed)
    market: NDArray[np.int64]  # [N] 0 China, 1 outside (fixed)
    thrift: NDArray[np.bool_]  # [K, E] rows whose substitution ceiling is heavy_thrift_max_share (fixed)
    lagged: bool  # some shipment takes time (else everything arrives the month it leaves; fixed)
    ring: Array  # [slots, R, K, N, E] goods in transit by month of arrival (slot t % slots)
    ring_origin: Array  # the same, China-origin part
    arrival: Array  # [R, classes, slots] share of a shipment arriving j months after it leaves
    route_arrival: Array  # [R, X, I, slots] the same for each route
    lag_in: Array  # months an importer's goods take, weighted by its base trade shares
    allies: NDArray[np.bool_]  # [K, holder, ally] whom each stock also releases to (fixed)
    defended: NDArray[np.bool_]  # [K, N] defence holdings (fixed)
    reserve: Array  # [R or 1, K, N, E] stock kept for the holder: releases to allies stop there (fixed)
    sale: Array  # [R or 1, K, N] USD/kg below which a stock makes no shortage release (fixed)
    # [R, K + 1, N] output of the stage making material k, as a multiple of its base-year output;
    # row K is the heavy separation circuit's (the oxide row the light circuit's)
    util: Array
    base_out: Array  # [K, N, E] base-year output of material k (fixed)
    expect: Array  # [R, K, market, E] traders' expected price, USD/kg
    hoard: Array  # [R, K, market, E] desired cover as a multiple of the base year's (price trend)
    guard: Array  # [R, K, N, E] an importer's desired cover for the supply controls hold back from it
    open: Array  # [R, K, E] share of what was asked of China that no licence, ban or quota held back
    open_in: Array  # [R, K, N, E] 1 less the share of each importer's use that controls held back
    quota_in: Array  # [R, K, N, E] the part of that share a binding export quota held back
    quota_seen: Array  # [R, N, E] the quota's hold-back an importer has come to expect (any form)
    cover0: Array  # [R, K, market, E] base-year months of use held (fixed)
    status: Array  # [R, P] project undecided (0), financed (1), cancelled (2)
    begin: Array  # [R, P] month a financed project's output starts (inf: not financed)
    running: Array  # [R, K, N] share of base-year output running (outside China: answers to costs)
    capacity: Array  # [R, K, N] share of base-year capacity still open (converters outside China close)
    proj_run: Array  # [R, P] share of a built project's capacity running
    sector_part: Array  # [R, N, J, E] share of the node's magnet working stock each sector holds
    rent: Array  # [R, Q] each export quota's licence rent, USD/kg REO
    rent_cell: Array  # [R, K, E] rent on China's exports of each material and element this month, USD/kg
    level: Array = field(default_factory=lambda: np.zeros(0))  # [R, P] projects' output, t/month
    floor_paid: Array = field(default_factory=lambda: np.zeros(0))  # [R] USD paid by floors this month
    # [R, K, market, E] t the strategic stockpiles of each market bought this month
    pile_bought: Array = field(default_factory=lambda: np.zeros(0))
    add: Array = field(default_factory=lambda: np.zeros(0))  # output of projects, in their element mixes
    planned: Array = field(default_factory=lambda: np.zeros(0))  # next stage's planned input
    produced: Array = field(default_factory=lambda: np.zeros(0))  # made this month
    demand: Array = field(default_factory=lambda: np.zeros(0))  # final demand
    wanted: Array = field(default_factory=lambda: np.zeros(0))  # final demand + planned input
    missing: Array = field(default_factory=lambda: np.zeros(0))  # the part of it not met
    consumed: Array = field(default_factory=lambda: np.zeros(0))  # used by the next stage


@dataclass
class Month:
    """This month's terms from the scenario's rules: [R or 1, ...]."""

    factor: Array  # [R or 1, C] each control's licensed share
    allow: Array  # [R or 1, K, X, I, E]
    content_share: Array  # [R or 1, K, I, E]
    content_threshold: Array  # [R or 1, K, I, E]
    denied: NDArray[np.bool_]  # [K, X, I]
    quota: Array = field(default_factory=lambda: np.zeros(0))  # [R or 1, K, N, E] t/month (inf: none)
    stock_rate: Array = field(default_factory=lambda: np.zeros(0))  # [R or 1, K, N, E] t/month
    # [R or 1, K, N, E] t released on schedule (before the stock caps it)
    scheduled: Array = field(default_factory=lambda: np.zeros(0))


@dataclass
class Row:
    """One material's month, [R, node, element] unless stated."""

    avail: Array
    buy: Array
    use: Array
    surplus: Array
    request: Array
    target: Array  # working-stock target
    need: Array  # what a licence can approve of the request: end uses and the base working stock
    ship: Array = field(default_factory=lambda: np.zeros(0))  # [R, I, X, E]
    ordered: Array = field(default_factory=lambda: np.zeros(0))  # licensed requests to each exporter
    imports: Array = field(default_factory=lambda: np.zeros(0))  # sent to the node this month
    exports: Array = field(default_factory=lambda: np.zeros(0))
    arrived: Array = field(default_factory=lambda: np.zeros(0))  # sent this month, arrived this month
    landed: Array = field(default_factory=lambda: np.zeros(0))  # every arrival this month
    arrived_origin: Array = field(default_factory=lambda: np.zeros(0))
    have: Array = field(default_factory=lambda: np.zeros(0))
    final_met: Array = field(default_factory=lambda: np.zeros(0))
    feed_met: Array = field(default_factory=lambda: np.zeros(0))
    bought: Array = field(default_factory=lambda: np.zeros(0))
    scheduled: Array = field(default_factory=lambda: np.zeros(0))  # released into the node's supply
    release: Array = field(default_factory=lambda: np.zeros(0))  # received from strategic stocks
    recycled: Array = field(default_factory=lambda: np.zeros(0))
    sector_left: Array = field(default_factory=lambda: np.zeros(0))  # [R, N, J, E] sectors' stock left
    sector_met: Array = field(default_factory=lambda: np.zeros(0))  # [R, N, J, E] sectors' use met
    sector_excess: Array = field(default_factory=lambda: np.zeros(0))  # [R, N, J, E] left above target
