"""Fit the market parameters to the price criteria, under the fit's rules, reproducibly.

The market parameters (:data:`MARKET_PARAMETERS`) are fitted to the price criteria of
``prices-2009-2014`` and ``april-2025`` (:func:`reesim.backtest.prices.price_criteria`), and a set
is admissible only where the rules of :func:`reesim.backtest.rules.check_rules` hold
(docs/validation.md, *What was calibrated on what*). Sets are ranked by the criteria passed, then
by the summed log error of the criteria (:func:`log_error`).

:func:`search` is a (1+1) evolution strategy (Rechenberg's, with his one-fifth success rule for
the step): from the bundled values, or any start, it moves a random half of the parameters by a
log-normal factor (``step`` in logs; a parameter keeps its sign), clipped to each parameter's
range in ``parameters.csv``, keeps the move if it ranks at least as high (and, with ``rules``,
if the rules hold), widens the step after a kept move and narrows it after a rejected one.
Each move costs one backtest of both cases with and without their policies (a few seconds, the
reference kernel); checking the rules costs a few more, and is done only for a move that would
be kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from reesim.backtest.criteria import Criterion, months_between
from reesim.backtest.fit import forget
from reesim.dataset.model import Dataset
from reesim.dataset.parse import did_you_mean
from reesim.errors import InputError, Problem

#: The parameters the price criteria fit (docs/validation.md, *What was calibrated on what*).
MARKET_PARAMETERS = (
    "price_cost_weight", "price_cover_elasticity", "price_cover_min", "price_expectation_months",
    "price_adjust_months", "price_tightness_elasticity", "demand_price_elasticity",
    "substitution_lag_months", "substitution_max_share", "precaution_trend", "precaution_risk",
    "output_adjust_months", "arbitrage_share", "closure_idle_months", "substitution_full_multiple",
    "output_headroom_share", "quota_rent_rate", "quota_rent_months", "precaution_quota_fade_months",
)  # fmt: skip
#: The cases whose price criteria are fitted.
FITTED_CASES = ("prices-2009-2014", "april-2025")
#: The flat rule's band: 20% either side of 1.
FLAT_BAND = 0.2
#: Step bounds of the search, in logs.
STEP_MIN, STEP_MAX = 0.02, 0.4


@dataclass(frozen=True)
class Rank:
    """How a parameter set ranks: more criteria passed first, then a smaller summed log error."""

    passed: int
    error: float

    def __ge__(self, other: Rank) -> bool:
        return (self.passed, -self.error) >= (other.passed, -other.error)


@dataclass(frozen=True)
class Result:
    """The best set found: its values, criteria, rank and (with rules) the rules that fail."""

    values: dict[str, float]
    criteria: list[Criterion]
    rank: Rank
    tried: int
    kept: int
    rules_failed: list[str] | None  # None: the rules were not checked


def log_error(c: Criterion) -> float:
    """The criterion's share of the summed log error: |log(simulated / observed)| for sizes,
    falls, rises and levels; months between the peaks over twelve for a peak's timing; the
    excess over the band for the flat rule (20% either side of 1) and the one-swing rule (its
    limit, as observed); 0 where there is nothing to compare, and 1 for a wrong direction."""
    o, s = c.observed, c.simulated
    if o is None or s is None:
        return 0.0
    if c.name == "peak timing":
        return (
            abs(months_between(str(o), str(s))) / 12.0 if isinstance(o, str) and isinstance(s, str) else 0.0
        )
    if c.name == "direction":
        return 0.0 if c.passed else 1.0
    if isinstance(o, str) or isinstance(s, str):
        return 0.0
    if c.name == "flat":
        return max(abs(float(s) - 1.0) - FLAT_BAND, 0.0)
    if c.name == "one swing":
        return max(float(s) - float(o), 0.0) if not c.passed else 0.0
    if float(o) > 0 and float(s) > 0:
        return abs(math.log(float(s) / float(o)))
    return 1.0


def rank(criteria: Sequence[Criterion]) -> Rank:
    """The criteria passed and the summed log error (:func:`log_error`)."""
    return Rank(sum(1 for c in criteria if c.passed), sum(log_error(c) for c in criteria))


def ranges(ds: Dataset, names: Sequence[str] = MARKET_PARAMETERS) -> dict[str, tuple[float, float]]:
    """Each parameter's (low, high) from ``parameters.csv``; an unknown name is bad input."""
    table = ds.parameters
    bounds = {
        str(n): (float(lo), float(hi))
        for n, lo, hi in zip(table["name"], table["low"], table["high"], strict=True)
    }
    unknown = [n for n in names if n not in bounds]
    if unknown:
        raise InputError([Problem("parameters.csv", None, "name", f"no parameter {unknown[0]!r}",
                                  did_you_mean(unknown[0], list(bounds)))])  # fmt: skip
    return {n: (min(bounds[n]), max(bounds[n])) for n in names}


def check_start(ds: Dataset, values: Mapping[str, float], file: str) -> None:
    """Bad input naming ``file`` (a start for :func:`search`) where a name is no market parameter
    or a value lies outside its range in ``parameters.csv``."""
    bounds = ranges(ds)
    problems = []
    for name, value in values.items():
        if name not in bounds:
            problems.append(
                Problem(file, None, name, "not a market parameter", did_you_mean(name, list(bounds)))
            )
        elif not bounds[name][0] <= value <= bounds[name][1]:
            low, high = bounds[name]
            problems.append(Problem(file, None, name, f"{value:g} is outside the range {low:g} to {high:g}",
                                    "the ranges are those of parameters.csv"))  # fmt: skip
    if problems:
        raise InputError(problems)


def with_values(ds: Dataset, values: Mapping[str, float]) -> Dataset:
    """``ds`` with the defaults of ``values`` replaced (each within its range; outside it, or an
    unknown name, is bad input naming the line of ``parameters.csv``). The copy's ``version``
    differs, so results cached by version are not reused for it."""
    table = ds.parameters.copy()
    bounds = ranges(ds, list(values))
    problems = []
    for name, value in values.items():
        low, high = bounds[name]
        row = table.index[table["name"] == name][0]
        if not low <= value <= high:
            message = f"{name} = {value:g} is outside its range {low:g} to {high:g}"
            hint = "choose a value within low and high, or widen the range with a reason"
            problems.append(
                Problem("parameters.csv", int(str(table.loc[row, "line"])), "default", message, hint)
            )
        table.loc[row, "default"] = value
    if problems:
        raise InputError(problems)
    digest = hashlib.sha256(json.dumps(sorted(values.items())).encode()).hexdigest()[:8]
    tables = {**ds.tables, "parameters": table}
    return dataclasses.replace(ds, tables=tables, version=f"{ds.version}+{digest}")


def criteria_of(ds: Dataset) -> list[Criterion]:
    """The fitted cases' price criteria on ``ds``'s parameter defaults."""
    from reesim.backtest.prices import price_criteria
    from reesim.model.baseline import build_baseline

    base = build_baseline(ds)
    try:
        return [c for name in FITTED_CASES for c in price_criteria(name, ds, base)]
    finally:
        forget(ds)


def rules_failed(ds: Dataset) -> list[str]:
    """The fit's rules that fail on ``ds``'s parameter defaults (empty: every rule holds)."""
    from reesim.backtest.rules import check_rules
    from reesim.model.baseline import build_baseline

    try:
        return check_rules(ds, build_baseline(ds)).failed
    finally:
        forget(ds)


def search(ds: Dataset, iterations: int, *, seed: int = 0, start: Mapping[str, float] | None = None,
           step: float = 0.12, rules: bool = True, names: Sequence[str] = MARKET_PARAMETERS,
           progress: Callable[[int, Rank, Rank], None] | None = None) -> Result:  # fmt: skip
    """Search ``iterations`` moves from ``start`` (default: the bundled values of ``names``) and
    return the best set (see the module docstring). ``progress(i, tried, best)`` is called after
    each move. With ``rules``, a start under which a rule fails is left for the first set under
    which every rule holds, whatever its rank, and until then for any set that ranks as high."""
    bounds = ranges(ds, names)
    outside = [k for k in (start or {}) if k not in bounds]
    if outside:
        raise InputError([Problem("start", None, outside[0], "not among the parameters searched",
                                  did_you_mean(outside[0], list(bounds)))])  # fmt: skip
    defaults = ds.parameter_defaults()
    x = _clip({n: float((start or {}).get(n, defaults[n])) for n in names}, bounds)
    rng = np.random.default_rng(seed)
    first = with_values(ds, x)
    criteria = criteria_of(first)
    best = rank(criteria)
    failed = rules_failed(first) if rules else None
    kept = 0
    for i in range(1, iterations + 1):
        moved = {n: v * math.exp(rng.normal(0.0, step)) if rng.random() < 0.5 else v for n, v in x.items()}
        y = _clip(moved, bounds)
        trial_ds = with_values(ds, y)
        trial = criteria_of(trial_ds)
        tried = rank(trial)
        better = tried >= best
        admissible = not failed
        # An admissible set beats any other; only a move that could be kept has its rules checked.
        trial_failed = rules_failed(trial_ds) if rules and (better or not admissible) else None
        if not rules:
            keep = better
        elif admissible:
            keep = better and not trial_failed
        else:
            keep = better or not trial_failed
        if keep:
            x, criteria, best, failed, kept = y, trial, tried, trial_failed, kept + 1
            step = min(step * 1.5, STEP_MAX)
        else:
            step = max(step * 0.9, STEP_MIN)  # one kept move in five keeps the step
        if progress is not None:
            progress(i, tried, best)
    return Result(x, criteria, best, iterations, kept, failed)


def _clip(values: Mapping[str, float], bounds: Mapping[str, tuple[float, float]]) -> dict[str, float]:
    """Each value within its range, and ``quota_rent_months`` (a count of months) a whole number."""
    out = {n: min(max(v, bounds[n][0]), bounds[n][1]) for n, v in values.items()}
    if "quota_rent_months" in out:
        out["quota_rent_months"] = float(round(out["quota_rent_months"]))
    return out
