"""Uncertain numbers: any number in a scenario may be a distribution instead.

A run of one uses each distribution's central value: the ``central:`` it states or, by default,
its median (the mean of a normal, the median of a lognormal, the closed-form median of a
triangular, the midpoint of a uniform, the weighted median of a discrete distribution). The
median, not the mode, so that the single run sits in the middle of what Monte Carlo draws: a
review triangular from 1 to 2 months peaking at 1 has its mode on the lower edge, where no draw
is shorter, and half the draws longer than its median, 1.29 months. Monte Carlo draws from them;
draws are clipped to the field's allowed range (a share stays within 0-1, a capacity >= 0).
Every number a distribution states (``central``, its parameters, values and weights) must be
finite: ``.nan`` and ``.inf`` are refused where they are written.

YAML forms::

    review_months: {dist: triangular, low: 1, mode: 1.5, high: 3}
    delay_months: {dist: lognormal, median: 12, sigma: 0.5}
    approval_share: {dist: uniform, low: 0.2, high: 0.8}
    nameplate_t_per_yr: {dist: normal, mean: 5000, sd: 1000}
    delay_months: {dist: discrete, values: [0, 12, 24], weights: [0.5, 0.3, 0.2]}
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    central: float | None = Field(
        None, description="Value used by a single run (default: the distribution's median)"
    )

    @model_validator(mode="after")
    def _finite(self) -> _Dist:
        for name in type(self).model_fields:
            value = getattr(self, name)
            numbers = value if isinstance(value, list) else [value]
            if any(isinstance(x, float) and not math.isfinite(x) for x in numbers):
                raise PydanticCustomError(
                    "finite_number",
                    f"{name} must be a finite number",
                    {"hint": "give finite numbers: .nan and .inf are not values a run can use"},
                )
        return self

    def centre(self) -> float:
        """The value a single deterministic run uses: ``central`` if given, else the median."""
        return self.central if self.central is not None else self._default_centre()

    def _default_centre(self) -> float:  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:  # pragma: no cover
        """``size`` random draws."""
        raise NotImplementedError

    def support(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take."""
        return -math.inf, math.inf


class Normal(_Dist):
    """Normal distribution with ``mean`` and standard deviation ``sd``."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(ge=0)

    def _default_centre(self) -> float:
        return self.mean  # the median of a normal

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.normal(self.mean, self.sd, size)


class LogNormal(_Dist):
    """Lognormal distribution: ``median`` > 0 and ``sigma``, the sd of the logarithm."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    sigma: float = Field(ge=0)

    def _default_centre(self) -> float:
        return self.median

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.lognormal(math.log(self.median), self.sigma, size)

    def support(self) -> tuple[float, float]:
        return 0.0, math.inf


class Triangular(_Dist):
    """Triangular distribution from ``low`` to ``high`` peaking at ``mode``."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError("needs low <= mode <= high and low < high")
        return self

    def _default_centre(self) -> float:
        return self.median()

    def median(self) -> float:
        """The value with half the probability below it: in closed form, on the longer side of the
        mode (on the mode itself when it is the midpoint)."""
        low, mode, high = self.low, self.mode, self.high
        if mode >= (low + high) / 2:
            return low + math.sqrt((high - low) * (mode - low) / 2)
        return high - math.sqrt((high - low) * (high - mode) / 2)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, size)

    def support(self) -> tuple[float, float]:
        return self.low, self.high


class Uniform(_Dist):
    """Uniform distribution between ``low`` and ``high``."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError("needs low < high")
        return self

    def _default_centre(self) -> float:
        return (self.low + self.high) / 2  # the median of a uniform

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)

    def support(self) -> tuple[float, float]:
        return self.low, self.high


class Discrete(_Dist):
    """One of ``values`` with probabilities ``weights`` (normalised; equal if omitted)."""

    dist: Literal["discrete"]
    values: list[float] = Field(min_length=1)
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Discrete:
        if self.weights is not None and (
            len(self.weights) != len(self.values) or min(self.weights) < 0 or sum(self.weights) <= 0
        ):
            raise ValueError("weights must be as many as values, non-negative, not all zero")
        return self

    def _p(self) -> np.ndarray:
        w = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights, dtype=float)
        out: np.ndarray = w / w.sum()
        return out

    def _default_centre(self) -> float:
        return self.median()

    def median(self) -> float:
        """Weighted median: the smallest value whose cumulative probability reaches one half."""
        return self.quantile(0.5)

    def quantile(self, u: float) -> float:
        """The smallest value whose cumulative probability (values in increasing order) reaches
        ``u``. Sums within 1e-12 of ``u`` count as reaching it, so that equal weights on two
        values give the smaller as median whatever the rounding of their normalisation."""
        order = np.argsort(np.asarray(self.values, dtype=float), kind="stable")
        cumulative = np.cumsum(self._p()[order])
        index = min(int(np.searchsorted(cumulative, u - 1e-12, side="left")), len(order) - 1)
        return float(self.values[int(order[index])])

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        out: np.ndarray = rng.choice(np.asarray(self.values, dtype=float), size=size, p=self._p())
        return out

    def support(self) -> tuple[float, float]:
        return min(self.values), max(self.values)


Distribution = Annotated[Normal | LogNormal | Triangular | Uniform | Discrete, Field(discriminator="dist")]

#: A number or a distribution of numbers.
Number = float | Distribution


def central(value: Number) -> float:
    """The value of ``value`` in a single run."""
    return float(value) if isinstance(value, int | float) else value.centre()


def draw_one(value: Number, rng: np.random.Generator, low: float, high: float) -> float:
    """One draw of ``value``: the first of :func:`draw` with ``size`` 1, without its arrays (a
    Monte Carlo chunk draws tens of thousands of numbers one run at a time). The clip is
    NumPy's, step for step: NaN stays NaN, a value equal to a bound is kept (0.0 against a bound
    of -0.0 stays 0.0), and with ``low`` above ``high`` the result is ``high``."""
    if isinstance(value, int | float):
        return float(value)
    x = float(value.draw(rng, 1)[0])
    if math.isnan(x):
        return x
    x = x if x >= low else low
    return x if x <= high else high


def draw(value: Number, rng: np.random.Generator, size: int, low: float, high: float) -> np.ndarray:
    """``size`` draws of ``value`` (constant if a plain number), clipped to ``[low, high]``."""
    if isinstance(value, int | float):
        return np.full(size, float(value))
    out: np.ndarray = np.clip(value.draw(rng, size), low, high)
    return out
