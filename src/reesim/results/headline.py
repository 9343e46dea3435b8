"""The headline table: per place and item, when shortages bite, how deep, how long stocks last,
what prices do, what is not built, and when (if ever) the chain outside China stands alone.

Computed per run from :func:`reesim.results.series.series`; with several runs each figure is
summarised as P10 / P50 / P90. Months are ``YYYY-MM`` labels; "none" means not within the horizon.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from reesim.results.central import CentralCheck
from reesim.results.measures import (
    MEASURES,
    alone_by_element,
    alone_by_grade,
    first_true,
    independence_month,
    probabilities_from,
)
from reesim.results.series import MAGNETS

#: Unmet share of demand below which a month does not count as short (rounding noise).
THRESHOLD = 0.005
#: Unmet share of a sector's magnet demand above which its plants count as stopped, where a
#: result does not carry the ``plant_stop_shortfall`` parameter (its default in parameters.csv).
PLANT_STOP = 0.05
#: Share of its peak below which a stockpile counts as used up.
DEPLETED = 0.01


@dataclass(frozen=True)
class Spread:
    """A figure over runs: P10, P50, P90 (equal for one run). ``nan`` where undefined."""

    p10: float
    p50: float
    p90: float

    @classmethod
    def of(cls, values: np.ndarray) -> Spread:
        finite = values[~np.isnan(values)]
        if finite.size == 0:
            return cls(math.nan, math.nan, math.nan)
        p10, p50, p90 = np.quantile(finite, [0.1, 0.5, 0.9], method="inverted_cdf")
        return cls(float(p10), float(p50), float(p90))


@dataclass(frozen=True)
class Row:
    """One line of the headline table (months as indices into the horizon; inf: never)."""

    place: str
    item: str
    first_shortfall: Spread
    peak_shortfall: Spread  # share of demand
    peak_month: Spread
    cumulative_unmet_t: Spread
    lowest_cover_months: Spread
    stockpile_depleted: Spread
    price_multiple: Spread
    not_built: dict[str, Spread] = field(default_factory=dict)
    # sector-months short above the plant_stop_shortfall parameter (magnets; nan: not computed)
    plants_stopped: Spread = field(default_factory=lambda: Spread(math.nan, math.nan, math.nan))


@dataclass(frozen=True)
class Headline:
    """The table, the allied-chain independence month, and the month labels to read them."""

    months: list[str]
    rows: list[Row]
    independence: Spread
    runs: int
    reference: float = math.nan  # month index of the scenario's first trade measure (nan: none)
    probabilities: dict[str, float] = field(default_factory=dict)  # runs > 1: chances of outcomes
    central_run: CentralCheck | None = None  # what the central run is; with runs > 1, how it departs
    floor_cost: Spread | None = None  # USD the price floors paid over the horizon (None: not computed)
    #: USD strategic stockpiles paid for their purchases over the horizon (None: not computed)
    stockpile_cost: Spread | None = None
    #: month index from which the chain outside China stands alone, per stage ("all" for every
    #: stage, then each stage) and per element and magnet grade; inf: not within the horizon
    stands_alone: dict[str, dict[str, Spread]] = field(default_factory=dict)

    def label(self, index: float) -> str:
        """Month label of an index (``none`` for inf or nan)."""
        if not math.isfinite(index):
            return "none"
        return self.months[min(round(index), len(self.months) - 1)]

    def months_after(self, index: float) -> float:
        """Months from the first trade measure to ``index`` (nan without a measure or an event)."""
        return index - self.reference if math.isfinite(index) else math.nan

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON and the results store (indices are months from the start)."""
        out: dict[str, Any] = {
            "months": self.months, "runs": self.runs, "independence": asdict(self.independence),
            "reference": self.reference, "probabilities": self.probabilities,
            "rows": [asdict(r) for r in self.rows],
        }  # fmt: skip
        if self.central_run is not None:
            out["central_run"] = self.central_run.to_dict()
        if self.floor_cost is not None:
            out["floor_cost"] = asdict(self.floor_cost)
        if self.stockpile_cost is not None:
            out["stockpile_cost"] = asdict(self.stockpile_cost)
        if self.stands_alone:
            out["stands_alone"] = {st: {k: asdict(v) for k, v in items.items()}
                                   for st, items in self.stands_alone.items()}  # fmt: skip
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Headline:
        """The inverse of :meth:`to_dict` (JSON turns inf into null, read back as inf)."""

        def spread(d: dict[str, Any]) -> Spread:
            return Spread(*(math.inf if d[k] is None else float(d[k]) for k in ("p10", "p50", "p90")))

        rows = []
        for r in data["rows"]:
            fields = {k: spread(v) for k, v in r.items() if isinstance(v, dict) and "p50" in v}
            not_built = {k: spread(v) for k, v in r.get("not_built", {}).items()}
            rows.append(Row(place=r["place"], item=r["item"], not_built=not_built, **fields))
        reference = data.get("reference")
        ref = math.nan if reference is None else float(reference)
        chances = dict(data.get("probabilities", {}))
        check = CentralCheck.from_dict(data["central_run"]) if data.get("central_run") else None
        paid = spread(data["floor_cost"]) if data.get("floor_cost") else None
        bought = spread(data["stockpile_cost"]) if data.get("stockpile_cost") else None
        alone = {st: {k: spread(v) for k, v in items.items()}
                 for st, items in data.get("stands_alone", {}).items()}  # fmt: skip
        return cls(list(data["months"]), rows, spread(data["independence"]), int(data["runs"]), ref, chances,
                   check, paid, bought, alone)  # fmt: skip


#: The key of every stage together in :attr:`Headline.stands_alone`.
ALL_STAGES = "all"

#: Per-run figures of each headline row, in :class:`Row` order.
FIGURES = ("first_shortfall", "peak_shortfall", "peak_month", "cumulative_unmet_t", "lowest_cover_months",
           "stockpile_depleted", "price_multiple", "plants_stopped")  # fmt: skip

#: Per-run figures: "place|item|figure", "place|item|not_built|product" and "alone:stage:item" -> [R]
Figures = dict[str, np.ndarray]


def run_figures(s: xr.Dataset) -> Figures:
    """Every per-run figure the headline summarises, for every place and item, plus the
    independence month (``independence``) and each named measure (``measure:NAME``).

    Monte Carlo batches compute these per chunk of runs and keep them instead of the series, so
    the headline of 100,000 runs is exact while memory holds a few kB per run.
    """
    places, items = [str(p) for p in s["place"].values], [str(i) for i in s["item"].values]
    demand = s["demand"].transpose("run", "month", "place", "item").values  # [R, T, P, I]
    unmet = s["unmet"].transpose("run", "month", "place", "item").values
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(demand > 0, unmet / np.where(demand > 0, demand, 1.0), 0.0)
    over = share > THRESHOLD
    first = first_true(np.moveaxis(over, 1, -1))  # [R, P, I]
    peak = share.max(axis=1)
    peak_at = np.where(peak > THRESHOLD, share.argmax(axis=1).astype(float), np.nan)
    cumulative = unmet.sum(axis=1)
    cover = s["cover"].transpose("run", "month", "place").values.min(axis=1)  # [R, P]
    pile = s["stockpile"].transpose("run", "month", "place").values  # [R, T, P]
    top = pile.max(axis=1, keepdims=True)
    after_peak = np.cumsum(pile >= top * (1 - 1e-12), axis=1) > 0
    depleted = first_true(np.moveaxis(after_peak & (pile <= DEPLETED * top) & (top > 0), 1, -1))
    depleted = np.where(top[:, 0] > 0, depleted, np.nan)  # [R, P]
    price = s["price_ratio"].transpose("run", "month", "item").values.max(axis=1)  # [R, I]
    lost = None
    if "units_not_built" in s:
        lost = s["units_not_built"].transpose("product", "run", "month", "place").values.sum(axis=2)
    nan = np.full(peak.shape[0], np.nan)
    stopped = np.full((peak.shape[0], len(places)), np.nan)  # [R, P]
    if "sector_unmet" in s:
        wants = s["sector_demand"].transpose("run", "month", "place", "sector").values
        lacks = s["sector_unmet"].transpose("run", "month", "place", "sector").values
        with np.errstate(divide="ignore", invalid="ignore"):
            lacking = np.where(wants > 0, lacks / np.where(wants > 0, wants, 1.0), 0.0)
        over = lacking > float(s.attrs.get("plant_stop_shortfall", PLANT_STOP))
        stopped = over.sum(axis=(1, 3)).astype(float)
    out: Figures = {}
    for p, place in enumerate(places):
        for i, item in enumerate(items):
            magnets = item == MAGNETS
            key = f"{place}|{item}|"
            out[key + "first_shortfall"] = first[:, p, i]
            out[key + "peak_shortfall"] = peak[:, p, i]
            out[key + "peak_month"] = peak_at[:, p, i]
            out[key + "cumulative_unmet_t"] = cumulative[:, p, i]
            out[key + "lowest_cover_months"] = cover[:, p] if magnets else nan
            out[key + "stockpile_depleted"] = depleted[:, p]
            out[key + "price_multiple"] = price[:, i]
            out[key + "plants_stopped"] = stopped[:, p] if magnets else nan
            if magnets and lost is not None:
                for j, product in enumerate(s["product"].values):
                    out[f"{key}not_built|{product}"] = lost[j, :, p]
    out["independence"] = independence_month(s)
    if "alone_from" in s:
        for stage in [None, *(str(st) for st in s["stage"].values)]:
            key = f"alone:{stage or ALL_STAGES}:"
            by_element, by_grade = alone_by_element(s, stage), alone_by_grade(s, stage)
            for e, element in enumerate(s["element"].values):
                out[f"{key}{element}"] = by_element[:, e]
            for g, grade in enumerate(s["grade"].values):
                out[f"{key}{grade}"] = by_grade[:, g]
    for name, (fn, _) in MEASURES.items():
        out[f"measure:{name}"] = np.asarray(fn(s), dtype=float)
    return {k: np.ascontiguousarray(v, dtype=float) for k, v in out.items()}


def join_figures(parts: list[Figures]) -> Figures:
    """Figures of several chunks of runs, in chunk order."""
    if not parts:
        return {}
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def headline(s: xr.Dataset, items: list[str] | None = None, reference: float = math.nan) -> Headline:
    """Headline rows for every place: magnets always, elements where any run is short."""
    months = [str(m) for m in s["month"].values]
    places = [str(p) for p in s["place"].values]
    all_items = [str(i) for i in s["item"].values]
    return summarise(run_figures(s), months, places, all_items, items, reference)


def summarise(
    figures: Figures, months: list[str], places: list[str], all_items: list[str],
    items: list[str] | None = None, reference: float = math.nan,
) -> Headline:  # fmt: skip
    """The headline from per-run figures (:func:`run_figures`, possibly joined over chunks)."""
    rows = []
    for place in places:
        for item in all_items:
            key = f"{place}|{item}|"
            short = bool((figures[key + "peak_shortfall"] > THRESHOLD).any())
            if item != MAGNETS and not short and item not in (items or []):
                continue
            spreads = {name: Spread.of(figures[key + name]) for name in FIGURES}
            not_built = {
                k.removeprefix(key + "not_built|"): Spread.of(v)
                for k, v in figures.items()
                if k.startswith(key + "not_built|")
            }
            rows.append(Row(place=place, item=item, not_built=not_built, **spreads))
    runs = int(figures["independence"].size)
    chances = probabilities_from(figures, months) if runs > 1 else {}
    paid = figures.get("measure:floor_cost_usd")
    bought = figures.get("measure:stockpile_cost_usd")
    if bought is not None and not np.isfinite(bought).any():
        bought = None  # series stored without it
    alone: dict[str, dict[str, Spread]] = {}
    for key, values in figures.items():
        if key.startswith("alone:"):
            _, stage, item = key.split(":")
            alone.setdefault(stage, {})[item] = Spread.of(values)
    return Headline(months, rows, Spread.of(figures["independence"]), runs, reference, chances,
                    floor_cost=None if paid is None else Spread.of(paid),
                    stockpile_cost=None if bought is None else Spread.of(bought),
                    stands_alone=alone)  # fmt: skip
