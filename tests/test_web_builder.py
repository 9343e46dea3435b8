"""The scenario builder in headless Chromium: a scenario built from a blank one with the palette and
pickers only (China bans Dy and Tb exports to the US from 2027-01 for 12 months while Japan
releases its stockpile), run, its result seen, then compared with the same scenario without
Japan's stockpile; the YAML follows the cards and the cards follow the YAML; and the error states
(missing and unknown names, values out of range, YAML that does not parse, a run the server
refuses), each shown with the messages of ``reesim validate``. Screenshots of each page are saved
in ``test-artifacts/dashboard/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.browser import browser_page, requires_chromium
from tests.serving import served

#: Chromium starts for each test, and the first one runs a scenario twice (seconds each).
pytestmark = [pytest.mark.browser, pytest.mark.slow, requires_chromium]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "dashboard"

#: The scenario the first test builds, as the builder must write it (names in the dataset's order).
EXPECTED = {
    "name": "dy-tb-ban-japan-releases",
    "title": "China bans Dy and Tb exports to the US for a year; Japan releases its stockpile",
    "start": "2026-01",
    "horizon": "2028-12",
    "instruments": [
        {"kind": "export_ban", "exporter": "CHN", "elements": ["Tb", "Dy"],
         "forms": ["oxide", "metal", "magnet"], "destinations": ["USA"],
         "start": "2027-01", "end": "2028-01"},
        {"kind": "stockpile", "holder": "JPN", "material": "magnet", "elements": ["Tb", "Dy"],
         "target_t": 300, "purchase_t_per_yr": 0, "initial_t": 300, "release_to": ["USA"],
         "start": "2026-01"},
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(tmp_path_factory.mktemp("builder")) as port:
        yield f"http://127.0.0.1:{port}/"


def at(path: str, widget: str = "") -> str:
    """The selector of the field at ``path`` (``instruments.0.exporter``), or of a widget in it."""
    return f'[data-path="{path}"] {widget}'.strip()


def typed(page: Any, selector: str, value: str) -> None:
    """Type ``value`` into a text or number box and leave it, as a user does (the change is sent)."""
    page.fill(selector, value)
    page.press(selector, "Tab")


def valid(page: Any) -> None:
    """Wait until every change has been checked, and the scenario found valid."""
    page.wait_for_selector("#validation:not([aria-busy]) .ok")


def shown(page: Any) -> Any:
    """The scenario the YAML box holds."""
    return yaml.safe_load(page.input_value("#yaml"))


def build_from_blank(page: Any) -> None:
    """The Dy/Tb scenario, with the palette, pickers, month pickers and number boxes only."""
    page.click("nav >> text=Builder")
    page.click("#new-blank")
    typed(page, at("name", "input"), EXPECTED["name"])
    typed(page, at("title", "input"), EXPECTED["title"])
    page.fill(at("start", "input[type=month]"), "2026-01")
    page.fill(at("horizon", "input[type=month]"), "2028-12")
    page.click("#palette [data-kind=export_ban]")
    ban = "instruments.0"
    page.select_option(at(f"{ban}.exporter", "select"), "CHN")
    for element in ("Dy", "Tb"):
        page.check(at(f"{ban}.elements", f"input[value={element}]"))
    for form in ("oxide", "metal", "magnet"):
        page.check(at(f"{ban}.forms", f"input[value={form}]"))
    page.uncheck(at(f"{ban}.destinations", "input.all"))
    page.select_option(at(f"{ban}.destinations", "select.add"), "USA")
    page.fill(at(f"{ban}.start", "input[type=month]"), "2027-01")
    page.fill(at(f"{ban}.end", "input[type=month]"), "2028-01")
    page.click("#palette [data-kind=stockpile]")
    pile = "instruments.1"
    page.select_option(at(f"{pile}.holder", "select"), "JPN")
    page.select_option(at(f"{pile}.material", "select"), "magnet")
    for element in ("Dy", "Tb"):
        page.check(at(f"{pile}.elements", f"input[value={element}]"))
    typed(page, at(f"{pile}.target_t", "input[type=number]"), "300")
    typed(page, at(f"{pile}.purchase_t_per_yr", "input[type=number]"), "0")
    typed(page, at(f"{pile}.initial_t", "input[type=number]"), "300")
    page.select_option(at(f"{pile}.release_to", "select.add"), "USA")
    valid(page)


def run_and_wait(page: Any) -> str:
    page.click("#run-button")
    page.wait_for_selector("#run-view #headline tr:nth-child(2)", timeout=300_000)
    return str(page.inner_text("#headline"))


def test_a_scenario_built_from_blank_runs_and_compares(server: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with browser_page(height=1000) as (page, errors):
        page.goto(server)
        page.wait_for_selector("[data-scenario=baseline]")
        build_from_blank(page)
        built = shown(page)
        bars = page.locator("#timeline .bar").count()
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(ARTIFACTS / "builder-1-built.png"))
        page.screenshot(path=str(ARTIFACTS / "builder-2-built-full.png"), full_page=True)
        headline = run_and_wait(page)
        page.screenshot(path=str(ARTIFACTS / "builder-3-run.png"), full_page=True)
        # the same ban without Japan's stockpile, from the cards of the scenario just run
        page.click("nav >> text=Builder")
        page.wait_for_selector('.instrument[data-kind="stockpile"]')
        page.click('.instrument[data-kind="stockpile"] button.remove')
        typed(page, at("name", "input"), "dy-tb-ban-alone")
        valid(page)
        without = shown(page)
        run_and_wait(page)
        page.click("nav >> text=Compare")
        page.wait_for_selector("input[data-run]")
        for box in page.query_selector_all("input[data-run]")[:2]:
            box.check()
        page.click("#compare-button")
        page.wait_for_function(
            "(document.querySelector('#comparison') || {}).innerText?.includes('Dy: unmet')"
        )
        table = page.inner_text("#comparison")
        page.screenshot(path=str(ARTIFACTS / "builder-4-compare.png"), full_page=True)
    assert errors == []
    assert built == EXPECTED
    assert bars == 2
    assert [i["kind"] for i in without["instruments"]] == ["export_ban"]
    assert without["name"] == "dy-tb-ban-alone"
    # The ban starts in January 2027: the US runs short of magnets that year, not before.
    usa = next(line for line in headline.splitlines() if line.startswith("USA"))
    assert "2027-" in usa and "%" in usa, headline
    # Japan's releases to the US leave less of its Dy need unmet than the ban alone does.
    rows = [line.split("\t") for line in table.splitlines() if "\t" in line]
    header = next(r for r in rows if r[:2] == ["place", "indicator"])
    dy = next(r for r in rows if r[:2] == ["USA", "Dy: unmet (t)"])
    unmet = {
        name: float(dy[header.index(name)].replace(",", ""))
        for name in ("dy-tb-ban-japan-releases", "dy-tb-ban-alone")
    }
    assert unmet["dy-tb-ban-japan-releases"] < unmet["dy-tb-ban-alone"], unmet


def test_the_yaml_and_the_cards_follow_each_other(server: str) -> None:
    with browser_page(height=1000) as (page, errors):
        page.goto(server)
        page.click("nav >> text=Builder")
        page.click("#new-blank")
        page.click("#palette [data-kind=export_control]")
        page.select_option(at("instruments.0.exporter", "select"), "CHN")
        page.check(at("instruments.0.forms", "input[value=magnet]"))
        valid(page)
        # the YAML typed by hand: the card and the timeline follow it
        page.fill("#yaml", page.input_value("#yaml") + "  end: 2027-06\n  elements: [Sm]\n")
        valid(page)
        page.wait_for_function(
            "document.querySelector('[data-path=\"instruments.0.end\"] input').value === '2027-06'"
        )
        sm = page.is_checked(at("instruments.0.elements", "input[value=Sm]"))
        bar = page.get_attribute("#timeline .bar", "title")
        # a bar dragged by a sixth of the 36 months moves its dates by six months
        page.locator("#timeline").scroll_into_view_if_needed()
        box = page.locator("#timeline .lane .track").nth(1).bounding_box()
        left = page.locator("#timeline .bar").bounding_box()
        page.mouse.move(left["x"] + 5, left["y"] + 4)
        page.mouse.down()
        page.mouse.move(left["x"] + 5 + box["width"] / 6, left["y"] + 4, steps=5)
        page.mouse.up()
        page.wait_for_function("document.querySelector('#yaml').value.includes('end: 2027-12')")
        dragged = shown(page)["instruments"][0]
        # its grip, the right edge, dragged back by a twelfth: the end alone moves three months earlier
        grip = page.locator("#timeline .bar .grip").bounding_box()
        page.mouse.move(grip["x"] + 2, grip["y"] + 4)
        page.mouse.down()
        page.mouse.move(grip["x"] + 2 - box["width"] / 12, grip["y"] + 4, steps=5)
        page.mouse.up()
        page.wait_for_function("document.querySelector('#yaml').value.includes('end: 2027-09')")
        resized = shown(page)["instruments"][0]
        # a share turned into a distribution with the number-or-distribution widget
        page.click("text=More fields")
        page.select_option(at("instruments.0.approval_share", "select.dist"), "uniform")
        typed(page, at("instruments.0.approval_share", "input[data-param=high]"), "0.9")
        valid(page)
        share = shown(page)["instruments"][0]["approval_share"]
    assert errors == []
    assert sm is True
    assert bar == "export_control: 2026-01 to 2027-06"
    assert (dragged["start"], dragged["end"]) == ("2026-07", "2027-12")
    assert (resized["start"], resized["end"]) == ("2026-07", "2027-09")
    assert share["dist"] == "uniform" and share["high"] == 0.9 and share["low"] < share["high"]


def test_error_states_show_the_validators_messages(server: str) -> None:
    with browser_page(height=1000) as (page, errors):
        page.goto(server)
        page.click("nav >> text=Builder")
        page.click("#new-blank")
        # an instrument added from the palette but not filled in: every missing field at its place
        page.click("#palette [data-kind=export_ban]")
        page.wait_for_selector("#validation .problems")
        missing = page.inner_text(at("instruments.0.exporter", ".problem"))
        listed = page.inner_text("#validation")
        page.screenshot(path=str(ARTIFACTS / "builder-5-missing.png"), full_page=True)
        page.click("#run-button")
        page.wait_for_timeout(500)
        still_here = page.is_visible("#palette")
        # a misspelt element typed in the YAML: shown at the card's elements with the hint
        text = page.input_value("#yaml").replace("- kind: export_ban", "- kind: export_ban\n  exporter: CHN\n"
                                                 "  forms: [magnet]\n  elements: [Dyy]")  # fmt: skip
        page.fill("#yaml", text)
        page.wait_for_selector(at("instruments.0.elements", ".problem"))
        unknown = page.inner_text(at("instruments.0.elements", ".problem"))
        unknown_box = page.is_checked(at("instruments.0.elements", "input[value=Dyy]"))
        page.click(at("instruments.0.elements", "input[value=Dyy]"))  # the box goes with the name
        page.check(at("instruments.0.elements", "input[value=Dy]"))
        valid(page)
        # a number out of range, from its number box
        page.click("#palette [data-kind=export_control]")
        page.select_option(at("instruments.1.exporter", "select"), "CHN")
        page.check(at("instruments.1.forms", "input[value=oxide]"))
        page.click('.instrument[data-index="1"] >> text=More fields')
        typed(page, at("instruments.1.approval_share", "input[type=number]"), "1.5")
        page.wait_for_selector(at("instruments.1.approval_share", ".problem"))
        share = page.inner_text(at("instruments.1.approval_share", ".problem"))
        page.screenshot(path=str(ARTIFACTS / "builder-6-errors.png"), full_page=True)
        # YAML that does not parse: the message, and the cards kept as they were
        page.fill("#yaml", page.input_value("#yaml") + "  broken: [\n")
        page.wait_for_selector("#validation .problems >> text=not valid YAML")
        cards = page.locator(".instrument").count()
        # a run the server refuses (a horizon beyond its limit of 20 years): the message is shown
        page.fill("#yaml", "name: too-long\nstart: 2026-01\nhorizon: 2049-12\ninstruments: []\n")
        valid(page)
        page.click("#run-button")
        page.wait_for_selector("#job .error")
        refused = page.inner_text("#job .error")
        page.screenshot(path=str(ARTIFACTS / "builder-7-refused.png"), full_page=True)
    assert errors == [] or all("422" in e for e in errors), errors
    assert missing == "missing field 'exporter' (hint: add this field)"
    assert "field 'instruments[0].exporter' missing field 'exporter' (hint: add this field)" in listed
    assert still_here, "an invalid scenario is not run"
    assert unknown == "unknown element 'Dyy' (hint: did you mean 'Dy'?)" and unknown_box is True
    assert share.startswith("value must be between 0 and 1")
    assert cards == 2
    assert "horizon at most 20 years" in refused


def test_a_scenario_built_on_a_shipped_one_shows_what_it_inherits(server: str) -> None:
    with browser_page(height=1000) as (page, errors):
        page.goto(server)
        page.click("nav >> text=Builder")
        page.select_option("#start-from", "busan-truce")
        page.click("#extend-scenario")
        valid(page)
        page.wait_for_selector("#timeline .bar.inherited")
        inherited = page.locator("#timeline .bar.inherited").count()
        data = shown(page)
        page.click("#palette [data-kind=demand_change]")
        page.wait_for_selector('.instrument[data-kind="demand_change"]')
        typed(page, at("instruments.0.shock", "input[type=number]"), "0.5")
        page.click('.instrument[data-index="0"] button.copy')
        page.wait_for_selector('.instrument[data-index="1"]')
        valid(page)
        own = page.locator("#timeline .bar:not(.inherited)").count()
        shocks = [i.get("shock") for i in shown(page)["instruments"]]
        # saved as one of yours: it is in the library
        page.click("#save-button")
        page.wait_for_selector("#validation >> text=saved as my-busan-truce")
        page.click("nav >> text=Scenarios")
        page.wait_for_selector("[data-scenario=my-busan-truce]")
        library = page.inner_text("[data-scenario=my-busan-truce]")
    assert errors == []
    assert data == {"name": "my-busan-truce", "extends": "busan-truce", "instruments": []}
    assert inherited >= 2 and own == 2 and shocks == [0.5, 0.5]
    assert "(yours)" in library


def test_every_kind_and_every_shipped_scenario_makes_cards(server: str) -> None:
    counts: dict[str, tuple[int, int]] = {}
    with browser_page(height=1000) as (page, errors):
        page.goto(server)
        page.click("nav >> text=Builder")
        page.click("#new-blank")
        kinds = page.eval_on_selector_all("#palette button.kind", "bs => bs.map(b => b.dataset.kind)")
        for kind in kinds:
            page.click(f"#palette [data-kind={kind}]")
        page.wait_for_function(f"document.querySelectorAll('.instrument').length === {len(kinds)}")
        page.wait_for_function(
            f"(document.querySelector('#yaml').value.match(/- kind:/g) || []).length === {len(kinds)}"
        )
        fields = page.eval_on_selector_all(
            ".instrument", "cs => cs.map(c => c.querySelectorAll('.field').length)"
        )
        written = [i["kind"] for i in shown(page)["instruments"]]
        for name in page.eval_on_selector_all("#start-from option", "os => os.map(o => o.value)"):
            page.select_option("#start-from", name)
            page.click("#open-scenario")
            page.wait_for_function(f"document.querySelector('[data-path=\"name\"] input').value === '{name}'")
            valid(page)
            own = len(shown(page).get("instruments") or [])
            counts[name] = (own, page.locator(".instrument").count())
    assert errors == []
    assert len(kinds) >= 13 and written == kinds
    assert all(n >= 3 for n in fields), fields
    assert "race" in counts and all(own == cards for own, cards in counts.values()), counts
