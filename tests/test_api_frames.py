"""``reesim.headline``, ``reesim.compare`` and ``reesim.summary``: DataFrames holding the numbers
``reesim run --json`` prints for the same scenario, runs and seed."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

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
from reesim.results.frames import MONTHS
from reesim.results.plain import headline_json, strict

STATISTICS = ("p10", "p50", "p90")


@pytest.fixture(scope="module")
def base(dataset: Dataset) -> Baseline:
    return build_baseline(dataset)


@pytest.fixture(scope="module")
def mc(dataset: Dataset, base: Baseline) -> xr.Dataset:
    return reesim.run("race", runs=3, seed=1, horizon=1, dataset=dataset, baseline=base, kernel="reference")


@pytest.fixture(scope="module")
def printed(dataset: Dataset, base: Baseline) -> dict[str, Any]:
    """The indicators of ``reesim run race --runs 3 --seed 1 --horizon 1 --json``, as the command
    computes them (:func:`reesim.store.runs.execute` without the store and the report)."""
    batch = run_batch("race", runs=3, seed=1, horizon_years=1, dataset=dataset, baseline=base)
    return json.loads(json.dumps(strict(headline_json(batch.headline()))))


def cell(value: Any) -> Any:
    """A frame's value as the command line prints it: months as ``YYYY-MM``, none as null."""
    if value is pd.NaT or isinstance(value, pd.Timestamp | np.datetime64):
        return None if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m")
    return None if not math.isfinite(float(value)) else float(value)


def assert_headline_equals(frame: pd.DataFrame, indicators: dict[str, Any]) -> None:
    rows = indicators["rows"]
    assert list(frame.index) == [(r["place"], r["item"]) for r in rows]
    for r in rows:
        line = frame.loc[(r["place"], r["item"])]
        figures = {k: v for k, v in r.items() if isinstance(v, dict) and "p50" in v}
        figures |= {f"not_built_{k}": v for k, v in r["not_built"].items()}
        for name, spread in figures.items():
            for stat in STATISTICS:
                assert cell(line[(name, stat)]) == spread[stat], (r["place"], r["item"], name, stat)


def test_headline_is_the_command_lines(mc: xr.Dataset, printed: dict[str, Any]) -> None:
    frame = reesim.headline(mc)
    assert frame.columns.names == ["figure", "statistic"] and frame.index.names == ["place", "item"]
    assert_headline_equals(frame, printed)
    assert frame.attrs["runs"] == 3 and frame.attrs["units"]["cumulative_unmet_t"] == "t"
    for name in MONTHS:
        assert frame[(name, "p50")].dtype == np.dtype("datetime64[ns]")
    assert frame[("peak_shortfall", "p90")].dtype == np.dtype(float)


def test_summary_is_the_command_lines(mc: xr.Dataset, printed: dict[str, Any]) -> None:
    frame = reesim.summary(mc)
    assert list(frame.columns) == ["description", "unit", "mean", "p10", "p50", "p90"]
    floor = frame.loc["floor_cost_usd"]
    assert [floor[s] for s in STATISTICS] == [printed["floor_cost"][s] for s in STATISTICS]
    assert floor["unit"] == "USD"
    for text, chance in printed["probabilities"].items():
        assert frame.loc[text, "mean"] == chance and frame.loc[text, "unit"] == "1"
    months = printed["months"]
    for stat in STATISTICS:  # never within the horizon: the horizon's length in the summary
        index = frame.loc["independence_months", stat]
        label = printed["independence"][stat]
        assert (months[int(index)] if index < len(months) else None) == label
    unmet = mc["unmet"].sel(material="magnet", node="USA").sum(("element", "month"))
    assert frame.loc["us_magnet_unmet_t", "mean"] == pytest.approx(float(unmet.mean()))
    assert frame.attrs == {"scenario": "race", "runs": 3, "seed": 1}


def test_one_run_has_equal_quantiles_and_no_chances(dataset: Dataset, base: Baseline) -> None:
    one = reesim.run("race", horizon=1, dataset=dataset, baseline=base, kernel="reference")
    head = reesim.headline(one)
    peak = head["peak_shortfall"]
    assert (peak["p10"] == peak["p50"]).all() and (peak["p50"] == peak["p90"]).all()
    summary = reesim.summary(one)
    assert list(summary.index) == list(reesim.results.measures.MEASURES)
    assert (summary["mean"] == summary["p50"]).all()


def test_compare_sets_medians_side_by_side(dataset: Dataset, base: Baseline, mc: xr.Dataset) -> None:
    one = reesim.run("april-2025", horizon=1, dataset=dataset, baseline=base, kernel="reference")
    frame = reesim.compare(one, mc)
    assert frame.columns.names == ["figure", "side"]
    assert list(frame["peak_shortfall"].columns) == ["april-2025", "race", "difference"]
    a, b = reesim.headline(one), reesim.headline(mc)
    short = set(a.index) | set(b.index)
    assert short <= set(frame.index)
    for key in short & set(a.index) & set(b.index):
        row = frame.loc[key]
        assert row[("peak_shortfall", "april-2025")] == a.loc[key, ("peak_shortfall", "p50")]
        assert row[("peak_shortfall", "race")] == b.loc[key, ("peak_shortfall", "p50")]
        assert row[("peak_shortfall", "difference")] == pytest.approx(
            b.loc[key, ("peak_shortfall", "p50")] - a.loc[key, ("peak_shortfall", "p50")]
        )
    first = frame.loc[("USA", "Dy"), "first_shortfall"]
    assert first["april-2025"] == pd.Timestamp("2025-06-01")
    expected = (first["race"].year - 2025) * 12 + first["race"].month - 6 if pd.notna(first["race"]) else None
    assert (None if pd.isna(first["difference"]) else first["difference"]) == expected


def test_compare_names_the_same_scenario_twice(mc: xr.Dataset) -> None:
    frame = reesim.compare(mc, mc)
    assert list(frame["price_multiple"].columns) == ["race (a)", "race (b)", "difference"]
    assert (frame.xs("difference", axis=1, level="side").select_dtypes(float).fillna(0.0) == 0.0).all().all()
    named = reesim.compare(mc, mc, names=("left", "right"))
    assert list(named["price_multiple"].columns) == ["left", "right", "difference"]


def test_a_result_of_other_data_asks_for_its_dataset(mc: xr.Dataset) -> None:
    other = mc.assign_attrs(dataset_version="0123abcd")
    with pytest.raises(InputError, match="simulated on dataset 0123abcd"):
        reesim.headline(other)


def test_stored_quantiles_are_not_runs(dataset: Dataset, base: Baseline, mc: xr.Dataset) -> None:
    from reesim.results.series import series

    compact = series(mc, dataset, base)
    pd.testing.assert_frame_equal(reesim.headline(compact), reesim.headline(mc))
    with pytest.raises(InputError, match="P10, P50 and P90 over the runs"):
        reesim.summary(compact.assign_attrs(quantiles="runs 0, 1 and 2 are P10, P50 and P90"))


@pytest.mark.slow
def test_frames_equal_the_printed_json(
    mc: xr.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reesim.cli import app

    monkeypatch.setenv("REESIM_STORE", str(tmp_path / "runs.duckdb"))
    args = ["run", "race", "--runs", "3", "--seed", "1", "--horizon", "1", "--json", "--out", str(tmp_path)]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    indicators = json.loads(done.stdout)["indicators"]
    assert_headline_equals(reesim.headline(mc), indicators)
    summary = reesim.summary(mc)
    for text, chance in indicators["probabilities"].items():
        assert summary.loc[text, "mean"] == chance
