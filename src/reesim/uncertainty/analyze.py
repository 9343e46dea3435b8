"""Sensitivity analysis with SALib: which assumptions drive an indicator.

The factors are the engine parameters with a range in the dataset and the scenario's numbers
given as distributions (each over its range: low to high, or mean +/- 2 sd for a normal, median
x exp(+/- 2 sigma) for a lognormal). Methods: Morris elementary effects (cheap screening:
``samples`` x (factors + 1) runs) and Sobol indices (``samples`` x (factors + 2) runs; first-order
and total). A one-at-a-time sweep (each factor at its low and high, the others central) gives the
tornado chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from reesim.dataset.model import Dataset
from reesim.errors import InputError, Problem
from reesim.language.numbers import Discrete, LogNormal, Normal, Number
from reesim.model.baseline import Baseline
from reesim.model.scenario import Scenario
from reesim.results.measures import measure
from reesim.scenarios.load import Resolved
from reesim.uncertainty.sample import bounds, parameter_ranges, uncertain_numbers

METHODS = ("morris", "sobol")


@dataclass(frozen=True)
class Factor:
    """One uncertain input: ``key`` is ``param:NAME`` or where a scenario number is used."""

    key: str
    label: str
    low: float
    high: float
    central: float


def _span(value: Number, where: str) -> tuple[float, float, float]:
    lo_b, hi_b = bounds(where)
    if isinstance(value, Normal):
        lo, hi = value.mean - 2 * value.sd, value.mean + 2 * value.sd
    elif isinstance(value, LogNormal):
        lo, hi = value.median * math.exp(-2 * value.sigma), value.median * math.exp(2 * value.sigma)
    elif isinstance(value, Discrete):
        lo, hi = min(value.values), max(value.values)
    else:
        lo, hi = value.support()  # type: ignore[union-attr]
    centre = value.centre()  # type: ignore[union-attr]
    return max(lo, lo_b), min(hi, hi_b), centre


def factors(ref: Resolved | Scenario, ds: Dataset) -> list[Factor]:
    """Every uncertain input of the scenario with its range."""
    out = [
        Factor(f"param:{name}", name, low, high, mode)
        for name, (low, mode, high) in parameter_ranges(ds, dict(ref.parameters)).items()
    ]
    instruments = ref.instruments if isinstance(ref, Resolved) else []
    for where, value in uncertain_numbers(ref, ds).items():
        index, _, field = where.partition(".")
        label = where
        if index.isdigit() and int(index) < len(instruments):
            inst = instruments[int(index)]
            label = f"{inst.id or inst.kind}.{field}"
        low, high, centre = _span(value, where)
        if low < high:
            out.append(Factor(where, label, low, high, centre))
    return out


def fixed_run(ref: Resolved | Scenario, ds: Dataset, values: dict[str, float]) -> Scenario:
    """The scenario with the given factor values (others at their central values)."""
    from dataclasses import replace

    from reesim.language.numbers import central
    from reesim.scenarios.convert import to_model

    params = {k.removeprefix("param:"): v for k, v in values.items() if k.startswith("param:")}
    scenario = ref if isinstance(ref, Scenario) else to_model(ref, ds, lambda v, w: values.get(w, central(v)))
    return replace(scenario, parameters={**params, **scenario.parameters})


def fixed_batch(ref: Resolved | Scenario, ds: Dataset, rows: list[dict[str, float]]) -> Scenario:
    """The scenario of :func:`fixed_run` for every row at once: each factor an array over rows."""
    from dataclasses import replace

    from reesim.language.numbers import central
    from reesim.scenarios.convert import to_model

    keys = sorted({k for row in rows for k in row})

    def column(key: str, default: float) -> np.ndarray:
        return np.array([row.get(key, default) for row in rows], dtype=float)

    def pick(value: Any, where: str) -> Any:
        return column(where, central(value)) if where in keys else central(value)

    scenario = ref if isinstance(ref, Scenario) else to_model(ref, ds, pick)
    params = {
        name: column(key, float(scenario.parameters.get(name, ds.parameter(name))))
        for key in keys
        if key.startswith("param:") and (name := key.removeprefix("param:")) not in scenario.parameters
    }
    return replace(scenario, parameters={**params, **scenario.parameters})


def evaluate(
    ref: Resolved | Scenario, ds: Dataset, base: Baseline, rows: list[dict[str, float]], indicator: str,
    progress: Any = None, chunk: int = 250,
) -> np.ndarray:  # fmt: skip
    """The indicator for each row of factor values (one run each), simulated in batches of
    ``chunk`` rows compiled together (see :func:`reesim.uncertainty.sample.draw_batch`)."""
    from reesim.kernel.fast import run_fast_series
    from reesim.model.compile import compile_scenario
    from reesim.results.series import from_compact, place_members

    fn = measure(indicator)
    members = place_members(ds, base)
    out = np.empty(len(rows))
    for a in range(0, len(rows), chunk):
        part = rows[a : a + chunk]
        inputs = compile_scenario(fixed_batch(ref, ds, part), ds, base)
        # One run per row; when nothing varies inputs describe one run, which stands for all.
        s = from_compact(
            run_fast_series(inputs, members), ds, inputs.base, np.arange(inputs.runs), list(inputs.months)
        )
        out[a : a + len(part)] = np.asarray(fn(s), dtype=float)
        if progress:
            progress(a + len(part), len(rows))
    return out


@dataclass
class Sensitivity:
    """Indices per factor, the one-at-a-time swings, and the runs it took."""

    indicator: str
    method: str
    factors: list[Factor]
    first: np.ndarray  # S1 (sobol) or mu* (morris)
    total: np.ndarray  # ST (sobol) or sigma (morris)
    low: np.ndarray  # indicator with the factor at its low (others central)
    high: np.ndarray
    central: float
    runs: int

    def ranking(self) -> list[int]:
        """Factor indices, most influential first (by total index or mu*)."""
        key = self.total if self.method == "sobol" else self.first
        return [int(i) for i in np.argsort(-np.nan_to_num(key))]

    def table(self) -> list[dict[str, Any]]:
        """One row per factor, most influential first."""
        names = ("S1", "ST") if self.method == "sobol" else ("mu_star", "sigma")
        return [
            {"factor": self.factors[i].label, "low": self.factors[i].low, "high": self.factors[i].high,
             names[0]: float(self.first[i]), names[1]: float(self.total[i]),
             "indicator_at_low": float(self.low[i]), "indicator_at_high": float(self.high[i])}
            for i in self.ranking()
        ]  # fmt: skip


def sensitivity(
    ref: Resolved | Scenario, ds: Dataset, base: Baseline, indicator: str, method: str = "morris",
    samples: int = 8, seed: int = 0, progress: Any = None,
) -> Sensitivity:  # fmt: skip
    """Run the design of ``method`` and compute its indices for ``indicator``."""
    if method not in METHODS:
        raise InputError(
            [Problem("--method", None, "--method", f"unknown method {method!r}", "use morris or sobol")]
        )
    measure(indicator)  # unknown names fail before any run
    fs = factors(ref, ds)
    if not fs:
        raise InputError([Problem("scenario", None, None, "nothing is uncertain in this scenario",
                                  "give some numbers as distributions")])  # fmt: skip
    keys = [f.key for f in fs]
    problem = {"num_vars": len(fs), "names": keys, "bounds": [[f.low, f.high] for f in fs]}
    if method == "sobol":
        from SALib.sample import sobol as sobol_sample

        x = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    else:
        from SALib.sample import morris as morris_sample

        x = morris_sample.sample(problem, samples, num_levels=4, seed=seed)
    oat = [{f.key: f.low} for f in fs] + [{f.key: f.high} for f in fs] + [{}]
    rows = [dict(zip(keys, map(float, row), strict=True)) for row in x] + oat
    y_all = evaluate(ref, ds, base, rows, indicator, progress)
    y, swings = y_all[: len(x)], y_all[len(x) :]
    if method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
        first, total = np.asarray(res["S1"]), np.asarray(res["ST"])
    else:
        from SALib.analyze import morris

        res = morris.analyze(problem, x, y, num_levels=4, seed=seed)
        first, total = np.asarray(res["mu_star"]), np.asarray(res["sigma"])
    n = len(fs)
    return Sensitivity(indicator, method, fs, first, total, swings[:n], swings[n : 2 * n], float(swings[-1]),
                       len(rows))  # fmt: skip


def tornado(result: Sensitivity, top: int = 12) -> Any:
    """Tornado chart: the indicator with each factor at its low and high, the others central."""
    import matplotlib.pyplot as plt

    from reesim.report import charts  # noqa: F401  (sets the figure style)

    order = result.ranking()[:top][::-1]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(order) + 1.2))
    for row, i in enumerate(order):
        lo, hi = result.low[i] - result.central, result.high[i] - result.central
        ax.barh(
            row, lo, left=result.central, color="#3b6ea5", label="factor at its low" if row == 0 else None
        )
        ax.barh(
            row, hi, left=result.central, color="#c0392b", label="factor at its high" if row == 0 else None
        )
    ax.axvline(result.central, color="#333", lw=0.8)
    ax.set_yticks(range(len(order)), [result.factors[i].label for i in order], fontsize=8)
    ax.set_xlabel(result.indicator)
    ax.legend(fontsize=7, frameon=False)
    ax.set_title("Tornado: the indicator with one factor at a time at its low or high")
    return fig


def as_dataset(result: Sensitivity) -> xr.Dataset:
    """The indices as a small labelled table."""
    labels = [f.label for f in result.factors]
    return xr.Dataset({"first": ("factor", result.first), "total": ("factor", result.total),
                       "low": ("factor", result.low), "high": ("factor", result.high)},
                      coords={"factor": labels})  # fmt: skip
