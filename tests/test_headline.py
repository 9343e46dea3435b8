"""Headline indicators and Monte Carlo batches: values, quantiles, determinism."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from reesim.dataset import load_dataset
from reesim.engine.batch import run_batch
from reesim.model.baseline import build_baseline
from reesim.results.headline import Spread, headline
from reesim.results.measures import independence_month

DS = load_dataset()
BASE = build_baseline(DS)


@pytest.fixture(scope="module")
def embargo() -> xr.Dataset:
    return run_batch("full-embargo", horizon_years=3, dataset=DS, baseline=BASE).series


def test_embargo_headline_values(embargo: xr.Dataset) -> None:
    head = headline(embargo)
    usa = next(r for r in head.rows if r.place == "USA" and r.item == "magnets")
    share = (embargo["unmet"] / embargo["demand"]).sel(place="USA", item="magnets").isel(run=0).values
    first = int(np.argmax(share > 0.005))
    assert head.label(usa.first_shortfall.p50) == embargo["month"].values[first]
    assert head.label(usa.first_shortfall.p50) > "2026-11"  # the embargo starts in December 2026
    assert usa.peak_shortfall.p50 == pytest.approx(share.max())
    assert usa.cumulative_unmet_t.p50 == pytest.approx(
        float(embargo["unmet"].sel(place="USA", item="magnets").sum())
    )
    assert usa.not_built["bev_car"].p50 > 0
    china = next(r for r in head.rows if r.place == "China" and r.item == "magnets")
    assert china.peak_shortfall.p50 == 0.0 and math.isinf(china.first_shortfall.p50)


def test_independence_month_requires_cover_to_the_end() -> None:
    ok = np.array([[0, 1, 1, 0, 1, 1], [1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0]], dtype=float)
    s = xr.Dataset(
        {"production_outside": (("run", "month", "stage"), ok[..., None] * 2.0),
         "use_outside": (("run", "month", "stage"), np.ones((3, 6, 1)))},
    )  # fmt: skip
    assert list(independence_month(s)) == [4.0, 0.0, math.inf]


def test_spread_quantiles_and_nan() -> None:
    s = Spread.of(np.arange(1.0, 11.0))
    assert (s.p10, s.p50, s.p90) == (1.0, 5.0, 9.0)
    assert math.isnan(Spread.of(np.array([np.nan])).p50)


def test_monte_carlo_draws_differ_and_repeat_with_the_seed(tmp_path: Path) -> None:
    text = (
        "name: mc\nstart: 2025-01\nhorizon: 2026-06\ninstruments:\n"
        "  - kind: export_control\n    exporter: CHN\n    forms: [magnet]\n    destinations: [USA]\n"
        "    start: 2025-03\n    approval_share: {dist: uniform, low: 0.0, high: 0.2}\n"
    )
    path = tmp_path / "mc.yaml"
    path.write_text(text)
    a = run_batch(str(path), runs=6, seed=11, dataset=DS, baseline=BASE, kernel="reference")
    b = run_batch(str(path), runs=6, seed=11, dataset=DS, baseline=BASE, kernel="reference")
    c = run_batch(str(path), runs=6, seed=12, dataset=DS, baseline=BASE, kernel="reference")
    unmet = a.series["unmet"].sel(place="USA", item="magnets").sum("month").values
    assert a.sampled and len(set(np.round(unmet, 6))) == 6  # every draw differs
    xr.testing.assert_equal(a.series, b.series)
    assert not np.array_equal(unmet, c.series["unmet"].sel(place="USA", item="magnets").sum("month").values)
    head = headline(a.series)
    row = next(r for r in head.rows if r.place == "USA" and r.item == "magnets")
    assert row.cumulative_unmet_t.p10 < row.cumulative_unmet_t.p50 < row.cumulative_unmet_t.p90


@pytest.mark.compile
def test_nothing_uncertain_runs_once(tmp_path: Path) -> None:
    """No distributions and parameters held at their defaults: every run is the central run."""
    batch = run_batch("baseline", runs=4, horizon_years=1, dataset=DS, baseline=BASE, vary_parameters=False)
    assert not batch.sampled and batch.series.sizes["run"] == 4 and batch.series.sizes["month"] == 12
    varied = run_batch("baseline", runs=4, horizon_years=1, seed=3, dataset=DS, baseline=BASE)
    assert varied.sampled  # the engine parameters with ranges are drawn


@pytest.mark.compile
def test_floor_cost_over_runs(tmp_path: Path) -> None:
    """What a price floor pays its producers comes out of the fast kernel's compact series per run
    and month and is summarised over the runs (P10 / P50 / P90 of the total over the horizon)."""
    from reesim.report.headline_html import headline_table

    text = (
        "name: floor\nstart: 2025-01\nhorizon: 2025-12\ninstruments:\n"
        "  - kind: price_floor\n    material: oxide\n    elements: [Nd, Pr]\n"
        "    level_usd_per_kg: {dist: uniform, low: 80.0, high: 160.0}\n    start: 2025-02\n"
    )
    path = tmp_path / "floor.yaml"
    path.write_text(text)
    batch = run_batch(str(path), runs=6, seed=3, dataset=DS, baseline=BASE, kernel="fast")
    paid = batch.series["floor_cost"]
    assert paid.dims == ("run", "month") and float(paid.isel(month=0).max()) == 0.0  # none before it starts
    totals = paid.sum("month").values
    assert (totals > 0).all() and len(set(np.round(totals))) == 6  # a higher floor costs more
    head = batch.headline()
    assert head.floor_cost is not None
    assert head.floor_cost == Spread.of(totals)
    assert head.floor_cost.p10 < head.floor_cost.p50 < head.floor_cost.p90
    assert "Price floors paid producers" in headline_table(head)
    again = type(head).from_dict(head.to_dict())
    assert again.floor_cost == head.floor_cost
