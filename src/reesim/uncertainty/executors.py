"""Where runs are computed: in this process, in local worker processes, or on a Dask cluster.

One interface, :class:`Executor`: ``map(function, jobs)`` yields results in job order. Work is
sent as :class:`Chunk` jobs (a scenario, a seed and run indices); each worker loads the dataset
once and keeps it. Because every run draws from its own seeded stream
(:func:`reesim.uncertainty.sample.run_rng`), results do not depend on the executor or the chunk
size (tested).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import xarray as xr

from reesim.errors import InputError, Problem

EXECUTORS = ("serial", "processes", "dask")


@dataclass(frozen=True)
class Chunk:
    """Runs ``indices`` of a batch: everything a worker needs, picklable."""

    scenario: Any  # Resolved or Scenario
    data_dir: str
    seed: int
    indices: tuple[int, ...]
    kernel: str
    vary_parameters: bool
    keep: int = 1_000_000_000  # series are returned for runs with an index below this


@dataclass
class ChunkResult:
    """What a worker returns: per-run headline figures of every run, series of the kept ones."""

    indices: tuple[int, ...]
    figures: dict[str, np.ndarray]  # see reesim.results.headline.run_figures
    series: xr.Dataset | None  # runs of the chunk with an index below Chunk.keep (None: none)


_WORKER_CACHE: dict[str, Any] = {}


def _dataset_and_baseline(data_dir: str) -> Any:
    if data_dir not in _WORKER_CACHE:
        from reesim.dataset.model import load_dataset
        from reesim.model.baseline import build_baseline
        from reesim.results.series import place_members

        ds = load_dataset(Path(data_dir))
        base = build_baseline(ds)
        _WORKER_CACHE[data_dir] = (ds, base, place_members(ds, base))
    return _WORKER_CACHE[data_dir]


def worker_data(data_dir: str) -> tuple[Any, Any]:
    """The dataset in ``data_dir`` and its base year, loaded once per worker process."""
    ds, base, _ = _dataset_and_baseline(data_dir)
    return ds, base


@dataclass
class Prepared:
    """A chunk's runs drawn and compiled into kernel inputs (see :func:`prepare_chunk`)."""

    ds: Any
    base: Any
    members: np.ndarray
    scenario: Any  # the drawn engine scenario (reesim.model.scenario.Scenario)
    inputs: Any  # reesim.model.compile.Inputs
    kernel: str  # fast or reference
    runs: int


def simulate_chunk(chunk: Chunk) -> ChunkResult:
    """Simulate the runs of ``chunk`` in one go: draw them all, compile them into one batch of
    inputs, run the kernel keeping only compact series, reduce to per-run figures."""
    ready = prepare_chunk(chunk)
    return finish_chunk(chunk, ready, run_chunk(ready))


def prepare_chunk(chunk: Chunk) -> Prepared:
    """Draw the chunk's runs and compile them into one batch of kernel inputs (Python, one core)."""
    from reesim.model.compile import compile_scenario
    from reesim.uncertainty.sample import draw_batch

    ds, base, members = _dataset_and_baseline(chunk.data_dir)
    scenario = draw_batch(chunk.scenario, ds, chunk.seed, chunk.indices, chunk.vary_parameters)
    inputs = compile_scenario(scenario, ds, base)
    return Prepared(ds, base, members, scenario, inputs, chunk.kernel, len(chunk.indices))


def run_chunk(ready: Prepared, out: Any = None) -> Any:
    """Simulate a prepared chunk: the fast kernel's compact series (every core; the GIL is
    released; written into ``out`` if given, the series of an earlier chunk of the same shape),
    or the reference kernel's full outputs."""
    if ready.kernel == "fast":
        from reesim.kernel.fast import run_fast_series

        return run_fast_series(ready.inputs, ready.members, out=out)
    from reesim.kernel.reference import run_reference

    return run_reference(ready.inputs, runs=ready.runs)


def finish_chunk(chunk: Chunk, ready: Prepared, simulated: Any) -> ChunkResult:
    """Reduce a simulated chunk to per-run figures and the series of the kept runs."""
    from reesim.results.headline import run_figures
    from reesim.results.series import from_compact, series

    runs = np.array(chunk.indices)
    ds, base = ready.ds, ready.base
    if ready.kernel == "fast":
        s = from_compact(simulated, ds, ready.inputs.base, runs, list(ready.inputs.months))
    else:
        from reesim.engine.label import add_units, to_xarray

        result = add_units(to_xarray(simulated, ready.inputs, ready.scenario, chunk.seed), ds, base)
        s = series(result, ds, base).assign_coords(run=runs)
    kept = [i for i in chunk.indices if i < chunk.keep]
    return ChunkResult(chunk.indices, run_figures(s), s.sel(run=kept) if kept else None)


class Executor(Protocol):
    """Maps a function over jobs, yielding results in job order."""

    name: str

    def map(self, function: Callable[[Any], Any], jobs: list[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...


class Serial:
    """Everything in this process. Chunks of runs (:func:`simulate_chunk`) are pipelined: the
    next chunk is drawn and compiled, and the last one reduced, on a helper thread while the
    kernel simulates this one on every core (:mod:`reesim.uncertainty.pipeline`)."""

    name = "serial"

    def map(self, function: Callable[[Any], Any], jobs: list[Any]) -> Iterator[Any]:
        if function is simulate_chunk:
            from reesim.uncertainty.pipeline import overlapped

            reused = _Reused()
            return overlapped(jobs, prepare_chunk, reused.simulate, reused.finish)
        return (function(job) for job in jobs)

    def close(self) -> None:
        return None


class _Reused:
    """The compact series of chunks already finished, written over by the next chunks of the same
    shape: fresh memory (about 350 MB for 512 runs of 240 months), handed out and zeroed by the
    operating system, makes the kernel take from 0% to 29% longer (six alternating measurements
    of 10,000 and 4,096 runs of race; median 15%). A chunk's series go back to the pool only once
    it is finished and its result holds no view of them; the pipeline has at most two chunks
    between simulating and finished, so the pool keeps at most two."""

    def __init__(self) -> None:
        from reesim.kernel.fast import SeriesPool

        self.pool = SeriesPool(keep=2)

    def simulate(self, ready: Prepared) -> Any:
        if ready.kernel != "fast":
            return run_chunk(ready)
        from reesim.kernel.fast import compact_shape

        return run_chunk(ready, self.pool.take(compact_shape(ready.inputs, ready.members)))

    def finish(self, chunk: Chunk, ready: Prepared, simulated: Any) -> ChunkResult:
        result = finish_chunk(chunk, ready, simulated)
        if ready.kernel == "fast" and not _holds_view(result, simulated):
            self.pool.give(simulated)
        return result


def _holds_view(result: ChunkResult, compact: Any) -> bool:
    """Whether some array of ``result`` may share memory with the series ``compact``."""
    held = list(result.figures.values())
    if result.series is not None:
        held += [v.values for v in result.series.variables.values()]
    mine = [getattr(compact, f.name) for f in fields(compact)]
    return any(np.may_share_memory(a, b) for a in held if isinstance(a, np.ndarray) for b in mine)


def _one_thread() -> None:
    """Worker initialiser: one compute thread per worker process (the workers are the parallelism)."""
    os.environ["NUMBA_NUM_THREADS"] = "1"
    os.environ["OMP_NUM_THREADS"] = "1"


class Processes:
    """Local worker processes (one per core by default), started fresh ("spawn"): forking a
    process that already runs Numba's threads is unsafe."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        context = multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(
            max_workers=workers or os.cpu_count() or 1, mp_context=context, initializer=_one_thread
        )

    def map(self, function: Callable[[Any], Any], jobs: list[Any]) -> Iterator[Any]:
        return self.pool.map(function, jobs)

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


class Dask:
    """A Dask distributed cluster: at ``address``, or a local one started for the batch."""

    name = "dask"

    def __init__(self, workers: int | None = None, address: str | None = None) -> None:
        from reesim.extras import require

        require("distributed")
        from distributed import Client, LocalCluster

        self.cluster = None
        if address:
            self.client = Client(address)
        else:
            self.cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                        processes=True, dashboard_address=None,
                                        env={"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})  # fmt: skip
            self.client = Client(self.cluster)

    def map(self, function: Callable[[Any], Any], jobs: list[Any]) -> Iterator[Any]:
        futures = self.client.map(function, jobs, pure=False)
        return (future.result() for future in futures)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(name: str, workers: int | None = None, address: str | None = None) -> Executor:
    """The executor called ``name`` (serial, processes or dask)."""
    if name == "serial":
        return Serial()
    if name == "processes":
        return Processes(workers)
    if name == "dask":
        return Dask(workers, address)
    from reesim.dataset.parse import did_you_mean

    raise InputError([Problem("--executor", None, "--executor", f"unknown executor {name!r}",
                              did_you_mean(name, EXECUTORS))])  # fmt: skip
