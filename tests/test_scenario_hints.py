"""What a scenario's author is told beyond "this is wrong": the closest allowed field name for a
misspelt one, every independent problem of a file at once in line order, and a warning (not an
error) for an instrument that acts in none of the run's months."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.scenario_files import problems
from typer.testing import CliRunner

from reesim.cli import app
from reesim.dataset import load_dataset
from reesim.errors import Problem, by_position
from reesim.scenarios import load
from reesim.scenarios.horizon import outside_horizon
from reesim.scenarios.spec import ScenarioFile
from reesim.scenarios.suggest import allowed_fields, field_hint

DS = load_dataset()
HEAD = "name: t\nstart: 2025-01\nhorizon: 2026-12\n"
CONTROL = "  - kind: export_control\n    exporter: CHN\n    elements: [Dy]\n    forms: [magnet]\n"


def validate(tmp_path: Path, text: str) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of ``reesim validate`` on ``text``."""
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    return result.exit_code, result.stdout, result.stderr


# --- did you mean ------------------------------------------------------------------------------


def test_allowed_fields_follow_the_kind_and_nested_models() -> None:
    control = allowed_fields(ScenarioFile, ("instruments", 0, "export_control"))
    assert {"exporter", "elements", "approval", "start", "end", "id"} <= set(control)
    assert "kind" in control and "nameplate_t_per_yr" not in control
    step = allowed_fields(ScenarioFile, ("instruments", 0, "export_control", "approval", 0))
    assert sorted(step) == ["from", "review_months", "share"]  # the alias, as written in files
    assert "horizon" in allowed_fields(ScenarioFile, ())
    assert allowed_fields(ScenarioFile, ("nowhere", 3)) == []
    union = "tagged-union[function-after[_finite(), Normal],function-after[_finite(), LogNormal]]"
    dist = allowed_fields(ScenarioFile, ("parameters", "x", union, "lognormal"))
    assert {"dist", "median", "central"} <= set(dist) and "mode" not in dist


def test_field_hint_suggests_the_closest_or_lists_them() -> None:
    assert field_hint("working_stok_months", ["working_stock_months", "x"]) == (
        "did you mean 'working_stock_months'?"
    )
    assert field_hint("zzz", ["b", "a"]) == "remove it or use one of a, b"
    assert "check its spelling" in field_hint("zzz", [])


@pytest.mark.parametrize(
    ("text", "field", "hint"),
    [
        (HEAD + "horizn: 2027-12\n", "horizn", "did you mean 'horizon'?"),
        (HEAD + "instruments:\n" + CONTROL + "    start: 2025-04\n    exportr: CHN\n",
         "instruments[0].exportr", "did you mean 'exporter'?"),
        (HEAD + "instruments:\n" + CONTROL + "    start: 2025-04\n"
         "    approval:\n      - {from: 2025-04, sahre: 0.2}\n",
         "instruments[0].approval[0].sahre", "did you mean 'share'?"),
        (HEAD + "parameters:\n  working_stok_months: 1.5\n", "parameters.working_stok_months",
         "did you mean 'working_stock_months'?"),
        (HEAD + "instruments:\n  - kind: stockpile\n    holder: USA\n    material: oxide\n"
         "    start: 2025-01\n    target_t: 1\n    purchase_t_per_yr: 1\n    releese: 3\n",
         "instruments[0].releese",
         "did you mean 'release_to'?"),
        (HEAD + "parameters:\n  working_stock_months: {dist: uniform, lo: 1, high: 2}\n",
         "parameters.working_stock_months.lo", "did you mean 'low'?"),
        (HEAD + "instruments:\n" + CONTROL + "    start: 2025-04\n"
         "    review_months: {dist: triangular, low: 1, mod: 1, high: 2}\n",
         "instruments[0].review_months.mod", "did you mean 'mode'?"),
    ],
    ids=["top level", "instrument", "approval step", "parameter", "stockpile", "distribution",
         "distribution in an instrument"],
)  # fmt: skip
def test_unknown_field_names_the_closest_allowed_one(
    tmp_path: Path, text: str, field: str, hint: str
) -> None:
    found = [p for p in problems(tmp_path, text, "s.yaml") if p.field == field]
    assert len(found) == 1, found
    assert found[0].hint == hint and "unknown" in found[0].message


# --- every problem at once ---------------------------------------------------------------------


def test_field_and_parameter_problems_come_together_in_line_order(tmp_path: Path) -> None:
    text = (
        HEAD + "parameters:\n  working_stok_months: 1.5\n  restock_months: -3\n  contracted_share: x\n"
        "instruments:\n" + CONTROL + "    start: 2025-04\n    approvl: []\n"
        "  - kind: export_ban\n    exporter: CHNN\n    forms: [magnet]\n    start: 2026-01\n"
    )
    found = problems(tmp_path, text, "s.yaml")
    assert [(p.line, p.field) for p in found] == [
        (5, "parameters.working_stok_months"),
        (6, "parameters.restock_months"),
        (7, "parameters.contracted_share"),
        (14, "instruments[0].approvl"),
        (16, "instruments[1].exporter"),
    ]
    assert (
        found[1].message == "restock_months must be at least 0"
        and found[1].hint == "restock_months is in months"
    )
    assert [p.line for p in found] == sorted(p.line or 0 for p in found)


def test_period_and_reference_problems_come_together(tmp_path: Path) -> None:
    offtake = "  - kind: offtake\n    project: nowhere\n    buyer: USA\n    start: 2025-06\n"
    text = HEAD + "remove: [a]\ninstruments:\n" + CONTROL + "    id: c\n    start: 2025-04\n"
    text += CONTROL + "    id: c\n    start: 2025-05\n" + offtake
    found = problems(tmp_path, text, "s.yaml")
    messages = [p.message for p in found]
    assert "remove drops inherited instruments, but nothing is inherited" in messages
    assert "duplicate instrument id 'c'" in messages
    assert "no capacity_project with id 'nowhere'" in messages
    assert [p.line for p in found] == sorted(p.line or 0 for p in found)


def test_validate_prints_every_problem_and_exits_2(tmp_path: Path) -> None:
    text = HEAD + "parameters:\n  working_stok_months: 1.5\ninstruments:\n" + CONTROL
    text += "    start: 2025-04\n    exportr: CHN\n"
    code, _, err = validate(tmp_path, text)
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("error ")]
    assert len(lines) == 2, err
    assert "s.yaml:5:24: field 'parameters.working_stok_months'" in lines[0]
    assert "did you mean 'working_stock_months'?" in lines[0]
    assert (
        "s.yaml:12:14: field 'instruments[0].exportr'" in lines[1] and "did you mean 'exporter'?" in lines[1]
    )
    assert "Traceback" not in err


def test_run_reports_every_problem_before_simulating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REESIM_STORE", str(tmp_path / "runs.duckdb"))
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + "parameters:\n  working_stok_months: 1.5\ninstruments:\n" + CONTROL
                    + "    start: 2025-04\n    exportr: CHN\n", encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error ")]
    assert len(errors) == 2 and "working_stok_months" in errors[0] and "exportr" in errors[1], result.stderr
    from reesim.store import Store

    assert Store(tmp_path / "runs.duckdb").list_runs().empty


def test_by_position_orders_files_as_met_then_lines() -> None:
    found = [Problem("b", 3, None, "x"), Problem("a", 9, None, "y"), Problem("b", 1, None, "z", column=4),
             Problem("b", None, None, "w"), Problem("a", 2, None, "v")]  # fmt: skip
    assert [p.message for p in by_position(found)] == ["w", "z", "x", "v", "y"]


# --- instruments outside the run's months ------------------------------------------------------


def test_instruments_outside_the_period_are_warnings_naming_id_dates_and_period(tmp_path: Path) -> None:
    text = HEAD + "instruments:\n" + CONTROL + "    id: late\n    start: 2027-04\n"
    text += (
        CONTROL
        + "    start: 2024-01\n    end: 2025-01\n"
        + CONTROL
        + "    start: 2024-01\n    end: 2025-02\n"
    )
    code, out, err = validate(tmp_path, text)
    assert code == 0 and "ok" in out
    warnings = [line for line in err.splitlines() if line.startswith("warning ")]
    assert len(warnings) == 2, err  # the third ends after the first month: it acts in January
    assert "s.yaml:10:12: field 'instruments[0].start' export_control 'late' starts 2027-04" in warnings[0]
    assert "after the run ends (it simulates 2025-01 to 2026-12)" in warnings[0]
    assert "field 'instruments[1].end' export_control (instrument 2) ends 2025-01" in warnings[1]
    assert "before the run starts" in warnings[1] and "hint:" in warnings[1]


def test_shipped_scenarios_have_no_instrument_outside_their_period() -> None:
    from reesim.scenarios.bundled import scenario_names

    assert {name: outside_horizon(load(name, DS)) for name in scenario_names()} == {
        name: [] for name in scenario_names()
    }


@pytest.mark.slow
def test_run_warns_when_horizon_cuts_an_instrument_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REESIM_STORE", str(tmp_path / "runs.duckdb"))
    path = tmp_path / "s.yaml"
    path.write_text(
        HEAD + "instruments:\n" + CONTROL + "    id: late\n    start: 2025-09\n", encoding="utf-8"
    )
    args = ["run", str(path), "--horizon", "0.5", "--json", "--out", str(tmp_path / "r")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["scenario"] == "t"  # the warning stays out of the JSON
    assert "export_control 'late' starts 2025-09, after the run ends (it simulates 2025-01 to 2025-06)" in (
        result.stderr
    )
