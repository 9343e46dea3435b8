"""Documentation stays in step with the code and data."""

from __future__ import annotations

from pathlib import Path

from reesim.dataset import Dataset
from reesim.dataset.docs import schema_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_data_doc_holds_the_current_schema(dataset: Dataset) -> None:
    text = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert schema_markdown(dataset.schema) in text, "regenerate with: python -m reesim.dataset.docs"


def test_data_doc_describes_every_table(dataset: Dataset) -> None:
    text = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    head = text.split("<!-- schema:begin")[0]
    for table in dataset.tables:
        assert f"| `{table}` |" in head, f"docs/data.md has no summary row for {table}"


def test_readme_quick_start_has_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
