"""Compiling the fast kernel: saying so the first time, once, and how long it usually takes.

Numba compiles :func:`reesim.kernel.fast_kernel.kernel` on its first call (one lane count
serves every call: :mod:`reesim.kernel.lanes`) and keeps the result in an on-disk cache next to
the module, so later processes load it in about a second. Before a call that will compile,
:func:`compiled_kernel` tells the user (on standard error, or to :data:`notify`) instead of
leaving a progress bar standing still.

Processes that find no compiled kernel at the same moment (two runs started together, test
workers, a dashboard and a command line) compile one at a time, under an exclusive lock on a file
in the cache folder: the first compiles and writes the cache, the others then load it (seconds)
instead of compiling again, and never write the cache's index at the same moment.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: no file locks; Numba's own writes of the cache are atomic
    fcntl = None  # type: ignore[assignment]

from numba import config, typeof

#: How long a cold compile of the kernel usually takes (seconds), measured with
#: ``benchmarks/bench_compile.py`` on the 2-core machine of docs/performance.md (368 s).
USUAL_SECONDS = 370


def _print(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


#: Where the notice goes (a function of one string); the dashboard or a notebook may replace it.
notify: Callable[[str], None] = _print
_told: list[bool] = []


def compiled_kernel(lanes: tuple[int, ...], *bundles: Any) -> Any:
    """The kernel, compiled for these arguments (or loaded from the cache), after telling the
    user if that compiles it. A compile runs under :func:`compile_lock`: a process that waited
    for another's compile loads the cache that one wrote."""
    from reesim.kernel.fast_kernel import kernel

    args = (lanes, *bundles)
    if getattr(config, "DISABLE_JIT", False) or not will_compile(kernel, args):
        return kernel
    with compile_lock(kernel):
        if will_compile(kernel, args):  # not compiled by another process while this one waited
            if not _told:
                _told.append(True)
                notify(
                    "Compiling the simulation kernel: once on this machine, usually about "
                    f"{USUAL_SECONDS} s on 2 cores; later runs reuse it."
                )
            compile_for(kernel, args)
    return kernel


def compile_for(dispatcher: Any, args: tuple[Any, ...]) -> None:
    """Compile ``dispatcher`` for the types of ``args`` (Numba loads it from the on-disk cache if
    it is there, else compiles it and writes the cache)."""
    dispatcher.compile(tuple(typeof(a) for a in args))  # type: ignore[no-untyped-call]


@contextmanager
def compile_lock(dispatcher: Any) -> Iterator[None]:
    """Hold an exclusive lock on ``compile.lock`` in ``dispatcher``'s on-disk cache folder,
    waiting while another process holds it. Without a cache folder or file locks (Windows),
    holds nothing."""
    folder = getattr(getattr(dispatcher, "_cache", None), "_cache_path", None)
    if fcntl is None or folder is None:
        yield
        return
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    with (path / "compile.lock").open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # released when the file is closed
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


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
