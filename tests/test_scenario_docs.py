"""docs/scenarios.md is current, documents every field of every instrument, and its examples validate."""

from __future__ import annotations

from pathlib import Path

import pytest

from reesim.dataset import load_dataset
from reesim.scenarios import resolve
from reesim.scenarios.docs import EXAMPLES, render
from reesim.scenarios.spec import INSTRUMENT_KINDS

DOC = Path(__file__).resolve().parents[1] / "docs" / "scenarios.md"
DS = load_dataset()


def test_scenarios_doc_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text == render(text), "run: python -m reesim.scenarios.docs --write docs/scenarios.md"


def test_every_instrument_field_is_documented_with_a_description() -> None:
    text = DOC.read_text(encoding="utf-8")
    for model in INSTRUMENT_KINDS:
        for name, info in model.model_fields.items():
            if name == "kind":  # the section heading
                continue
            assert info.description, f"{model.__name__}.{name} has no description"
            assert f"| `{info.alias or name}` |" in text


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_doc_example_validates(kind: str, tmp_path: Path) -> None:
    body = "\n".join("  " + line for line in EXAMPLES[kind].splitlines())
    extra = ""
    if kind in {"offtake", "investment_programme"}:  # they refer to projects
        extra = "\n" + "\n".join("  " + line for line in EXAMPLES["capacity_project"].splitlines())
    path = tmp_path / "example.yaml"
    path.write_text(f"name: example\nstart: 2010-01\nhorizon: 2036-12\ninstruments:\n{body}{extra}\n")
    scenario = resolve(str(path), DS)
    assert scenario.instruments
