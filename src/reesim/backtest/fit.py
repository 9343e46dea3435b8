"""Score a backtest case: direction, timing and size of the observed move, and an error measure.

For each series: the observed index (1 = pre-policy level) and the simulated one (the scenario
over its no-policy counterfactual). The *move* is the trough (or peak) of the observed index;
the model reproduces its direction when its own extreme lies on the same side of 1, its timing
as the difference between the two extremes' periods, its size as the ratio of the simulated to
the observed deviation from 1. The error is the mean absolute log ratio of simulated to observed
over the periods not used for calibration (out of sample).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import xarray as xr

from reesim.backtest.cases import CASES, Case, SeriesSpec
from reesim.dataset.model import Dataset
from reesim.errors import InputError, Problem
from reesim.model.baseline import Baseline
from reesim.model.scenario import Scenario

#: Deviation from 1 below which an index counts as flat.
FLAT = 0.02


@dataclass(frozen=True)
class SeriesFit:
    """How one simulated series compares with the observed one."""

    case: str
    key: str
    label: str
    periods: list[str]
    observed: list[float]
    simulated: list[float]
    calibrated: list[str]
    reference: str
    sources: list[str]
    direction_observed: int  # -1 fall, 0 flat, +1 rise (at the observed move)
    direction_simulated: int
    move_observed: tuple[str, float]  # period and index of the observed extreme
    move_simulated: tuple[str, float]
    timing_error: int  # simulated minus observed period of the extreme, in months or years
    size_ratio: float  # simulated deviation from 1 over observed deviation from 1
    error_out_of_sample: float  # mean |log(sim/obs)| over periods not calibrated (nan if none)

    @property
    def direction_ok(self) -> bool:
        """Whether the simulated move goes the same way as the observed one."""
        return self.direction_observed == self.direction_simulated


def _sign(x: float) -> int:
    return 0 if abs(x - 1) < FLAT else (1 if x > 1 else -1)


def _offset(a: str, b: str) -> int:
    """Periods from ``a`` to ``b`` (years ``YYYY`` or months ``YYYY-MM``)."""
    if len(a) == 4:
        return int(b) - int(a)
    return (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7])


def score(case: Case, spec: SeriesSpec, observed: pd.Series, simulated: pd.Series, reference: str,
          sources: tuple[str, ...]) -> SeriesFit:  # fmt: skip
    """Compare ``simulated`` (an index by period) with ``observed``."""
    periods = [p for p in observed.index if p in simulated.index]
    obs = np.array([float(observed[p]) for p in periods])
    sim = np.array([float(simulated[p]) for p in periods])
    pick = np.argmin if spec.move == "trough" else np.argmax
    i, j = int(pick(obs)), int(pick(sim))
    dev_obs, dev_sim = obs[i] - 1.0, sim[j] - 1.0
    out = [k for k, p in enumerate(periods) if p not in spec.calibrated]
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.abs(np.log(np.maximum(sim[out], 1e-3) / np.maximum(obs[out], 1e-3)))
    return SeriesFit(
        case=case.name, key=spec.key, label=spec.label, periods=periods, observed=obs.tolist(),
        simulated=sim.tolist(), calibrated=list(spec.calibrated), reference=reference, sources=list(sources),
        direction_observed=_sign(obs[i]), direction_simulated=_sign(sim[j]),
        move_observed=(periods[i], float(obs[i])), move_simulated=(periods[j], float(sim[j])),
        timing_error=_offset(periods[i], periods[j]),
        size_ratio=float(dev_sim / dev_obs) if abs(dev_obs) > 1e-12 else math.nan,
        error_out_of_sample=float(logs.mean()) if out else math.nan,
    )  # fmt: skip


@dataclass(frozen=True)
class Stoppage:
    """An observed supply disruption outside China against the model's first shortfall there."""

    case: str
    place: str
    observed: str  # month of the first reported stoppage (``events`` table, kind disruption)
    what: str
    source_id: str
    simulated: str | None  # first month with more than 0.5% of magnet demand unmet (None: never)
    lowest_cover_months: float  # lowest magnet stock in the model, months of demand
    sectors_short: tuple[str, ...] = ()  # final-use sectors short in the observed month (plants stopped)
    cover_then_months: float = float("nan")  # the place's magnet stock that month, months of demand


#: Simulations of each case's scenario, kept so that the fits, the stoppage check and the price
#: criteria share them.
_SIMULATED: dict[tuple[str, str], tuple[Baseline, xr.Dataset, xr.Dataset]] = {}


def simulate(name: str, ds: Dataset, base: Baseline) -> tuple[xr.Dataset, xr.Dataset]:
    """Case ``name`` run with its policy and without (same months), once per dataset and baseline."""
    from reesim.scenarios import resolve

    if name not in CASES:
        from reesim.dataset.parse import did_you_mean

        raise InputError(
            [Problem("CASE", None, "CASE", f"unknown backtest case {name!r}", did_you_mean(name, CASES))]
        )
    key = (CASES[name].scenario, ds.version)  # cases on the same scenario share its runs
    cached = _SIMULATED.get(key)
    if cached is None or cached[0] is not base:
        scenario = resolve(CASES[name].scenario, ds)
        counterfactual = replace(scenario, name=f"{scenario.name}-without-policy", instruments=())
        with_policy = _run(scenario, ds, base)
        without = _run(counterfactual, ds, base)
        cached = _SIMULATED[key] = (base, with_policy, without)
    return cached[1], cached[2]


def forget(ds: Dataset) -> None:
    """Drop the simulations kept for ``ds`` (a search over parameter sets makes one per set)."""
    for key in [k for k in _SIMULATED if k[1] == ds.version]:
        del _SIMULATED[key]


def _run(scenario: Scenario, ds: Dataset, base: Baseline) -> xr.Dataset:
    """The labelled result of ``scenario`` (reference kernel) with ``from_china``: what left
    China for each importer in the month [run, month, material, node, element], as China's
    customs count exports (with shipment lags, an importer's ``imports`` arrive later)."""
    from reesim.engine.label import add_units, to_xarray
    from reesim.kernel.reference import run_reference
    from reesim.model.compile import compile_scenario

    inputs = compile_scenario(scenario, ds, base)
    out = run_reference(inputs, keep_trade=True)
    assert out.trade is not None
    result = to_xarray(out, inputs, scenario, None)
    result["from_china"] = (
        ("run", "month", "material", "node", "element"),
        out.trade[..., inputs.origin_node, :],
    )
    return add_units(result, ds, base)


def stoppages(name: str, ds: Dataset, base: Baseline) -> list[Stoppage]:
    """Observed plant stoppages (events of kind ``disruption``) in the case's period, against the model."""
    from reesim.results.indicators import bloc_nodes, lowest_stock_cover, sectors_short, total_shortfall_share

    if name in CASES and not CASES[name].stoppages:
        return []
    result, _ = simulate(name, ds, base)
    months = {str(m) for m in result["month"].values}
    events = ds["events"]
    out = []
    for row in events[events["kind"] == "disruption"].itertuples(index=False):
        month = str(row.date)[:7]
        if month not in months:
            continue
        place = {"USA": "USA", "EU": "eu"}.get(str(row.targets), str(row.targets))
        nodes = bloc_nodes(ds, base, place)
        share = total_shortfall_share(result, nodes).isel(run=0).values
        short = np.flatnonzero(share > 0.005)
        cover, _ = lowest_stock_cover(result, nodes)
        simulated = str(result["month"].values[short[0]]) if short.size else None
        sectors = tuple(sectors_short(result, nodes, month, ds.parameter("plant_stop_shortfall")))
        at = list(result["month"].values).index(month)
        sel = {"material": "magnet", "node": nodes}
        held = float(result["inventory"].sel(sel).isel(run=0, month=at).sum())
        used = float(result["demand"].sel(sel).isel(run=0, month=at).sum())
        then = held / used if used > 0 else float("nan")
        stop = Stoppage(name, str(row.targets), month, str(row.what), str(row.source_id), simulated, cover,
                        sectors, then)  # fmt: skip
        out.append(stop)
    return out


def run_case(name: str, ds: Dataset, base: Baseline) -> list[SeriesFit]:
    """Simulate case ``name`` and its counterfactual, and score every series."""
    with_policy, without = simulate(name, ds, base)
    case = CASES[name]
    fits = []
    for spec in case.series:
        obs = spec.observed(ds)
        sim = spec.simulated(with_policy, base) / spec.simulated(without, base).replace(0.0, np.nan)
        fits.append(score(case, spec, obs.values, sim.fillna(1.0), obs.reference, obs.source_ids))
    return fits
