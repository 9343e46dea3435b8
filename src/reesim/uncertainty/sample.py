"""Draw the uncertain inputs of one run.

Every run ``i`` of a batch with seed ``s`` draws from its own stream,
``SeedSequence(s, spawn_key=(i,))``, so a run's draws do not depend on the batch size, on how runs
are split into chunks, or on the executor. Two kinds of numbers are drawn:

- every number of the scenario given as a distribution (:mod:`reesim.scenarios.numbers`),
  clipped to its field's range;
- every parameter that the engine reads per scenario (:data:`SAMPLED_PARAMETERS`) and whose
  dataset range is not a single value, from a triangular distribution between the table's low
  and high with its default as the mode, unless the scenario sets the parameter itself.

Parameters that calibrate the base year (recoveries, yields, magnet content) are not drawn:
changing them would need a new calibration per run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from reesim.dataset.model import Dataset
from reesim.model.compile import KERNEL_PARAMETERS
from reesim.model.scenario import Scenario
from reesim.scenarios.load import Resolved
from reesim.scenarios.numbers import Number, central, draw

#: Parameters drawn per run (those the compile step and kernel read from ``Scenario.parameters``).
SAMPLED_PARAMETERS = (*KERNEL_PARAMETERS, "recycling_rate")

Pick = Callable[[Number, str], float]
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
    """(low, default, high) of every sampled parameter with a real range, except ``fixed`` ones."""
    table = ds.parameters
    rows = {
        str(n): (float(lo), float(d), float(hi))
        for n, lo, d, hi in zip(table["name"], table["low"], table["default"], table["high"], strict=True)
    }
    return {
        name: rows[name]
        for name in SAMPLED_PARAMETERS
        if name in rows and name not in (fixed or {}) and rows[name][0] < rows[name][2]
    }


def draw_run(
    ref: Resolved | Scenario, ds: Dataset, seed: int, index: int, vary_parameters: bool = True
) -> Scenario:
    """The engine scenario of run ``index``: its own draws of every uncertain number."""
    from reesim.scenarios.convert import to_model

    rng = run_rng(seed, index)
    own = ref.parameters
    drawn_params = {}
    if vary_parameters:
        for name, (low, mode, high) in parameter_ranges(ds, dict(own)).items():
            drawn_params[name] = float(rng.triangular(low, mode, high))

    def pick(value: Number, where: str) -> float:
        low, high = bounds(where)
        return float(draw(value, rng, 1, low, high)[0])

    scenario = ref if isinstance(ref, Scenario) else to_model(ref, ds, pick)
    return replace(scenario, parameters={**drawn_params, **scenario.parameters})


def draw_batch(
    ref: Resolved | Scenario, ds: Dataset, seed: int, indices: Sequence[int], vary_parameters: bool = True
) -> Scenario:
    """The engine scenario of runs ``indices`` at once: every drawn number is an array with one
    value per run, equal to what :func:`draw_run` gives that run (same streams, same order).

    :func:`reesim.model.compile.compile_scenario` turns it into inputs for all the runs, so a
    batch costs one conversion and one compile instead of one per run.
    """
    from reesim.scenarios.convert import to_model

    own = ref.parameters
    ranges = parameter_ranges(ds, dict(own)) if vary_parameters else {}
    numbers = uncertain_numbers(ref, ds)
    limits = {where: bounds(where) for where in numbers}
    params = np.empty((len(indices), len(ranges)))
    values = np.empty((len(indices), len(numbers)))
    for row, index in enumerate(indices):
        rng = run_rng(seed, index)
        for col, (low, mode, high) in enumerate(ranges.values()):
            params[row, col] = float(rng.triangular(low, mode, high))
        for col, (where, value) in enumerate(numbers.items()):
            values[row, col] = float(draw(value, rng, 1, *limits[where])[0])
    column = {where: values[:, col].copy() for col, where in enumerate(numbers)}

    def pick(value: Number, where: str) -> Any:
        return column[where] if where in column else central(value)

    scenario = ref if isinstance(ref, Scenario) else to_model(ref, ds, pick)
    drawn = {name: params[:, col].copy() for col, name in enumerate(ranges)}
    return replace(scenario, parameters={**drawn, **scenario.parameters})


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
