"""The public Python API, for scripts and notebooks: :func:`run` and the tables of a result.

:func:`run` simulates as ``reesim run`` does and returns an xarray ``Dataset`` that follows the
CF conventions (:mod:`reesim.results.conventions`): months as dates, each variable with its
``units`` and ``long_name``. :func:`headline`, :func:`compare` and :func:`summary`
(:mod:`reesim.results.frames`) turn results into pandas DataFrames with the numbers the command
line prints; :func:`save` writes NetCDF or Zarr.

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

__all__ = ["compare", "headline", "run", "save", "summary"]


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
        result = simulate(scenario, runs, seed, ds, baseline, kernel, horizon)
        return with_conventions(result, ds.version)
    from tqdm.auto import tqdm

    name = getattr(scenario, "name", scenario)
    with tqdm(total=runs, desc=f"simulating {name}", unit="run", leave=False, file=sys.stderr) as bar:

        def advance(done: int, total: int) -> None:
            bar.update(done - bar.n)

        result = simulate(scenario, runs, seed, ds, baseline, kernel, horizon, progress=advance)
    return with_conventions(result, ds.version)
