"""Lane vectors (:mod:`reesim.kernel.vec`): every operation gives bit for bit what the scalar
code gives lane by lane, for any doubles (NaN, infinities and signed zeros included; a NaN is
any NaN), and misuse fails when the code is compiled rather than reading the wrong memory."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numba import njit
from numba.core.errors import TypingError
from tests.strategies import doubles

from reesim.kernel.vec import any_lane, load, splat, store, vmax, vmin, where

OUTPUTS = 12  # results per cell of ``_scalar`` and ``_vector``


@njit(error_model="numpy")
def _scalar(lt, a, b, c, out, flags):  # pragma: no cover - compiled
    """Reference: the kernel's scalar idioms, lane by lane."""
    for i in range(a.shape[0]):
        for q in range(len(lt)):
            x, y, s = a[i, q], b[i, q], c[i]
            out[0, i, q] = x + y
            out[1, i, q] = x - s
            out[2, i, q] = s * y
            out[3, i, q] = x / y
            out[4, i, q] = min(x, y)
            out[5, i, q] = max(x - y, 0.0)
            out[6, i, q] = x / y if y > 1e-12 else 1.0
            out[7, i, q] = s / x if x >= y and x != s else y
            out[8, i, q] = x * (1.0 - y) * s + 0.0
            out[9, i, q] = (x + 1.0) if (x < y) or (y <= s) else (1.0 if x == y else 0.0)
            out[10, i, q] = 1.0 if (x > 0.0 and y > 0.0) or not x < s else 0.0
            out[11, i, q] = min(max(x / y, 0.0), 1.0)
            flags[0, i, q] = x > y
            flags[1, i, q] = x == y


@njit(error_model="numpy")
def _vector(lt, a, b, c, out, flags):  # pragma: no cover - compiled
    """The same with lane vectors."""
    for i in range(a.shape[0]):
        x, y, s = load(lt, a, (i,)), load(lt, b, (i,)), c[i]
        store(out, (0, i), x + y)
        store(out, (1, i), x - s)
        store(out, (2, i), s * y)
        store(out, (3, i), x / y)
        store(out, (4, i), vmin(x, y))
        store(out, (5, i), vmax(x - y, 0.0))
        store(out, (6, i), where(y > 1e-12, x / y, 1.0))
        store(out, (7, i), where((x >= y) & (x != s), s / x, y))
        store(out, (8, i), x * (1.0 - y) * s + splat(lt, 0.0))
        store(out, (9, i), where((x < y) | (y <= s), x + 1.0, where(x == y, 1.0, 0.0)))
        store(out, (10, i), where(((x > 0.0) & (y > 0.0)) | ~(x < s), 1.0, 0.0))
        store(out, (11, i), vmin(vmax(x / y, 0.0), 1.0))
        store(flags, (0, i), x > y)
        store(flags, (1, i), ~(x != y))


@njit(error_model="numpy")
def _any(lt, flags):  # pragma: no cover - compiled
    return any_lane(load(lt, flags, (0,))), any_lane(load(lt, flags, (0,)) & splat(lt, False))


def _both(width: int, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, ...]:
    lt = (0,) * width
    outs = [np.full((OUTPUTS, *a.shape), 7.0) for _ in range(2)]
    flags = [np.zeros((2, *a.shape), dtype=np.bool_) for _ in range(2)]
    _scalar(lt, a, b, c, outs[0], flags[0])
    _vector(lt, a, b, c, outs[1], flags[1])
    return outs[0], outs[1], flags[0], flags[1]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([1, 4, 16]), st.data())
def test_vector_operations_are_bit_for_bit_the_scalar_ones(width: int, data: st.DataObject) -> None:
    rows = data.draw(st.integers(1, 3))
    a = data.draw(hnp.arrays(np.float64, (rows, width), elements=doubles))
    b = data.draw(hnp.arrays(np.float64, (rows, width), elements=doubles))
    c = data.draw(hnp.arrays(np.float64, (rows,), elements=doubles))
    scalar, vector, f_scalar, f_vector = _both(width, a, b, c)
    # Bits, not values: a -0.0 for a 0.0 would fail here. NaN is compared as NaN only: which
    # operand's NaN an operation passes on depends on the order LLVM puts commutative operands
    # in, in scalar code as much as in vector code.
    same = (scalar.view(np.int64) == vector.view(np.int64)) | (np.isnan(scalar) & np.isnan(vector))
    mismatch = np.argwhere(~same)
    assert mismatch.size == 0, f"operations {sorted(set(mismatch[:, 0]))} differ: {a=}, {b=}, {c=}"
    np.testing.assert_array_equal(f_scalar, f_vector)


def test_known_values_and_lane_order() -> None:
    a = np.array([[1.0, -2.0, np.nan, 0.0]])
    b = np.array([[3.0, -2.0, 1.0, -0.0]])
    c = np.array([2.0])
    _, vector, _, flags = _both(4, a, b, c)
    np.testing.assert_array_equal(vector[0, 0], [4.0, -4.0, np.nan, 0.0])
    np.testing.assert_array_equal(vector[4, 0], [1.0, -2.0, np.nan, 0.0])  # min(nan, 1) is nan, as in Numba
    np.testing.assert_array_equal(vector[6, 0], [1.0 / 3.0, 1.0, np.nan, 1.0])
    np.testing.assert_array_equal(flags[0, 0], [False, False, False, False])
    assert not np.signbit(vector[4, 0, 3])  # min(0.0, -0.0) is the first: -0.0 < 0.0 is false
    assert _any((0,) * 4, flags[1]) == (True, False)


def test_misuse_fails_when_compiled() -> None:
    @njit
    def short_index(lt, a):  # pragma: no cover - compiled
        return load(lt, a, ())

    @njit
    def mixed_widths(a):  # pragma: no cover - compiled
        return load((0,) * 4, a, (0,)) + load((0,) * 8, a, (0,))

    @njit
    def float_into_bool(lt, a, f):  # pragma: no cover - compiled
        store(f, (0,), load(lt, a, (0,)))

    a = np.zeros((2, 8))
    with pytest.raises(TypingError):
        short_index((0,) * 8, a)
    with pytest.raises(TypingError):
        mixed_widths(a)
    with pytest.raises(TypingError):
        float_into_bool((0,) * 8, a, np.zeros((2, 8), dtype=np.bool_))
