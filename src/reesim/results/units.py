"""The unit of every variable a run stores, for exports that say what their numbers are.

A stored run's tables are long tables (their dimensions as columns, then ``value``) named
``series_<variable>``, ``central_<variable>`` or ``full_<variable>``; the variables are those of
the engine's outputs (:class:`reesim.kernel.state.Outputs`), the compact series
(:mod:`reesim.results.series`) and the central run's summary. ``reesim runs export`` writes each
table with a ``unit`` column from :func:`unit_of`, so a CSV or Parquet file read on its own still
says that ``value`` is t REO-equivalent per month, USD/kg or months of demand.
"""

from __future__ import annotations

from reesim.results.conventions import VARIABLES

#: Flows of material: t REO-equivalent per month.
FLOW = "t REO-eq/month"
#: Stocks held at the end of a month: t REO-equivalent.
STOCK = "t REO-eq"

#: How an export spells each CF unit of :data:`reesim.results.conventions.VARIABLES` (the
#: others are written as they are).
_SPELLED = {
    "t/month": FLOW,
    "t": STOCK,
    "1/month": "product units/month",
    "1": "ratio to base year",
    "months": "months of demand",
}

#: Variable -> unit: the result's CF units, spelled for a file read on its own, and the trade
#: flows a full run stores.
UNITS: dict[str, str] = {name: _SPELLED.get(unit, unit) for name, (unit, _) in VARIABLES.items()} | {
    "trade": FLOW
}

#: Prefixes of a stored table's name: which group of a run's outputs it belongs to.
PREFIXES = ("series_", "central_", "full_")


def variable_of(table: str) -> str:
    """The variable a stored table holds: its name without the group prefix."""
    for prefix in PREFIXES:
        if table.startswith(prefix):
            return table.removeprefix(prefix)
    return table


def unit_of(table: str) -> str:
    """The unit of a stored table's ``value`` column ("" for a variable with no unit listed)."""
    return UNITS.get(variable_of(table), "")
