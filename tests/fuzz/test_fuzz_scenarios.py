"""A corpus of hostile scenario files: the hand-written ones in ``scenarios/`` (each states what it
must give in its first line) and ones generated here by writing hostile values into every
number and date field of a valid scenario. Each must be accepted or refused as an input error
(exit 2) with a problem at a file line and a hint; nothing else may happen: no other exception,
no hang. See ``README.md`` in this folder to add a case."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reesim.cli import app
from reesim.dataset import load_dataset
from reesim.errors import InputError
from reesim.scenarios import load

DS = load_dataset()
CORPUS = Path(__file__).parent / "scenarios"
EXPECT = re.compile(r"^# expect: (ok|error (\d+|-) (\S+))$")

#: A valid scenario; each ``{name}`` is a field that the generated cases fill with hostile values.
BASE = """name: fuzz
start: {start}
horizon: {horizon}
parameters:
  working_stock_months: {param}
instruments:
  - kind: export_control
    exporter: CHN
    elements: [Dy]
    forms: [oxide]
    start: {inst_start}
    approval_share: {share}
    review_months: {months}
  - kind: demand_change
    sector: all
    start: 2025-06
    shock: {shock}
    growth_pct_per_yr: {growth}
  - kind: export_quota
    exporter: CHN
    elements: [Tb]
    forms: [oxide]
    start: 2025-04
    tonnes_per_yr: {tonnes}
"""
VALID = {"start": "2025-01", "horizon": "2026-12", "param": "2", "inst_start": "2025-04", "share": "0.5",
         "months": "2", "shock": "-0.1", "growth": "5", "tonnes": "1000"}  # fmt: skip

#: Values no number field may take.
BAD_NUMBERS = [
    ".nan", ".inf", "-.inf", "1e400", "-1e400", "!!float abc", "!!int abc", "!!bool maybe", "9" * 5000, "abc",
    "[]", "{}", "'1,5'", "{dist: uniform, low: 1, high: .inf}", "{dist: normal, mean: .nan, sd: 1}",
    "{dist: discrete, values: [1, 2], weights: [1, .inf]}", "{dist: uniform, low: 2, high: 1}",
    "{dist: triangular, low: 0, mode: 5, high: 1}", "{dist: lognormal, median: -1, sigma: 1}",
    "{dist: cauchy, loc: 0}",
]  # fmt: skip
#: Values out of each field's range (on top of BAD_NUMBERS).
OUT_OF_RANGE = {"param": ["-2"], "share": ["1.5", "-0.1"], "months": ["-1", "1e18", "1201"],
                "shock": ["-3", "11"], "growth": ["-200", "1e6"], "tonnes": ["-1"]}  # fmt: skip
#: Values no date field may take.
BAD_DATES = [
    "2025-02-30", "2025-13-01", "'0001-01'", "9999-12", "'２０２５-01'", "2025", "!!timestamp x",
    "2025-00", "1989-12", "2101-01", "[2025, 1]", "{year: 2025}", ".nan", "'2025-04-04T10:00'", "2025-1",
    "2025-04-4", "!!python/object:datetime.date {year: 2025}",
]  # fmt: skip

NUMBER_FIELDS = ("param", "share", "months", "shock", "growth", "tonnes")
DATE_FIELDS = ("start", "horizon", "inst_start")


def _generated() -> dict[str, str]:
    cases: dict[str, str] = {}
    for field in NUMBER_FIELDS:
        for value in BAD_NUMBERS + OUT_OF_RANGE.get(field, []):
            cases[f"{field}={value[:30]}"] = BASE.format(**{**VALID, field: value})
    for field in DATE_FIELDS:
        for value in BAD_DATES:
            cases[f"{field}={value[:30]}"] = BASE.format(**{**VALID, field: value})
    return cases


GENERATED = _generated()
HAND_WRITTEN = sorted(CORPUS.glob("*.yaml"))


def test_the_corpus_is_large_and_the_base_is_valid(tmp_path: Path) -> None:
    assert len(GENERATED) + len(HAND_WRITTEN) >= 150
    path = tmp_path / "base.yaml"
    path.write_text(BASE.format(**VALID), encoding="utf-8")
    assert load(path, DS).name == "fuzz"


def _refused(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load(path, DS)
    for problem in info.value.problems:
        assert problem.file and problem.message and problem.hint, problem
    return info.value


@pytest.mark.parametrize("name", list(GENERATED))
def test_generated_hostile_values_are_located_input_errors(tmp_path: Path, name: str) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(GENERATED[name], encoding="utf-8")
    problem = _refused(path).problems[0]
    assert problem.line is not None and problem.line > 1, problem


@pytest.mark.parametrize("path", HAND_WRITTEN, ids=[p.stem for p in HAND_WRITTEN])
def test_hand_written_cases_give_what_they_state(path: Path) -> None:
    found = EXPECT.match(path.read_text(encoding="utf-8").split("\n", 1)[0])
    assert found, f"{path.name}: the first line must be '# expect: ok' or '# expect: error LINE FIELD'"
    if found.group(1) == "ok":
        load(path, DS)
        return
    problem = _refused(path).problems[0]
    line, field = found.group(2), found.group(3)
    assert problem.line == (None if line == "-" else int(line)), problem
    assert problem.field == (None if field == "-" else field), problem


@pytest.mark.parametrize("path", HAND_WRITTEN[::4], ids=[p.stem for p in HAND_WRITTEN[::4]])
def test_the_command_line_exits_2_without_a_traceback(path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(path)])
    expected = 0 if "# expect: ok" in path.read_text(encoding="utf-8")[:20] else 2
    assert result.exit_code == expected, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
