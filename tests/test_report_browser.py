"""The run report renders in headless Chromium: every chart drawn, no console errors, no network.

Needs Debian's ``chromium`` (``apt-get install chromium``; CI installs it). Skipped where it is
missing, except on CI (``CI`` set), where a missing browser is a failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.browser import browser_page, requires_chromium

from reesim.dataset import load_dataset
from reesim.model.baseline import build_baseline
from reesim.store import Store
from reesim.store.runs import execute

#: Chromium starts for each test, which runs a scenario first (seconds each).
pytestmark = [pytest.mark.browser, pytest.mark.slow, requires_chromium]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    ds = load_dataset()
    done = execute("race", Store(tmp / "runs.duckdb"), tmp / "out", runs=3, seed=3, dataset=ds,
                   baseline=build_baseline(ds))  # fmt: skip
    return done.report


def test_every_chart_is_drawn_without_errors(report: Path) -> None:
    requests: list[str] = []
    with browser_page(width=1280) as (page, errors):
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri())
        charts = page.query_selector_all("figure.chart")
        drawn = page.evaluate(
            """() => [...document.querySelectorAll('figure.chart')].map(f => {
                const svg = f.querySelector('svg'); if (!svg) return [f.id, 0, 0];
                const box = svg.getBoundingClientRect();
                return [f.id, svg.querySelectorAll('path, use, rect, text').length, box.width * box.height];
            })"""
        )
        title = page.title()
        page_width = page.evaluate("document.documentElement.scrollWidth")
    assert len(charts) == 9
    assert {d[0] for d in drawn} == {f"chart-{n}" for n in (
        "timeline", "magnets", "elements", "flows", "race", "stockpiles", "prices", "projects",
        "not_built")}  # fmt: skip
    for chart_id, shapes, area in drawn:
        assert shapes > 20, f"{chart_id} draws almost nothing"
        assert area > 10_000, f"{chart_id} has no size"
    assert errors == []
    assert all(u.startswith("file:") for u in requests), "the report must not load anything from the network"
    assert "race" in title.lower()
    assert page_width <= 1280, "the report must fit a window 1,280 pixels wide"


def test_report_is_self_contained_and_explains_itself(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert "<script" not in text and "<link" not in text and 'src="http' not in text
    for words in ("How to read this", "first shortfall", "The race", "Sources of the scenario", "P10-P90"):
        assert words in text
