"""Test helper: what reesim reports for a scenario file it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.strategies import DS

from reesim.errors import InputError, Problem
from reesim.scenarios import resolve


def problems(tmp_path: Path, text: str, name: str = "april.yaml") -> list[Problem]:
    """The problems ``resolve`` raises for ``text`` written to ``tmp_path / name`` (it must refuse
    the file)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        resolve(str(path), DS)
    return info.value.problems
