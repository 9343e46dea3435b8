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

from reesim.results.series import MAGNETS

#: Unmet share of demand below which a month does not count as short (rounding noise).
THRESHOLD = 0.005
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


@dataclass(frozen=True)
class Headline:
    """The table, the allied-chain independence month, and the month labels to read them."""

    months: list[str]
    rows: list[Row]
    independence: Spread
    runs: int
    reference: float = math.nan  # month index of the scenario's first trade measure (nan: none)
    probabilities: dict[str, float] = field(default_factory=dict)  # runs > 1: chances of outcomes

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
        return {"months": self.months, "runs": self.runs, "independence": asdict(self.independence),
                "reference": self.reference, "probabilities": self.probabilities,
                "rows": [asdict(r) for r in self.rows]}  # fmt: skip

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
        return cls(list(data["months"]), rows, spread(data["independence"]), int(data["runs"]), ref, chances)


def _first(mask: np.ndarray) -> np.ndarray:
    """Index of the first True along the last axis; inf where none."""
    hit = mask.any(axis=-1)
    return np.where(hit, mask.argmax(axis=-1).astype(float), np.inf)


def independence_month(s: xr.Dataset, stage: str | None = None) -> np.ndarray:
    """Per run: first month from which production outside China covers use outside China at
    every stage (or at ``stage``) for the rest of the horizon (inf: not within the horizon)."""
    prod, use = s["production_outside"], s["use_outside"]
    if stage is not None:
        prod, use = prod.sel(stage=[stage]), use.sel(stage=[stage])
    ok = (prod >= use * (1 - 1e-9)).all("stage").values  # [R, T]
    holds = np.flip(np.logical_and.accumulate(np.flip(ok, axis=1), axis=1), axis=1)
    return _first(holds)


def headline(s: xr.Dataset, items: list[str] | None = None, reference: float = math.nan) -> Headline:
    """Headline rows for every place: magnets always, elements where any run is short."""
    share = (s["unmet"] / s["demand"].where(s["demand"] > 0)).fillna(0.0)  # [R, T, P, I]
    short = (share > THRESHOLD).any(("run", "month"))
    rows = []
    for place in s["place"].values:
        for item in s["item"].values:
            if item != MAGNETS and not bool(short.sel(place=place, item=item)) and item not in (items or []):
                continue
            rows.append(_row(s, share, str(place), str(item)))
    months = [str(m) for m in s["month"].values]
    from reesim.results.measures import probabilities

    return Headline(
        months, rows, Spread.of(independence_month(s)), s.sizes["run"], reference, probabilities(s)
    )


def _row(s: xr.Dataset, share: xr.DataArray, place: str, item: str) -> Row:
    sh = share.sel(place=place, item=item).values  # [R, T]
    first = _first(sh > THRESHOLD)
    peak = sh.max(axis=1)
    peak_at = np.where(peak > THRESHOLD, sh.argmax(axis=1).astype(float), np.nan)
    cumulative = s["unmet"].sel(place=place, item=item).sum("month").values
    magnets = item == MAGNETS
    cover = s["cover"].sel(place=place).min("month").values if magnets else np.full(sh.shape[0], np.nan)
    pile = s["stockpile"].sel(place=place).values  # [R, T]
    top = pile.max(axis=1, keepdims=True)
    after_peak = np.cumsum(pile >= top * (1 - 1e-12), axis=1) > 0
    depleted = _first(after_peak & (pile <= DEPLETED * top) & (top > 0))
    depleted = np.where(top[:, 0] > 0, depleted, np.nan)
    price = s["price_ratio"].sel(item=item).max("month").values
    not_built = {}
    if magnets and "units_not_built" in s:
        for product in s["product"].values:
            total = s["units_not_built"].sel(product=product, place=place).sum("month").values
            not_built[str(product)] = Spread.of(total)
    return Row(
        place=place, item=item, first_shortfall=Spread.of(first), peak_shortfall=Spread.of(peak),
        peak_month=Spread.of(peak_at), cumulative_unmet_t=Spread.of(cumulative),
        lowest_cover_months=Spread.of(cover), stockpile_depleted=Spread.of(depleted),
        price_multiple=Spread.of(price), not_built=not_built,
    )  # fmt: skip
