"""`reesim check` on hostile input: extraction in linear time (adversarial text of 1 MB within
5 s), articles and standard input capped at 1 MB and refused beyond it, only regular files read,
bytes that are not UTF-8 refused with their line, console markup in articles shown as written."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reesim.check.extract import MAX_SENTENCE, extract, sentences
from reesim.cli import app
from reesim.textfile import MAX_BYTES

#: Texts that take minutes, or never finish, for an extractor quadratic in the length of a sentence.
ADVERSARIAL = {
    "percent signs": "1% ",
    "percent signs, commas": "1%, ",
    "digits": "1",
    "digits and commas": "1,",
    "no full stops": "China mines about 60% of rare earths and ",
    "dated events": "ban in April 2025. ",
    "stock durations": "stock 3 months ",
    "Chinese percentages": "百分之七十",
    "traditional characters and digits": "國1",
}


def _text(unit: str, size: int) -> str:
    return (unit * (size // len(unit.encode()) + 1)).encode()[:size].decode("utf-8", "ignore")


def _seconds(text: str) -> float:
    """CPU seconds of this process to read ``text``: other work on the machine does not count."""
    start = time.process_time()
    extract(text)
    return time.process_time() - start


def test_runs_of_percentages_are_read_in_linear_time() -> None:
    extract("warm-up: China mines 60% of rare earths.")
    assert _seconds("1% " * 20_000) < 1.0  # 60 kB: minutes if each number rescans its sentence
    small, large = _seconds(_text("1%, ", 50_000)), _seconds(_text("1%, ", 200_000))
    assert large < 12 * small + 0.5  # four times the text, about four times the time, with slack


@pytest.mark.parametrize(
    "unit", ["exports to the US 1,000 tonnes, up 5% from May ", "11月对美国出口量305吨,环比增长35%,"]
)
def test_export_figures_are_read_in_linear_time(unit: str) -> None:
    extract("warm-up: China exported 60 tonnes of magnets to the US in May.")
    small, large = _seconds(_text(unit, 50_000)), _seconds(_text(unit, 200_000))
    assert large < 12 * small + 0.5  # four times the text, about four times the time, with slack


@pytest.mark.slow
@pytest.mark.parametrize("unit", ADVERSARIAL.values(), ids=list(ADVERSARIAL))
def test_one_megabyte_of_adversarial_text_within_5_seconds(unit: str) -> None:
    extract("warm-up: China mines 60% of rare earths.")
    assert _seconds(_text(unit, MAX_BYTES)) < 5.0


def test_long_sentences_are_read_in_bounded_pieces() -> None:
    text = "China mines about 60% of rare earths and " * 200
    pieces = sentences(text)
    assert len(pieces) > 1 and all(len(p) <= MAX_SENTENCE for p in pieces)
    assert len(extract(text)) == 200


def test_article_and_stdin_larger_than_the_limit_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("a" * (MAX_BYTES + 1), encoding="utf-8")
    runner = CliRunner()
    for args, given in ((["check", str(big)], None), (["check", "-"], b"a" * (MAX_BYTES + 1))):
        result = runner.invoke(app, [*args, "--out", str(tmp_path)], input=given)
        assert result.exit_code == 2, result.output
        assert "larger than 1,000,000 bytes" in result.output and "Traceback" not in result.output
    exact = runner.invoke(app, ["check", "-", "--out", str(tmp_path)], input=b"a" * MAX_BYTES)
    assert exact.exit_code == 0, exact.output


@pytest.mark.timed
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_devices_folders_and_pipes_are_refused_without_reading(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    runner = CliRunner()
    for target, what in ((pipe, "a pipe"), (tmp_path, "a folder"), (Path(os.devnull), "a device")):
        start = time.perf_counter()
        result = runner.invoke(app, ["check", str(target), "--out", str(tmp_path)])
        assert result.exit_code == 2 and f"{what}, not a text file" in result.output, result.output
        assert time.perf_counter() - start < 5  # a pipe with no writer is not waited for


def test_random_bytes_on_stdin_are_refused_with_their_line(tmp_path: Path) -> None:
    given = b"China makes 90% of magnets.\nban in April 2025 \xff\xfe\xc3 on Dy.\n" + os.urandom(64)
    result = CliRunner().invoke(app, ["check", "-", "--out", str(tmp_path)], input=given)
    assert result.exit_code == 2, result.output
    assert "standard input:2: not UTF-8 text" in result.output and "Traceback" not in result.output


def test_console_markup_in_an_article_is_shown_as_written(tmp_path: Path) -> None:
    article = tmp_path / "markup.txt"
    article.write_text("China [/] makes about 90% of the [bold]magnets.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(article), "--out", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "[/]" in result.output and "[bold]magnets" in result.output


def test_text_with_too_many_claims_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", "-", "--out", str(tmp_path)], input="1% of mining, " * 20_000)
    assert result.exit_code == 2 and "more than 10,000 claims found" in result.output


def test_reading_stops_once_there_are_too_many_claims() -> None:
    flood = _text("1% of mining, ", MAX_BYTES)
    every = extract(flood)
    assert len(every) > 20_000
    stopped = extract(flood, limit=10_000)
    assert 10_000 < len(stopped) <= 10_000 + MAX_SENTENCE
    assert stopped == every[: len(stopped)]  # the same claims, in the same order


@pytest.mark.slow
@pytest.mark.timed
@pytest.mark.parametrize("unit", ADVERSARIAL.values(), ids=list(ADVERSARIAL))
def test_the_check_command_answers_one_megabyte_of_adversarial_text_within_5_seconds(
    tmp_path: Path, unit: str
) -> None:
    """The whole command, reading the text from standard input: refused (too many claims), or
    checked, in under 5 s (the dataset and base year are loaded once, before the clock starts)."""
    CliRunner().invoke(app, ["check", "-", "--out", str(tmp_path)], input="China mines 60% of rare earths.")
    start = time.perf_counter()
    result = CliRunner().invoke(app, ["check", "-", "--out", str(tmp_path)], input=_text(unit, MAX_BYTES))
    seconds = time.perf_counter() - start
    assert result.exit_code in (0, 2) and "Traceback" not in result.output, result.output
    assert seconds < 5.0


def test_repeated_measures_make_one_instrument(tmp_path: Path) -> None:
    text = "China imposed export controls on Dy in April 2025. " * 300
    result = CliRunner().invoke(app, ["check", "-", "--json", "--out", str(tmp_path)], input=text)
    assert result.exit_code == 0, result.output
    drafted = (tmp_path / "stdin-scenario.yaml").read_text(encoding="utf-8")
    assert drafted.count("kind: export_control") == 1
