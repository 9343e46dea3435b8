"""The fast kernel: the same monthly step as :mod:`reesim.kernel.reference`, compiled with Numba.

Contract: given the same :class:`~reesim.model.compile.Inputs` it returns the same
:class:`~reesim.kernel.state.Outputs` as the reference kernel, to 1e-9 relative (tests check it on
random scenarios). Runs are independent: they are simulated side by side (vector
instructions; :mod:`reesim.kernel.lanes`) and the groups spread over CPU cores (see
:mod:`reesim.kernel.fast_kernel`); within
a run the loops follow the reference's order of operations. Zero trade shares are skipped (each
importer buys a given element from few exporters); controls are evaluated once per month per
pattern (:mod:`reesim.model.controls`). Two modes: :func:`run_fast` writes every output,
:func:`run_fast_series` (Monte Carlo) adds each month into the compact series instead.

This module prepares the arrays (Python); the compiled loop is :func:`reesim.kernel.fast_kernel.kernel`.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numba import config

from reesim.kernel.lanes import lane_count
from reesim.kernel.state import Array, Compact, Outputs
from reesim.model.compile import Inputs

#: The compiled kernel releases the GIL (so that other threads, such as the serial executor's
#: pipeline, run meanwhile) and a call spreads its runs over every core; two calls at once from
#: two threads (the dashboard's job workers) would only share the cores. Calls take turns.
_ONE_AT_A_TIME = threading.Lock()


def run_fast(inputs: Inputs, runs: int | None = None, out: Outputs | None = None) -> Outputs:
    """Simulate ``runs`` runs (default: as many as ``inputs`` describes) with the compiled kernel.

    ``out`` may be the outputs of an earlier call of the same shape: they are overwritten, which
    saves allocating (and the operating system zeroing) about 30 MB per 240-month run.
    """
    runs = _runs(inputs, runs)
    base = inputs.base
    t_n, k_n, n_n, e_n = len(inputs.months), 4, base.dims.n_nodes, base.dims.n_elements
    shape, p_n, j_n = (runs, t_n, k_n, n_n, e_n), inputs.proj_node.size, len(inputs.sectors.names)
    if out is None:
        out = Outputs.zeros(*shape, projects=p_n, sectors=j_n)
    else:
        if (out.production.shape != shape or out.trade is not None or out.project_output.shape[2] != p_n
                or out.sector_demand.shape[3] != j_n):  # fmt: skip
            raise ValueError(
                f"out has shape {out.production.shape} and {out.project_output.shape[2]} projects, expected "
                f"{shape} and {p_n} without trade"
            )
        # Every other output is overwritten in full; these two are written for some materials only.
        out.losses.fill(0.0)
        out.recycled.fill(0.0)
    compact = _compact_buffers(runs, 1, 1, 1, 1)
    _call(inputs, runs, out, compact, np.zeros((1, n_n)), False)
    return out


def run_fast_series(
    inputs: Inputs, members: Array, runs: int | None = None, out: Compact | None = None
) -> Compact:
    """Simulate ``runs`` runs (default: as many as ``inputs`` describes) keeping only the compact
    series of :class:`Compact`.

    ``members`` is [places, N]: 1 where a node belongs to a place. Nothing of size
    [month, material, node, element] is written, so a run costs a few hundred kB, not 30 MB.
    ``out`` may be the series of an earlier call of the same shape (see :func:`compact_shape`):
    every value is overwritten, which saves the operating system handing out and zeroing new
    memory (about 350 MB for 512 runs of 240 months; up to a fifth of the kernel's time).
    """
    runs = _runs(inputs, runs)
    shape = compact_shape(inputs, members, runs)
    if out is None:
        compact = _compact_buffers(*shape)
    elif shape_of(out) != shape:
        raise ValueError(f"out has the shape {shape_of(out)}, expected {shape}")
    else:
        compact = out
    outputs = Outputs.zeros(runs, 1, 1, 1, 1)  # not written in series mode
    outputs.price = compact.price
    _call(inputs, runs, outputs, compact, np.ascontiguousarray(members, dtype=float), True)
    return compact


def compact_shape(
    inputs: Inputs, members: Array, runs: int | None = None
) -> tuple[int, int, int, int, int, int]:
    """(runs, months, places, elements, materials, sectors) of the series :func:`run_fast_series`
    keeps."""
    return (_runs(inputs, runs), len(inputs.months), members.shape[0], inputs.base.dims.n_elements, 4,
            len(inputs.sectors.names))  # fmt: skip


def shape_of(c: Compact) -> tuple[int, int, int, int, int, int]:
    """The shape of series ``c``, as :func:`compact_shape` gives it."""
    runs, t_n, p_n, items = c.demand.shape
    return (runs, t_n, p_n, items - 1, c.production_outside.shape[2], c.sector_demand.shape[3])


class SeriesPool:
    """Series of finished calls, to be written over by later calls of the same shape (``out`` of
    :func:`run_fast_series`) instead of asking the operating system for fresh memory each time.
    Keeps the last ``keep`` given back; safe to use from two threads (a pipeline's)."""

    def __init__(self, keep: int = 2) -> None:
        self.keep = keep
        self.free: list[Compact] = []
        self.lock = threading.Lock()

    def take(self, shape: tuple[int, int, int, int, int, int]) -> Compact | None:
        """Series of ``shape`` (see :func:`compact_shape`) no longer used, or None."""
        with self.lock:
            found = next((c for c in self.free if shape_of(c) == shape), None)
            # By identity: list.remove would compare the series' arrays (a dataclass's ==).
            self.free = [c for c in self.free if c is not found]
            return found

    def give(self, compact: Compact) -> None:
        """Hand back series nothing reads any more."""
        with self.lock:
            self.free = [*self.free[max(len(self.free) + 1 - self.keep, 0) :], compact]


def _runs(inputs: Inputs, runs: int | None) -> int:
    own = inputs.runs
    if runs is None:
        return own
    if own not in (1, runs):
        raise ValueError(f"inputs describe {own} runs, not {runs}")
    return runs


def _compact_buffers(runs: int, t_n: int, p_n: int, e_n: int, k_n: int, j_n: int = 0) -> Compact:
    return Compact(
        demand=np.zeros((runs, t_n, p_n, 1 + e_n)), unmet=np.zeros((runs, t_n, p_n, 1 + e_n)),
        magnet_stock=np.zeros((runs, t_n, p_n)), stockpile=np.zeros((runs, t_n, p_n)),
        released=np.zeros((runs, t_n, p_n)),
        production_outside=np.zeros((runs, t_n, k_n)), use_outside=np.zeros((runs, t_n, k_n)),
        price=np.zeros((runs, t_n, k_n, 2, e_n)), floor_cost=np.zeros((runs, t_n)),
        stockpile_cost=np.zeros((runs, t_n)), alone_from=np.zeros((runs, k_n, e_n)),
        sector_demand=np.zeros((runs, t_n, p_n, j_n)), sector_unmet=np.zeros((runs, t_n, p_n, j_n)),
    )  # fmt: skip


def _call(inputs: Inputs, runs: int, out: Outputs, compact: Compact, members: Array, on: bool) -> None:
    from reesim.kernel import bundles
    from reesim.kernel.compiling import compiled_kernel

    rest: tuple[Any, ...] = bundles.build(inputs, runs, out, compact, members, on)
    lanes = (0,) * lane_count(runs)
    groups = -(-runs // len(lanes))
    split = np.linspace(0, groups, min(_threads(), groups) + 1).round().astype(np.int64)
    shares = [split[i : i + 2].copy() for i in range(split.size - 1)]
    kernel = compiled_kernel(lanes, shares[0], *rest)
    with _ONE_AT_A_TIME, np.errstate(all="ignore"):  # (errors matter only with the JIT off)
        if len(shares) == 1:
            kernel(lanes, shares[0], *rest)
            return
        with ThreadPoolExecutor(len(shares)) as pool:  # the kernel releases the GIL
            done = [pool.submit(kernel, lanes, share, *rest) for share in shares]
            for future in done:
                future.result()


def _threads() -> int:
    """Threads to spread groups over: ``NUMBA_NUM_THREADS`` (worker processes set 1), else the
    cores; one with the JIT off, where threads would only take turns."""
    if getattr(config, "DISABLE_JIT", False):
        return 1
    default = getattr(config, "NUMBA_NUM_THREADS", os.cpu_count() or 1)
    return max(int(os.environ.get("NUMBA_NUM_THREADS", default)), 1)
