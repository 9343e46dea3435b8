"""Compiling the fast kernel: saying so the first time, once, and how long it usually takes.

Numba compiles :func:`reesim.kernel.fast_kernel.kernel` on its first call (one lane count
serves every call: :mod:`reesim.kernel.lanes`) and keeps the result in an on-disk cache next to
the module, so later processes load it in about a second. Before a call that will compile,
:func:`compiled_kernel` tells the user (on standard error, or to :data:`notify`) instead of
leaving a progress bar standing still.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from numba import config, typeof

#: How long a cold compile of the kernel usually takes (seconds), measured with
#: ``benchmarks/bench_compile.py`` on the 2-core machine of docs/performance.md (71 s).
USUAL_SECONDS = 70


def _print(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


#: Where the notice goes (a function of one string); the dashboard or a notebook may replace it.
notify: Callable[[str], None] = _print
_told: list[bool] = []


def compiled_kernel(lanes: tuple[int, ...], *bundles: Any) -> Any:
    """The kernel, after telling the user if calling it with these arguments will compile it."""
    from reesim.kernel.fast_kernel import kernel

    if not getattr(config, "DISABLE_JIT", False) and not _told and will_compile(kernel, (lanes, *bundles)):
        _told.append(True)
        notify(
            "Compiling the simulation kernel: once on this machine, usually about "
            f"{USUAL_SECONDS} s on 2 cores; later runs reuse it."
        )
    return kernel


def will_compile(dispatcher: Any, args: tuple[Any, ...]) -> bool:
    """Whether calling ``dispatcher`` with ``args`` compiles: no compiled version in memory
    and none in the on-disk cache. Reads Numba's cache index; if that ever fails, says True."""
    try:
        sig = tuple(typeof(a) for a in args)  # type: ignore[no-untyped-call]
        if sig in dispatcher.overloads:
            return False
        cache = dispatcher._cache
        index = cache._cache_file._load_index()
        key = cache._index_key(sig, dispatcher.targetctx.codegen())
        return key not in index
    except Exception:  # a Numba without these internals: tell the user rather than say nothing
        return True
