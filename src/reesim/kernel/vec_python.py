"""Lane vectors in plain NumPy: what :mod:`reesim.kernel.vec` gives when Numba's JIT is off.

A vector is a float64 array of a cell's lanes, a mask a bool array. Every operation is the
IEEE operation the compiled intrinsics perform lane by lane, with the same selects for ``min``,
``max`` and conditional expressions, so the kernel run as Python gives the compiled kernel's
numbers (``tests/test_debug_kernel.py`` checks it). Run the kernel under
``numpy.errstate(all="ignore")``: a division by zero gives inf or NaN without an error, as in
the kernel's ``error_model="numpy"``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray


def load(lt: tuple[int, ...], a: NDArray[Any], idx: tuple[int, ...]) -> NDArray[Any]:
    """The lanes of ``a[idx]`` (a copy, as a register holds them)."""
    return np.array(a[idx], copy=True)


def store(a: NDArray[Any], idx: tuple[int, ...], v: NDArray[Any]) -> None:
    """Write ``v`` to the lanes of ``a[idx]``."""
    a[idx] = v


def splat(lt: tuple[int, ...], x: float | bool) -> NDArray[Any]:
    """``x`` in every lane: a mask for a bool, else a vector."""
    if isinstance(x, (bool, np.bool_)):
        return np.full(len(lt), bool(x))
    return np.full(len(lt), float(x))


def where(m: NDArray[np.bool_], a: Any, b: Any) -> NDArray[np.float64]:
    """Lane by lane ``a if m else b``."""
    return np.where(m, np.asarray(a, dtype=float), np.asarray(b, dtype=float))


def vmin(a: Any, b: Any) -> NDArray[np.float64]:
    """Numba's ``min(a, b)`` lane by lane: ``b if b < a else a``."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    out: NDArray[np.float64] = np.where(b < a, b, a)
    return out


def vmax(a: Any, b: Any) -> NDArray[np.float64]:
    """Numba's ``max(a, b)`` lane by lane: ``b if b > a else a``."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    out: NDArray[np.float64] = np.where(b > a, b, a)
    return out


def any_lane(m: NDArray[np.bool_]) -> bool:
    """Whether any lane of ``m`` is set."""
    return bool(np.any(m))
