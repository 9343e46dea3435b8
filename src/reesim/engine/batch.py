"""Run a scenario once or many times (Monte Carlo over its distributions) and keep compact series.

With ``runs`` = 1 the scenario runs with each distribution's central value. With more runs,
every run draws each distribution once (seeded, so the same seed gives the same runs) and the
kernel runs each draw; only the compact series of each run are kept
(:mod:`reesim.results.series`), plus the full outputs of the central run for flow charts.
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
from reesim.engine.run import run
from reesim.model.baseline import Baseline, build_baseline
from reesim.model.scenario import Scenario
from reesim.results.series import series
from reesim.scenarios.load import Resolved
from reesim.scenarios.numbers import Number, central, draw

Progress = Callable[[int, int], None]  # (runs done, runs in all)

_SHARES = ("share", "rate", "threshold", "shortfall")
_SIGNED = ("growth_pct_per_yr", "shock")


def _bounds(where: str) -> tuple[float, float]:
    """Range a drawn number is clipped to, from its field name (shares 0-1, signed, else >= 0)."""
    name = where.rsplit(".", 1)[-1]
    if where.startswith("parameters."):
        return -math.inf, math.inf
    if name in _SIGNED:
        return (-1.0, math.inf) if name == "shock" else (-math.inf, math.inf)
    if name.endswith(_SHARES) or name == "share":
        return 0.0, 1.0
    return 0.0, math.inf


def has_distributions(resolved: Resolved) -> bool:
    """Whether any number of the scenario is a distribution."""
    found = False

    def look(value: Number, _where: str) -> float:
        nonlocal found
        found = found or not isinstance(value, int | float)
        return central(value)

    from reesim.scenarios.convert import to_model

    to_model(resolved, load_dataset(), look)
    return found


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


def with_horizon(resolved: Resolved, years: float) -> Resolved:
    """The scenario with its horizon set to ``years`` after its start."""
    from reesim.scenarios.fields import parse_date

    y, m = parse_date(resolved.start)
    last = y * 12 + m - 1 + max(round(years * 12), 1) - 1
    return replace(resolved, horizon=f"{last // 12:04d}-{last % 12 + 1:02d}")


def run_batch(
    ref: Any,
    runs: int = 1,
    seed: int | None = None,
    horizon_years: float | None = None,
    dataset: Dataset | None = None,
    baseline: Baseline | None = None,
    progress: Progress | None = None,
    kernel: str = "auto",
) -> Batch:
    """Run ``ref`` (shipped name, path, resolved scenario or Scenario) ``runs`` times."""
    from reesim.scenarios import catalog
    from reesim.scenarios.convert import to_model

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
    sampled = runs > 1 and resolved is not None and has_distributions(resolved)
    if not sampled:
        one = series(central_result, ds, base)
        all_series = (
            xr.concat([one] * runs, dim="run").assign_coords(run=np.arange(runs)) if runs > 1 else one
        )
        if progress:
            progress(runs, runs)
    else:
        assert resolved is not None
        rng = np.random.default_rng(seed)
        parts = []
        for i in range(runs):

            def pick(value: Number, where: str) -> float:
                low, high = _bounds(where)
                return float(draw(value, rng, 1, low, high)[0])

            drawn = to_model(resolved, ds, pick)
            result = run(drawn, runs=1, seed=seed, dataset=ds, baseline=base, kernel=chosen)
            parts.append(series(result, ds, base).assign_coords(run=[i]))
            if progress:
                progress(i + 1, runs)
        all_series = xr.concat(parts, dim="run")
    all_series.attrs.update(scenario=scenario.name, seed=seed, runs=runs)
    t2 = time.perf_counter()
    timings = {"prepare_s": t1 - t0, "simulate_s": t2 - t1}
    batch = Batch(
        scenario, resolved, all_series, central_summary(central_result), seed, runs, sampled, timings
    )
    batch.kernel = chosen
    batch.full = central_result
    return batch


def central_summary(result: xr.Dataset) -> xr.Dataset:
    """What the report needs of the central run: flows per material and node, and prices."""
    out = xr.Dataset(
        {
            "production": result["production"].sum("element"),
            "consumption": result["consumption"].sum("element"),
            "feed": result["feed"].sum("element"),
            "imports": result["imports"].sum("element"),
            "exports": result["exports"].sum("element"),
            "price": result["price"],
        }
    )
    out.attrs = dict(result.attrs)
    return out
