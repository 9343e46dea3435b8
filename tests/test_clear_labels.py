"""Outputs that could mislead: element symbols beside places (Eu beside the EU), source years as
floats, a run without a report listed as ``None``, products by their identifiers, chart years
as fractions, charts without legends, empty charts, and charts wider than the page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from reesim.cli import app
from reesim.cli.runs import element_names
from reesim.dataset import Dataset
from reesim.report import run_charts
from reesim.report.headline_html import STYLE
from reesim.report.run_charts import PLACES_SHOWN
from reesim.report.svgplot import month_ticks
from reesim.results.labels import PRODUCT_NAMES
from reesim.store import RunRecord, Store

RUNNER = CliRunner()


def invoke(*args: str) -> str:
    result = RUNNER.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_elements_are_named_where_a_place_could_be_read() -> None:
    names = element_names()
    assert names["Eu"] == "europium (Eu)" and names["Dy"] == "dysprosium (Dy)"
    assert "EU" not in names and len(names) == 16


def test_source_years_are_whole_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    shown = invoke("scenarios", "show", "april-2025")
    assert "(2025)" in shown and "(2025.0)" not in shown


def test_a_run_without_a_report_is_listed_with_a_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_path = tmp_path / "runs.duckdb"
    monkeypatch.setenv("REESIM_STORE", str(store_path))
    monkeypatch.setenv("COLUMNS", "120")
    record = RunRecord(
        id="abcd1234", created="2026-11-26T01:00:00", scenario="s", title="t", runs=1, seed=7, months=3,
        dataset_version="v", package_version="0", scenario_json="{}", timings_json="{}",
        headline_json=json.dumps({"rows": []}),
    )  # fmt: skip
    Store(store_path).save(record, {})
    listed = invoke("runs", "list")
    row = next(line for line in listed.splitlines() if "abcd1234" in line)
    assert "None" not in listed and row.rstrip(" │").endswith("-")
    assert invoke("runs", "list", "--format", "csv").splitlines()[1].endswith(",-")


def test_products_are_named_as_counted_nouns(dataset: Dataset) -> None:
    from reesim.results.labels import product_name

    assert product_name("bev_car") == "battery-electric cars"
    assert product_name("wind_pm_average") == "MW of wind turbines"
    assert product_name("new_thing") == "new thing"
    products = set(dataset["intensities"]["product"])
    assert products <= set(PRODUCT_NAMES), products - set(PRODUCT_NAMES)


def test_chart_years_are_whole_and_few() -> None:
    months = [f"{y}-{m:02d}" for y in range(2025, 2036) for m in range(1, 13)]
    assert [label for _, label in month_ticks(months, most=4)] == ["2025", "2030", "2035"]
    assert [label for _, label in month_ticks(months[:36])] == ["2025", "2026", "2027"]
    assert [label for _, label in month_ticks(months[:6])] == ["2025-01", "2025-04"]


def _series(unmet: float) -> xr.Dataset:
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    places, items = [*PLACES_SHOWN, "outside China"], ["magnets", "Sm", "Dy"]
    shape = (1, len(months), len(places), len(items))
    coords = {"run": [0], "month": months, "place": places, "item": items}
    dims = ("run", "month", "place", "item")
    return xr.Dataset({"demand": (dims, np.full(shape, 10.0)), "unmet": (dims, np.full(shape, unmet))},
                      coords=coords)  # fmt: skip


def test_charts_have_legends_and_say_when_there_is_no_shortfall() -> None:
    names = {"Sm": "samarium (Sm)", "Dy": "dysprosium (Dy)"}
    short = run_charts.element_shortfall(_series(2.0), ["Sm", "Dy"], names).svg("a")
    assert "samarium (Sm)" in short and "dysprosium (Dy)" in short and "no shortfall" not in short
    calm = run_charts.element_shortfall(_series(0.0), ["Sm", "Dy"], names).svg("b")
    assert calm.count(">no shortfall</text>") == len(PLACES_SHOWN)
    balance = run_charts.magnet_balance(_series(1.0)).svg("c")
    assert all(f">{word}</text>" in balance for word in ("demand", "met", "shortfall"))


def test_charts_fit_a_page_1280_pixels_wide() -> None:
    drawn = run_charts.magnet_balance(_series(1.0)).svg("d")
    width = float(re.search(r'<svg[^>]* width="([0-9.]+)"', drawn).group(1))  # type: ignore[union-attr]
    assert width <= 1_000 and 'viewBox="0 0 1000.0 ' in drawn
    assert "figure svg{max-width:100%;height:auto}" in STYLE  # and narrower pages scale them down


def test_the_independence_chance_is_labelled_by_the_runs_own_end() -> None:
    """A run that ends before 2031 is judged, and labelled, by its own last month, not by 2030."""
    from reesim.results.measures import probabilities_from

    values = {
        "measure:us_magnet_peak_shortfall": np.array([0.3, 0.1]),
        "measure:eu_magnet_peak_shortfall": np.array([0.0, 0.0]),
        "measure:outside_magnet_peak_shortfall": np.array([0.01, 0.0]),
        "measure:separation_independence_months": np.array([5.0, np.inf]),
    }
    short = probabilities_from(values, [f"2025-{m:02d}" for m in range(1, 13)] + ["2026-12"])
    assert short["separation outside China covers its use by the run's end (2026-12)"] == 0.5
    long = probabilities_from(values, [f"{y}-{m:02d}" for y in range(2025, 2032) for m in range(1, 13)])
    assert long["separation outside China covers its use by end 2030"] == 0.5
    assert short["US peak magnet shortfall above 20%"] == 0.5
