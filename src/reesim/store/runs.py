"""Run a scenario end to end (simulate, store, report), and rebuild a stored run's report.

This is what ``reesim run``, ``reesim compare`` and ``reesim report`` share; the command line
only parses options and prints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xarray as xr

from reesim import __version__
from reesim.dataset.model import Dataset, load_dataset
from reesim.engine.batch import KEEP_SERIES, Batch, Progress, run_batch
from reesim.model.baseline import Baseline, build_baseline
from reesim.model.scenario import Scenario
from reesim.report.run_report import write_run_report
from reesim.results.headline import Headline
from reesim.scenarios.load import Resolved
from reesim.store.store import RunRecord, Store, damaged, environment, from_tables, new_id, to_tables


@dataclass
class Done:
    """A finished and stored run, with its report (or, in ``record.report_error``, why the report
    could not be written)."""

    record: RunRecord
    batch: Batch
    headline: Headline
    report: Path


#: Serialises report writing between threads.
REPORT_LOCK = threading.Lock()

#: Above this many runs the store keeps P10/P50/P90 series instead of every run (unless --full);
#: above :data:`reesim.engine.batch.KEEP_SERIES` runs those quantiles are of the first runs only
#: (the headline is always of every run).
QUANTILE_ABOVE = 100


def first_measure(scenario: Scenario) -> float:
    """Month index of the scenario's first export control, ban or quota (nan: none)."""
    from reesim.model.scenario import ExportControl, ExportQuota, month_index

    starts = [
        month_index(i.start, scenario.start)
        for i in scenario.instruments
        if isinstance(i, ExportControl | ExportQuota)
    ]
    return float(max(min(starts), 0)) if starts else float("nan")


def quantile_series(series: xr.Dataset) -> xr.Dataset:
    """P10, P50 and P90 over runs, stored as runs 0, 1 and 2 (attribute ``quantiles``).

    Missing values (NaN) are skipped. When there are none, the quantiles are taken in one
    vectorised call: the same numbers, but NumPy's NaN-skipping quantile works one series at a
    time (the series kept of ``race``, 1,000 runs: 2.2 s skipping, 0.5 s vectorised)."""
    skip = any(bool(series[name].isnull().any()) for name in series.data_vars)
    q = series.quantile([0.1, 0.5, 0.9], dim="run", skipna=skip)
    q = q.rename(quantile="run").assign_coords(run=[0, 1, 2])
    q = q.transpose("run", ...)
    q.attrs = {**series.attrs, "quantiles": "P10, P50, P90"}
    return q


def scenario_json(batch: Batch) -> str:
    """The resolved scenario (after ``extends``) as JSON, enough to reproduce the run."""
    r = batch.resolved
    if r is None:
        return json.dumps({"engine_scenario": dataclasses.asdict(batch.scenario)}, default=str)
    params = {
        k: (v.model_dump(mode="json") if hasattr(v, "model_dump") else v) for k, v in r.parameters.items()
    }
    data = {
        "name": r.name, "title": r.title, "description": r.description, "sources": r.sources,
        "start": r.start, "horizon": r.horizon, "blocs": r.blocs, "parameters": params,
        "instruments": [i.model_dump(mode="json", by_alias=True, exclude_none=True) for i in r.instruments],
    }  # fmt: skip
    return json.dumps(data)


def execute(
    ref: Any,
    store: Store,
    out_dir: Path,
    runs: int = 1,
    seed: int | None = None,
    horizon_years: float | None = None,
    full: bool = False,
    progress: Progress | None = None,
    dataset: Dataset | None = None,
    baseline: Baseline | None = None,
    executor: str = "serial",
    workers: int | None = None,
    address: str | None = None,
) -> Done:
    """Simulate ``ref``, store the run, write its report."""
    ds = dataset or load_dataset()
    base = baseline or build_baseline(ds)
    batch = run_batch(ref, runs=runs, seed=seed, horizon_years=horizon_years, dataset=ds, baseline=base,
                      progress=progress, executor=executor, workers=workers, address=address,
                      keep_series=runs if full else KEEP_SERIES)  # fmt: skip
    head = batch.headline(first_measure(batch.scenario))
    run_id = new_id()
    record = RunRecord(
        id=run_id, created=dt.datetime.now().isoformat(timespec="seconds"), scenario=batch.scenario.name,
        title=(batch.resolved.title if batch.resolved else "") or batch.scenario.name, runs=runs,
        seed=batch.seed, months=batch.series.sizes["month"], dataset_version=ds.version,
        package_version=__version__, scenario_json=scenario_json(batch),
        timings_json=json.dumps({**batch.timings, "kernel": batch.kernel}),
        headline_json=json.dumps(head.to_dict()), has_full=full, environment_json=json.dumps(environment()),
    )  # fmt: skip
    kept = batch.series
    if batch.sampled and runs > QUANTILE_ABOVE and not full:
        kept = quantile_series(batch.series)
    tables = {f"series_{k}": v for k, v in to_tables(kept).items()}
    tables |= {f"central_{k}": v for k, v in to_tables(batch.central).items()}
    if full and batch.full is not None:
        tables |= {f"full_{k}": v for k, v in to_tables(batch.full).items()}
    store.save(record, tables)
    try:
        with REPORT_LOCK:  # matplotlib's pyplot is not thread-safe (the dashboard runs jobs in threads)
            report = write_run_report(batch, head, ds, run_id, out_dir)
    except Exception as exc:  # a bug in the report must not lose the run: it is stored, and noted
        error = report_failure(exc)
        store.set_report(run_id, "", error)
        return Done(dataclasses.replace(record, report_error=error), batch, head, Path())
    store.set_report(run_id, str(report))
    return Done(dataclasses.replace(record, report=str(report)), batch, head, report)


def report_failure(exc: Exception) -> str:
    """What a stored run keeps of the error that stopped its report: its kind and first line,
    at most 300 characters."""
    first = (str(exc).splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"[:300]


def report_note(record: RunRecord) -> str:
    """The note shown for a run whose report failed, saying how to write it again ("" if none)."""
    if not record.report_error:
        return ""
    return f"report failed ({record.report_error}); `reesim report {record.id}` writes it again"


def _dataset_from(store: Store, run_id: str, prefix: str) -> xr.Dataset:
    names = [n for n in store.tables(run_id) if n.startswith(prefix)]
    return from_tables({n.removeprefix(prefix): store.table(run_id, n) for n in names})


def rebuild(store: Store, run_id: str, ds: Dataset | None = None) -> Done:
    """The stored run as a :class:`Done` (series and central run read back from Parquet)."""
    from reesim.scenarios.catalog import known_for
    from reesim.scenarios.convert import to_model
    from reesim.scenarios.load import merge, validate
    from reesim.scenarios.yamlsafe import Located

    ds = ds or load_dataset()
    record = store.get(run_id)
    data = json.loads(record.scenario_json)
    resolved: Resolved | None = None
    if "engine_scenario" in data:
        engine = data["engine_scenario"]
        scenario = Scenario(
            name=engine["name"], start=engine["start"], months=engine["months"],
            parameters=engine.get("parameters", {}), description=engine.get("description", ""),
        )  # fmt: skip
    else:
        located = Located(f"run {record.id}", data, None)
        spec = validate(located, known_for(ds))
        resolved = merge(None, located, spec)
        scenario = to_model(resolved, ds)
    series = _dataset_from(store, record.id, "series_")
    central = _dataset_from(store, record.id, "central_")
    if "unmet" not in series or any(d not in series.dims for d in ("run", "month")):
        raise damaged(record.id, store.bulk / record.id, "its series tables are missing or damaged")
    series = series.transpose("run", "month", ...)
    head = Headline.from_dict(record.headline)  # as computed from every run
    timings = json.loads(record.timings_json)
    sampled = series.sizes["run"] > 1 and not bool((series["unmet"] == series["unmet"].isel(run=0)).all())
    numbers = {k: v for k, v in timings.items() if isinstance(v, float)}
    batch = Batch(scenario, resolved, series, central, record.seed, record.runs, sampled, numbers)
    return Done(record, batch, head, Path(record.report) if record.report else Path())


def write_report(done: Done, ds: Dataset, out_dir: Path) -> Path:
    """(Re)write the report of a stored run."""
    with REPORT_LOCK:
        return write_run_report(done.batch, done.headline, ds, done.record.id, out_dir)
