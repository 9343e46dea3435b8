"""Correlated draws: delays of projects run by the same operator move together.

Where the data says so: a capacity project built on a dataset facility carries that facility's
operator (``facilities.csv``). One firm's projects share engineering teams, suppliers,
financing and permits, so when one slips the others tend to slip too; drawing their delays
independently would understate the chance that a whole programme is late. Their draws are
linked with a Gaussian copula: each delay keeps its own distribution, while the normal scores
behind them have correlation ``operator_delay_correlation`` (``parameters.csv``; an
assumption, set it to 0 in a scenario's ``parameters`` to draw them independently).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from statistics import NormalDist
from typing import Any

import numpy as np

from reesim.dataset.model import Dataset
from reesim.language.numbers import Discrete, LogNormal, Normal, Number, Triangular, Uniform

PARAMETER = "operator_delay_correlation"
_UNIT = NormalDist()


def quantile(value: Number, u: float) -> float:
    """The value of distribution ``value`` at cumulative probability ``u`` (inverse CDF)."""
    u = min(max(u, 1e-12), 1 - 1e-12)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, Normal):
        return value.mean + value.sd * _UNIT.inv_cdf(u)
    if isinstance(value, LogNormal):
        return value.median * math.exp(value.sigma * _UNIT.inv_cdf(u))
    if isinstance(value, Uniform):
        return value.low + (value.high - value.low) * u
    if isinstance(value, Triangular):
        a, c, b = value.low, value.mode, value.high
        cut = (c - a) / (b - a)
        if u < cut:
            return a + math.sqrt(u * (b - a) * (c - a))
        return b - math.sqrt((1 - u) * (b - a) * (b - c))
    if isinstance(value, Discrete):
        return value.quantile(u)
    raise TypeError(f"no quantile for {type(value).__name__}")  # pragma: no cover


def operator_groups(ref: Any, ds: Dataset, numbers: Mapping[str, Number]) -> dict[str, str]:
    """Drawn project delays (``"3.delay_months"``) whose project has an operator shared with at
    least one other drawn delay, mapped to that operator."""
    from reesim.scenarios.spec import CapacityProjectSpec

    instruments = getattr(ref, "instruments", ())
    operators = dict(zip(ds["facilities"]["facility_id"], ds["facilities"]["operator"], strict=True))
    found: dict[str, str] = {}
    for where in numbers:
        index, _, name = where.partition(".")
        if name != "delay_months" or not index.isdigit() or int(index) >= len(instruments):
            continue
        inst = instruments[int(index)]
        if isinstance(inst, CapacityProjectSpec) and inst.facility and operators.get(inst.facility):
            found[where] = str(operators[inst.facility])
    counts: dict[str, int] = {}
    for op in found.values():
        counts[op] = counts.get(op, 0) + 1
    return {where: op for where, op in found.items() if counts[op] > 1}


def draw_numbers(
    rng: np.random.Generator, numbers: Mapping[str, Number], limits: Mapping[str, tuple[float, float]],
    groups: Mapping[str, str], rho: float,
) -> dict[str, float]:  # fmt: skip
    """One run's value of each drawn number, in order; members of an operator group share a
    common normal factor (weight ``sqrt(rho)``), the others are drawn from their distributions."""
    from reesim.language.numbers import draw_one

    common: dict[str, float] = {}
    out: dict[str, float] = {}
    rho = min(max(rho, 0.0), 1.0)
    for where, value in numbers.items():
        low, high = limits[where]
        op = groups.get(where)
        if op is None or rho == 0.0:
            out[where] = draw_one(value, rng, low, high)
            continue
        if op not in common:
            common[op] = float(rng.standard_normal())
        z = math.sqrt(rho) * common[op] + math.sqrt(1 - rho) * float(rng.standard_normal())
        out[where] = min(max(quantile(value, _UNIT.cdf(z)), low), high)
    return out
