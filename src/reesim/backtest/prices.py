"""The price backtests: which criteria each case checks, on which series, and their evaluation.

Simulated prices are the model's oxide prices (USD/kg) by month. An index is the price in the
scenario over the price in the same month of the run without the policy (the base-year price p0
while nothing else moves), so 1 = no effect. Observed series come from ``price_moves``
(:mod:`reesim.backtest.observed`). Checks are declared per case in :data:`PRICE_CHECKS`;
:func:`price_criteria` runs a case and returns one :class:`~reesim.backtest.criteria.Criterion`
per rule and series.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import xarray as xr

from reesim.backtest.criteria import (
    Criterion,
    direction,
    fall_by,
    flat_within,
    mean_near,
    one_swing,
    peak_size,
    peak_timing,
    rise_in,
)
from reesim.backtest.observed import index_over, price_history, price_rows
from reesim.dataset.model import Dataset
from reesim.model.baseline import Baseline

APRIL_TO_DECEMBER = tuple(f"2025-{m:02d}" for m in range(4, 13))
AUGUST_TO_DECEMBER = tuple(f"2025-{m:02d}" for m in range(8, 13))


@dataclass(frozen=True)
class HistoryCheck:
    """A price episode outside China: direction, peak timing and size, the later fall, and one
    swing (a rise and a fall without cycles of the model's own).

    Observed: FOB China export price over its ``base_year`` average; simulated: monthly index."""

    element: str
    label: str
    base_year: str = "2009"
    later_year: str = "2014"
    tolerance_months: int = 3
    factor: float = 2.0
    swing_limit: float = 1.5


@dataclass(frozen=True)
class RiseCheck:
    """Outside China in ``month``: simulated index within ``factor`` of the observed rise, which is
    the European quote of ``month`` over that of ``reference`` (the month before the policy)."""

    element: str
    label: str
    month: str = "2025-05"
    reference: str = "2025-04"
    factor: float = 2.0


@dataclass(frozen=True)
class FlatCheck:
    """China's domestic price stays within ``band`` of flat in every month of ``months``."""

    element: str
    label: str
    months: tuple[str, ...] = APRIL_TO_DECEMBER
    reference: str = "2025-04"
    band: float = 0.2


@dataclass(frozen=True)
class NearCheck:
    """NdPr oxide outside China: the simulated mean price over ``months`` within ``band`` of the
    mean of every NdPr and Nd oxide quote outside China in those months (any basis, USD/kg).

    Simulated NdPr is the weighted mean of the model's Nd and Pr oxide prices outside China."""

    label: str
    months: tuple[str, ...] = AUGUST_TO_DECEMBER
    band: float = 0.25
    floor: float = 110.0  # USD/kg, the US price floor for NdPr oxide from July 2025
    weights: Mapping[str, float] = field(default_factory=lambda: {"Nd": 0.75, "Pr": 0.25})


PriceCheck = HistoryCheck | RiseCheck | FlatCheck | NearCheck

PRICE_CHECKS: dict[str, tuple[PriceCheck, ...]] = {
    "prices-2009-2014": (
        HistoryCheck("Nd", "Nd oxide outside China"),
        HistoryCheck("Dy", "Dy oxide outside China"),
        HistoryCheck("Ce", "Ce oxide outside China"),
    ),
    "april-2025": (
        RiseCheck("Dy", "Dy oxide outside China"),
        RiseCheck("Tb", "Tb oxide outside China"),
        FlatCheck("Dy", "Dy oxide in China"),
        FlatCheck("Tb", "Tb oxide in China"),
        NearCheck("NdPr oxide outside China"),
    ),
}


def _monthly(values: xr.DataArray) -> pd.Series:
    return pd.Series(values.values.astype(float), index=[str(m) for m in values["month"].values])


def simulated_price(result: xr.Dataset, element: str, market: str) -> pd.Series:
    """Monthly oxide price of ``element`` in ``market`` (``china`` or ``outside``), USD/kg."""
    return _monthly(result["price"].isel(run=0).sel(material="oxide", market=market, element=element))


def simulated_index(with_policy: xr.Dataset, without: xr.Dataset, element: str, market: str) -> pd.Series:
    """Monthly price with the policy over the price without it (1 = no effect)."""
    ratio = simulated_price(with_policy, element, market) / simulated_price(without, element, market)
    return ratio.where(ratio.notna(), 1.0)


def ndpr_price(result: xr.Dataset, weights: Mapping[str, float]) -> pd.Series:
    """Monthly NdPr oxide price outside China (USD/kg): the ``weights``-weighted mean of the
    model's element oxide prices there (Nd 0.75, Pr 0.25 by default, the didymium ratio)."""
    total = sum(weights.values())
    parts = [simulated_price(result, el, "outside") * (w / total) for el, w in weights.items()]
    out = parts[0]
    for part in parts[1:]:
        out = out + part
    return out


def observed_rise(ds: Dataset, element: str, month: str, reference: str) -> float | None:
    """Observed index outside China: the European quote of ``month`` over that of ``reference``."""
    rows = price_rows(ds, element, "outside", basis=["europe"], first=reference, last=month)
    mid = dict(zip(rows["period"], rows["mid"], strict=False))
    if month not in mid or reference not in mid:
        return None
    return float(mid[month]) / float(mid[reference])


def observed_china_index(ds: Dataset, element: str, reference: str) -> dict[str, float]:
    """China's domestic quotes by month over the ``reference`` month's (index rows as reported)."""
    rows = price_rows(ds, element, "china", basis=["domestic"])
    priced = rows[(rows["period"] == reference) & (rows["unit"] != "index")]
    if priced.empty:
        return {}
    unit = str(priced["unit"].iloc[0])
    return {str(k): float(v) for k, v in index_over(rows, float(priced["mid"].iloc[0]), unit).items()}


def observed_ndpr_mean(ds: Dataset, months: tuple[str, ...]) -> float | None:
    """Mean midpoint (USD/kg) of NdPr and Nd oxide quotes outside China in ``months``."""
    rows = pd.concat(
        [price_rows(ds, el, "outside", first=months[0], last=months[-1]) for el in ("Nd;Pr", "Nd")]
    )
    rows = rows[(rows["unit"] == "usd_per_kg") & rows["period"].isin(months)]
    return float(rows["mid"].mean()) if len(rows) else None


def evaluate(
    case: str, check: PriceCheck, ds: Dataset, with_policy: xr.Dataset, without: xr.Dataset
) -> list[Criterion]:
    """The criteria of one check on one case's simulations."""
    label = check.label
    if isinstance(check, HistoryCheck):
        obs = price_history(ds, check.element, check.base_year, check.later_year)
        sim = simulated_index(with_policy, without, check.element, "outside")
        sim = sim[[m for m in sim.index if check.base_year < m[:4] <= check.later_year]]
        bound = "" if obs.peak_dated else "observed peak undated: the highest quote found, a lower bound"
        return [
            direction(sim, case=case, series=label),
            peak_timing(obs.peak_month if obs.peak_dated else None, sim, check.tolerance_months,
                        case=case, series=label),
            peak_size(obs.peak_ratio, sim, check.factor, case=case, series=label, note=bound),
            fall_by(obs.fall, sim, check.later_year, check.factor, case=case, series=label, note=bound),
            one_swing(sim, check.swing_limit, case=case, series=label),
        ]  # fmt: skip
    if isinstance(check, RiseCheck):
        rise = observed_rise(ds, check.element, check.month, check.reference)
        sim = simulated_index(with_policy, without, check.element, "outside")
        if rise is None:
            return [Criterion(case, label, "rise", f"simulated {check.month} index within x{check.factor:g} "
                              "of observed", None, None, None, "no observation")]  # fmt: skip
        return [rise_in(rise, sim, check.month, check.factor, case=case, series=label)]
    if isinstance(check, FlatCheck):
        sim = simulated_index(with_policy, without, check.element, "china")
        observed = observed_china_index(ds, check.element, check.reference)
        return [flat_within(sim, check.months, check.band, observed, case=case, series=label)]
    usd = ndpr_price(with_policy, check.weights)
    mix = ", ".join(f"{w:g} {el}" for el, w in check.weights.items())
    note = f"US floor {check.floor:g} USD/kg; simulated = {mix}"
    return [mean_near(observed_ndpr_mean(ds, check.months), usd, check.months, check.band, case=case,
                      series=label, note=note)]  # fmt: skip


def price_criteria(name: str, ds: Dataset, base: Baseline) -> list[Criterion]:
    """Simulate case ``name`` (with and without its policy) and evaluate its price criteria."""
    from reesim.backtest.fit import simulate

    checks = PRICE_CHECKS.get(name, ())
    if not checks:
        return []
    with_policy, without = simulate(name, ds, base)
    return [c for check in checks for c in evaluate(name, check, ds, with_policy, without)]
