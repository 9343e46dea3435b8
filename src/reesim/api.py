"""The public Python API, for scripts and notebooks: :func:`run` and the tables of a result.

:func:`run` simulates as ``reesim run`` does and returns an xarray ``Dataset`` that follows the
CF conventions (:mod:`reesim.results.conventions`): months as dates, each variable with its
``units`` and ``long_name``. :func:`headline`, :func:`compare` and :func:`summary`
(:mod:`reesim.results.frames`) turn results into pandas DataFrames with the numbers the command
line prints; :func:`save` writes NetCDF or Zarr; :func:`load_run` reads a run stored by
``reesim run`` back in the same form.

A Monte Carlo shows a progress bar (tqdm's ``auto`` mode: a widget in Jupyter, text in a
terminal) when someone is watching: in a Jupyter kernel or when standard error is a terminal.
``progress=False`` hides it and ``progress=True`` shows it anywhere; the bar writes to standard
error only, never into the result.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import xarray as xr

from reesim.results.conventions import save, with_conventions
from reesim.results.frames import compare, headline, summary

if TYPE_CHECKING:
    from reesim.dataset.model import Dataset
    from reesim.model.baseline import Baseline
    from reesim.model.scenario import Scenario
    from reesim.scenarios.load import Resolved

__all__ = ["compare", "headline", "load_run", "run", "save", "summary"]

#: What a stored run keeps, by part: table prefix in the store and what it holds.
PARTS = {
    "series": "monthly series per place and item, of every run (P10, P50, P90 above 100 runs)",
    "central": "the central run per material and node: flows summed over elements, and prices",
    "full": "the central run's full outputs (only when run with --full)",
}


def interactive() -> bool:
    """Whether someone watches the output: a Jupyter kernel runs this, or standard error is a
    terminal (not a file, a pipe or a test's capture)."""
    if "ipykernel" in sys.modules:
        return True
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def run(
    scenario: Scenario | Resolved | str | Path,
    runs: int = 1,
    seed: int | None = None,
    dataset: Dataset | None = None,
    baseline: Baseline | None = None,
    kernel: str = "fast",
    horizon: float | None = None,
    progress: bool | None = None,
    executor: str = "serial",
    workers: int | None = None,
    address: str | None = None,
) -> xr.Dataset:
    """Simulate ``scenario`` ``runs`` times; the labelled outputs of every run, CF-style.

    Parameters
    ----------
    scenario
        A shipped scenario's name (``"april-2025"``), a path to a scenario YAML file, a resolved
        scenario (:func:`reesim.scenarios.load`) or an engine :class:`~reesim.model.scenario.Scenario`.
    runs, seed
        One run at central values, or a Monte Carlo drawn as ``reesim run --runs N --seed S``
        draws it (same seed, same numbers). Without a seed one is drawn and recorded in
        ``result.attrs["seed"]``.
    dataset, baseline
        An edited dataset (:func:`reesim.load_dataset`) and its base year, instead of the bundled.
    kernel
        ``"fast"`` (Numba; the first call on a machine compiles) or ``"reference"`` (NumPy).
    horizon
        Years to simulate from the scenario's start (default: the scenario's own horizon).
    progress
        Show a progress bar over a Monte Carlo's runs: ``None`` (the default) when interactive
        (:func:`interactive`), ``True`` always, ``False`` never. It changes no number.
    executor, workers, address
        Where a Monte Carlo's chunks of runs are simulated, as ``reesim run --executor``:
        ``"serial"`` (this process), ``"processes"`` (``workers`` local processes) or ``"dask"``
        (a local cluster, or the scheduler at ``address``). The same seed gives the same runs on
        any of them; workers read the dataset from its folder.

    Returns
    -------
    xarray.Dataset
        Dimensions ``run``, ``month`` (``datetime64[ns]``, first day of the month), ``material``,
        ``node``, ``element`` (and ``market``, ``project``, ``product``); each variable has
        ``units`` and ``long_name``. See docs/api.md for the variables.
    """
    from reesim.dataset.model import load_dataset
    from reesim.engine.run import run as simulate

    ds = dataset or load_dataset()
    show = interactive() if progress is None else progress
    if not show or runs <= 1:
        result = simulate(
            scenario, runs, seed, ds, baseline, kernel, horizon, None, executor, workers, address
        )
        return with_conventions(result, ds.version)
    from tqdm.auto import tqdm

    name = getattr(scenario, "name", scenario)
    # drawn at every chunk (a few dozen per Monte Carlo), the last one included
    with tqdm(total=runs, desc=f"simulating {name}", unit="run", leave=False, file=sys.stderr,
              mininterval=0.0, miniters=1) as bar:  # fmt: skip

        def advance(done: int, total: int) -> None:
            bar.update(done - bar.n)

        result = simulate(
            scenario, runs, seed, ds, baseline, kernel, horizon, advance, executor, workers, address
        )
    return with_conventions(result, ds.version)


def load_run(run_id: str, part: str = "series", store: str | Path | None = None) -> xr.Dataset:
    """A run stored by ``reesim run`` (or the dashboard), as :func:`run` gives results: months as
    dates, variables with ``units`` and ``long_name``.

    ``run_id`` is an id ``reesim runs list`` shows, or a unique prefix of one; ``part`` is one of
    :data:`PARTS`; ``store`` the results store (default: ``REESIM_STORE`` or the user data
    folder). :func:`headline` and :func:`summary` take the ``series`` part of a run that kept
    every run (100 runs or fewer, or ``--full``).
    """
    from reesim.errors import InputError, Problem
    from reesim.store import Store
    from reesim.store.store import from_tables

    if part not in PARTS:
        raise InputError(
            [Problem("part", None, "part", f"unknown part {part!r}", f"use one of {', '.join(PARTS)}")]
        )
    st = Store(Path(store) if store is not None else None)
    record = st.get(run_id)
    names = [n for n in st.tables(record.id) if n.startswith(f"{part}_")]
    if not names:
        raise InputError(
            [Problem(str(st.path), None, "part", f"run {record.id} has no {part} tables", PARTS[part])]
        )
    data = from_tables({n.removeprefix(f"{part}_"): st.table(record.id, n) for n in names})
    data = data.transpose("run", "month", ...) if "run" in data.dims else data
    data.attrs = {"scenario": record.scenario, "seed": int(record.seed), "runs": int(record.runs),
                  "run_id": record.id}  # fmt: skip
    if part == "series" and record.runs > data.sizes.get("run", 0):
        data.attrs["quantiles"] = "runs 0, 1 and 2 are P10, P50 and P90 over the runs"
    return with_conventions(data, record.dataset_version)
