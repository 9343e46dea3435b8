"""The dashboard in headless Chromium: library -> editor (change the review delay) -> run ->
charts drawn -> compare with baseline; no console errors; a screenshot of each page is saved in
``test-artifacts/dashboard/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.browser import browser_page, requires_chromium
from tests.serving import served

#: Chromium starts for each test, which runs a scenario first (seconds each).
pytestmark = [pytest.mark.browser, pytest.mark.slow, requires_chromium]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "dashboard"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(tmp_path_factory.mktemp("dash")) as port:
        yield f"http://127.0.0.1:{port}/"


def test_newcomer_path_from_library_to_comparison(server: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with browser_page(height=1000) as (page, errors):
        page.goto(server)
        page.wait_for_selector("[data-scenario=april-2025]")
        page.screenshot(path=str(ARTIFACTS / "1-library.png"), full_page=True)
        # baseline first, from the library
        page.click('[data-scenario=baseline] button:text-is("Run")')
        page.wait_for_selector("#run-view [data-chart=run][data-ready] svg", timeout=120_000)
        page.click("nav >> text=Scenarios")
        page.click("[data-scenario=april-2025] >> text=Open in editor")
        page.wait_for_selector("#validation .ok")
        yaml = page.input_value("#yaml")
        changed = yaml.replace(
            "review_months: {dist: triangular, low: 0, mode: 0, high: 1}}", "review_months: 2}", 1
        )
        assert changed != yaml
        page.fill("#yaml", changed.replace("horizon: 2030-12", "horizon: 2026-12"))
        page.wait_for_selector("#validation .ok")
        page.screenshot(path=str(ARTIFACTS / "2-editor.png"), full_page=True)
        page.click("#run-button")
        page.wait_for_selector("#run-view [data-chart=run][data-ready] svg", timeout=120_000)
        shortfall = page.inner_text("#headline")
        page.screenshot(path=str(ARTIFACTS / "3-run.png"), full_page=True)
        page.click("nav >> text=Compare")
        page.wait_for_selector("input[data-run]")
        for box in page.query_selector_all("input[data-run]")[:2]:
            box.check()
        page.click("#compare-button")
        page.wait_for_selector("#compare-chart[data-ready] svg")
        table = page.inner_text("#comparison")
        page.screenshot(path=str(ARTIFACTS / "4-compare.png"), full_page=True)
        for view in ("Data", "Timeline"):
            page.click(f"nav >> text={view}")
            page.wait_for_selector("main table, main ul.timeline")
            page.screenshot(path=str(ARTIFACTS / f"5-{view.lower()}.png"), full_page=True)
    assert errors == []
    # May's licences after two months of review, and a month at sea: the EU runs short in June 2025.
    assert "EU" in shortfall and "2025-06" in shortfall
    assert "april-2025" in table and "baseline" in table
