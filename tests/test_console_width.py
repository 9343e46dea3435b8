"""Tables printed where no terminal is (a log file, a pipe) are not folded to 80 columns."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from reesim.cli.common import UNATTENDED_WIDTH, WideConsole

REESIM = [sys.executable, "-m", "reesim.cli"]


def _data_list(columns: str | None) -> list[str]:
    """``reesim data list`` with every standard stream a pipe, as a scheduled job runs it."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = columns
    done = subprocess.run(
        [*REESIM, "data", "list"], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    return done.stdout.splitlines()


def test_without_a_terminal_tables_are_wide() -> None:
    lines = _data_list(None)
    header = next(line for line in lines if "table" in line and "rows" in line)
    # At Rich's default of 80 columns the table drops its last column ("what") altogether.
    assert "what" in header
    assert max(len(line) for line in lines) == UNATTENDED_WIDTH


def test_columns_still_decides() -> None:
    lines = _data_list("100")
    assert max(len(line) for line in lines) <= 100


def test_an_explicit_width_is_kept() -> None:
    assert WideConsole(width=50).width == 50


def test_unattended_width_without_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr("reesim.cli.common._has_terminal", lambda: False)
    console = WideConsole()
    assert console.width == UNATTENDED_WIDTH
    console.size = (90, 20)  # the setter still works
    assert console.width == 90
