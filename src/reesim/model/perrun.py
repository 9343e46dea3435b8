"""Numbers that may differ between runs: a float (the same in every run) or an array of one value
per run. Monte Carlo compiles a whole batch of draws at once by passing arrays through the same
code that compiles one scenario; these helpers keep that code free of special cases.

Per-run tables have a leading run axis of length 1 (shared by every run) or R (one row per run).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Value = Any  # float, or an array [R] of per-run values


def as_runs(value: Value) -> Array:
    """``value`` as a 1-D float array: [1] for a plain number, [R] for per-run values."""
    out: Array = np.atleast_1d(np.asarray(value, dtype=float))
    if out.ndim != 1:
        raise ValueError(f"per-run values must be one-dimensional, not of shape {out.shape}")
    return out


def table(values: list[Value], width: int | None = None) -> Array:
    """Per-run values of several items as a table [R or 1, items] (``width`` items when empty)."""
    if not values:
        return np.zeros((1, width or 0))
    columns = np.broadcast_arrays(*(as_runs(v) for v in values))
    return np.ascontiguousarray(np.stack(columns, axis=1))


def grow(array: Array, rows: int) -> Array:
    """``array`` (leading run axis 1 or ``rows``) with ``rows`` rows, copied so it may be written."""
    if array.shape[0] == rows:
        return array
    if array.shape[0] != 1:
        raise ValueError(f"cannot spread {array.shape[0]} runs over {rows}")
    return np.repeat(array, rows, axis=0)


def clip_low(value: Value, low: float) -> Value:
    """``max(value, low)`` for a number or per run (a float stays a float)."""
    if isinstance(value, np.ndarray):
        return np.maximum(value, low)
    return max(float(value), low)


def clip_high(value: Value, high: float) -> Value:
    """``min(value, high)`` for a number or per run (a float stays a float)."""
    if isinstance(value, np.ndarray):
        return np.minimum(value, high)
    return min(float(value), high)


def any_below(value: Value, low: float) -> bool:
    """Whether the value (in any run) is below ``low``."""
    return bool(np.any(np.asarray(value) < low))


def any_outside(value: Value, low: float, high: float) -> bool:
    """Whether the value (in any run) lies outside ``[low, high]``."""
    v = np.asarray(value)
    return bool(np.any((v < low) | (v > high)))


def first_run(value: Value) -> float:
    """The value of the first run (for messages)."""
    return float(as_runs(value)[0])
