"""Every ``--json`` output has a shipped JSON Schema (draft 2020-12), and what each command really
prints validates against it: strictly (no property the schema does not list, months as
``YYYY-MM``, integers where counts are, null where a number is undefined). The files are kept in
step with :mod:`reesim.schemas.outputs`, and a command that gains ``--json`` without a schema fails
here."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import typer
from tests.cli_json import RUNNER, invoke_json

from reesim import schemas
from reesim.cli import app
from reesim.dataset import Dataset
from reesim.schemas import outputs

#: Draft 2020-12, where an integer is one written without a fraction (JSON Schema itself counts
#: 3.0 as an integer; a count printed as 3.0 is what strict output must not do).
VALIDATOR = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool)
    ),
)
ARTICLES = Path(__file__).parent / "articles"


def problems(name: str, document: Any) -> list[str]:
    """Where ``document`` departs from output ``name``'s shipped schema (empty: it conforms)."""
    validator = VALIDATOR(schemas.load(name), format_checker=VALIDATOR.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def assert_conforms(name: str, document: Any) -> None:
    assert problems(name, document) == []


# --- the files ---------------------------------------------------------------------------------


def test_every_output_has_a_current_valid_schema_file() -> None:
    assert set(schemas.NAMES) == set(outputs.OUTPUTS)
    folder = Path(schemas.__file__).parent / "json"
    assert sorted(p.stem for p in folder.glob("*.json")) == sorted(schemas.NAMES)
    for name in schemas.NAMES:
        assert schemas.text(name) == outputs.text(name), "run: python -m reesim.schemas.outputs --write"
        schema = schemas.load(name)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every sub-schema of ``node`` that describes an object."""
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "object" or (isinstance(kind, list) and "object" in kind):
            yield node
        for value in node.values():
            yield from objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from objects(value)


@pytest.mark.parametrize("name", schemas.NAMES)
def test_every_object_says_what_other_properties_it_allows(name: str) -> None:
    found = list(objects(schemas.load(name)))
    assert found
    for node in found:
        assert "additionalProperties" in node, node
        if node["additionalProperties"] is False:
            assert set(node["required"]) <= set(node["properties"]), node


def json_commands() -> set[str]:
    """Each command that prints JSON (a ``--json`` flag, or ``--format`` with ``json``), named
    as its schema is: ``runs list`` -> ``runs-list``."""
    found: set[str] = set()

    def walk(command: Any, path: tuple[str, ...]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands is not None:
            for name, sub in subcommands.items():
                walk(sub, (*path, name))
            return
        for param in command.params:
            choices = [str(c) for c in getattr(param.type_descriptor, "choices", None) or ()]
            if "--json" in param.opts or ("--format" in param.opts and "json" in choices):
                found.add("-".join(path))

    walk(typer.main.get_command(app), ())
    return found


def test_every_command_that_prints_json_has_a_schema() -> None:
    assert json_commands() == set(schemas.NAMES)


def test_schema_command_prints_an_output_schema_or_refuses_naming_them(tmp_path: Path) -> None:
    assert invoke_json("schema", "runs-list") == schemas.load("runs-list")
    target = tmp_path / "run.schema.json"
    result = RUNNER.invoke(app, ["schema", "run", "--out", str(target)])
    assert result.exit_code == 0 and json.loads(target.read_text(encoding="utf-8")) == schemas.load("run")
    assert "ExportControlSpec" in invoke_json("schema")["$defs"]  # without a name: scenario files
    wrong = RUNNER.invoke(app, ["schema", "run-list"])
    assert wrong.exit_code == 2 and "Traceback" not in wrong.output
    said = " ".join(wrong.stderr.split())
    assert "field 'run-list' is not a command with a --json output" in said
    assert "did you mean 'runs-list'?" in said and "scenarios-list" in said


# --- real outputs ------------------------------------------------------------------------------


def test_data_and_scenario_lists_conform() -> None:
    assert_conforms("data-list", invoke_json("data", "list", "--json"))
    assert_conforms("scenarios-list", invoke_json("scenarios", "list", "--json"))


def test_data_show_conforms_with_years_as_integers() -> None:
    shown = invoke_json("data", "show", "mine_production", "--where", "iso3=CHN", "--format", "json")
    assert_conforms("data-show", shown)
    assert shown["rows"] and all(isinstance(r["year"], int) for r in shown["rows"])


@pytest.mark.slow
def test_data_show_of_every_table_conforms(dataset: Dataset) -> None:
    for table in dataset.tables:
        assert_conforms("data-show", invoke_json("data", "show", table, "--format", "json"))


def test_check_conforms(tmp_path: Path) -> None:
    for article in ("en.txt", "zh_hans.txt"):
        doc = invoke_json("check", str(ARTICLES / article), "--json", "--out", str(tmp_path))
        assert doc["claims"]
        assert_conforms("check", doc)


@pytest.mark.slow
def test_runs_compare_and_stored_runs_conform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REESIM_STORE", str(tmp_path / "runs.duckdb"))
    out = str(tmp_path / "r")
    first = invoke_json("run", "april-2025", "--horizon", "1", "--json", "--out", out)
    assert_conforms("run", first)
    second = invoke_json(
        "run", "race", "--horizon", "1", "--runs", "2", "--seed", "3", "--json", "--out", out
    )
    assert_conforms("run", second)
    assert second["central_run"]["central_vs_median"] is not None  # the Monte Carlo form
    assert_conforms("runs-list", invoke_json("runs", "list", "--json"))
    assert_conforms("runs-show", invoke_json("runs", "show", first["run_id"], "--json"))
    compared = invoke_json("compare", first["run_id"], second["run_id"], "--json", "--out", out)
    assert_conforms("compare", compared)
    assert [r["run_id"] for r in compared["runs"]] == [first["run_id"], second["run_id"]]
    assert Path(compared["report"]).exists()


@pytest.mark.slow
def test_backtest_conforms(tmp_path: Path) -> None:
    assert_conforms("backtest", invoke_json("backtest", "--json", "--out", str(tmp_path)))


@pytest.mark.slow
@pytest.mark.slow
def test_calibrate_conforms() -> None:
    assert_conforms("calibrate", invoke_json("calibrate", "--iterations", "1", "--no-rules", "--json"))


def test_sensitivity_conforms(tmp_path: Path) -> None:
    args = ("sensitivity", "race", "--indicator", "us_magnet_peak_shortfall", "--samples", "2")
    assert_conforms("sensitivity", invoke_json(*args, "--horizon", "0.5", "--json", "--out", str(tmp_path)))


# --- the schemas are strict ----------------------------------------------------------------------


def test_schemas_refuse_what_strict_json_output_must_not_hold() -> None:
    listed = invoke_json("scenarios", "list", "--json")
    assert problems("scenarios-list", listed) == []
    bad = copy.deepcopy(listed)
    bad["scenarios"][0]["start"] = "2025-01-01"
    assert any("does not match" in p for p in problems("scenarios-list", bad))
    bad = copy.deepcopy(listed)
    bad["scenarios"][0]["colour"] = "red"
    assert any("Additional properties" in p for p in problems("scenarios-list", bad))
    bad = copy.deepcopy(listed)
    bad["scenarios"][0]["instruments"] = 3.0
    assert any("is not of type 'integer'" in p for p in problems("scenarios-list", bad))
    bad = copy.deepcopy(listed)
    del bad["scenarios"][0]["horizon"]
    assert any("'horizon' is a required property" in p for p in problems("scenarios-list", bad))


def test_headline_schema_wants_labels_for_months_and_null_for_never() -> None:
    never = {"p10": None, "p50": None, "p90": None}
    row = {"place": "USA", "item": "magnets", "first_shortfall": {"p10": "2025-06", "p50": None, "p90": None},
           "peak_shortfall": {"p10": 0.0, "p50": 0.1, "p90": 0.2}, "peak_month": never,
           "cumulative_unmet_t": {"p10": 0, "p50": 1.5, "p90": 3}, "lowest_cover_months": never,
           "stockpile_depleted": never, "price_multiple": {"p10": 1, "p50": 1, "p90": 1},
           "not_built": {"bev_car": {"p10": 0, "p50": 10, "p90": 20}}}  # fmt: skip
    run = {"run_id": "0123abcd", "scenario": "s", "seed": 1, "runs": 1, "report": None, "report_error": None,
           "central_run": None,
           "indicators": {"months": ["2025-01"], "runs": 1, "independence": never, "reference": "2025-04",
                          "probabilities": {}, "rows": [row]}}  # fmt: skip
    assert problems("run", run) == []
    row["first_shortfall"]["p10"] = 5.0  # a month index instead of its label
    assert problems("run", run) == [
        "indicators/rows/0/first_shortfall/p10: 5.0 is not of type 'string', 'null'"
    ]
    row["first_shortfall"]["p10"] = "2025-06"
    row["peak_shortfall"]["p50"] = "NaN"  # not a number, as a string
    assert problems("run", run) == [
        "indicators/rows/0/peak_shortfall/p50: 'NaN' is not of type 'number', 'null'"
    ]
