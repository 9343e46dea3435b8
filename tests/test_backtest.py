"""Backtests pin the model's fit to observed history, so a change that breaks it fails CI.

Bounds are the fit as measured (docs/validation.md), with some room; where the model misses
(the size and timing of the 2011 price spike), the bound pins the miss, so that a change to it
shows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from reesim.backtest.fit import SeriesFit, run_case
from reesim.cli import app
from reesim.dataset import load_dataset
from reesim.model.baseline import build_baseline

DS = load_dataset()
BASE = build_baseline(DS)


@pytest.fixture(scope="module")
def fits() -> dict[str, SeriesFit]:
    return {
        f"{f.case}/{f.key}": f
        for name in ("quota-2010", "april-2025", "busan-truce")
        for f in run_case(name, DS, BASE)
    }


def test_observed_series_are_the_bundled_figures(fits: dict[str, SeriesFit]) -> None:
    imports = fits["quota-2010/us_imports"]
    assert imports.periods == ["2010", "2011", "2012"]
    assert imports.observed == pytest.approx([12_900 / 12_100, 7_790 / 12_100, 5_310 / 12_100])  # DS140
    exports = fits["april-2025/china_magnet_exports"]
    assert exports.observed[exports.periods.index("2025-05")] == pytest.approx(1238.47 / 4811)
    assert exports.observed[exports.periods.index("2025-11")] == pytest.approx(6150 / (58152 / 12))


def test_quota_cuts_us_imports_fall_as_much_in_the_observed_year(fits: dict[str, SeriesFit]) -> None:
    fit = fits["quota-2010/us_imports"]
    assert fit.direction_ok and fit.direction_observed == -1
    # docs/validation.md: the trough comes in 2012, as observed (0.44 of 2009), when demand
    # outside China falls by a third and importers run down the stock they built against the
    # quotas; in 2011 imports fall less than observed (0.71 against 0.64)
    assert fit.timing_error == 0 and 0.9 <= fit.size_ratio <= 1.1
    assert fit.simulated[1] > fit.observed[1]


def test_quota_price_rise_peaks_in_the_observed_year(fits: dict[str, SeriesFit]) -> None:
    fit = fits["quota-2010/us_unit_value"]
    assert fit.direction_ok and fit.direction_observed == 1
    # docs/validation.md: the unit value reaches 8.7x in 2011 (observed 6.25x, size ratio 1.47),
    # carried by Dy oxide, which only China separates, and by the quotas' licence rent on the
    # light oxides, which at 2009 prices lifts them many times over.
    assert fit.timing_error == 0
    assert 1.35 < fit.size_ratio < 1.6


def test_april_2025_exports_trough_and_restocking(fits: dict[str, SeriesFit]) -> None:
    fit = fits["april-2025/china_magnet_exports"]
    assert fit.direction_ok and fit.direction_observed == -1
    assert fit.timing_error == 0  # the trough in May, as observed
    assert 0.5 <= fit.size_ratio <= 2.0
    # A known miss (docs/validation.md): importers restock once the review is over, so exports
    # overshoot in June and July (observed 0.62 and 1.06), then run at about their 2024 level from
    # September (observed about 1.2).
    at = {p: fit.simulated[fit.periods.index(p)] for p in ("2025-06", "2025-07", "2025-11", "2025-12")}
    assert at["2025-06"] > 1.1 and at["2025-07"] > 1.5
    assert 0.9 < at["2025-11"] < 1.1 and 0.9 < at["2025-12"] < 1.1


def test_april_2025_exports_fall_30_to_80_percent_in_april_and_may(fits: dict[str, SeriesFit]) -> None:
    """Observed: 46% below April 2024 in April, 74% below May 2024 in May; the model falls by
    between 30% and 80% in both, not to zero: magnets left China on April's days before the rule
    and, while customs enforced it unevenly, part of the rest (docs/validation.md). April is out of
    sample, May in sample (its approval share is derived from May's customs figure)."""
    fit = fits["april-2025/china_magnet_exports"]
    at = {p: fit.simulated[fit.periods.index(p)] for p in ("2025-04", "2025-05")}
    assert 0.2 <= at["2025-04"] <= 0.7 and 0.2 <= at["2025-05"] <= 0.7
    assert at["2025-04"] == pytest.approx(0.33, abs=0.03) and at["2025-05"] == pytest.approx(0.31, abs=0.03)
    assert "2025-04" not in fit.calibrated and "2025-05" in fit.calibrated


def test_april_2025_us_trough_month(fits: dict[str, SeriesFit]) -> None:
    fit = fits["april-2025/us_magnet_imports"]
    assert fit.direction_ok and fit.timing_error == 0 and 0.5 <= fit.size_ratio <= 2.0


def test_after_busan_exports_out_of_sample(fits: dict[str, SeriesFit]) -> None:
    fit = fits["busan-truce/china_magnet_exports"]
    assert fit.calibrated == []
    # docs/validation.md: exports come back to their 2024 level, within 5% of it, and do not rise
    # the quarter observed: importers draw the stocks they hoarded in mid-2025, and the sectors
    # with months of cover hold the most of them. (At 1.02 the direction sits on the rise
    # threshold, so it is not pinned.)
    assert 0.95 < max(fit.simulated) < 1.05 and fit.error_out_of_sample < 0.25
    assert np.all(np.array(fit.simulated) < np.array(fit.observed))


def test_backtest_command_prints_table_and_writes_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["backtest", "april-2025", "--out", str(tmp_path)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "China's magnet exports" in result.output and "fall/fall" in result.output
    assert (tmp_path / "backtest.html").exists()
    charts = sorted(p.name for p in (tmp_path / "backtest-charts").iterdir())
    keys = (
        "china_magnet_exports",
        "us_magnet_imports",
        "dy_oxide_outside",
        "tb_oxide_outside",
        "dy_oxide_china",
    )
    assert charts == sorted(f"april-2025-{k}.png" for k in keys)
    bad = CliRunner().invoke(app, ["backtest", "april-2026"])
    assert bad.exit_code == 2 and "did you mean 'april-2025'?" in bad.output


def test_plant_stoppages_are_read_from_the_events_and_compared_with_the_model() -> None:
    from reesim.backtest.fit import stoppages

    found = {s.place: s for s in stoppages("april-2025", DS, BASE)}
    assert found["USA"].observed == "2025-05" and found["USA"].source_id == "cbtnews_2025_ford_magnets"
    assert found["EU"].observed == "2025-06"
    # docs/validation.md: the carmakers, who hold weeks of magnets, run out first: in the EU in
    # June, the month its suppliers shut lines, with four tenths of a month of magnets left in the
    # EU's other sectors; in the US in June, a month after Ford's week, while the other US sectors
    # hold about a month.
    assert found["EU"].simulated == "2025-06" and found["EU"].sectors_short == ("ev_traction",)
    assert 0.35 < found["EU"].cover_then_months < 0.45
    assert found["USA"].simulated == "2025-06" and found["USA"].sectors_short == ()
    assert 0.9 < found["USA"].cover_then_months < 1.0 and 0.4 < found["USA"].lowest_cover_months < 0.47


def test_dy_tb_prices_rise_outside_china(fits: dict[str, SeriesFit]) -> None:
    """European Dy and Tb quotes tripled in May 2025; in the model, where only China separates
    them, both rise that month by about 1.7 times (docs/validation.md); China's Dy price rises by
    about a fifth as importers restock from China when the licences open (it stayed flat)."""
    for key, low, high in (("dy_oxide_outside", 1.4, 2.2), ("tb_oxide_outside", 1.4, 2.2)):
        fit = fits[f"april-2025/{key}"]
        assert fit.direction_observed == 1 and fit.move_observed[1] > 2.5
        assert fit.direction_simulated == 1 and low < fit.simulated[fit.periods.index("2025-05")] < high
    china = fits["april-2025/dy_oxide_china"]
    assert china.direction_observed == 0 and 0.1 < max(abs(v - 1.0) for v in china.simulated) < 0.3


def test_stoppages_only_for_the_april_case() -> None:
    from reesim.backtest.fit import stoppages

    assert stoppages("busan-truce", DS, BASE) == []
    assert len(stoppages("april-2025", DS, BASE)) == 2
