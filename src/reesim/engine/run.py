"""``reesim.run``: simulate a scenario and return labelled outputs (an xarray Dataset).

Dimensions of the result: ``run``, ``month`` (YYYY-MM), ``material`` (concentrate, oxide, metal,
magnet), ``node`` (model nodes), ``element``; prices have ``market`` (china, outside) instead of
``node``. Quantities are t REO-equivalent per month; prices USD/kg.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from reesim.dataset.model import Dataset, load_dataset
from reesim.errors import InputError, Problem
from reesim.kernel.reference import run_reference
from reesim.kernel.state import SHAPED, Outputs
from reesim.model.baseline import Baseline, build_baseline
from reesim.model.compile import Inputs, compile_scenario
from reesim.model.dims import MATERIALS
from reesim.model.scenario import Scenario
from reesim.results.indicators import product_factors

KERNELS = ("fast", "reference")


def run(
    scenario: Scenario | str | Path | Any,
    runs: int = 1,
    seed: int | None = None,
    dataset: Dataset | None = None,
    baseline: Baseline | None = None,
    kernel: str = "fast",
) -> xr.Dataset:
    """Simulate ``scenario`` ``runs`` times and return the labelled outputs.

    ``scenario`` is a shipped scenario's name (``"april-2025"``), a path to a scenario YAML file,
    a resolved scenario (:func:`reesim.scenarios.load`) or a :class:`Scenario` object.

    ``kernel`` is ``"fast"`` (compiled with Numba; the first call compiles, later calls reuse the
    on-disk cache) or ``"reference"`` (plain NumPy). Both give the same numbers to 1e-9 relative.
    ``seed`` is recorded in the result. Nothing is drawn here: every run uses the scenario's
    central values, so the runs are identical and deterministic. For Monte Carlo over the
    scenario's distributions use :func:`reesim.engine.batch.run_batch` (``reesim run --runs N``).
    """
    if kernel not in KERNELS:
        raise InputError(
            [
                Problem(
                    "kernel", None, "kernel", f"unknown kernel {kernel!r}", f"use one of {', '.join(KERNELS)}"
                )
            ]
        )
    ds = dataset or load_dataset()
    if not isinstance(scenario, Scenario):
        from reesim.scenarios import resolve

        scenario = resolve(scenario, ds)
    base = baseline or build_baseline(ds)
    inputs = compile_scenario(scenario, ds, base)
    if kernel == "fast":
        from reesim.kernel.fast import run_fast

        outputs = run_fast(inputs, runs=runs)
    else:
        outputs = run_reference(inputs, runs=runs)
    return add_units(to_xarray(outputs, inputs, scenario, seed), ds, base)


def add_units(result: xr.Dataset, ds: Dataset, base: Baseline) -> xr.Dataset:
    """Add ``units_built`` and ``units_not_built`` per run, month, node and product.

    Magnet final use (met and unmet) times each product's factor from
    :func:`reesim.results.indicators.product_factors`; sectors without a product unit are left out.
    """
    factors = [f for f in product_factors(ds, base) if f.product]
    if not factors:
        return result
    met = result["consumption"].sel(material="magnet").sum("element")
    unmet = result["unmet"].sel(material="magnet").sum("element")
    products = xr.DataArray([f.product for f in factors], dims="product", name="product")
    result["units_built"] = xr.concat([met * f.per_tonne for f in factors], dim=products)
    result["units_not_built"] = xr.concat([unmet * f.per_tonne for f in factors], dim=products)
    return result


def to_xarray(outputs: Outputs, inputs: Inputs, scenario: Scenario, seed: int | None) -> xr.Dataset:
    """Label kernel outputs with their coordinates."""
    dims = inputs.base.dims
    runs = outputs.production.shape[0]
    coords = {
        "run": np.arange(runs),
        "month": list(inputs.months),
        "material": list(MATERIALS),
        "node": list(dims.nodes),
        "element": list(dims.elements),
        "market": ["china", "outside"],
        "project": list(inputs.proj_names),
    }
    axes = ("run", "month", "material", "node", "element")
    data: dict[str, tuple[tuple[str, ...], Any]] = {
        f.name: (axes, getattr(outputs, f.name)) for f in fields(outputs) if f.name not in SHAPED
    }
    data["price"] = (("run", "month", "material", "market", "element"), outputs.price)
    data["floor_cost"] = (("run", "month"), outputs.floor_cost)
    data["project_output"] = (("run", "month", "project"), outputs.project_output)
    result = xr.Dataset(data, coords=coords)
    result.attrs.update(
        scenario=scenario.name,
        seed=-1 if seed is None else seed,
        units="t REO-equivalent per month; price USD/kg",
    )
    return result
