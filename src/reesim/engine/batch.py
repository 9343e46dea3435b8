"""Run a scenario once or many times (Monte Carlo over its distributions) and keep compact series.

With ``runs`` = 1 the scenario runs with each distribution's central value (its median unless the
scenario states ``central:``; :mod:`reesim.language.numbers`). With more runs,
every run draws each distribution and each ranged engine parameter once
(:mod:`reesim.uncertainty.sample`; seeded per run, so the same seed gives the same runs on any
executor). Runs are drawn, compiled and simulated in chunks; each run is reduced to the figures
the headline summarises (kept for every run) and its compact series (:mod:`reesim.results.series`,
kept for the first :data:`KEEP_SERIES` runs, for charts), plus the full outputs of the central
run for flow charts and its headline figures, which the headline compares with the median over
the runs (:mod:`reesim.results.central`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import xarray as xr

from reesim.dataset.model import Dataset, load_dataset
from reesim.engine.run import run, with_horizon
from reesim.model.baseline import Baseline, build_baseline
from reesim.model.scenario import Scenario
from reesim.results.central import check
from reesim.results.headline import Figures, Headline, join_figures, run_figures, summarise
from reesim.results.series import series
from reesim.scenarios.load import Resolved

Progress = Callable[[int, int], None]  # (runs done, runs in all)

#: Monthly series are kept for this many runs (charts' bands); the headline uses every run.
KEEP_SERIES = 1_000
#: Most runs compiled and simulated together (one chunk of work for an executor): a multiple of the
#: fast kernel's 32 lanes and of its groups per core, so that no lane of a full chunk idles.
CHUNK = 512


@dataclass
class Batch:
    """The outcome of :func:`run_batch`."""

    scenario: Scenario  # with central values
    resolved: Resolved | None
    series: xr.Dataset  # [run, ...] compact series of every run
    central: xr.Dataset  # the central run summed over elements (production, consumption) and its prices
    seed: int
    runs: int
    sampled: bool  # whether runs differ (the scenario has distributions)
    timings: dict[str, float] = field(default_factory=dict)
    kernel: str = "reference"
    full: xr.Dataset | None = None  # full outputs of the central run (not stored unless asked)
    figures: Figures | None = None  # per-run headline figures of every run (sampled batches)
    central_figures: Figures | None = None  # the central run's headline figures (one value each)

    def headline(self, reference: float = math.nan) -> Headline:
        """The headline over every run (from per-run figures when the series kept are a sample),
        with what the central run is and, over several runs, where it departs from their median."""
        s = self.series
        figures = self.figures if self.figures is not None else run_figures(s)
        months, places, items = ([str(v) for v in s[axis].values] for axis in ("month", "place", "item"))
        head = summarise(figures, months, places, items, reference=reference)
        central = self.central_figures if self.central_figures is not None else run_figures(s.isel(run=[0]))
        return replace(head, central_run=check(central, figures))


#: Most years one run may simulate (as a scenario's own horizon may).
MAX_HORIZON_YEARS = 100
#: Seeds are stored as signed 64-bit integers.
MAX_SEED = 2**63 - 1


def _check_options(horizon_years: float | None, seed: int | None) -> None:
    """Refuse a horizon or seed the run could not use or store, before anything is simulated."""
    from reesim.errors import InputError, Problem

    if horizon_years is not None and not (0 < horizon_years <= MAX_HORIZON_YEARS):
        hint = f"give a number of years above 0 and at most {MAX_HORIZON_YEARS}"
        raise InputError([Problem("--horizon", None, "--horizon", f"horizon of {horizon_years} years", hint)])
    if seed is not None and not (0 <= seed <= MAX_SEED):
        raise InputError([Problem("--seed", None, "--seed", f"seed {seed} out of range",
                                  f"give a whole number from 0 to {MAX_SEED}")])  # fmt: skip


def run_batch(
    ref: Any,
    runs: int = 1,
    seed: int | None = None,
    horizon_years: float | None = None,
    dataset: Dataset | None = None,
    baseline: Baseline | None = None,
    progress: Progress | None = None,
    kernel: str = "auto",
    executor: str = "serial",
    workers: int | None = None,
    address: str | None = None,
    vary_parameters: bool = True,
    chunk_size: int | None = None,
    keep_series: int = KEEP_SERIES,
    on_chunk: Callable[[xr.Dataset], None] | None = None,
) -> Batch:
    """Run ``ref`` (shipped name, path, resolved scenario or Scenario) ``runs`` times.

    With more than one run, every run draws the scenario's distributions and (with
    ``vary_parameters``) the ranged engine parameters from its own seeded stream, on
    ``executor`` (serial, processes or dask) in chunks of ``chunk_size`` runs. Each chunk comes
    back as per-run headline figures (kept for every run) and, for the first ``keep_series``
    runs, their monthly series (for charts); so memory grows by a few kB per run, not by the
    runs' series. ``on_chunk``, if given, receives each chunk's series as it is finished (the
    dashboard draws bands of the runs done so far).
    """
    from reesim.scenarios import catalog
    from reesim.scenarios.convert import to_model
    from reesim.uncertainty.executors import Chunk, ChunkResult, make_executor, simulate_chunk
    from reesim.uncertainty.sample import parameter_ranges, uncertain_numbers

    _check_options(horizon_years, seed)
    t0 = time.perf_counter()
    ds = dataset or load_dataset()
    base = baseline or build_baseline(ds)
    resolved: Resolved | None = None
    if isinstance(ref, Scenario):
        scenario = ref
    else:
        resolved = ref if isinstance(ref, Resolved) else catalog.load(ref, ds)
        if horizon_years is not None:
            resolved = with_horizon(resolved, horizon_years)
        scenario = to_model(resolved, ds)
    if horizon_years is not None and resolved is None:
        scenario = replace(scenario, months=max(round(horizon_years * 12), 1))
    seed = int(seed) if seed is not None else int(np.random.SeedSequence().entropy % 2**31)  # type: ignore[operator]
    chosen = kernel if kernel != "auto" else ("reference" if runs <= 3 else "fast")
    t1 = time.perf_counter()
    central_result = run(scenario, runs=1, seed=seed, dataset=ds, baseline=base, kernel=chosen)
    source: Resolved | Scenario = resolved if resolved is not None else scenario
    ranged = vary_parameters and bool(parameter_ranges(ds, scenario.parameters))
    sampled = runs > 1 and (ranged or bool(uncertain_numbers(source, ds)))
    figures = None
    one = series(central_result, ds, base)
    if not sampled:
        all_series = (
            xr.concat([one] * runs, dim="run").assign_coords(run=np.arange(runs)) if runs > 1 else one
        )
        if progress:
            progress(runs, runs)
    else:
        n_workers = (workers or 1) if executor == "serial" else (workers or 2)
        size = chunk_size or max(1, min(CHUNK, -(-runs // (4 * n_workers))))
        jobs = [
            Chunk(
                source,
                str(ds.data_dir),
                seed,
                tuple(range(a, min(a + size, runs))),
                chosen,
                vary_parameters,
                keep_series,
            )
            for a in range(0, runs, size)
        ]
        pool = make_executor(executor, workers, address)
        parts: list[xr.Dataset] = []
        found: list[Figures] = []
        done_runs = 0
        try:
            for done in pool.map(simulate_chunk, jobs):
                assert isinstance(done, ChunkResult)
                found.append(done.figures)
                if done.series is not None:
                    parts.append(done.series)
                    if on_chunk:
                        on_chunk(done.series)
                done_runs += len(done.indices)
                if progress:
                    progress(done_runs, runs)
        finally:
            pool.close()
        all_series = xr.concat(parts, dim="run")
        figures = join_figures(found)
    all_series.attrs.update(scenario=scenario.name, seed=seed, runs=runs)
    t2 = time.perf_counter()
    timings = {"prepare_s": t1 - t0, "simulate_s": t2 - t1}
    batch = Batch(
        scenario, resolved, all_series, central_summary(central_result), seed, runs, sampled, timings
    )
    batch.kernel = chosen
    batch.full = central_result
    batch.central_figures = run_figures(one)
    # a single run's figures are the central run's: reduced once, not again by the headline
    batch.figures = figures if figures is not None or runs > 1 else batch.central_figures
    return batch


def central_summary(result: xr.Dataset) -> xr.Dataset:
    """What the report needs of the central run: flows per material and node, prices, and what
    price floors and strategic stockpiles paid (USD per month)."""
    out = xr.Dataset(
        {
            "production": result["production"].sum("element"),
            "consumption": result["consumption"].sum("element"),
            "feed": result["feed"].sum("element"),
            "imports": result["imports"].sum("element"),
            "exports": result["exports"].sum("element"),
            "price": result["price"],
            "floor_cost": result["floor_cost"],
        }
    )
    if "stockpile_cost" in result:
        out["stockpile_cost"] = result["stockpile_cost"]
    if result.sizes.get("project", 0):
        out["project_output"] = result["project_output"]
    out.attrs = dict(result.attrs)
    return out
