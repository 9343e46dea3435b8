"""The public Python API, ``reesim.run``: one run with central values, or a Monte Carlo that draws
exactly as ``reesim run SCENARIO --runs N --seed S`` does."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from typer.testing import CliRunner

import reesim
from reesim.dataset import Dataset
from reesim.engine.batch import run_batch
from reesim.errors import InputError
from reesim.model.baseline import Baseline, build_baseline
from reesim.results.series import series
from reesim.scenarios import resolve


@pytest.fixture(scope="module")
def base(dataset: Dataset) -> Baseline:
    return build_baseline(dataset)


def monte_carlo(dataset: Dataset, base: Baseline, seed: int = 1, runs: int = 3) -> xr.Dataset:
    return reesim.run(
        "race", runs=runs, seed=seed, horizon=1, dataset=dataset, baseline=base, kernel="reference"
    )


def assert_same_series(a: xr.Dataset, b: xr.Dataset) -> None:
    assert set(a.data_vars) == set(b.data_vars)
    for name in a.data_vars:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)


def test_runs_differ_and_match_the_command_line_batch(dataset: Dataset, base: Baseline) -> None:
    result = monte_carlo(dataset, base)
    assert result.sizes["run"] == 3 and result.sizes["month"] == 12
    assert result.attrs["seed"] == 1
    prices = result["price"].values
    assert not np.array_equal(prices[0], prices[1]) and not np.array_equal(prices[1], prices[2])
    # what `reesim run race --runs 3 --seed 1 --horizon 1` simulates (reesim.store.runs.execute)
    batch = run_batch("race", runs=3, seed=1, horizon_years=1, dataset=dataset, baseline=base)
    assert batch.sampled
    assert_same_series(series(result, dataset, base), batch.series)


def test_same_seed_same_numbers_other_seed_other_numbers(dataset: Dataset, base: Baseline) -> None:
    first, again, other = (monte_carlo(dataset, base, seed) for seed in (7, 7, 8))
    xr.testing.assert_identical(first, again)
    assert not np.array_equal(first["price"].values, other["price"].values)


def test_runs_do_not_depend_on_how_many_are_asked(dataset: Dataset, base: Baseline) -> None:
    two = monte_carlo(dataset, base, runs=2)
    three = monte_carlo(dataset, base, runs=3)
    xr.testing.assert_equal(two, three.isel(run=[0, 1]))


def test_one_run_uses_central_values_whatever_the_seed(dataset: Dataset, base: Baseline) -> None:
    plain = reesim.run("race", horizon=1, dataset=dataset, baseline=base, kernel="reference")
    seeded = reesim.run("race", seed=3, horizon=1, dataset=dataset, baseline=base, kernel="reference")
    assert plain.sizes["run"] == 1 and plain.attrs["seed"] == -1 and seeded.attrs["seed"] == 3
    np.testing.assert_array_equal(plain["unmet"].values, seeded["unmet"].values)
    batch = run_batch("race", runs=1, horizon_years=1, dataset=dataset, baseline=base)
    assert_same_series(series(plain, dataset, base), batch.series)


def test_monte_carlo_without_a_seed_records_the_one_drawn(dataset: Dataset, base: Baseline) -> None:
    result = reesim.run("race", runs=2, horizon=1, dataset=dataset, baseline=base, kernel="reference")
    seed = result.attrs["seed"]
    assert isinstance(seed, int) and seed >= 0
    xr.testing.assert_equal(result, monte_carlo(dataset, base, seed, runs=2))


def test_engine_scenario_object_takes_a_horizon(dataset: Dataset, base: Baseline) -> None:
    scenario = resolve("april-2025", dataset)
    result = reesim.run(scenario, horizon=0.5, dataset=dataset, baseline=base, kernel="reference")
    assert result.sizes["month"] == 6 and result["month"].values[0] == np.datetime64(scenario.start, "ns")


@pytest.mark.parametrize(
    ("kwargs", "message"), [({"runs": 0}, "runs is 0"), ({"kernel": "x"}, "unknown kernel")]
)
def test_bad_arguments_are_input_errors(dataset: Dataset, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        reesim.run("race", dataset=dataset, **kwargs)  # type: ignore[arg-type]


@pytest.mark.slow
def test_stored_command_line_runs_equal_the_api(
    dataset: Dataset, base: Baseline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reesim.cli import app
    from reesim.store import Store
    from reesim.store.runs import rebuild

    store = tmp_path / "runs.duckdb"
    monkeypatch.setenv("REESIM_STORE", str(store))
    args = ["run", "race", "--runs", "3", "--seed", "1", "--horizon", "1", "--full", "--json"]
    done = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "r")])
    assert done.exit_code == 0, done.output
    run_id = json.loads(done.stdout)["run_id"]
    internal = rebuild(Store(store), run_id, dataset).batch.series
    assert internal.sizes["run"] == 3 and internal["month"].values[0] == "2025-01"
    # read back through the public API: dated months and units, as reesim.run gives them
    stored = reesim.load_run(run_id[:6], store=store)
    mc = monte_carlo(dataset, base)
    assert stored["month"].dtype == np.dtype("datetime64[ns]") and stored["unmet"].attrs["units"] == "t/month"
    expected = series(mc, dataset, base)
    np.testing.assert_array_equal(stored["month"].values, mc["month"].values)
    for name in expected.data_vars:  # the store keeps labels, not their order
        got = stored[name].transpose(*expected[name].dims).reindex_like(expected[name])
        np.testing.assert_array_equal(got.values, expected[name].values, err_msg=name)
    head, expected_head = reesim.headline(stored), reesim.headline(mc)
    pd.testing.assert_frame_equal(head.reindex(expected_head.index), expected_head, check_like=True)
    full = reesim.load_run(run_id, part="full", store=store)
    assert full["month"].dtype == np.dtype("datetime64[ns]") and full["price"].attrs["units"] == "USD/kg"
    assert full.attrs["seed"] == 1 and full.attrs["dataset_version"] == dataset.version
    with pytest.raises(InputError, match="unknown part 'x'"):
        reesim.load_run(run_id, part="x", store=store)
