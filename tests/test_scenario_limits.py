"""Hostile scenario files: `extends` reaches shipped scenarios and files of the scenario's own
folder only; every file is a regular file of at most 1 MB, checked before it is read; values a
YAML tag cannot give, impossible dates, huge integers and deep nesting are input errors (exit 2)
at their line and field, never an internal error."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reesim.cli import app
from reesim.dataset import load_dataset
from reesim.errors import InputError, Problem
from reesim.scenarios import load
from reesim.scenarios.catalog import load_text
from reesim.textfile import MAX_BYTES

DS = load_dataset()
HEAD = "name: t\nstart: 2025-01\nhorizon: 2025-12\n"


def _validate(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result.exit_code, result.output


def _problem(path: Path) -> Problem:
    with pytest.raises(InputError) as info:
        load(path, DS)
    return info.value.problems[0]


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder with a scenario's folder inside it, and a YAML file next to that folder."""
    (tmp_path / "private.yaml").write_text("secret_key: 1\nanother_secret: 2\n", encoding="utf-8")
    (tmp_path / "mine").mkdir()
    return tmp_path / "mine"


@pytest.mark.parametrize(
    "parent", ["/dev/zero", "/etc/passwd", "../private.yaml", "sub/../../private.yaml", "/no/such/file.yaml"]
)
def test_extends_may_not_leave_the_folder(outside: Path, parent: str) -> None:
    child = outside / "child.yaml"
    child.write_text(f"name: t\nextends: {parent}\n", encoding="utf-8")
    start = time.perf_counter()
    code, output = _validate(child)
    assert code == 2 and time.perf_counter() - start < 30
    assert f"{child}:2:10: field 'extends'" in output and "this scenario's folder" in output
    assert "secret_key" not in output and "another_secret" not in output and "root:" not in output
    problem = _problem(child)
    assert (problem.line, problem.field) == (2, "extends")


def test_a_parent_outside_is_never_opened_nor_looked_at(
    outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`extends: /etc/passwd` and `extends: /etc/no-such-file` get the same answer, and neither
    path is opened or asked about (so nothing says whether the file exists)."""
    import builtins

    touched: list[str] = []
    real_open, real_os_open, real_stat, real_lstat = builtins.open, os.open, os.stat, os.lstat

    def spy(real: Any) -> Any:
        def call(path: Any, *args: Any, **kwargs: Any) -> Any:
            touched.append(os.fsdecode(path) if isinstance(path, str | bytes | os.PathLike) else str(path))
            return real(path, *args, **kwargs)

        return call

    monkeypatch.setattr(builtins, "open", spy(real_open))
    monkeypatch.setattr(os, "open", spy(real_os_open))
    monkeypatch.setattr(os, "stat", spy(real_stat))
    monkeypatch.setattr(os, "lstat", spy(real_lstat))
    answers = []
    for parent in ("/etc/passwd", "/etc/no-such-file"):
        child = outside / "child.yaml"
        child.write_text(f"name: t\nextends: {parent}\n", encoding="utf-8")
        answers.append(_problem(child).message.replace(parent, "PARENT"))
    monkeypatch.undo()
    assert answers[0] == answers[1]
    assert str(outside / "child.yaml") in touched  # the spies saw the file that was read
    assert not [t for t in touched if t.startswith("/etc/")], touched


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_link_out_of_the_folder_is_refused(outside: Path) -> None:
    (outside / "link.yaml").symlink_to(outside.parent / "private.yaml")
    child = outside / "child.yaml"
    child.write_text("name: t\nextends: link.yaml\n", encoding="utf-8")
    problem = _problem(child)
    assert problem.field == "extends" and "leads out of it" in problem.message
    assert "secret_key" not in str(problem)


def test_files_in_the_folder_and_below_may_be_extended(outside: Path) -> None:
    (outside / "parts").mkdir()
    (outside / "parts" / "base.yaml").write_text(HEAD + "title: Base\n", encoding="utf-8")
    (outside / "middle.yaml").write_text("name: m\nextends: parts/base.yaml\n", encoding="utf-8")
    (outside / "child.yaml").write_text("name: c\nextends: [middle.yaml, april-2025]\n", encoding="utf-8")
    resolved = load(outside / "child.yaml", DS)
    assert {"middle.yaml", "base.yaml", "april-2025.yaml"} <= {Path(f).name for f in resolved.files}
    (outside / "gone.yaml").write_text("name: g\nextends: missing.yaml\n", encoding="utf-8")
    assert "unknown scenario 'missing.yaml'" in _problem(outside / "gone.yaml").message


def test_a_folder_named_with_extends_from_may_be_extended(outside: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "base.yaml").write_text(HEAD + "title: Shared base\n", encoding="utf-8")
    child = outside / "child.yaml"
    child.write_text("name: c\nextends: ../shared/base.yaml\n", encoding="utf-8")
    assert _validate(child)[0] == 2
    runner = CliRunner()
    for args, env in ((["--extends-from", str(shared)], {}), ([], {"REESIM_EXTENDS_FROM": str(shared)})):
        result = runner.invoke(app, [*args, "scenarios", "show", str(child)], env=env)
        assert result.exit_code == 0 and "Shared base" in result.output, result.output
        assert "base.yaml" in result.output
    child.write_text(f"name: c\nextends: {shared / 'base.yaml'}\n", encoding="utf-8")
    assert runner.invoke(app, ["--extends-from", str(shared), "validate", str(child)]).exit_code == 0
    child.write_text("name: c\nextends: ../private.yaml\n", encoding="utf-8")  # not in the named folder
    refused = runner.invoke(app, ["--extends-from", str(shared), "validate", str(child)])
    assert refused.exit_code == 2 and "secret_key" not in refused.output
    assert _validate(child)[0] == 2  # the folder is named for one command only


def test_text_from_the_editor_may_extend_shipped_scenarios_only(
    outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (outside / "base.yaml").write_text(HEAD, encoding="utf-8")
    monkeypatch.chdir(outside)
    with pytest.raises(InputError) as info:
        load_text("name: t\nextends: base.yaml\n", "editor.yaml", DS)
    problem = info.value.problems[0]
    assert (problem.file, problem.line, problem.field) == ("editor.yaml", 2, "extends")
    assert "shipped scenario only" in problem.message
    assert load_text("name: t\nextends: april-2025\n", "editor.yaml", DS).start


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_only_regular_files_are_read(outside: Path) -> None:
    os.mkfifo(outside / "pipe.yaml")
    for target, what in (
        (outside / "pipe.yaml", "a pipe"),
        (outside, "a folder"),
        (Path("/dev/zero"), "a device"),
    ):
        if not target.exists():
            continue
        start = time.perf_counter()
        code, output = _validate(target)
        assert code == 2 and f"{what}, not a text file" in output and time.perf_counter() - start < 30


def test_a_parent_that_is_a_pipe_is_refused(outside: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    os.mkfifo(outside / "pipe.yaml")
    child = outside / "child.yaml"
    child.write_text("name: t\nextends: pipe.yaml\n", encoding="utf-8")
    code, output = _validate(child)
    assert code == 2 and "child.yaml:2:10" in output


def test_files_larger_than_the_limit_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(HEAD + "#" * MAX_BYTES + "\n", encoding="utf-8")
    code, output = _validate(big)
    assert code == 2 and "larger than 1,000,000 bytes" in output


@pytest.mark.parametrize(
    ("lines", "line", "field", "message"),
    [
        ("start: 2025-02-30\nhorizon: 2025-12\n", 2, "start", "'2025-02-30' is not a valid date"),
        ("start: 2025-13-01\nhorizon: 2025-12\n", 2, "start", "'2025-13-01' is not a valid date"),
        ("start: !!timestamp x\nhorizon: 2025-12\n", 2, "start", "'x' is not a valid date"),
        (
            "start: 2025-01\nhorizon: 2025-12\nparameters:\n  working_stock_months: !!float abc\n",
            5, "parameters.working_stock_months", "'abc' is not a valid number",
        ),
        (
            "start: 2025-01\nhorizon: 2025-12\nparameters:\n  working_stock_months: !!int abc\n",
            5, "parameters.working_stock_months", "'abc' is not a valid whole number",
        ),
        (
            "start: 2025-01\nhorizon: 2025-12\nparameters:\n  working_stock_months: !!bool maybe\n",
            5, "parameters.working_stock_months", "'maybe' is not a valid boolean",
        ),
        (
            "start: 2025-01\nhorizon: 2025-12\nparameters:\n  working_stock_months: " + "9" * 5000 + "\n",
            5, "parameters.working_stock_months", "more digits than a number may have",
        ),
        ("start: 2025-01\nhorizon: 2025-12\nx: " + "[" * 600 + "]" * 600 + "\n", 4, None,
         "nested deeper than 20"),
        ("x: " + "[" * 100_000 + "\n", 2, None, "nested deeper than 20"),
        ("start: 2025-01\nhorizon: 2025-12\ntitle: a\x1fb\n", 4, None, "character #x001f is not allowed"),
        ("start: 2025-01\nhorizon: 2025-12\nx: " + "[" * 400 + "]" * 400 + "\n", 4, None,
         "nested deeper than 20"),
        ("start: 2025-1\nhorizon: 2025-12\n", 2, "start", "'2025-1' is not a date"),
        (
            "start: 2025-01\nhorizon: 2025-12\ninstruments:\n"
            "  - !!python/object:os.system\n    kind: tariff\n",
            5, "instruments[0]", "the tag '!!python/object:os.system' is not allowed",
        ),
        (
            "start: 2025-01\nhorizon: 2025-12\ninstruments: !!python/object/apply:os.system [echo hi]\n",
            4, "instruments", "the tag '!!python/object/apply:os.system' is not allowed",
        ),
        ("start: 2025-01\nhorizon: 2025-12\nblocs: !!set {a, b}\n", 4, "blocs",
         "the tag '!!set' is not allowed"),
    ],
)  # fmt: skip
def test_values_yaml_cannot_give_are_input_errors(
    tmp_path: Path, lines: str, line: int, field: str | None, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: t\n" + lines, encoding="utf-8")
    code, output = _validate(path)
    assert code == 2 and message in output, output
    problem = _problem(path)
    assert (problem.line, problem.field) == (line, field) and problem.hint


def test_a_one_digit_month_is_refused_with_the_date_to_write(tmp_path: Path) -> None:
    path = tmp_path / "short.yaml"
    path.write_text("name: t\nstart: 2025-01\nhorizon: 2025-12-3\n", encoding="utf-8")
    problem = _problem(path)
    assert (problem.line, problem.field) == (3, "horizon")
    assert problem.hint == "write months and days with two digits: 2025-12-03"
    path.write_text("name: t\nstart: 2025-1\nhorizon: 2025-13\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load(path, DS)
    hints = {p.field: p.hint for p in info.value.problems}
    assert hints["start"] == "write months and days with two digits: 2025-01"
    assert hints["horizon"] == "write YYYY-MM or YYYY-MM-DD, e.g. 2025-04-04"  # no month 13 to pad


def test_a_tag_on_a_mapping_builds_nothing(tmp_path: Path) -> None:
    """The safe loader never calls what a tag names: a mapping or list tagged to call
    ``os.makedirs`` is refused, and no folder is made."""
    made = tmp_path / "made"
    path = tmp_path / "object.yaml"
    path.write_text(
        HEAD + f"parameters: !!python/object/apply:os.makedirs {{name: {made}}}\n"
        f"instruments: !!python/object/apply:os.makedirs [{made}]\n",
        encoding="utf-8",
    )
    code, output = _validate(path)
    assert code == 2 and "the tag '!!python/object/apply:os.makedirs' is not allowed" in output
    assert not made.exists()


def test_console_markup_in_a_scenario_is_shown_as_written(tmp_path: Path) -> None:
    path = tmp_path / "markup.yaml"
    path.write_text(HEAD + "instruments:\n  - kind: '[/]'\n", encoding="utf-8")
    code, output = _validate(path)
    assert code == 2 and "unknown kind '[/]'" in output
