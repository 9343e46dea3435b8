"""Draw the uncertain inputs of one run.

Every run ``i`` of a batch with seed ``s`` draws from its own stream,
``SeedSequence(s, spawn_key=(i,))``, so a run's draws do not depend on the batch size, on how runs
are split into chunks, or on the executor. Two kinds of numbers are drawn:

- every number of the scenario given as a distribution (:mod:`reesim.language.numbers`),
  clipped to its field's range;
- every parameter that the engine reads per scenario (:data:`SAMPLED_PARAMETERS`, and the
  final-use sectors' working-stock covers ``sector_cover_*`` of the dataset) and whose dataset
  range is not a single value, from a triangular distribution between the table's low and high
  with its default as the mode, unless the scenario sets the parameter itself. The sector covers
  are drawn last in a run's stream, after the scenario's numbers, so the other draws of a run are
  those it gives without them.

Parameters that calibrate the base year (recoveries, yields, magnet content) are not drawn:
changing them would need a new calibration per run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from reesim.dataset.model import Dataset
from reesim.language.numbers import Number, central
from reesim.model.compile import KERNEL_PARAMETERS, TRANSIT_PARAMETERS
from reesim.model.lifetimes import LIFE_PARAMETERS, RATE_PARAMETERS
from reesim.model.scenario import Scenario
from reesim.model.sectors import COVER_PREFIX, cover_parameters
from reesim.scenarios.load import Resolved

#: Parameters drawn per run (those the compile step and kernel read from ``Scenario.parameters``).
SAMPLED_PARAMETERS = (*KERNEL_PARAMETERS, *RATE_PARAMETERS, *LIFE_PARAMETERS, *TRANSIT_PARAMETERS)

_SHARES = ("share", "rate", "threshold", "shortfall")


def bounds(where: str) -> tuple[float, float]:
    """Range a drawn scenario number is clipped to, from its field name."""
    name = where.rsplit(".", 1)[-1]
    if where.startswith("parameters."):
        return -math.inf, math.inf
    if name == "shock":
        return -1.0, math.inf
    if name == "growth_pct_per_yr":
        return -math.inf, math.inf
    if name.endswith(_SHARES):
        return 0.0, 1.0
    return 0.0, math.inf


def run_rng(seed: int, index: int) -> np.random.Generator:
    """The random stream of run ``index`` of a batch seeded with ``seed``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))


def parameter_ranges(
    ds: Dataset, fixed: dict[str, Any] | None = None
) -> dict[str, tuple[float, float, float]]:
    """(low, default, high) of every sampled parameter with a real range, except ``fixed`` ones:
    :data:`SAMPLED_PARAMETERS`, then the dataset's sector covers."""
    table = ds.parameters
    rows = {
        str(n): (float(lo), float(d), float(hi))
        for n, lo, d, hi in zip(table["name"], table["low"], table["default"], table["high"], strict=True)
    }
    return {
        name: rows[name]
        for name in (*SAMPLED_PARAMETERS, *cover_parameters(ds))
        if name in rows and name not in (fixed or {}) and rows[name][0] < rows[name][2]
    }


def draw_run(
    ref: Resolved | Scenario, ds: Dataset, seed: int, index: int, vary_parameters: bool = True
) -> Scenario:
    """The engine scenario of run ``index``: its own draws of every uncertain number."""
    params, numbers = _draws(ref, ds, seed, (index,), vary_parameters)
    return _scenario(ref, ds, {k: float(v[0]) for k, v in params.items()},
                     {k: float(v[0]) for k, v in numbers.items()})  # fmt: skip


def draw_batch(
    ref: Resolved | Scenario, ds: Dataset, seed: int, indices: Sequence[int], vary_parameters: bool = True
) -> Scenario:
    """The engine scenario of runs ``indices`` at once: every drawn number is an array with one
    value per run, equal to what :func:`draw_run` gives that run (same streams, same order).

    :func:`reesim.model.compile.compile_scenario` turns it into inputs for all the runs, so a
    batch costs one conversion and one compile instead of one per run.
    """
    params, numbers = _draws(ref, ds, seed, indices, vary_parameters)
    return _scenario(ref, ds, params, numbers)


def _draws(
    ref: Resolved | Scenario, ds: Dataset, seed: int, indices: Sequence[int], vary_parameters: bool
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per-run draws of the ranged parameters and of the scenario's distributions: run ``i``
    draws from its own stream, parameters first, then numbers in the order the scenario uses them
    (delays of one operator's projects correlated, :mod:`reesim.uncertainty.correlate`), then the
    sector covers."""
    from reesim.uncertainty.correlate import PARAMETER, draw_numbers, operator_groups

    ranges = parameter_ranges(ds, dict(ref.parameters)) if vary_parameters else {}
    numbers = uncertain_numbers(ref, ds)
    limits = {where: bounds(where) for where in numbers}
    groups = operator_groups(ref, ds, numbers)
    rho = (
        float(central(ref.parameters[PARAMETER])) if PARAMETER in ref.parameters else ds.parameter(PARAMETER)
    )
    names = [n for n in ranges if not n.startswith(COVER_PREFIX)]
    covers = [n for n in ranges if n.startswith(COVER_PREFIX)]
    params = np.empty((len(indices), len(ranges)))
    values = np.empty((len(indices), len(numbers)))
    for row, index in enumerate(indices):
        rng = run_rng(seed, index)
        for col, name in enumerate(names):
            params[row, col] = float(rng.triangular(*ranges[name]))
        drawn = draw_numbers(rng, numbers, limits, groups, rho)
        values[row] = [drawn[where] for where in numbers]
        for col, name in enumerate(covers, start=len(names)):
            params[row, col] = float(rng.triangular(*ranges[name]))
    return (
        {name: params[:, col].copy() for col, name in enumerate((*names, *covers))},
        {where: values[:, col].copy() for col, where in enumerate(numbers)},
    )


def _scenario(
    ref: Resolved | Scenario, ds: Dataset, params: dict[str, Any], numbers: dict[str, Any]
) -> Scenario:
    """The engine scenario with drawn ``numbers`` (by where they are used) and ``params``."""
    from reesim.scenarios.convert import to_model

    def pick(value: Number, where: str) -> Any:
        return numbers[where] if where in numbers else central(value)

    scenario = ref if isinstance(ref, Scenario) else to_model(ref, ds, pick)
    return replace(scenario, parameters={**params, **scenario.parameters})


def uncertain_numbers(ref: Resolved | Scenario, ds: Dataset) -> dict[str, Number]:
    """Every scenario number given as a distribution, by where it is used (``"3.delay_months"``)."""
    if isinstance(ref, Scenario):
        return {}
    from reesim.scenarios.convert import to_model

    found: dict[str, Number] = {}

    def look(value: Number, where: str) -> float:
        if not isinstance(value, int | float):
            found[where] = value
        return central(value)

    to_model(ref, ds, look)
    return found
