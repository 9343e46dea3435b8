"""Bad scenario files: each error class gives file:line:column, the field and a hint, all errors
of a file at once, and no traceback ever escapes (hypothesis fuzzing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.scenario_files import problems
from tests.strategies import text_edits, yaml_like_texts
from typer.testing import CliRunner

from reesim.cli import app
from reesim.dataset import load_dataset
from reesim.errors import InputError, Problem
from reesim.model.scenario import ExportControl
from reesim.scenarios import load, resolve
from reesim.scenarios.bundled import shipped_dir

DS = load_dataset()
HEAD = "name: t\nstart: 2025-01\nhorizon: 2026-12\ninstruments:\n"


def one(tmp_path: Path, text: str) -> Problem:
    found = problems(tmp_path, text)
    assert len(found) == 1, found
    return found[0]


#: "Billion laughs": each line refers ten times to the previous one (10**6 values when expanded).
BOMB = "a: &a [1,1,1,1,1,1,1,1,1,1]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 10)}]\n" for a, b in zip("abcde", "bcdef", strict=True)
)
CONTROL = "  - kind: export_control\n    exporter: CHN\n    forms: [magnet]\n    start: 2025-04\n"


def test_unknown_element_names_line_column_and_suggests(tmp_path: Path) -> None:
    p = one(tmp_path, HEAD + CONTROL + "    elements: [Dy, Dyy]\n")
    assert (p.file.endswith("april.yaml"), p.line, p.column) == (True, 9, 20)
    assert p.field == "instruments[0].elements[1]"
    assert "unknown element 'Dyy'" in p.message and p.hint == "did you mean 'Dy'?"
    assert str(p).startswith(f"{p.file}:9:20:")


def test_end_before_start(tmp_path: Path) -> None:
    p = one(tmp_path, HEAD + CONTROL + "    end: 2025-02\n")
    assert p.line == 5 and p.field == "instruments[0]"
    assert "end 2025-02 is before start 2025-04" in p.message and "swap" in p.hint


@pytest.mark.parametrize(
    ("item", "why"),
    [
        ("  - kind: substitution\n    sector: all\n    share: 0.2\n    lag_months: 12\n", "designed in"),
        ("  - kind: recycling\n    rate: 0.1\n", "once raised"),
        (
            "  - kind: stockpile\n    holder: JPN\n    material: oxide\n    target_t: 100\n"
            "    purchase_t_per_yr: 50\n",
            "scheduled",
        ),
    ],
    ids=["substitution", "recycling", "stockpile"],
)
def test_end_on_a_kind_that_stays_to_the_horizon(tmp_path: Path, item: str, why: str) -> None:
    """A kind that acts from its start to the horizon refuses ``end`` rather than ignoring it."""
    p = one(tmp_path, HEAD + item + "    start: 2025-03\n    end: 2025-09\n")
    assert p.field == "instruments[0].end" and p.line == 4 + item.count("\n") + 2
    assert "end has no effect here" in p.message and why in p.message and p.hint == "remove end"


def test_horizon_before_start(tmp_path: Path) -> None:
    p = one(tmp_path, "name: t\nstart: 2025-01\nhorizon: 2024-06\n")
    assert "horizon 2024-06 is before start 2025-01" in p.message


def test_negative_capacity(tmp_path: Path) -> None:
    text = HEAD + (
        "  - kind: capacity_project\n    node: USA\n    stage: magnet\n    start: 2026-01\n"
        "    nameplate_t_per_yr: -5\n"
    )
    p = one(tmp_path, text)
    assert (p.line, p.column, p.field) == (9, 25, "instruments[0].nameplate_t_per_yr")
    assert "at least 0" in p.message


def test_unknown_bloc_or_country(tmp_path: Path) -> None:
    p = one(tmp_path, HEAD + CONTROL + "    destinations: [eu, quadd]\n")
    assert (p.line, p.field) == (9, "instruments[0].destinations[1]")
    assert "unknown country or bloc 'quadd'" in p.message and p.hint == "did you mean 'quad'?"


def test_scenario_blocs_are_usable_and_checked(tmp_path: Path) -> None:
    ok = HEAD.replace("instruments:", "blocs:\n  friends: [USA, JPN]\ninstruments:")
    (tmp_path / "ok.yaml").write_text(ok + CONTROL + "    destinations: [friends]\n")
    scenario = resolve(str(tmp_path / "ok.yaml"), DS)
    assert scenario.instruments[0].destinations == ("USA", "JPN")  # type: ignore[union-attr]
    p = one(tmp_path, ok.replace("JPN]", "JPX]") + CONTROL)
    assert p.field == "blocs.friends[1]" and p.hint == "did you mean 'JPN'?"


def test_cycle_in_extends(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: a\nextends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("name: b\nextends: a.yaml\nstart: 2025-01\nhorizon: 2025-12\n")
    with pytest.raises(InputError) as info:
        load(tmp_path / "a.yaml", DS)
    p = info.value.problems[0]
    assert "cycle" in p.message and "a.yaml -> b.yaml -> a.yaml" in p.message and p.field == "extends"


def test_unknown_parent_and_unknown_remove_id(tmp_path: Path) -> None:
    p = one(tmp_path, "name: t\nextends: april-2026\n")
    assert p.field == "extends" and p.hint == "did you mean 'april-2025'?" and p.line == 2
    p = one(tmp_path, "name: t\nextends: april-2025\nremove: [april-licence]\n")
    assert p.field == "remove[0]" and "did you mean 'april-licences'?" in p.hint


def test_extends_overrides_and_removes(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "name: c\nextends: april-2025\nremove: [april-licences-usa]\nhorizon: 2026-06\n"
    )
    scenario = resolve(str(tmp_path / "c.yaml"), DS)
    controls = [c for c in scenario.instruments if isinstance(c, ExportControl)]
    assert scenario.months == 18 and len(controls) == 5 and all(not c.destinations for c in controls)


def test_unknown_kind_field_and_parameter(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "name: t\nstart: 2025-01\nhorizon: 2025-12\nparameters:\n  working_stock_month: 2\n",
    )
    assert found[0].hint == "did you mean 'working_stock_months'?" and found[0].line == 5
    found = problems(tmp_path, HEAD + "  - kind: export_contrl\n    exporter: CHN\n")
    assert (
        found[0].message == "unknown kind 'export_contrl'"
        and found[0].hint == "did you mean 'export_control'?"
    )
    found = problems(tmp_path, HEAD + CONTROL + "    colour: red\n")
    assert (found[0].field, found[0].line) == ("instruments[0].colour", 9)


def test_all_errors_of_a_file_reported_at_once(tmp_path: Path) -> None:
    text = HEAD + CONTROL + "    elements: [Dyy]\n" + CONTROL + "    destinations: [Marss]\n    start_: x\n"
    found = problems(tmp_path, text)
    assert [p.line for p in found] == [9, 14, 15]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: t\n  start: [\n", "not valid YAML"),
        ("name: t\nname: u\n", "duplicate key 'name'"),
        ("- a\n- b\n", "a scenario file is a mapping"),
        ("name: !!python/object:os.system x\n", "unsupported value"),
        ("name: t\nx: " + "[" * 30 + "]" * 30 + "\n", "nested deeper"),
        (
            BOMB,
            "more than 100,000 values",
        ),
        ("name: t\nstart: 2025-01\nhorizon: 2025-06\ninstruments:\n\t- kind: x\n", "not valid YAML"),
    ],
)
def test_unsafe_or_broken_yaml(tmp_path: Path, text: str, message: str) -> None:
    found = problems(tmp_path, text)
    assert message in found[0].message
    assert found[0].file.endswith("april.yaml")


def test_validate_command_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(HEAD + CONTROL + "    elements: [Dyy]\n")
    runner = CliRunner()
    result = runner.invoke(app, ["validate", "april-2025", str(bad)])
    assert result.exit_code == 2
    assert "bad.yaml:9:16" in result.output and "did you mean 'Dy'?" in result.output
    assert "Traceback" not in result.output
    assert runner.invoke(app, ["validate", "race"]).exit_code == 0


def test_schema_command_writes_json_schema(tmp_path: Path) -> None:
    import json

    target = tmp_path / "schema.json"
    assert CliRunner().invoke(app, ["schema", "--out", str(target)]).exit_code == 0
    schema = json.loads(target.read_text())
    assert "instruments" in schema["properties"] and "ExportControlSpec" in schema["$defs"]


def test_scenarios_list_and_show() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["scenarios", "list"])
    assert listed.exit_code == 0 and "truce-lapses" in listed.output
    shown = runner.invoke(app, ["scenarios", "show", "busan-truce"])
    assert shown.exit_code == 0 and "chemradar_2025_no70" in shown.output
    assert runner.invoke(app, ["scenarios", "show", "busan"]).exit_code == 2


# --- fuzzing ----------------------------------------------------------------------------------

SHIPPED = [p.read_text() for p in sorted(shipped_dir().glob("*.yaml"))]
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _check_only_input_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="replace")
    try:
        resolve(str(path), DS)
    except InputError as exc:
        assert exc.problems and all(p.file for p in exc.problems)


@FUZZ
@given(text=yaml_like_texts)
def test_fuzz_random_text_never_raises_anything_but_input_errors(tmp_path: Path, text: str) -> None:
    _check_only_input_errors(tmp_path, text)


@FUZZ
@given(
    which=st.integers(0, len(SHIPPED) - 1),
    cuts=text_edits,
)
def test_fuzz_mutated_shipped_files_never_traceback(
    tmp_path: Path, which: int, cuts: list[tuple[int, int, str]]
) -> None:
    text = SHIPPED[which]
    for offset, length, insert in cuts:
        at = offset % max(len(text), 1)
        text = text[:at] + insert + text[at + length :]
    _check_only_input_errors(tmp_path, text)
