"""Every ``--json`` output is strict JSON: no NaN or Infinity (null instead), months as ``YYYY-MM``,
counts as integers. Parsed as a browser's ``JSON.parse`` or ``jq`` would."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.cli_json import invoke_json, strict_loads

from reesim.results.central import CentralCheck, Difference
from reesim.results.headline import Headline, Row, Spread
from reesim.results.plain import MONTH_FIGURES, dumps, headline_json

MONTH = re.compile(r"^\d{4}-\d{2}$")


def month_values(indicators: dict[str, Any]) -> Iterator[Any]:
    """Every value of ``indicators`` that is a month."""
    yield indicators["reference"]
    yield from indicators["independence"].values()
    for row in indicators["rows"]:
        for name in MONTH_FIGURES:
            yield from row[name].values()


def assert_months_are_labels(indicators: dict[str, Any]) -> None:
    found = list(month_values(indicators))
    assert found
    assert all(v is None or (isinstance(v, str) and MONTH.match(v)) for v in found), found
    assert all(MONTH.match(m) for m in indicators["months"])
    assert isinstance(indicators["runs"], int)


def test_strict_parser_rejects_what_python_writes_by_default() -> None:
    with pytest.raises(ValueError, match="NaN"):
        strict_loads(json.dumps({"x": math.nan}))
    assert strict_loads(dumps({"x": math.nan, "y": [math.inf, -math.inf], "z": Path("a")})) == {
        "x": None,
        "y": [None, None],
        "z": "a",
    }


def test_headline_json_gives_months_as_labels_and_null_for_never() -> None:
    never, nan = Spread(math.inf, math.inf, math.inf), Spread(math.nan, math.nan, math.nan)
    row = Row("USA", "Dy", Spread(2.0, 3.0, math.inf), Spread(0.1, 0.2, 0.3), Spread(3.0, 4.0, 5.0),
              Spread(1.0, 2.0, 3.0), nan, never, Spread(1.5, 2.0, 2.5), {"bev_car": nan})  # fmt: skip
    check = CentralCheck(2, differences=[Difference("USA", "Dy", "first_shortfall", 2.0, math.inf, 1.0)])
    months = [f"2025-{m:02d}" for m in range(1, 7)]
    head = Headline(months, [row], never, 2, 3.0, {"x": 0.5}, check, nan)
    data = strict_loads(dumps(headline_json(head)))
    assert data["reference"] == "2025-04" and data["independence"]["p50"] is None
    first = data["rows"][0]["first_shortfall"]
    assert first == {"p10": "2025-03", "p50": "2025-04", "p90": None}
    assert data["rows"][0]["peak_shortfall"]["p50"] == 0.2
    assert data["rows"][0]["lowest_cover_months"]["p50"] is None
    assert data["rows"][0]["not_built"] == {"bev_car": {"p10": None, "p50": None, "p90": None}}
    diff = data["central_run"]["central_vs_median"][0]
    assert diff["central"] == "2025-03" and diff["median"] is None
    assert data["floor_cost"]["p50"] is None
    assert_months_are_labels(data)


def test_data_list_and_show_json_are_strict() -> None:
    listed = invoke_json("data", "list", "--json")
    assert listed["version"] and {t["table"] for t in listed["tables"]} >= {"elements", "prices"}
    assert all(isinstance(t["rows"], int) for t in listed["tables"])
    shown = invoke_json("data", "show", "prices", "--format", "json")
    assert shown["rows"] and shown["sources"]


@pytest.mark.slow
def test_run_and_stored_runs_json_are_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REESIM_STORE", str(tmp_path / "runs.duckdb"))
    run = invoke_json("run", "april-2025", "--horizon", "3", "--json", "--out", str(tmp_path / "r"))
    assert_months_are_labels(run["indicators"])
    assert run["indicators"]["reference"] == "2025-04"
    usa = {r["item"]: r for r in run["indicators"]["rows"] if r["place"] == "USA"}
    assert usa["Sm"]["first_shortfall"]["p50"] == "2025-06"  # was 5.0, a month index
    assert usa["magnets"]["first_shortfall"]["p50"] == "2025-06"  # the carmakers
    china = {r["item"]: r for r in run["indicators"]["rows"] if r["place"] == "China"}
    assert china["magnets"]["first_shortfall"]["p50"] is None  # was Infinity
    listed = invoke_json("runs", "list", "--json")
    assert [r["id"] for r in listed["runs"]] == [run["run_id"]]
    record = listed["runs"][0]
    assert record["months"] == 36 and isinstance(record["seed"], int) and record["report"]
    shown = invoke_json("runs", "show", run["run_id"][:5], "--json")
    assert shown["run_id"] == run["run_id"] and shown["months"] == 36 and "series_unmet" in shown["tables"]
    assert shown["indicators"] == run["indicators"] and shown["central_run"] == run["central_run"]
    assert isinstance(shown["timings"]["simulate_s"], float)


@pytest.mark.slow
def test_backtest_json_is_strict(tmp_path: Path) -> None:
    doc = invoke_json("backtest", "--json", "--out", str(tmp_path))
    assert doc["series"] and doc["stoppages"]
    for stop in doc["stoppages"]:
        assert MONTH.match(stop["observed"]) and (stop["simulated"] is None or MONTH.match(stop["simulated"]))


@pytest.mark.slow
def test_sensitivity_json_is_strict(tmp_path: Path) -> None:
    args = ("sensitivity", "race", "--indicator", "us_magnet_peak_shortfall", "--samples", "2")
    doc = invoke_json(*args, "--horizon", "0.5", "--json", "--out", str(tmp_path))
    assert doc["factors"] and isinstance(doc["runs"], int)


def test_scenarios_list_json_is_strict() -> None:
    from reesim.scenarios import scenario_names

    listed = invoke_json("scenarios", "list", "--json")
    assert [s["name"] for s in listed["scenarios"]] == list(scenario_names())
    race = next(s for s in listed["scenarios"] if s["name"] == "race")
    assert MONTH.match(race["start"]) and MONTH.match(race["horizon"])
    assert isinstance(race["instruments"], int) and isinstance(race["builds_on"], list)
    assert invoke_json("scenarios", "list", "--format", "json") == listed
