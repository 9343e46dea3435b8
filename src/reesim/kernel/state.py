"""Kernel outputs: one array per reported quantity, laid out [run, month, material, node, element]."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


#: Outputs per sector of final magnet use, [run, month, node, sector].
SECTORED = ("sector_demand", "sector_unmet", "sector_stock")
#: Outputs not shaped [run, month, material, node, element].
SHAPED = frozenset({"price", "trade", "floor_cost", "stockpile_cost", "project_output", *SECTORED})


@dataclass
class Outputs:
    """Monthly flows and stocks, t REO-equivalent (prices in USD/kg), for every run.

    - ``production``: output of the stage that makes each material (mining for concentrate);
    - ``imports`` / ``exports``: shipments received / sent;
    - ``feed``: material consumed by the next stage (concentrate by separation, ...);
    - ``consumption``: final use met; ``demand``: final use wanted; ``unmet`` = demand - consumption;
    - ``losses``: conversion losses of the stage making the material (input minus output);
    - ``inventory``: working stock at the end of the month; ``stockpile``: strategic stock;
    - ``released``: strategic stock released to the node: to its users in a shortage (from its own
      stockpiles and its allies'), and scheduled releases into its supply (at the holder);
    - ``recycled``: oxide recovered from end-of-life magnets (part of oxide ``production``);
    - ``transit``: goods under way to the node at the end of the month (shipped, not arrived);
      with shipment lags ``imports`` are what arrived in the month, ``exports`` what left;
    - ``price``: [run, month, material, market (0 China, 1 outside), element];
    - ``floor_cost``: [run, month] USD the price floors paid their producers;
    - ``stockpile_cost``: [run, month] USD strategic stockpiles paid for what they bought: each
      market's purchases of each material and element at the month's price there (the definition
      and its check from the other outputs: :mod:`reesim.results.purchases`);
    - ``project_output``: [run, month, project] t REO-equivalent per month each project made
      capacity for (0 before it is financed and built, when idle or cancelled);
    - ``sector_demand``, ``sector_unmet``: [run, month, node, sector] final magnet use wanted, and
      not met, by each final-use sector (all elements; see :mod:`reesim.model.sectors`);
      ``sector_stock``: each sector's magnet working stock at the end of the month;
    - ``trade``: bilateral shipments, kept only on request (large).
    """

    production: Array
    imports: Array
    exports: Array
    feed: Array
    consumption: Array
    demand: Array
    unmet: Array
    losses: Array
    inventory: Array
    stockpile: Array
    released: Array
    recycled: Array
    transit: Array
    price: Array
    floor_cost: Array
    stockpile_cost: Array
    project_output: Array
    sector_demand: Array
    sector_unmet: Array
    sector_stock: Array
    trade: Array | None = None  # [run, month, material, importer, exporter, element] if kept

    @classmethod
    def zeros(
        cls, runs: int, months: int, k: int, n: int, e: int, keep_trade: bool = False, projects: int = 0,
        sectors: int = 0,
    ) -> Outputs:  # fmt: skip
        """Allocate all outputs filled with zeros (bilateral trade only if ``keep_trade``)."""
        shape = (runs, months, k, n, e)
        values = {f.name: np.zeros(shape) for f in fields(cls) if f.name not in SHAPED}
        values |= {name: np.zeros((runs, months, n, sectors)) for name in SECTORED}
        trade = np.zeros((runs, months, k, n, n, e)) if keep_trade else None
        return cls(price=np.zeros((runs, months, k, 2, e)), trade=trade, floor_cost=np.zeros((runs, months)),
                   stockpile_cost=np.zeros((runs, months)), project_output=np.zeros((runs, months, projects)),
                   **values)  # fmt: skip


@dataclass
class Compact:
    """What Monte Carlo keeps of each run, reduced inside the kernel
    (:func:`reesim.kernel.fast.run_fast_series`).

    Places are rows of the ``members`` table passed in; items are magnets (all elements of the
    magnet material) then each element (all its final uses); t REO-equivalent per month unless
    stated.
    """

    demand: Array  # [R, T, places, 1 + E] final demand
    unmet: Array  # [R, T, places, 1 + E] final demand not met
    magnet_stock: Array  # [R, T, places] magnet working stock at the end of the month
    stockpile: Array  # [R, T, places] strategic stocks, every material
    released: Array  # [R, T, places] strategic stock released to the place (see Outputs), every material
    production_outside: Array  # [R, T, K] made outside the origin node (China)
    use_outside: Array  # [R, T, K] final demand plus next-stage input there
    price: Array  # [R, T, K, 2, E] USD/kg, markets China and outside
    floor_cost: Array  # [R, T] USD the price floors paid their producers (see Outputs)
    stockpile_cost: Array  # [R, T] USD strategic stockpiles paid for their purchases (see Outputs)
    alone_from: Array  # [R, K, E] month index from which output outside China covers use there, per
    # stage and element, to the end of the run (T: not by then); see :func:`reesim.results.measures`
    sector_demand: Array  # [R, T, places, J] final magnet demand of each final-use sector
    sector_unmet: Array  # [R, T, places, J] the part of it not met
