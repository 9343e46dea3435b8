"""Pass/miss criteria for simulated prices against observed ones.

Every criterion takes a simulated index (a :class:`pandas.Series` of floats by period label,
``YYYY-MM``; 1 = the price without the policy) or simulated prices in USD/kg, and observed
numbers, and returns a :class:`Criterion`: the rule in words, the observed and simulated numbers,
and whether the model passes (``None`` where there is no observation to compare with).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

#: Deviation from 1 below which a simulated index counts as flat.
FLAT = 0.02


@dataclass(frozen=True)
class Criterion:
    """One check of a price series: the rule, the two values compared and the verdict.

    ``observed`` and ``simulated`` are numbers (an index, a ratio or USD/kg, as the rule says) or
    month labels (peak timing); ``None`` where there is nothing to show.
    """

    case: str
    series: str
    name: str  # "direction", "peak timing", "peak size", "fall", "one swing", "rise", "flat", "near"
    rule: str  # the rule in words
    observed: float | str | None
    simulated: float | str | None
    passed: bool | None  # None: no observation (or no simulated month) to compare with
    note: str = ""

    @property
    def verdict(self) -> str:
        """``pass``, ``miss`` or ``no data``."""
        return "no data" if self.passed is None else ("pass" if self.passed else "miss")


def shown(value: float | str | None) -> str:
    """A criterion value for a table: numbers to three significant figures, ``-`` for none."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return f"{value:.3g}" if math.isfinite(value) else "-"


def within_factor(simulated: float, observed: float, factor: float) -> bool:
    """Whether ``simulated`` lies within ``factor`` (a multiple >= 1) of ``observed``."""
    if not (observed > 0 and simulated > 0 and math.isfinite(simulated) and math.isfinite(observed)):
        return False
    return 1.0 / factor <= simulated / observed <= factor


def months_between(a: str, b: str) -> int:
    """Months from ``a`` to ``b`` (both ``YYYY-MM``)."""
    return (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7])


def _peak(sim: pd.Series) -> tuple[str, float]:
    i = int(np.argmax(sim.to_numpy(dtype=float)))
    return str(sim.index[i]), float(sim.iloc[i])


def direction(sim: pd.Series, *, case: str = "", series: str = "") -> Criterion:
    """The simulated index rises: its highest value is more than :data:`FLAT` above 1."""
    month, top = _peak(sim)
    return Criterion(case, series, "direction", f"simulated peak index > {1 + FLAT:g} (a rise)", "rise",
                     top, top > 1 + FLAT, f"simulated peak in {month}")  # fmt: skip


def peak_timing(
    observed_month: str | None, sim: pd.Series, tolerance: int = 3, *, case: str = "", series: str = ""
) -> Criterion:
    """The simulated peak month lies within ``tolerance`` months of the observed peak month."""
    month, _ = _peak(sim)
    rule = f"simulated peak month within {tolerance} months of observed"
    if observed_month is None:
        return Criterion(case, series, "peak timing", rule, None, month, None, "no dated observed peak")
    error = months_between(observed_month, month)
    return Criterion(case, series, "peak timing", rule, observed_month, month, abs(error) <= tolerance,
                     f"{error:+d} months")  # fmt: skip


def peak_size(
    observed_ratio: float, sim: pd.Series, factor: float = 2.0, *, case: str = "", series: str = "",
    note: str = "",
) -> Criterion:  # fmt: skip
    """The simulated peak index lies within ``factor`` of the observed peak over its base level."""
    month, top = _peak(sim)
    return Criterion(case, series, "peak size", f"simulated peak index within x{factor:g} of observed",
                     observed_ratio, top, within_factor(top, observed_ratio, factor),
                     "; ".join(n for n in (f"simulated peak in {month}", note) if n))  # fmt: skip


def fall_by(
    observed_fall: float, sim: pd.Series, year: str, factor: float = 2.0, *, case: str = "",
    series: str = "", note: str = "",
) -> Criterion:  # fmt: skip
    """The simulated mean of ``year`` over the simulated peak lies within ``factor`` of the
    observed mean of that year over the observed peak; a series that never rose (its peak at most
    :data:`FLAT` above 1) has no fall to judge: a miss."""
    _, top = _peak(sim)
    months = [p for p in sim.index if str(p).startswith(year)]
    rule = f"simulated {year} mean over peak within x{factor:g} of observed"
    if not months:
        return Criterion(case, series, "fall", rule, observed_fall, None, None, f"{year} not simulated")
    fall = float(sim[months].mean()) / top
    if top <= 1 + FLAT:
        return Criterion(case, series, "fall", rule, observed_fall, fall, False, "no rise to fall from")
    ok = within_factor(fall, observed_fall, factor)
    return Criterion(case, series, "fall", rule, observed_fall, fall, ok, note)


def one_swing(sim: pd.Series, limit: float = 1.5, *, case: str = "", series: str = "") -> Criterion:
    """The simulated index rises to one peak and falls back, as the record does, without cycles
    of its own: its total variation in logs (the sum of its monthly moves, from 1 before the
    first month) is at most ``limit`` times that of the shortest path from 1 through its peak
    to its last value. A series that never rose has no swing to judge: a miss."""
    month, top = _peak(sim)
    logs = np.log(np.maximum(np.r_[1.0, sim.to_numpy(dtype=float)], 1e-12))
    travelled = float(np.abs(np.diff(logs)).sum())
    shortest = float(2.0 * logs.max() - logs[0] - logs[-1])
    rule = f"total log variation at most x{limit:g} that of one rise to the peak and one fall"
    if top <= 1 + FLAT or shortest <= 0.0:
        return Criterion(case, series, "one swing", rule, 1.0, None, False, "no rise to judge")
    ratio = travelled / shortest
    return Criterion(case, series, "one swing", rule, 1.0, ratio, ratio <= limit,
                     f"simulated peak in {month}")  # fmt: skip


def rise_in(
    observed_ratio: float, sim: pd.Series, month: str, factor: float = 2.0, *, case: str = "",
    series: str = "",
) -> Criterion:  # fmt: skip
    """The simulated index in ``month`` lies within ``factor`` of the observed rise (an index)."""
    rule = f"simulated {month} index within x{factor:g} of observed"
    if month not in sim.index:
        return Criterion(case, series, "rise", rule, observed_ratio, None, None, f"{month} not simulated")
    value = float(sim[month])
    ok = within_factor(value, observed_ratio, factor)
    return Criterion(case, series, "rise", rule, observed_ratio, value, ok)


def flat_within(
    sim: pd.Series, months: Sequence[str], band: float = 0.2, observed: Mapping[str, float] | None = None,
    *, case: str = "", series: str = "",
) -> Criterion:  # fmt: skip
    """The simulated index stays within ``band`` of 1 in every one of ``months`` it covers.

    ``simulated`` is the covered month's index furthest from 1, ``observed`` likewise among the
    observed months given (for comparison only: the rule judges the simulation)."""
    rule = f"simulated index within {band:.0%} of flat every month {months[0]} to {months[-1]}"
    seen = {m: float(v) for m, v in (observed or {}).items() if m in months}
    far_obs = max(seen.values(), key=lambda v: abs(v - 1.0)) if seen else None
    covered = [m for m in months if m in sim.index]
    if not covered:
        return Criterion(case, series, "flat", rule, far_obs, None, None, "no month simulated")
    values = sim[covered].astype(float)
    worst = str(values.sub(1.0).abs().idxmax())
    ok = bool((values.sub(1.0).abs() <= band + 1e-12).all())
    note = f"simulated {values.min():.2f}-{values.max():.2f}, furthest from 1 in {worst}"
    return Criterion(case, series, "flat", rule, far_obs, float(values[worst]), ok, note)


def mean_near(
    observed_mean: float | None, sim_usd: pd.Series, months: Sequence[str], band: float = 0.25,
    *, case: str = "", series: str = "", note: str = "",
) -> Criterion:  # fmt: skip
    """The simulated mean price (USD/kg) over ``months`` lies within ``band`` of the observed mean."""
    rule = f"simulated mean {months[0]} to {months[-1]} within {band:.0%} of observed mean (USD/kg)"
    covered = [m for m in months if m in sim_usd.index]
    sim = float(sim_usd[covered].mean()) if covered else None
    if observed_mean is None or sim is None:
        return Criterion(case, series, "near", rule, observed_mean, sim, None, note or "no observation")
    ok = abs(sim / observed_mean - 1.0) <= band + 1e-12
    return Criterion(case, series, "near", rule, observed_mean, sim, ok, note)


def strict(value: Any) -> Any:
    """``value`` with every non-finite float replaced by None, recursively (for strict JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict(v) for v in value]
    if isinstance(value, np.generic):
        return strict(value.item())
    return value


def as_json(criterion: Criterion) -> dict[str, Any]:
    """A criterion as a JSON-ready dict, with its verdict."""
    return {**asdict(criterion), "verdict": criterion.verdict}
