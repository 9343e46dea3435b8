"""``reesim.run``: simulate a scenario once or many times and return labelled outputs (xarray).

One run uses the scenario's central values. Several runs are a Monte Carlo: run ``i`` draws
every distribution of the scenario and every ranged engine parameter from its own seeded stream
(:mod:`reesim.uncertainty.sample`), exactly as ``reesim run --runs N --seed S`` draws it, so
the same seed gives the same numbers from Python and from the command line.

Dimensions of the result: ``run``, ``month`` (``YYYY-MM`` labels here; :func:`reesim.run` gives
users dates), ``material`` (concentrate, oxide, metal, magnet), ``node`` (model nodes),
``element``; prices have ``market`` (china, outside) instead of ``node``. Quantities are
t REO-equivalent per month; prices USD/kg.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np
import xarray as xr

from reesim.dataset.model import Dataset, load_dataset
from reesim.engine.label import add_units, to_xarray
from reesim.errors import InputError, Problem
from reesim.kernel.reference import month_steps
from reesim.kernel.state import Outputs
from reesim.model.baseline import Baseline, build_baseline
from reesim.model.compile import Inputs, compile_scenario
from reesim.model.dims import MATERIALS
from reesim.model.scenario import Scenario
from reesim.scenarios.load import Resolved

__all__ = ["CHUNK", "KERNELS", "Part", "add_units", "run", "simulate_part", "to_xarray", "with_horizon"]

KERNELS = ("fast", "reference")
#: Runs simulated together when a progress callback is given (two groups of the fast kernel's
#: 32 lanes, one per core of a laptop): small enough for a bar to move, large enough that drawing
#: and compiling each chunk costs little beside simulating it.
CHUNK = 64

Progress = Callable[[int, int], None]  # (runs done, runs in all)


def run(
    scenario: Scenario | Resolved | str | Path,
    runs: int = 1,
    seed: int | None = None,
    dataset: Dataset | None = None,
    baseline: Baseline | None = None,
    kernel: str = "fast",
    horizon: float | None = None,
    progress: Progress | None = None,
    executor: str = "serial",
    workers: int | None = None,
    address: str | None = None,
) -> xr.Dataset:
    """Simulate ``scenario`` ``runs`` times and return the labelled outputs of every run.

    ``scenario`` is a shipped scenario's name (``"april-2025"``), a path to a scenario YAML file,
    a resolved scenario (:func:`reesim.scenarios.load`) or a :class:`Scenario` object.

    With ``runs`` = 1 the scenario runs once with each distribution's central value. With more
    runs, every run draws the scenario's distributions and the ranged engine parameters from the
    stream of ``seed`` and its index, as ``reesim run SCENARIO --runs N --seed S`` does: the same
    seed gives the same runs. Without a seed one is drawn; ``result.attrs["seed"]`` records it
    (-1 for a single run without a seed). A scenario without distributions and an engine without
    ranged parameters give identical runs. Every run keeps its full outputs (about 30 MB per run
    of 20 years), so thousands of runs belong on the command line, which keeps compact series.

    ``horizon`` (years after the scenario's start) shortens or extends the simulated period, as
    ``--horizon`` does. ``kernel`` is ``"fast"`` (compiled with Numba; the first call compiles,
    later calls reuse the on-disk cache) or ``"reference"`` (plain NumPy). Both give the same
    numbers to 1e-9 relative.

    ``progress`` (runs done, runs in all) is called after each chunk of :data:`CHUNK` runs:
    with it a Monte Carlo is drawn, compiled and simulated chunk by chunk, which gives the same
    numbers (each run draws from its own stream) and lets a progress bar move. ``executor``
    (``serial``, ``processes`` or ``dask``, with ``workers`` and a Dask scheduler's ``address``)
    simulates chunks of a Monte Carlo elsewhere, as ``reesim run --executor`` does; workers read
    the dataset from its folder. Months are ``YYYY-MM`` labels here; :func:`reesim.run` hands
    them to users as dates.
    """
    if kernel not in KERNELS:
        raise InputError(
            [
                Problem(
                    "kernel", None, "kernel", f"unknown kernel {kernel!r}", f"use one of {', '.join(KERNELS)}"
                )
            ]
        )
    if runs < 1:
        raise InputError([Problem("runs", None, "runs", f"runs is {runs}", "give 1 or more runs")])
    from reesim.uncertainty.executors import EXECUTORS

    if executor not in EXECUTORS:
        from reesim.dataset.parse import did_you_mean

        hint = did_you_mean(executor, EXECUTORS)
        raise InputError([Problem("executor", None, "executor", f"unknown executor {executor!r}", hint)])
    ds = dataset or load_dataset()
    base = baseline or build_baseline(ds)
    source = _source(scenario, ds, horizon)
    central = source if isinstance(source, Scenario) else _to_model(source, ds)
    sampled = False
    if runs > 1:
        from reesim.uncertainty.sample import parameter_ranges, uncertain_numbers

        sampled = bool(parameter_ranges(ds, central.parameters)) or bool(uncertain_numbers(source, ds))
        if sampled and seed is None:
            seed = int(np.random.SeedSequence().entropy % 2**31)  # type: ignore[operator]
    drawn_from = seed if sampled else None
    parts = []
    if executor == "serial" or runs == 1:  # chunks written into one set of outputs, not concatenated
        size = runs if progress is None else CHUNK
        whole: Outputs | None = None
        for first in range(0, runs, size):
            indices = range(first, min(first + size, runs))
            inputs = _compile(source, central, ds, base, drawn_from, indices)
            whole = whole or _allocate(inputs, runs)
            _simulate_into(inputs, kernel, _rows(whole, indices))
            if progress is not None:
                progress(indices.stop, runs)
        assert whole is not None
        parts.append(to_xarray(whole, inputs, central, seed))
    else:
        from reesim.uncertainty.executors import make_executor

        size = max(1, min(CHUNK, -(-runs // (4 * (workers or 2)))))
        jobs = [Part(source, central, str(ds.data_dir), kernel, drawn_from, range(a, min(a + size, runs)))
                for a in range(0, runs, size)]  # fmt: skip
        pool = make_executor(executor, workers, address)
        try:
            for part in pool.map(simulate_part, jobs):
                parts.append(part)
                if progress is not None:
                    progress(int(part["run"].values[-1]) + 1, runs)
        finally:
            pool.close()
    result = parts[0] if len(parts) == 1 else xr.concat(parts, dim="run")
    result.attrs["seed"] = -1 if seed is None else seed
    return add_units(result, ds, base)


@dataclass(frozen=True)
class Part:
    """Runs ``indices`` of a Monte Carlo, for a worker: everything it needs, picklable."""

    source: Resolved | Scenario
    central: Scenario
    data_dir: str
    kernel: str
    seed: int | None
    indices: range


def simulate_part(part: Part) -> xr.Dataset:
    """A worker's runs: the dataset read once per worker from its folder, then :func:`_simulate`."""
    from reesim.uncertainty.executors import worker_data

    ds, base = worker_data(part.data_dir)
    return _simulate(part.source, part.central, ds, base, part.kernel, part.seed, part.indices)


def _simulate(
    source: Resolved | Scenario, central: Scenario, ds: Dataset, base: Baseline, kernel: str,
    seed: int | None, indices: range,
) -> xr.Dataset:  # fmt: skip
    """Runs ``indices`` labelled: drawn from ``seed``'s streams, or at central values without one."""
    inputs = _compile(source, central, ds, base, seed, indices)
    outputs = _allocate(inputs, len(indices))
    _simulate_into(inputs, kernel, outputs)
    return to_xarray(outputs, inputs, central, seed).assign_coords(run=np.asarray(indices))


def _compile(
    source: Resolved | Scenario, central: Scenario, ds: Dataset, base: Baseline, seed: int | None,
    indices: range,
) -> Inputs:  # fmt: skip
    """Kernel inputs of runs ``indices``: drawn from ``seed``'s streams, or central without one."""
    drawn = central
    if seed is not None:
        from reesim.uncertainty.sample import draw_batch

        drawn = draw_batch(source, ds, int(seed), indices)
    return compile_scenario(drawn, ds, base)


def _allocate(inputs: Inputs, runs: int) -> Outputs:
    """Zeroed outputs for ``runs`` runs of ``inputs``' months, nodes, elements and projects."""
    dims = inputs.base.dims
    return Outputs.zeros(runs, len(inputs.months), len(MATERIALS), dims.n_nodes, dims.n_elements,
                         projects=inputs.proj_node.size, sectors=len(inputs.sectors.names))  # fmt: skip


def _rows(outputs: Outputs, indices: range) -> Outputs:
    """The outputs of runs ``indices``: views into ``outputs``, written in place."""
    return Outputs(**{f.name: getattr(outputs, f.name)[indices.start : indices.stop]
                      for f in fields(outputs) if f.name != "trade"})  # fmt: skip


def _simulate_into(inputs: Inputs, kernel: str, out: Outputs) -> None:
    """Simulate every run of ``out`` (zeroed) with ``kernel``, writing ``out``."""
    if kernel == "fast":
        from reesim.kernel.fast import run_fast

        run_fast(inputs, runs=out.production.shape[0], out=out)
    else:
        for _ in month_steps(inputs, out.production.shape[0], out):
            pass


def _to_model(resolved: Resolved, ds: Dataset) -> Scenario:
    from reesim.scenarios.convert import to_model

    return to_model(resolved, ds)


def _source(
    scenario: Scenario | Resolved | str | Path, ds: Dataset, horizon: float | None
) -> Resolved | Scenario:
    """The scenario to draw from: resolved (its distributions kept) unless given as an engine
    :class:`Scenario`, with its horizon set to ``horizon`` years if given."""
    if isinstance(scenario, Scenario):
        return scenario if horizon is None else replace(scenario, months=max(round(horizon * 12), 1))
    if not isinstance(scenario, Resolved):
        from reesim.scenarios.catalog import load

        scenario = load(scenario, ds)
    return scenario if horizon is None else with_horizon(scenario, horizon)


def with_horizon(resolved: Resolved, years: float) -> Resolved:
    """The scenario with its horizon set to ``years`` after its start."""
    from reesim.language.fields import parse_date

    y, m = parse_date(resolved.start)
    last = y * 12 + m - 1 + max(round(years * 12), 1) - 1
    return replace(resolved, horizon=f"{last // 12:04d}-{last % 12 + 1:02d}")
