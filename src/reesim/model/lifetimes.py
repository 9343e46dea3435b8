"""Magnets in use: how long the products holding them last, and what comes back at end of life.

Magnets used at a node go into products held by end-use sectors (``end_products``: electric
vehicles, wind turbines, industrial motors, defence, and ``other`` for the rest of the world's
magnet demand: consumer electronics, appliances, acoustics, conventional cars' small motors).
Each sector's magnets stay in use for a lifetime drawn from its parameter
``product_life_years_<sector>`` and are discarded along an Erlang delay of order
:data:`LIFE_ORDER` (a chain of that many stages, each left at the rate ``LIFE_ORDER`` over the
lifetime per month): discards follow use after the mean lifetime, spread around it. Of what is
discarded, ``eol_collection_rate`` is collected with its magnets separated for rare-earth
recovery and ``eol_recovery_rate`` of their rare earths comes back as separated oxide at the node.

The products in use are outside the supply chain's balance: magnets leave the chain as final
use and what returns enters it as oxide output (``recycled``). The chain starts in steady state
with the base year's magnet use (see :func:`steady_stock`), so a run with no change returns
exactly the base year's end-of-life oxide.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from reesim.dataset.model import Dataset
from reesim.model.builder import bad
from reesim.model.perrun import Value, as_runs, first_run, table

Array = NDArray[np.float64]

#: End-use sectors with a lifetime: the sectors of ``end_products`` and the rest of demand.
LIFE_SECTORS: tuple[str, ...] = ("ev_traction", "wind", "industrial_motors", "defence", "other")
#: One lifetime parameter per sector, in years.
LIFE_PARAMETERS: tuple[str, ...] = tuple(f"product_life_years_{s}" for s in LIFE_SECTORS)
#: Shares of end-of-life magnets collected, and of their rare earths recovered as oxide.
RATE_PARAMETERS: tuple[str, ...] = ("eol_collection_rate", "eol_recovery_rate")
#: Stages of each sector's delay chain (the order of the Erlang distribution of lifetimes).
LIFE_ORDER = 3
MONTHS_PER_YEAR = 12.0


def sector_shares(ds: Dataset) -> Array:
    """[S] shares of magnet use held by each of :data:`LIFE_SECTORS`: ``end_products``'
    ``share_of_magnet_demand`` per sector, ``other`` the rest; ValueError if they exceed 1."""
    table_ = ds["end_products"]
    shares = dict.fromkeys(LIFE_SECTORS, 0.0)
    for sector, share in zip(table_["sector"], table_["share_of_magnet_demand"], strict=True):
        if str(sector) not in shares or str(sector) == "other":
            raise ValueError(f"end_products.csv: sector {sector!r} has no product lifetime "
                             f"(lifetimes: {', '.join(LIFE_SECTORS[:-1])})")  # fmt: skip
        shares[str(sector)] += float(share)
    named = sum(shares.values())
    if named > 1.0 + 1e-9:
        raise ValueError(f"end_products.csv: shares of magnet demand sum to {named:.3f}, above 1")
    shares["other"] = max(1.0 - named, 0.0)
    return np.array([shares[s] for s in LIFE_SECTORS])


def life_months(lives: list[Value]) -> Array:
    """[R or 1, S] mean lifetimes in months from the lifetime parameters in years; InputError
    naming the parameter when one is shorter than a month per stage of the chain."""
    for name, years in zip(LIFE_PARAMETERS, lives, strict=True):
        values = as_runs(years)
        if not np.isfinite(values).all() or (values * MONTHS_PER_YEAR < LIFE_ORDER).any():
            raise bad(name, f"product lifetime {first_run(years)} years is too short",
                      f"give at least {LIFE_ORDER / MONTHS_PER_YEAR:.2f} years")  # fmt: skip
    return table([as_runs(v) * MONTHS_PER_YEAR for v in lives], len(lives))


def steady_stock(use: Array, shares: Array, months: Array) -> Array:
    """Magnets in use in steady state with monthly use ``use`` [..., N, E]: [..., S, J, N, E],
    each stage of sector ``s`` holding its share of use times ``months[..., s]`` over the order
    (so every stage, and the chain, passes on as much as it takes in)."""
    per_stage = shares * months / LIFE_ORDER  # [..., S]
    held = per_stage[..., :, None, None, None] * use[..., None, None, :, :]
    return np.repeat(held, LIFE_ORDER, axis=-3)
