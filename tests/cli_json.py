"""Test helper: the command line's JSON output, read as a strict parser reads it."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from reesim.cli import app

RUNNER = CliRunner()


def strict_loads(text: str) -> Any:
    """Parse ``text`` as a strict parser would: NaN, Infinity and -Infinity are errors."""
    return json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))


def invoke_json(*args: str) -> Any:
    """What ``reesim ARGS`` prints on standard output (it must exit 0), parsed strictly."""
    result = RUNNER.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return strict_loads(result.stdout)
