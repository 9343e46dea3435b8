"""Final-use sectors of magnets: each node's magnet demand split among sectors, and the share of
the node's magnet working stock each sector holds.

The sectors are the rows of the dataset's ``end_products`` table (their shares of magnet demand;
defence at ``defence_share_of_magnet_demand``, as the baseline's defence share) and ``other``, the
rest of magnet demand (electronics, appliances and every use no row names). A sector with a cover
parameter (``sector_cover_<sector>``, months of its own demand) holds that cover; the sectors
without one hold what is left of the node's working stock (``working_stock_months`` of its
demand), in equal months, so the node's working stock stays what it is without sectors. Both
kernels read the shares as they are here: a sector's stock is the node's magnet working stock
times its share (:data:`Sectors.hold`), and it is used by that sector only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reesim.dataset.model import Dataset
from reesim.errors import InputError, Problem
from reesim.model.baseline import Baseline
from reesim.model.perrun import Value, as_runs

Array = NDArray[np.float64]

#: The sector that takes the magnet demand no ``end_products`` row names.
OTHER = "other"
#: Prefix of the parameters giving a sector's working-stock cover in months of its own demand.
COVER_PREFIX = "sector_cover_"


@dataclass(frozen=True)
class Sectors:
    """Final-use sectors of magnets at every node. J sectors, N nodes."""

    names: tuple[str, ...]  # [J] sector ids: the end_products rows, then ``other``
    share: Array  # [N, J] share of the node's final magnet demand (rows sum to 1)
    hold: Array  # [R or 1, N, J] share of the node's magnet working stock each sector holds
    cover: Array  # [R or 1, N, J] months of its own demand each sector's stock target covers


def cover_parameters(ds: Dataset) -> tuple[str, ...]:
    """The ``sector_cover_<sector>`` parameters of the dataset, in ``parameters.csv`` order."""
    return tuple(n for n in ds.parameter_defaults() if n.startswith(COVER_PREFIX))


def sector_shares(ds: Dataset, base: Baseline) -> tuple[tuple[str, ...], Array]:
    """(names [J], shares [N, J]) of each node's final magnet demand; InputError naming the
    ``end_products`` line when the shares sum above 1."""
    table = ds["end_products"]
    names, shares, lines = [], [], []
    for row in table.itertuples(index=False):
        names.append(str(row.sector))
        shares.append(float(str(row.share_of_magnet_demand)))
        lines.append(int(getattr(row, "line", 0)) or None)
    n_n = base.dims.n_nodes
    out = np.zeros((n_n, len(names) + 1))
    for j, (name, share) in enumerate(zip(names, shares, strict=True)):
        out[:, j] = base.defence_share if name == "defence" else share
    rest = 1.0 - out[:, :-1].sum(axis=1)
    if (rest < -1e-9).any():
        total = 1.0 - float(rest.min())
        raise InputError([Problem("end_products.csv", lines[-1] if lines else None, "share_of_magnet_demand",
                                  f"sector shares sum to {total:.3f} of magnet demand, above 1",
                                  "the shares of the sectors must leave a rest for other uses")])  # fmt: skip
    out[:, -1] = np.maximum(rest, 0.0)
    return (*names, OTHER), out


def build_sectors(ds: Dataset, base: Baseline, parameter: dict[str, Value]) -> Sectors:
    """The sectors with their covers and stock shares; ``parameter`` holds ``working_stock_months``
    and the ``sector_cover_*`` values (floats or per-run arrays)."""
    names, share = sector_shares(ds, base)
    stock_months = as_runs(parameter["working_stock_months"])  # [R or 1]
    given = {n.removeprefix(COVER_PREFIX): as_runs(parameter[n]) for n in cover_parameters(ds)}
    for name in given:
        if name not in names:
            raise InputError([Problem("parameters.csv", None, f"{COVER_PREFIX}{name}", f"no sector {name!r}",
                                      f"sectors: {', '.join(names)}")])  # fmt: skip
    runs = max([stock_months.size, *(v.size for v in given.values())])
    n_n, j_n = share.shape
    cover = np.zeros((runs, n_n, j_n))
    fixed = np.zeros(j_n, dtype=bool)
    for j, name in enumerate(names):
        if name in given:
            cover[:, :, j] = np.broadcast_to(given[name], (runs,))[:, None]
            fixed[j] = True
    # The sectors without a cover of their own hold the rest of the node's working stock.
    months = np.broadcast_to(stock_months, (runs,))[:, None]
    held = (cover * share[None]).sum(axis=2)  # [R, N] months of the node's demand the fixed ones hold
    free = share[:, ~fixed].sum(axis=1)[None]  # [1, N]
    rest = np.divide(np.maximum(months - held, 0.0), free, out=np.zeros_like(held), where=free > 0)
    cover[:, :, ~fixed] = rest[:, :, None]
    return Sectors(names=names, share=share, hold=stock_shares(share, cover), cover=cover)


def stock_shares(share: Array, cover: Array) -> Array:
    """[R, N, J] share of the node's stock each sector holds: demand share x cover, normalised
    (demand shares where no sector holds anything)."""
    weight = share[None] * cover
    total = weight.sum(axis=2, keepdims=True)
    return np.where(total > 0, weight / np.where(total > 0, total, 1.0), share[None])
