"""Monte Carlo seeding, executors and sensitivity analysis."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from reesim.cli import app
from reesim.dataset import load_dataset
from reesim.engine.batch import run_batch
from reesim.model.baseline import build_baseline
from reesim.scenarios import load
from reesim.uncertainty.analyze import factors, sensitivity
from reesim.uncertainty.sample import draw_run, parameter_ranges

DS = load_dataset()
BASE = build_baseline(DS)
SCENARIO = """name: us-licences
start: 2025-01
horizon: 2026-12
parameters:
  working_stock_months: 1
instruments:
  - kind: export_control
    id: us-magnets
    exporter: CHN
    forms: [magnet]
    destinations: [USA]
    start: 2025-03
    approval_share: {dist: uniform, low: 0.0, high: 0.4}
"""


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("sc") / "us.yaml"
    p.write_text(SCENARIO)
    return p


def _batch(path: Path, runs: int, **kw: object) -> xr.Dataset:
    return run_batch(str(path), runs=runs, seed=21, dataset=DS, baseline=BASE, kernel="fast", **kw).series  # type: ignore[arg-type]


@pytest.mark.compile
def test_runs_do_not_depend_on_batch_size_or_chunks(path: Path) -> None:
    five = _batch(path, 5, chunk_size=2)
    one_chunk = _batch(path, 5, chunk_size=5)
    three = _batch(path, 3, chunk_size=1)
    xr.testing.assert_equal(five, one_chunk)
    xr.testing.assert_equal(five.isel(run=slice(0, 3)), three)
    unmet = five["unmet"].sel(place="USA", item="magnets").sum("month").values
    assert len(set(np.round(unmet, 9))) == 5  # every run draws its own numbers


@pytest.mark.slow
@pytest.mark.compile
@pytest.mark.parametrize("executor", ["processes", "dask"])
def test_executors_give_bit_identical_results(path: Path, executor: str) -> None:
    serial = _batch(path, 4, chunk_size=1)
    other = _batch(path, 4, chunk_size=2, executor=executor, workers=2)
    xr.testing.assert_identical(serial.drop_attrs(), other.drop_attrs())


def test_parameters_are_drawn_within_their_ranges() -> None:
    scenario = load("baseline", DS)
    ranges = parameter_ranges(DS)
    draws = [draw_run(scenario, DS, 5, i).parameters for i in range(40)]
    for name, (low, _mode, high) in ranges.items():
        values = np.array([d[name] for d in draws])
        assert low <= values.min() and values.max() <= high and values.std() > 0, name
    assert "magnet_re_content" not in ranges  # calibration parameters are not drawn


def test_scenario_parameters_are_not_redrawn(path: Path) -> None:
    april = load("april-2025", DS)
    assert "working_stock_months" not in parameter_ranges(DS, dict(april.parameters))
    assert draw_run(april, DS, 1, 0).parameters["working_stock_months"] == 1.5


@pytest.mark.compile
def test_sensitivity_names_the_driver(path: Path) -> None:
    resolved = load(path, DS)
    names = [f.label for f in factors(resolved, DS)]
    assert "us-magnets.approval_share" in names
    result = sensitivity(resolved, DS, BASE, "us_magnet_unmet_t", "morris", samples=2, seed=1)
    assert result.table()[0]["factor"] == "us-magnets.approval_share"
    top = result.ranking()[0]
    assert result.low[top] > result.high[top]  # more approvals, less unmet


@pytest.mark.compile
def test_sensitivity_command(path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["sensitivity", str(path), "--indicator", "us_magnet_unmet_t", "--samples", "2", "--json",
            "--out", str(tmp_path)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["factors"][0]["factor"] == "us-magnets.approval_share" and data["runs"] > 20
    bad = runner.invoke(app, ["sensitivity", "race", "--indicator", "us_magnet_peak_shortfal"])
    assert bad.exit_code == 2 and "did you mean 'us_magnet_peak_shortfall'?" in bad.output


def test_delays_of_one_operators_projects_are_correlated() -> None:
    """race: MP Materials' and USA Rare Earth's projects slip together; other delays do not."""
    from dataclasses import replace as dc_replace

    from reesim.uncertainty.correlate import operator_groups
    from reesim.uncertainty.sample import draw_batch, uncertain_numbers

    race = load("race", DS)
    numbers = uncertain_numbers(race, DS)
    groups = operator_groups(race, DS, numbers)
    assert sorted(set(groups.values())) == ["MP Materials", "USA Rare Earth"]
    mp = [w for w, op in groups.items() if op == "MP Materials"]
    alone = next(w for w in numbers if w.endswith("delay_months") and w not in groups)
    runs = tuple(range(600))

    def delays(ref: object) -> dict[str, np.ndarray]:
        scenario = draw_batch(ref, DS, 4, runs, vary_parameters=False)  # type: ignore[arg-type]
        by_name = {
            p.name: np.asarray(p.delay_months) for p in scenario.instruments if hasattr(p, "delay_months")
        }
        ids = {w: race.instruments[int(w.split(".")[0])].id for w in numbers if w.endswith("delay_months")}
        return {w: by_name[i] for w, i in ids.items()}

    linked = delays(race)
    assert np.corrcoef(linked[mp[0]], linked[mp[1]])[0, 1] > 0.4
    assert abs(np.corrcoef(linked[mp[0]], linked[alone])[0, 1]) < 0.15
    # each delay keeps its own distribution: triangular 0-12-36 has mean 16
    assert linked[mp[0]].mean() == pytest.approx(16.0, abs=1.5)
    assert linked[mp[0]].min() >= 0.0 and linked[mp[0]].max() <= 36.0
    off = dc_replace(race, parameters={**race.parameters, "operator_delay_correlation": 0.0})
    free = delays(off)
    assert abs(np.corrcoef(free[mp[0]], free[mp[1]])[0, 1]) < 0.15


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "triangular", "low": 0, "mode": 12, "high": 36},
        {"dist": "uniform", "low": 2, "high": 5},
        {"dist": "normal", "mean": 10, "sd": 2},
        {"dist": "lognormal", "median": 3, "sigma": 0.5},
        # cumulative weights away from the probabilities tried: at a jump the value is the lower
        # one (tests/test_central.py), which a sample's quantile cannot tell from the next
        {"dist": "discrete", "values": [24, 0, 12], "weights": [0.2, 0.45, 0.35]},
    ],
)
def test_quantile_inverts_each_distribution(spec: dict[str, object]) -> None:
    from pydantic import TypeAdapter

    from reesim.language.numbers import Distribution
    from reesim.uncertainty.correlate import quantile

    dist = TypeAdapter(Distribution).validate_python(spec)
    sample = dist.draw(np.random.default_rng(0), 40_000)
    for u in (0.1, 0.25, 0.5, 0.75, 0.9):
        expected = float(np.quantile(sample, u, method="inverted_cdf"))
        spread = float(np.subtract(*np.quantile(sample, [0.9, 0.1])))
        assert quantile(dist, u) == pytest.approx(expected, abs=0.03 * spread), u


@pytest.mark.compile
def test_series_are_kept_for_the_first_runs_and_figures_for_all(path: Path) -> None:
    """Memory stays bounded: beyond ``keep_series`` runs only per-run figures are kept, and the
    headline (from figures) equals the headline of a batch that kept every series."""
    small = run_batch(str(path), runs=12, seed=21, dataset=DS, baseline=BASE, kernel="fast", chunk_size=5,
                      keep_series=5)  # fmt: skip
    every = run_batch(str(path), runs=12, seed=21, dataset=DS, baseline=BASE, kernel="fast", chunk_size=4)
    assert small.series.sizes["run"] == 5 and list(small.series["run"].values) == [0, 1, 2, 3, 4]
    assert small.figures is not None and small.figures["independence"].size == 12
    xr.testing.assert_equal(small.series, every.series.isel(run=slice(0, 5)))
    assert small.headline().to_dict() == every.headline().to_dict()
    assert small.headline().runs == 12


_SPECS = [
    {"dist": "triangular", "low": -1, "mode": 0, "high": 2},
    {"dist": "uniform", "low": 0, "high": 1},
    {"dist": "normal", "mean": 0, "sd": 3},
    {"dist": "lognormal", "median": 1, "sigma": 1},
    {"dist": "discrete", "values": [0, 0.5, 1]},
]


@settings(max_examples=200, deadline=None)
@given(
    spec=st.sampled_from(_SPECS),
    bounds=st.tuples(st.floats(-2, 2), st.floats(-2, 2)),
    seed=st.integers(0, 2**32 - 1),
)
def test_one_draw_is_the_first_of_an_array_of_draws(spec: dict[str, object], bounds: tuple[float, float],
                                                    seed: int) -> None:  # fmt: skip
    """Monte Carlo draws one number at a time without arrays (faster); each must be, bit for bit,
    what the array draw clipped by NumPy gives, bounds reached, crossed or equal included."""
    from pydantic import TypeAdapter

    from reesim.language.numbers import Distribution, draw, draw_one

    dist = TypeAdapter(Distribution).validate_python(spec)
    low, high = bounds
    one = draw_one(dist, np.random.default_rng(seed), low, high)
    array = float(draw(dist, np.random.default_rng(seed), 1, low, high)[0])
    assert np.float64(one).tobytes() == np.float64(array).tobytes()
    assert draw_one(2.5, np.random.default_rng(seed), 0.0, 1.0) == 2.5  # plain numbers are not clipped
