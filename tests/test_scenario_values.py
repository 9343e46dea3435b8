"""Numbers and dates a run cannot use are refused where they are written: every scalar finite
and within its field's documented range, dates real and within 1990-2100, at most 100 years
simulated, each an exit 2 with file:line:column and the field; and run options out of range
(``--horizon inf``, a seed DuckDB cannot store) are refused before anything is simulated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reesim.cli import app
from reesim.dataset import load_dataset
from reesim.errors import InputError
from reesim.scenarios import load

DS = load_dataset()
HEAD = "name: t\nstart: 2025-01\nhorizon: 2026-12\n"
WSM = "parameters.working_stock_months"
CONTROL = (
    "instruments:\n  - kind: export_control\n    exporter: CHN\n    elements: [Dy]\n    forms: [oxide]\n"
    "    start: 2025-04\n"
)
QUOTA = (
    "instruments:\n  - kind: export_quota\n    exporter: CHN\n    forms: [oxide]\n    tonnes_per_yr: 1000\n"
    "    start: 2025-04\n"
)
DEMAND = "instruments:\n  - kind: demand_change\n    sector: all\n    start: 2025-04\n"
PROJECT = "instruments:\n  - kind: capacity_project\n    node: USA\n    stage: magnet\n    start: 2025-04\n"

#: (scenario text after HEAD, line, column, field, words of the message)
CASES = {
    "parameter .nan": ("parameters:\n  working_stock_months: .nan\n", 5, 25, WSM,
                       "not a finite number"),
    "parameter .inf": ("parameters:\n  working_stock_months: .inf\n", 5, 25, WSM,
                       "not a finite number"),
    "parameter negative": ("parameters:\n  working_stock_months: -3\n", 5, 25, WSM,
                           "must be at least 0"),
    "parameter fraction above 1": ("parameters:\n  contracted_share: 1.5\n", 5, 21,
                                   "parameters.contracted_share", "must be between 0 and 1"),
    "parameter distribution, infinite bound": (
        "parameters:\n  working_stock_months: {dist: uniform, low: 1, high: .inf}\n", 5, 25,
        WSM, "high must be a finite number"),
    "review_months 1e400": (CONTROL + "    review_months: 1e400\n", 10, 20, "instruments[0].review_months",
                            "not a finite number"),
    "review_months .nan": (CONTROL + "    review_months: .nan\n", 10, 20, "instruments[0].review_months",
                           "not a finite number"),
    "review_months 1e18": (CONTROL + "    review_months: 1e18\n", 10, 20, "instruments[0].review_months",
                           "between 0 and 1200"),
    "review_months negative": (CONTROL + "    review_months: -1\n", 10, 20, "instruments[0].review_months",
                               "between 0 and 1200"),
    "growth -200 %/yr": (DEMAND + "    growth_pct_per_yr: -200\n", 8, 24, "instruments[0].growth_pct_per_yr",
                         "between -100 and 1000"),
    "shock below -1": (DEMAND + "    shock: -3\n", 8, 12, "instruments[0].shock", "between -1 and 10"),
    "shock .inf": (DEMAND + "    shock: .inf\n", 8, 12, "instruments[0].shock", "not a finite number"),
    "delay_months .inf": (PROJECT + "    delay_months: .inf\n", 9, 19, "instruments[0].delay_months",
                          "not a finite number"),
    "delay_months 1e18": (PROJECT + "    delay_months: 1e18\n", 9, 19, "instruments[0].delay_months",
                          "between 0 and 1200"),
    "weights with .inf": (
        PROJECT + "    delay_months: {dist: discrete, values: [0, 12], weights: [1, .inf]}\n", 9, 19,
        "instruments[0].delay_months", "weights must be a finite number"),
    "normal with .nan mean": (
        "parameters:\n  working_stock_months: {dist: normal, mean: .nan, sd: 1}\n", 5, 25,
        WSM, "mean must be a finite number"),
    "suspension ending before it starts": (
        CONTROL + "    suspended: [{from: 2026-01, to: 2025-06}]\n", 10, 37, "instruments[0].suspended[0].to",
        "to 2025-06 is before from 2026-01"),
    "quota split unknown": (QUOTA + "    split: sold\n", 10, 12, "instruments[0].split",
                            "should be 'asked' or 'base_year'"),
    "remove without extends": ("remove: [a]\n", 4, 9, "remove", "nothing is inherited"),
}  # fmt: skip

DATES = {
    "horizon 9999-12": ("name: t\nstart: 2025-01\nhorizon: 9999-12\n", 3, 10, "horizon", "outside the years"),
    "start 0001-01": ("name: t\nstart: '0001-01'\nhorizon: 2025-12\n", 2, 8, "start", "outside the years"),
    "full-width digits": ("name: t\nstart: '２０２５-01'\nhorizon: 2026-12\n", 2, 8, "start",
                          "is not a date"),
    "a day February lacks, quoted": ("name: t\nstart: '2025-02-30'\nhorizon: 2026-12\n", 2, 8, "start",
                                     "is not a date"),
    "101 years": ("name: t\nstart: 1999-12\nhorizon: 2100-12\n", 3, 10, "horizon", "1,213 months"),
    "instrument in 2200": (HEAD + CONTROL.replace("2025-04", "2200-04"),
                           9, 12, "instruments[0].start", "outside the years"),
}  # fmt: skip


@pytest.mark.parametrize("case", [*CASES.values(), *DATES.values()], ids=[*CASES, *DATES])
def test_values_a_run_cannot_use_are_located_input_errors(
    tmp_path: Path, case: tuple[str, int, int, str, str]
) -> None:
    body, line, column, field, words = case
    path = tmp_path / "bad.yaml"
    text = body if body.startswith("name:") else HEAD + body
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}:{line}:{column}: field '{field}'" in result.output and words in result.output, (
        result.output
    )
    assert "hint:" in result.output and "internal error" not in result.output
    with pytest.raises(InputError) as info:
        load(path, DS)
    assert (line, field) in [(p.line, p.field) for p in info.value.problems]


@pytest.mark.parametrize(
    "body",
    [
        "parameters:\n  working_stock_months: 0\n  demand_price_elasticity: -0.5\n",
        "parameters:\n  working_stock_months: 40\n",  # beyond the data's range: a scenario may explore
        CONTROL + "    review_months: 1200\n",
        DEMAND + "    growth_pct_per_yr: -100\n    shock: -1\n",
        "parameters:\n  working_stock_months: {dist: normal, mean: 2, sd: 1}\n",
    ],
)
def test_values_at_the_edges_are_accepted(tmp_path: Path, body: str) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output


def test_one_hundred_years_from_1990_to_2089_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text("name: t\nstart: 1990-01\nhorizon: 2089-12\n", encoding="utf-8")
    assert load(path, DS).horizon == "2089-12"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--horizon", "inf"], "horizon of inf years"),
        (["--horizon", "nan"], "--horizon"),
        (["--horizon", "101"], "horizon of 101.0 years"),
        (["--seed", "9223372036854775808"], "seed 9223372036854775808 out of range"),
        (["--seed", "-1"], "seed -1 out of range"),
    ],
)
def test_run_options_out_of_range_are_refused_before_simulating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], words: str
) -> None:
    monkeypatch.setenv("REESIM_STORE", str(tmp_path / "runs.duckdb"))
    result = CliRunner().invoke(app, ["run", "baseline", *args, "--out", str(tmp_path)])
    assert result.exit_code == 2 and words in result.output, result.output
    assert not list(tmp_path.glob("*.html"))


def test_the_json_schema_states_each_range() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    defs = json.loads(result.output)["$defs"]

    def number(kind: str, field: str) -> dict[str, object]:
        return next(o for o in defs[kind]["properties"][field]["anyOf"] if o.get("type") == "number")

    assert number("ExportControlSpec", "review_months") == {"type": "number", "minimum": 0, "maximum": 1200}
    assert number("DemandChangeSpec", "shock") == {"type": "number", "minimum": -1, "maximum": 10}
    assert number("ExportQuotaSpec", "tonnes_per_yr") == {"type": "number", "minimum": 0}
