"""Monte Carlo compiles a batch of draws at once and reduces each run inside the kernel.

The batch path (every drawn number an array over runs -> one compile -> the fast kernel's
series mode) must give, run for run, what one run at a time gives (the run's own draws -> its
own compile -> the reference kernel -> series from the full outputs).
"""

from __future__ import annotations

import numpy as np
import pytest

from reesim.dataset import load_dataset
from reesim.engine.run import run
from reesim.kernel.fast import run_fast, run_fast_series
from reesim.model.baseline import build_baseline
from reesim.model.compile import compile_scenario
from reesim.results.headline import headline, run_figures, summarise
from reesim.results.series import from_compact, place_members, series
from reesim.scenarios.catalog import load_text
from reesim.uncertainty.sample import draw_batch, draw_run

DS = load_dataset()
BASE = build_baseline(DS)

#: Every instrument whose numbers may be drawn, each with a distribution.
EVERYTHING = """name: everything-drawn
start: 2025-01
horizon: 2027-12
instruments:
  - kind: export_control
    exporter: CHN
    elements: [Dy, Tb]
    forms: [oxide, metal, magnet]
    start: 2025-03
    approval:
      - {from: 2025-03, share: {dist: uniform, low: 0.0, high: 0.5},
         review_months: {dist: triangular, low: 0, mode: 1, high: 3}}
      - {from: 2025-09, share: {dist: uniform, low: 0.5, high: 1.0}}
    content_threshold: {dist: uniform, low: 0.001, high: 0.2}
    defence_denied: true
  - kind: export_quota
    exporter: CHN
    forms: [oxide]
    tonnes_per_yr: {dist: normal, mean: 40000, sd: 8000}
    start: 2025-06
  - kind: tariff
    importers: [USA]
    exporter: CHN
    forms: [magnet]
    rate: {dist: uniform, low: 0.1, high: 0.5}
    start: 2025-04
  - kind: price_floor
    material: oxide
    elements: [Nd, Pr]
    level_usd_per_kg: {dist: uniform, low: 60, high: 140}
    start: 2025-05
  - kind: stockpile
    holder: USA
    material: oxide
    elements: [Nd, Pr]
    target_t: {dist: uniform, low: 500, high: 3000}
    purchase_t_per_yr: {dist: uniform, low: 300, high: 1500}
    initial_t: {dist: uniform, low: 0, high: 200}
    release_shortfall: {dist: uniform, low: 0.02, high: 0.3}
    release_to: [JPN, eu]
    release_to_share: {dist: uniform, low: 0.2, high: 1.0}
    sale_price_usd_kg: {dist: uniform, low: 0, high: 120}
    scheduled:
      - {month: 2025-09, tonnes: {dist: uniform, low: 0, high: 400}}
    start: 2025-02
  - kind: stockpile
    holder: JPN
    material: magnet
    elements: [Dy, Tb]
    target_t: 300
    purchase_t_per_yr: 0
    initial_t: {dist: uniform, low: 100, high: 300}
    release_to: [USA]
    release_to_share: {dist: uniform, low: 0.0, high: 1.0}
    defence: true
    start: 2025-01
  - kind: capacity_project
    node: AUS
    stage: separation
    nameplate_t_per_yr: {dist: normal, mean: 5000, sd: 1000}
    start: 2025-06
    ramp_months: {dist: uniform, low: 6, high: 24}
    delay_months: {dist: triangular, low: 0, mode: 3, high: 12}
    opex_usd_per_kg: {dist: uniform, low: 0, high: 80}
  - kind: demand_change
    sector: ev_traction
    region: [eu]
    growth_pct_per_yr: {dist: normal, mean: 8, sd: 3}
    shock: {dist: uniform, low: -0.2, high: 0.0}
    start: 2025-07
  - kind: substitution
    sector: ev_traction
    share: {dist: uniform, low: 0.0, high: 0.4}
    lag_months: {dist: uniform, low: 6, high: 30}
    start: 2025-08
  - kind: recycling
    region: [eu, JPN]
    rate: {dist: uniform, low: 0.0, high: 0.1}
    start: 2025-05
"""

VARIABLES = ("demand", "unmet", "cover", "stockpile", "released", "price_outside", "price_ratio",
             "production_outside", "use_outside", "units_not_built", "alone_from",
             "alone_from_grade")  # fmt: skip


@pytest.fixture(scope="module")
def everything() -> object:
    return load_text(EVERYTHING, "everything.yaml", DS)


def _batch_series(ref: object, seed: int, indices: tuple[int, ...]) -> object:
    inputs = compile_scenario(draw_batch(ref, DS, seed, indices), DS, BASE)  # type: ignore[arg-type]
    assert inputs.runs == len(indices)
    compact = run_fast_series(inputs, place_members(DS, BASE))
    return from_compact(compact, DS, BASE, np.array(indices), list(inputs.months))


@pytest.mark.compile
@pytest.mark.parametrize("name", ["everything", "race"])
def test_batch_gives_each_run_what_one_run_gives(everything: object, name: str) -> None:
    ref = everything if name == "everything" else _shipped(name)
    indices = (0, 5, 11)
    batch = _batch_series(ref, 7, indices)
    for row, index in enumerate(indices):
        one = draw_run(ref, DS, 7, index)  # type: ignore[arg-type]
        alone = series(run(one, dataset=DS, baseline=BASE, kernel="reference"), DS, BASE)
        for var in VARIABLES:
            a = alone[var].isel(run=0).values
            b = batch[var].isel(run=row).values  # type: ignore[index]
            finite = np.isfinite(a)
            assert np.array_equal(finite, np.isfinite(b)), var
            scale = max(1.0, float(np.abs(a[finite]).max(initial=0.0)))
            assert np.abs(a[finite] - b[finite]).max(initial=0.0) <= 1e-9 * scale, (var, index)


def _shipped(name: str) -> object:
    from reesim.scenarios import catalog

    return catalog.load(name, DS)


def test_drawn_numbers_differ_between_runs_and_stay_in_range(everything: object) -> None:
    scenario = draw_batch(everything, DS, 3, tuple(range(50)))  # type: ignore[arg-type]
    inputs = compile_scenario(scenario, DS, BASE)
    share = inputs.controls.share[:, 0]
    assert share.shape == (50,) and share.min() >= 0.0 and share.max() <= 0.5 and share.std() > 0
    assert inputs.quotas.tonnes.shape == (50, 1)
    piles = inputs.stockpiles
    assert piles.target[:, 0].min() >= 500 and piles.target[:, 0].max() <= 3000
    assert piles.r_tonnes.shape == (50, 1) and piles.r_tonnes.min() >= 0 and piles.r_tonnes.max() <= 400
    assert piles.sale.shape == (50, 2) and piles.sale[:, 0].std() > 0 and piles.sale[:, 0].max() <= 120
    # Japan keeps 1 - release_to_share of its drawn initial stock (its target, 300 t, if larger).
    assert np.allclose(
        piles.floor[:, 1], (1.0 - np.asarray(scenario.instruments[6].release_to_share)) * 300.0
    )
    assert inputs.proj_start.shape == (50, 1) and inputs.proj_start.std() > 0
    assert inputs.demand_index.shape[0] == 50 and inputs.recycle_rate.shape[0] == 50
    assert inputs.price_floor.shape[0] == 50 and inputs.release_threshold.shape[0] == 50
    # parameters with a range are drawn per run too
    assert inputs.params["contracted_share"].shape == (50,)


def test_one_value_tables_are_shared_not_copied() -> None:
    from reesim.scenarios import resolve

    inputs = compile_scenario(resolve("april-2025", DS), DS, BASE)
    assert inputs.runs == 1 and inputs.demand_index.shape[0] == 1 and inputs.controls.review.shape[0] == 1
    with pytest.raises(ValueError, match="describe 2 runs, not 3"):
        run_fast(compile_scenario(draw_batch(_shipped("april-2025"), DS, 1, (0, 1)), DS, BASE),
                 runs=3)  # type: ignore[arg-type]  # fmt: skip


@pytest.mark.compile
def test_series_mode_matches_series_of_full_outputs() -> None:
    """The kernel's in-place reduction equals reducing the full outputs afterwards."""
    inputs = compile_scenario(draw_batch(_shipped("race"), DS, 2, (0, 1)), DS, BASE)  # type: ignore[arg-type]
    from reesim.engine.run import add_units, to_xarray
    from reesim.model.scenario import Scenario

    full = series(add_units(to_xarray(run_fast(inputs), inputs, Scenario("x"), 2), DS, BASE), DS, BASE)
    compact = from_compact(run_fast_series(inputs, place_members(DS, BASE)), DS, BASE, np.arange(2),
                           list(inputs.months))  # fmt: skip
    for var in VARIABLES:
        a, b = full[var].values, compact[var].values
        finite = np.isfinite(a)
        scale = max(1.0, float(np.abs(a[finite]).max()))
        assert np.abs(a[finite] - b[finite]).max() <= 1e-9 * scale, var


@pytest.mark.compile
def test_headline_from_figures_equals_headline_from_series() -> None:
    s = _batch_series(_shipped("race"), 4, tuple(range(6)))
    direct = headline(s)  # type: ignore[arg-type]
    split = [run_figures(s.isel(run=slice(0, 2))), run_figures(s.isel(run=slice(2, 6)))]  # type: ignore[attr-defined]
    from reesim.results.headline import join_figures

    joined = summarise(join_figures(split), direct.months, [str(p) for p in s["place"].values],  # type: ignore[index]
                       [str(i) for i in s["item"].values])  # type: ignore[index]  # fmt: skip
    assert joined.to_dict() == direct.to_dict()
    assert direct.runs == 6 and set(direct.probabilities) >= {"US peak magnet shortfall above 20%"}


@pytest.mark.compile
def test_sensitivity_rows_run_together_as_they_would_alone(everything: object) -> None:
    """``evaluate`` compiles all factor rows at once; each equals its own run."""
    from reesim.results.measures import measure
    from reesim.uncertainty.analyze import evaluate, factors, fixed_run

    fs = factors(everything, DS)  # type: ignore[arg-type]
    rows = [{f.key: f.low for f in fs[:5]}, {f.key: f.high for f in fs[3:9]}, {}]
    together = evaluate(everything, DS, BASE, rows, "eu_magnet_peak_shortfall", chunk=2)  # type: ignore[arg-type]
    fn = measure("eu_magnet_peak_shortfall")
    for row, value in zip(rows, together, strict=True):
        alone = run(fixed_run(everything, DS, row), dataset=DS, baseline=BASE, kernel="reference")  # type: ignore[arg-type]
        assert value == pytest.approx(float(fn(series(alone, DS, BASE))[0]), rel=1e-9, abs=1e-12)
