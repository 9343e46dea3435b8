"""What the kinds' compile steps share: the :class:`Builder` they add to, and labels -> indices.

:func:`reesim.model.compile.compile_scenario` makes one :class:`Builder` per scenario and hands it
to each engine instrument's compile step in turn. A step turns its labels (countries, blocs,
materials, elements, dates) into indices with the methods here, which raise
:class:`~reesim.errors.InputError` naming the field of a label that does not exist, and then
multiplies into the per-run tables (demand, floors, recycling, release thresholds) or appends a
rule (controls, quotas, stockpiles, projects). Tables have a leading run axis of 1 row (every run
the same) or R rows (one per run); :func:`reesim.model.perrun.grow` widens them when a step's
numbers are per run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from reesim.dataset.model import Dataset
from reesim.errors import InputError, Problem
from reesim.model.baseline import Baseline
from reesim.model.controls import Rule
from reesim.model.dims import MATERIALS, Dims
from reesim.model.growth import Growth, growth, leads
from reesim.model.limits import StockRule
from reesim.model.outlook import demand_growth
from reesim.model.perrun import Array, Value, as_runs
from reesim.model.scenario import Scenario, month_index

#: (exporter, first month, end month, covers [K, E], weight [K, E], t/yr, split by asks): see
#: :mod:`reesim.model.limits`.
QuotaRule = tuple[int, int, int, NDArray[np.bool_], Array, Value, bool]
#: (producer, first month, end month, covers [K, E], share of base-year output): see
#: :mod:`reesim.model.limits`.
CapRule = tuple[int, int, int, NDArray[np.bool_], Value]
#: (node, material, t/month at nameplate, start month index, ramp months, opex USD/kg, offtake,
#: private capex USD (capex less public funding), committed (financed before the scenario starts),
#: names it goes by (its id, then its facility's), element mix of its output [E]).
ProjectRow = tuple[int, int, Value, Value, Value, Value, bool, Value, bool, tuple[str, ...], Array]


def bad(field: str, message: str, hint: str) -> InputError:
    """The error for one bad scenario field."""
    return InputError([Problem("scenario", None, field, message, hint)])


def resolve_places(ds: Dataset, dims: Dims, names: tuple[str, ...], field: str) -> list[int]:
    """Node indices for countries, nodes or bloc ids; raises InputError naming unknown ones."""
    blocs = ds.blocs
    out: set[int] = set()
    for name in names:
        members = blocs.loc[blocs["bloc"] == name, "iso3"]
        codes = [str(m) for m in members] if not members.empty else [name]
        for code in codes:
            try:
                out.add(dims.node(code))
            except KeyError:
                known = sorted(set(dims.nodes) | set(blocs["bloc"]))
                from reesim.dataset.parse import did_you_mean

                raise bad(field, f"unknown country or bloc {code!r}", did_you_mean(code, known)) from None
    return sorted(out)


def _growth(scenario: Scenario, ds: Dataset, base: Baseline, parameter: dict[str, Value]) -> Growth:
    """The scenario's growth tables: its outlook's demand index, and its value as far ahead
    (per run, material and element) as producers run ahead of it (:func:`reesim.model.growth.leads`,
    in ``working_stock_months``)."""
    t_n = scenario.months
    stock_months = as_runs(parameter["working_stock_months"])
    lead = leads(base)  # [K, E] in working stocks
    extra = int(np.ceil(float(np.max(stock_months)) * float(lead.max()))) + 1
    longer = demand_growth(ds, scenario.demand_outlook, scenario.start, t_n + extra)
    months = np.arange(t_n + extra, dtype=float)
    at = (
        np.arange(t_n, dtype=float)[None, :, None, None]
        + stock_months[:, None, None, None] * lead[None, None]
    )
    ahead = np.interp(at.ravel(), months, longer).reshape(at.shape)  # [R or 1, T, K, E]
    outside = as_runs(parameter["outside_growth_share"])
    if outside.size > 1 and np.ptp(outside) > 0:
        raise bad("parameters.outside_growth_share", "must be one value for every run", "give a number")
    if not 0.0 <= float(outside[0]) <= 1.0:
        raise bad("parameters.outside_growth_share", f"{float(outside[0])} is not a share", "give 0 to 1")
    return growth(base, longer[:t_n], ahead, float(outside[0]))


@dataclass
class Builder:
    """One scenario's compile under way: the tables and rules its instruments have added so far.

    T months, K materials, N nodes, E elements; R runs (1 when every run is the same).
    """

    scenario: Scenario
    ds: Dataset
    base: Baseline
    parameter: dict[str, Value]  # SCENARIO_PARAMETERS by name: scenario overrides, else the dataset's
    demand: Array  # [R or 1, T, K, N] multiplier on base final demand
    floor: Array  # [R or 1, T, K, E] minimum outside-China price, USD/kg (0: none)
    collect: Array  # [R or 1, T, N] share of end-of-life magnets collected for rare-earth recovery
    recover: Array  # [R or 1, T, N] share of the collected magnets' rare earths recovered as oxide
    release_threshold: Array  # [R or 1, N] shortfall share that releases a stockpile (nan: parameter)
    grown: Growth  # the outlook's growth of demand and of the producers that grow with it
    controls: list[Rule] = field(default_factory=list)
    quota_rules: list[QuotaRule] = field(default_factory=list)
    cap_rules: list[CapRule] = field(default_factory=list)
    stock_rules: list[StockRule] = field(default_factory=list)
    projects: list[ProjectRow] = field(default_factory=list)
    floor_producers: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)  # (material, names)

    @classmethod
    def start(cls, scenario: Scenario, ds: Dataset, base: Baseline, parameter: dict[str, Value]) -> Builder:
        """Tables with no instrument applied: demand along the scenario's demand outlook and the
        producers that grow with it (:mod:`reesim.model.growth`), no floors, the end-of-life
        collection and recovery at their parameters everywhere, every stockpile at the
        parameter's threshold."""
        t_n, n_n, e_n = scenario.months, base.dims.n_nodes, base.dims.n_elements
        grown = _growth(scenario, ds, base, parameter)
        return cls(
            scenario=scenario, ds=ds, base=base, parameter=parameter, grown=grown,
            demand=grown.demand.copy(), floor=np.zeros((1, t_n, len(MATERIALS), e_n)),
            collect=as_runs(parameter["eol_collection_rate"])[:, None, None] * np.ones((1, t_n, n_n)),
            recover=as_runs(parameter["eol_recovery_rate"])[:, None, None] * np.ones((1, t_n, n_n)),
            release_threshold=np.full((1, n_n), np.nan),
        )  # fmt: skip

    @property
    def dims(self) -> Dims:
        """The base year's nodes and elements."""
        return self.base.dims

    @property
    def t_n(self) -> int:
        """Months simulated (T)."""
        return self.scenario.months

    @property
    def n_n(self) -> int:
        """Nodes (N)."""
        return self.dims.n_nodes

    @property
    def e_n(self) -> int:
        """Elements (E)."""
        return self.dims.n_elements

    def month(self, date: str) -> int:
        """Month index of ``date`` from the scenario's start (negative if before)."""
        return month_index(date, self.scenario.start)

    def window(self, start: str, end: str | None) -> tuple[int, int]:
        """Month indices from ``start`` (inclusive) to ``end`` (exclusive; ``None``: the horizon).

        Not clipped: a control that started before the run counts its review from its own start.
        """
        s = self.month(start)
        e = self.month(end) if end else self.t_n
        if end and e < s:
            raise bad("end", f"end {end} is before start {start}", "swap the dates")
        return s, e

    def span(self, start: str, end: str | None) -> slice:
        """The slice of the horizon's months from ``start`` until ``end`` (see :meth:`window`)."""
        s, e = self.window(start, end)
        return slice(min(max(s, 0), self.t_n), min(max(e, 0), self.t_n))

    def places(self, names: tuple[str, ...], field: str) -> list[int]:
        """Node indices of countries, nodes or blocs (see :func:`resolve_places`)."""
        return resolve_places(self.ds, self.dims, names, field)

    def places_or_all(self, names: tuple[str, ...], field: str) -> list[int]:
        """Node indices of ``names``; every node when ``names`` is empty."""
        return self.places(names, field) if names else list(range(self.n_n))

    def one_node(self, name: str, field: str) -> int:
        """The node of one country or node (not a bloc); InputError naming the field otherwise."""
        nodes = self.places((name,), field)
        if len(nodes) != 1:
            raise bad(field, f"{name!r} names {len(nodes)} nodes, not one", "give a single country or node")
        return nodes[0]

    def materials(self, names: tuple[str, ...], field: str) -> list[int]:
        """Material indices of engine material names."""
        out = []
        for name in names:
            if name not in MATERIALS:
                raise bad(field, f"unknown material {name!r}", f"use one of {', '.join(MATERIALS)}")
            out.append(MATERIALS.index(name))
        return out

    def elements(self, names: tuple[str, ...], field: str) -> list[int]:
        """Element indices of element symbols; every element when ``names`` is empty."""
        if not names:
            return list(range(self.e_n))
        out = []
        for name in names:
            try:
                out.append(self.dims.element(name))
            except KeyError:
                from reesim.dataset.parse import did_you_mean

                raise bad(
                    field, f"unknown element {name!r}", did_you_mean(name, self.dims.elements)
                ) from None
        return out
