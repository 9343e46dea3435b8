"""Explicit lane vectors for the compiled kernel: all lanes of a cell in one machine vector.

The fast kernel keeps a trailing *lane* axis on every state array (:mod:`reesim.kernel.lanes`)
and its innermost loops run over lanes. LLVM does not turn those loops into vector
instructions by itself: it cannot prove that the kernel's arrays do not overlap, and with
run-time overlap checks its cost model judges an 8-lane loop not worth it. This module gives
the kernel a vector type instead, ``<lanes x double>``, with loads and stores of a cell's
lanes, arithmetic, comparisons giving lane masks, and selects. Code written with it is
compiled to vector instructions whatever LLVM can prove.

Every operation is the IEEE operation of the scalar code lane by lane (no fused multiply-add,
no reassociation), and ``vmin``/``vmax``/``where`` are the selects Numba compiles ``min``,
``max`` and conditional expressions to, so a lane's result is bit for bit the scalar one. A
conditional expression evaluates both arms here: the arms must be free of side effects (they
are: arithmetic only, and a division by zero gives inf or NaN without an error in the kernel's
``error_model="numpy"``).

Functions (``lt`` is the kernel's lane tuple; its length is the vector width):

- ``load(lt, a, idx)``: the lanes of ``a[idx + (slice,)]`` (``a`` C-contiguous float64 or bool,
  last axis the lanes, ``idx`` a tuple of integers); a bool array gives a mask.
- ``store(a, idx, v)``: writes a vector (or mask, to a bool array) to those lanes.
- ``splat(lt, x)``: a scalar in every lane (a bool gives a mask).
- ``where(m, a, b)``: lane by lane ``a if m else b`` (vectors or scalars).
- ``vmin(a, b)``, ``vmax(a, b)``: Numba's ``min`` and ``max`` lane by lane.
- ``any_lane(m)``: whether any lane of a mask is set.
- ``gather(lt, table, at, rl, varies, out)``: each lane's value of a per-run table.
- Operators ``+ - * /`` (vector with vector or float), ``< <= > >= == !=`` (giving masks), and
  ``& | ~`` on masks.

With Numba's JIT turned off (``NUMBA_DISABLE_JIT=1``) the same names are NumPy functions of
:mod:`reesim.kernel.vec_python` (a vector is a float64 array of the lanes, a mask a bool
array), so the compiled kernel runs as plain Python under a debugger or a coverage tool and
gives the same numbers.
"""

from __future__ import annotations

import operator
from typing import Any

from llvmlite import ir
from numba import config, njit, types
from numba.core import cgutils
from numba.core.extending import intrinsic as _numba_intrinsic
from numba.core.extending import models, overload, register_model

#: Numba's ``intrinsic`` decorator, typed loosely: the functions it makes are called in compiled
#: code without the typing context their Python definitions take first.
intrinsic: Any = _numba_intrinsic


class Vector(types.Type):
    """``width`` float64 lanes in one LLVM vector."""

    def __init__(self, width: int) -> None:
        self.width = width
        super().__init__(name=f"LaneVector({width})")


class Mask(types.Type):
    """``width`` lane flags in one LLVM vector of bits."""

    def __init__(self, width: int) -> None:
        self.width = width
        super().__init__(name=f"LaneMask({width})")


@register_model(Vector)
class _VectorModel(models.PrimitiveModel):
    def __init__(self, dmm: Any, fe_type: Vector) -> None:
        super().__init__(dmm, fe_type, ir.VectorType(ir.DoubleType(), fe_type.width))


@register_model(Mask)
class _MaskModel(models.PrimitiveModel):
    def __init__(self, dmm: Any, fe_type: Mask) -> None:
        super().__init__(dmm, fe_type, ir.VectorType(ir.IntType(1), fe_type.width))


def _real(t: Any) -> bool:
    return isinstance(t, (types.Float, types.Integer))


def _width(lt: Any) -> int | None:
    return len(lt) if isinstance(lt, types.BaseTuple) else None


def _lane_pointer(context, builder, aryty, ary, idxty, idx):
    """Pointer to the first lane of ``ary[idx]`` (C layout: the lanes are contiguous)."""
    arr = context.make_array(aryty)(context, builder, ary)
    values = cgutils.unpack_tuple(builder, idx)
    inds = [context.cast(builder, v, t, types.intp) for v, t in zip(values, idxty, strict=True)]
    inds.append(ir.Constant(ir.IntType(64), 0))
    shape = cgutils.unpack_tuple(builder, arr.shape)
    strides = cgutils.unpack_tuple(builder, arr.strides)
    return cgutils.get_item_pointer2(context, builder, data=arr.data, shape=shape, strides=strides,
                                     layout=aryty.layout, inds=inds, wraparound=False,
                                     boundscheck=False)  # fmt: skip


def _indexable(a: Any, idx: Any) -> bool:
    """Whether ``a[idx]`` names one cell's lanes: ``a`` a C-contiguous array, ``idx`` a tuple of
    integers, one per axis but the last."""
    if not (isinstance(a, types.Array) and a.layout == "C" and isinstance(idx, types.BaseTuple)):
        return False
    items: Any = idx
    return len(items) == a.ndim - 1 and all(isinstance(t, types.Integer) for t in items)


@intrinsic
def load(typingctx, lt, a, idx):
    """The lanes of ``a[idx]`` as a vector (float64 array) or a mask (bool array)."""
    width = _width(lt)
    if width is None or not _indexable(a, idx) or a.dtype not in (types.float64, types.boolean):
        return None
    out = Vector(width) if a.dtype == types.float64 else Mask(width)

    def codegen(context, builder, sig, args):
        ptr = _lane_pointer(context, builder, sig.args[1], args[1], sig.args[2], args[2])
        if a.dtype == types.float64:
            vptr = builder.bitcast(ptr, ir.VectorType(ir.DoubleType(), width).as_pointer())
            return builder.load(vptr, align=8)
        vptr = builder.bitcast(ptr, ir.VectorType(ir.IntType(8), width).as_pointer())
        raw = builder.load(vptr, align=1)
        return builder.icmp_unsigned("!=", raw, ir.Constant(raw.type, None))

    return out(lt, a, idx), codegen


@intrinsic
def store(typingctx, a, idx, v):
    """Write vector ``v`` to the lanes of ``a[idx]`` (a mask to a bool array)."""
    if not _indexable(a, idx):
        return None
    vector = isinstance(v, Vector) and a.dtype == types.float64
    if not (vector or (isinstance(v, Mask) and a.dtype == types.boolean)):
        return None

    def codegen(context, builder, sig, args):
        ptr = _lane_pointer(context, builder, sig.args[0], args[0], sig.args[1], args[1])
        value = args[2]
        if isinstance(sig.args[2], Mask):
            value = builder.zext(value, ir.VectorType(ir.IntType(8), sig.args[2].width))
            builder.store(value, builder.bitcast(ptr, value.type.as_pointer()), align=1)
        else:
            builder.store(value, builder.bitcast(ptr, value.type.as_pointer()), align=8)
        return context.get_dummy_value()

    return types.none(a, idx, v), codegen


def _broadcast(builder: Any, value: Any, width: int) -> Any:
    vec = ir.VectorType(value.type, width)
    one = builder.insert_element(ir.Constant(vec, ir.Undefined), value, ir.Constant(ir.IntType(32), 0))
    zeros = ir.Constant(ir.VectorType(ir.IntType(32), width), [0] * width)
    return builder.shuffle_vector(one, ir.Constant(vec, ir.Undefined), zeros)


@intrinsic
def splat(typingctx, lt, x):
    """Scalar ``x`` in every lane: a vector for a real number, a mask for a bool."""
    width = _width(lt)
    if width is None or not isinstance(x, (types.Float, types.Integer, types.Boolean)):
        return None
    flag = isinstance(x, types.Boolean)

    def codegen(context, builder, sig, args):
        if flag:
            return _broadcast(builder, context.cast(builder, args[1], sig.args[1], types.boolean), width)
        value = context.cast(builder, args[1], sig.args[1], types.float64)
        return _broadcast(builder, value, width)

    return (Mask(width) if flag else Vector(width))(lt, x), codegen


def _as_vector(context: Any, builder: Any, ty: Any, value: Any, width: int) -> Any:
    """``value`` of Numba type ``ty`` as a vector: a real number is broadcast."""
    if isinstance(ty, Vector):
        return value
    return _broadcast(builder, context.cast(builder, value, ty, types.float64), width)


def _operands(context, builder, sig, args):
    """Both operands of a binary operation as vectors (a real operand broadcast)."""
    width = next(t.width for t in sig.args if isinstance(t, Vector))
    return [_as_vector(context, builder, t, v, width) for t, v in zip(sig.args, args, strict=True)]


def _binary_types(a: Any, b: Any) -> int | None:
    """Lane width when ``a`` and ``b`` are vectors of one width or a vector and a real number."""
    widths = {t.width for t in (a, b) if isinstance(t, Vector)}
    others = [t for t in (a, b) if not isinstance(t, Vector)]
    if len(widths) != 1 or not all(_real(t) for t in others):
        return None
    return widths.pop()


def _binary(emit: Any, result: Any) -> Any:
    """An intrinsic of two operands (vectors of one width, or a vector and a real number, which
    is broadcast) whose ``result`` (:class:`Vector` or :class:`Mask`) is ``emit(builder, x, y)``."""

    @intrinsic
    def impl(typingctx, a, b):
        width = _binary_types(a, b)
        if width is None:
            return None

        def codegen(context, builder, sig, args):
            x, y = _operands(context, builder, sig, args)
            return emit(builder, x, y)

        return result(width)(a, b), codegen

    return impl


def _operator(op: Any, impl: Any, accepts: Any) -> None:
    """Make Python operator ``op`` call ``impl`` in compiled code when ``accepts(a, b)``."""

    @overload(op)
    def _overload(a, b):
        if not accepts(a, b):
            return None

        def call(a, b):
            return impl(a, b)

        return call


def _arithmetic(name: str) -> Any:
    return lambda builder, x, y: getattr(builder, name)(x, y)


def _compare(symbol: str) -> Any:
    if symbol == "!=":
        return lambda builder, x, y: builder.fcmp_unordered(symbol, x, y)  # NaN != x, as in Python
    return lambda builder, x, y: builder.fcmp_ordered(symbol, x, y)


def _numbers(a: Any, b: Any) -> bool:
    return _binary_types(a, b) is not None


def _masks(a: Any, b: Any) -> bool:
    return isinstance(a, Mask) and isinstance(b, Mask) and a.width == b.width


for _op, _name in ((operator.add, "fadd"), (operator.sub, "fsub"), (operator.mul, "fmul"),
                   (operator.truediv, "fdiv")):  # fmt: skip
    _operator(_op, _binary(_arithmetic(_name), Vector), _numbers)
for _op, _symbol in ((operator.lt, "<"), (operator.le, "<="), (operator.gt, ">"), (operator.ge, ">="),
                     (operator.eq, "=="), (operator.ne, "!=")):  # fmt: skip
    _operator(_op, _binary(_compare(_symbol), Mask), _numbers)


def _logical(op: Any, emit: str) -> None:
    @intrinsic
    def impl(typingctx, a, b):
        if not _masks(a, b):
            return None

        def codegen(context, builder, sig, args):
            return getattr(builder, emit)(args[0], args[1])

        return a(a, b), codegen

    _operator(op, impl, _masks)


_logical(operator.and_, "and_")
_logical(operator.or_, "or_")


@intrinsic
def _invert(typingctx, m):
    if not isinstance(m, Mask):
        return None

    def codegen(context, builder, sig, args):
        return builder.not_(args[0])

    return m(m), codegen


@overload(operator.invert)
def _overload_invert(m):
    if not isinstance(m, Mask):
        return None

    def call(m):
        return _invert(m)

    return call


@intrinsic
def where(typingctx, m, a, b):
    """Lane by lane ``a if m else b``; ``a`` and ``b`` vectors or real numbers."""
    if not isinstance(m, Mask):
        return None
    width = m.width
    for t in (a, b):
        if not (isinstance(t, Vector) and t.width == m.width) and not _real(t):
            return None

    def codegen(context, builder, sig, args):
        x = _as_vector(context, builder, sig.args[1], args[1], width)
        y = _as_vector(context, builder, sig.args[2], args[2], width)
        return builder.select(args[0], x, y)

    return Vector(m.width)(m, a, b), codegen


#: Numba's ``min(a, b)`` lane by lane (vectors, or a vector and a real number): ``b if b < a
#: else a``, which is what decides NaN and signed zeros.
vmin = _binary(lambda builder, x, y: builder.select(builder.fcmp_ordered("<", y, x), y, x), Vector)
#: Numba's ``max(a, b)`` lane by lane: ``b if b > a else a``.
vmax = _binary(lambda builder, x, y: builder.select(builder.fcmp_ordered(">", y, x), y, x), Vector)


@intrinsic
def any_lane(typingctx, m):
    """Whether any lane of mask ``m`` is set."""
    if not isinstance(m, Mask):
        return None

    def codegen(context, builder, sig, args):
        bits = builder.bitcast(args[0], ir.IntType(m.width))
        return builder.icmp_unsigned("!=", bits, ir.Constant(ir.IntType(m.width), 0))

    return types.boolean(m), codegen


if getattr(config, "DISABLE_JIT", False):  # plain Python: the intrinsics cannot run outside compiled code
    from reesim.kernel import vec_python as _python

    any_lane, load, splat, store = _python.any_lane, _python.load, _python.splat, _python.store
    vmax, vmin, where = _python.vmax, _python.vmin, _python.where


@njit(cache=True, error_model="numpy")
def gather(lt, table, at, rl, varies, out):  # pragma: no cover - compiled
    """Each lane's value of a per-run table as a vector: ``table[(rl[lane],) + at]``, or
    ``table[(0,) + at]`` in every lane when ``varies`` is False (the table has one row for all
    runs). ``at`` is a tuple of the indices after the run axis (``(t, k, e)``): the table is
    read in place, without a view of its run axis (a view costs a reference count taken and
    given back); ``out`` is scratch [lanes]."""
    for q in range(len(lt)):
        out[q] = table[(rl[q] if varies else 0, *at)]
    return load(lt, out, ())
