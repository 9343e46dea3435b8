"""Magnet stocks held by final-use sectors, for the reference kernel.

A node's magnet working stock is the sum of its sectors' stocks (``State.sector_part``: the share
each sector holds; see :mod:`reesim.model.sectors`); there is no other pool. Each month the
node's new supply for final use (what it has after trade less the stock it started with) goes to
the sectors' demand first, less what each holds above its stock target (the node's target x the
sector's share of it), pro rata; what is left fills the gaps to the sectors' targets, pro rata to
the gaps; any rest is shared in proportion to the targets. Strategic purchases take from what the
sectors hold above their targets. When the
node sends more than it receives the sectors' stocks fall pro rata. Each sector then uses at most
its demand of its own stock and share, and keeps the rest: a sector whose stock is exhausted is
short while others still hold stock. Releases from strategic stocks to the node's final users go
to the sectors pro rata to what each lacks. Summed over sectors this is the node's mass balance;
with every sector at the same cover it is the node's pooled use to rounding.
Arrays are [run, node, sector, element]; t REO-eq per month.
"""

from __future__ import annotations

import numpy as np

from reesim.kernel.reference_state import Row, State
from reesim.kernel.shared import EPS
from reesim.kernel.state import Array
from reesim.model.compile import Inputs
from reesim.model.dims import MAGNET


def start_parts(inputs: Inputs, runs: int) -> Array:
    """[R, N, J, E] the sectors' shares of every node's magnet working stock at the start: their
    shares of its stock target."""
    hold = np.broadcast_to(inputs.sectors.hold, (runs, *inputs.sectors.hold.shape[1:]))
    return np.repeat(hold[..., None], inputs.base.dims.n_elements, axis=3)


def sector_demand(inputs: Inputs, demand: Array) -> Array:
    """[R, N, J, E] each sector's final magnet demand: the node's ``demand`` [R, N, E] x the
    sector's share."""
    return demand[:, :, None, :] * inputs.sectors.share[None, :, :, None]


def use(inputs: Inputs, state: State, row: Row, demand: Array, users: Array) -> Array:
    """Each sector's use met of its stock and its share of the month's supply (``row.sector_met``,
    ``row.sector_left``); returns the node's final use met [R, N, E] (``demand`` where the node
    has no users: ``users`` at most EPS)."""
    inv0 = state.inv[:, MAGNET]
    held = inv0[:, :, None, :] * state.sector_part  # each sector's stock at the start of the month
    wants = sector_demand(inputs, demand)
    runs = held.shape[0]
    hold = np.broadcast_to(inputs.sectors.hold, (runs, *inputs.sectors.hold.shape[1:]))[..., None]
    share = inputs.sectors.share[None, :, :, None]
    target = row.target[:, :, None, :] * hold
    gap = np.maximum(target - held, 0.0)
    gaps = gap.sum(axis=2)
    # Demand first, less what each sector holds above its target (it uses that first).
    needs = np.maximum(wants - np.maximum(held - target, 0.0), 0.0)
    need = needs.sum(axis=2, keepdims=True)
    fill = np.divide(needs, need, out=np.broadcast_to(share, needs.shape).copy(), where=need > EPS)
    new = row.have - inv0  # the month's supply for final use (negative: the node sent more)
    first = np.minimum(np.maximum(new, 0.0), need[:, :, 0, :])
    rest = np.maximum(new, 0.0) - first
    second = np.minimum(rest, gaps)  # then the gaps to the sectors' stock targets
    third = rest - second  # the rest in proportion to the stock targets
    refill = np.divide(gap, gaps[:, :, None, :], out=np.zeros_like(gap), where=gaps[:, :, None, :] > EPS)
    grown = held + first[:, :, None, :] * fill + second[:, :, None, :] * refill + third[:, :, None, :] * hold
    got = np.where(new[:, :, None, :] >= 0.0, grown, state.sector_part * row.have[:, :, None, :])
    met = np.minimum(wants, np.maximum(got, 0.0))
    met = np.where(users[:, :, None, :] > EPS, met, wants)
    row.sector_met = met
    row.sector_left = np.maximum(got - met, 0.0)
    row.sector_excess = np.maximum(row.sector_left - target, 0.0)  # what strategic purchases may take
    out: Array = np.where(users > EPS, demand - (wants - met).sum(axis=2), demand)  # exact when all met
    return out


def releases(inputs: Inputs, state: State, row: Row) -> None:
    """What strategic stocks released to the node's final users (its final use met beyond the
    sectors' own) goes to the sectors pro rata to what each lacks."""
    wants = sector_demand(inputs, state.demand[:, MAGNET])
    lack = wants - row.sector_met
    total = lack.sum(axis=2, keepdims=True)
    extra = (row.final_met - row.sector_met.sum(axis=2))[:, :, None, :]
    more = np.divide(extra * lack, total, out=np.zeros_like(lack), where=total > EPS)
    row.sector_met = row.sector_met + more


def keep(state: State, row: Row) -> None:
    """The sectors' shares of the stock left after strategic purchases, which take from what each
    holds above its target, pro rata (the node buys only above its own target, so no sector falls
    below its target for it); kept as they were where nothing is left."""
    excess = row.sector_excess
    spare = excess.sum(axis=2, keepdims=True)
    taken = np.divide(row.bought[:, :, None, :] * excess, spare, out=np.zeros_like(excess), where=spare > EPS)
    left = np.maximum(row.sector_left - taken, 0.0)
    total = left.sum(axis=2, keepdims=True)
    state.sector_part = np.divide(left, total, out=state.sector_part.copy(), where=total > EPS)
