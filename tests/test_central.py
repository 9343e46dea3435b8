"""The central run: each distribution at its median, and where its outcome departs from the Monte
Carlo median (the margin stated in the headline, ``--json`` and the report)."""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter
from typer.testing import CliRunner

from reesim.cli import app
from reesim.language.numbers import Distribution, central
from reesim.report.headline_html import central_note
from reesim.results.central import (
    MARGINS,
    STATEMENT,
    CentralCheck,
    Difference,
    central_vs_median,
    check,
    lines,
)
from reesim.results.headline import Headline, Spread

_DIST: TypeAdapter[Any] = TypeAdapter(Distribution)


def _dist(**spec: Any) -> Any:
    return _DIST.validate_python(spec)


# --- the central value of each kind of distribution ----------------------------------------------


@pytest.mark.parametrize(
    ("low", "mode", "high", "expected"),
    [
        (1, 1, 2, 2 - math.sqrt(0.5)),  # mode on the lower edge: 1.2929
        (1, 1.5, 3, 3 - math.sqrt(1.5)),  # mode below the midpoint: 1.7753
        (0, 12, 36, 36 - math.sqrt(432)),  # 15.2154
        (0, 30, 36, math.sqrt(540)),  # mode above the midpoint: 23.2379
        (0, 10, 10, math.sqrt(50)),  # mode on the upper edge: 7.0711
        (0, 5, 10, 5.0),  # symmetric: the mode
        (-4, -1, 2, -1.0),  # symmetric, negative
    ],
)
def test_triangular_central_is_its_median(low: float, mode: float, high: float, expected: float) -> None:
    dist = _dist(dist="triangular", low=low, mode=mode, high=high)
    assert dist.centre() == pytest.approx(expected, abs=1e-12)
    assert central(dist) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"dist": "uniform", "low": 0.2, "high": 0.8}, 0.5),
        ({"dist": "normal", "mean": 5000, "sd": 1000}, 5000.0),
        ({"dist": "lognormal", "median": 12, "sigma": 0.5}, 12.0),
        ({"dist": "discrete", "values": [0, 12, 24], "weights": [0.5, 0.3, 0.2]}, 0.0),  # reaches 0.5 at 0
        ({"dist": "discrete", "values": [0, 12, 24], "weights": [0.2, 0.3, 0.5]}, 12.0),
        ({"dist": "discrete", "values": [0, 12, 24], "weights": [0.1, 0.3, 0.6]}, 24.0),
        ({"dist": "discrete", "values": [24, 0, 12], "weights": [0.6, 0.1, 0.3]}, 24.0),  # any order
        ({"dist": "discrete", "values": [3, 1]}, 1.0),  # equal weights: the smaller of two
        ({"dist": "discrete", "values": [10, 30, 20]}, 20.0),
        ({"dist": "discrete", "values": [0.1, 0.2, 0.3], "weights": [1, 1, 2]}, 0.2),
    ],
)
def test_each_kind_central_is_its_median(spec: dict[str, Any], expected: float) -> None:
    assert _dist(**spec).centre() == pytest.approx(expected, abs=1e-12)


def test_a_stated_central_value_wins() -> None:
    dist = _dist(dist="triangular", low=1, mode=1, high=2, central=1.5)
    assert dist.centre() == 1.5
    assert _dist(dist="discrete", values=[0, 12], central=6).centre() == 6.0
    assert central(3.0) == 3.0


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "triangular", "low": 1, "mode": 1, "high": 2},
        {"dist": "triangular", "low": 0, "mode": 30, "high": 36},
        {"dist": "uniform", "low": 2, "high": 5},
        {"dist": "normal", "mean": 10, "sd": 2},
        {"dist": "lognormal", "median": 3, "sigma": 0.5},
        {"dist": "discrete", "values": [24, 0, 12], "weights": [0.2, 0.5, 0.3]},
    ],
)
def test_central_is_the_inverse_cdf_at_one_half_and_splits_the_draws(spec: dict[str, Any]) -> None:
    """The copula's inverse CDF at 0.5 is the central value, and about half the draws fall at or
    below it (all draws of a discrete distribution's median value count as at or below)."""
    from reesim.uncertainty.correlate import quantile

    dist = _dist(**spec)
    assert quantile(dist, 0.5) == pytest.approx(dist.centre(), abs=1e-9)
    draws = dist.draw(np.random.default_rng(7), 40_000)
    below = float(np.mean(draws <= dist.centre()))
    assert 0.49 < below < (0.81 if spec["dist"] == "discrete" else 0.51)


def test_shipped_reviews_are_medians() -> None:
    """race's April review (triangular 1, 1, 2) and October review (1, 1.5, 3) at their medians."""
    from reesim.dataset import load_dataset
    from reesim.model.scenario import ExportControl
    from reesim.scenarios import resolve

    reviews = {
        round(i.review_months, 6)
        for i in resolve("race", load_dataset()).instruments
        if isinstance(i, ExportControl) and i.review_months > 0
    }
    assert reviews == {round(2 - math.sqrt(0.5), 6), round(3 - math.sqrt(1.5), 6)}


# --- the central run against the median of the runs ----------------------------------------------


def _figures(**values: list[float]) -> dict[str, np.ndarray]:
    return {k.replace("__", "|"): np.asarray(v, dtype=float) for k, v in values.items()}


CENTRAL = _figures(
    EU__magnets__peak_shortfall=[0.0],
    USA__magnets__peak_shortfall=[0.29],
    Japan__magnets__peak_shortfall=[0.10],
    Korea__magnets__peak_shortfall=[0.02],
    China__Dy__peak_shortfall=[0.5],
    EU__magnets__cumulative_unmet_t=[0.0],
)
RUNS = _figures(
    EU__magnets__peak_shortfall=[0.0, 0.06, 0.083, 0.10, 0.22],  # median 0.083: 8.3 points above
    USA__magnets__peak_shortfall=[0.20, 0.22, 0.25, 0.40, 0.50],  # median 0.25: 4 points, within
    Japan__magnets__peak_shortfall=[0.0, 0.0, 0.0, 0.01, 0.02],  # median 0: 10 points below
    Korea__magnets__peak_shortfall=[0.02, np.nan, 0.03, 0.01, 0.02],  # nan skipped: median 0.02
    China__Dy__peak_shortfall=[np.nan] * 5,  # nothing to compare
    EU__magnets__cumulative_unmet_t=[1e4] * 5,  # no margin for this figure: not compared
)


def test_central_vs_median_lists_figures_beyond_the_margin() -> None:
    found = central_vs_median(CENTRAL, RUNS)
    assert found == [
        Difference("Japan", "magnets", "peak_shortfall", 0.10, 0.0, 0.05),
        Difference("EU", "magnets", "peak_shortfall", 0.0, 0.083, 0.05),
    ]
    # A smaller margin takes in the US (4 points); no figure named, nothing compared.
    wider = central_vs_median(CENTRAL, RUNS, {"peak_shortfall": 0.01})
    assert [d.place for d in wider] == ["Japan", "EU", "USA"]
    assert central_vs_median(CENTRAL, RUNS, {}) == []


def test_infinite_figures_differ_from_finite_ones_and_not_from_each_other() -> None:
    central = _figures(EU__magnets__first_shortfall=[math.inf], USA__magnets__first_shortfall=[math.inf])
    runs = _figures(EU__magnets__first_shortfall=[3, 4, 5], USA__magnets__first_shortfall=[math.inf] * 3)
    found = central_vs_median(central, runs, {"first_shortfall": 2.0})
    assert found == [Difference("EU", "magnets", "first_shortfall", math.inf, 4.0, 2.0)]


def test_check_states_the_margin_and_survives_json() -> None:
    result = check(CENTRAL, RUNS)
    assert result.runs == 5 and result.compared and result.margins == {"peak_shortfall": 0.05}
    data = json.loads(json.dumps(result.to_dict()))
    assert data["values"] == "median" and data["statement"] == STATEMENT
    assert data["margins"] == {"peak_shortfall": 0.05}
    assert data["central_vs_median"][1] == {
        "place": "EU", "item": "magnets", "figure": "peak_shortfall", "central": 0.0, "median": 0.083,
        "margin": 0.05,
    }  # fmt: skip
    assert CentralCheck.from_dict(data) == result
    single = check(CENTRAL, {k: v[:1] for k, v in RUNS.items()})
    assert not single.compared and single.to_dict()["central_vs_median"] is None
    assert single.to_dict()["margins"] == MARGINS
    agreed = check(CENTRAL, {k: np.repeat(v, 5) for k, v in CENTRAL.items()})
    assert agreed.compared and agreed.to_dict()["central_vs_median"] == []


def test_the_check_in_words_and_html() -> None:
    text = "\n".join(lines(check(CENTRAL, RUNS)))
    assert "more than 5 percentage points of peak shortfall" in text
    assert "EU magnets, peak shortfall: central 0.0%, median 8.3%" in text
    assert "Japan magnets, peak shortfall: central 10.0%, median 0.0%" in text
    head = Headline(["2025-01"], [], Spread(0, 0, 0), 5, central_run=check(CENTRAL, RUNS))
    page = central_note(head)
    assert 'class="central differs"' in page and "median of the 5 runs" in page
    assert "5 percentage points of peak shortfall" in page and "<td>EU</td>" in page and "8.3%" in page
    same = Headline(["2025-01"], [], Spread(0, 0, 0), 5, central_run=CentralCheck(5))
    assert "within 5 percentage points of peak shortfall" in central_note(same)
    one = Headline(["2025-01"], [], Spread(0, 0, 0), 1, central_run=CentralCheck(1))
    assert html.escape(STATEMENT) in central_note(one) and "percentage points" not in central_note(one)
    assert lines(CentralCheck(1)) == [STATEMENT]
    assert central_note(Headline(["2025-01"], [], Spread(0, 0, 0), 1)) == ""


def test_headline_keeps_the_check_through_the_store_format() -> None:
    head = Headline(["2025-01", "2025-02"], [], Spread(math.inf, math.inf, math.inf), 5,
                    central_run=check(CENTRAL, RUNS))  # fmt: skip
    assert Headline.from_dict(json.loads(json.dumps(head.to_dict()))).central_run == head.central_run
    assert "central_run" not in Headline(["2025-01"], [], Spread(0, 0, 0), 1).to_dict()


# --- race end to end -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.compile
def test_race_monte_carlo_compares_its_central_run_with_the_median(tmp_path: Path) -> None:
    """48 runs of race's first 18 months: the central run inside the batch is the single run, the
    headline's comparison is the function's on the batch's figures, and the report states it."""
    from reesim.dataset import load_dataset
    from reesim.engine.batch import run_batch
    from reesim.model.baseline import build_baseline
    from reesim.report.run_report import write_run_report

    ds = load_dataset()
    base = build_baseline(ds)
    batch = run_batch("race", runs=48, seed=3, horizon_years=1.5, dataset=ds, baseline=base)
    single = run_batch("race", runs=1, seed=3, horizon_years=1.5, dataset=ds, baseline=base)
    assert batch.central_figures is not None and single.central_figures is not None and batch.figures
    for key, value in single.central_figures.items():
        # the single run takes the reference kernel, the batch the fast one: equal to 1e-9 relative
        assert batch.central_figures[key] == pytest.approx(value, rel=1e-9, abs=1e-9, nan_ok=True), key
    head = batch.headline()
    result = head.central_run
    assert result is not None and result.runs == 48 and result.margins == {"peak_shortfall": 0.05}
    assert result.differences == central_vs_median(batch.central_figures, batch.figures)
    for d in result.differences:
        assert abs(d.central - d.median) > 0.05
    # Some figure differs at all: race's central run is not its median run everywhere.
    assert central_vs_median(batch.central_figures, batch.figures, {"peak_shortfall": 0.0})
    page = write_run_report(batch, head, ds, "test", tmp_path).read_text(encoding="utf-8")
    assert 'id="central-run"' in page and "5 percentage points of peak shortfall" in page
    assert "median of the 48 runs" in page
    for d in result.differences:
        assert f"<td>{d.place}</td><td>{d.item}</td>" in page
    assert single.headline().central_run == CentralCheck(1)


@pytest.mark.slow
@pytest.mark.compile
def test_run_json_states_the_median_and_the_margin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REESIM_STORE", str(tmp_path / "runs.duckdb"))
    runner = CliRunner()

    def payload(*extra: str) -> dict[str, Any]:
        args = ["run", "race", "--horizon", "1", "--seed", "3", "--json", "--out", str(tmp_path), *extra]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        data: dict[str, Any] = json.loads(result.stdout)
        return data

    one = payload()
    assert one["central_run"]["values"] == "median" and one["central_run"]["statement"] == STATEMENT
    assert one["central_run"]["central_vs_median"] is None and "central_run" not in one["indicators"]
    many = payload("--runs", "40")
    compared = many["central_run"]
    assert compared["runs"] == 40 and compared["margins"] == {"peak_shortfall": 0.05}
    assert isinstance(compared["central_vs_median"], list)
    rows = {(r["place"], r["item"]): r for r in many["indicators"]["rows"]}
    for d in compared["central_vs_median"]:
        assert d["margin"] == 0.05 and abs(d["central"] - d["median"]) > 0.05
        if (d["place"], d["item"]) in rows:
            assert d["median"] == rows[d["place"], d["item"]]["peak_shortfall"]["p50"]
    page = Path(many["report"]).read_text(encoding="utf-8")
    assert "5 percentage points of peak shortfall" in page and "median of the 40 runs" in page
    shown = runner.invoke(app, ["runs", "show", many["run_id"]], env={"COLUMNS": "200"})
    assert shown.exit_code == 0 and "median of the 40 runs" in shown.output
