"""Documentation stays in step with the code and data."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import xarray as xr

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


def test_api_walk_through_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/api.md's code blocks, run in order in one namespace as a notebook runs its cells."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) >= 3
    names: dict[str, object] = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"docs/api.md block {i + 1}", "exec"), names)
    result, mc = names["result"], names["mc"]
    assert isinstance(result, xr.Dataset) and isinstance(mc, xr.Dataset)
    assert result.sizes["run"] == 1 and mc.sizes["run"] == 3 and mc.attrs["seed"] == 1
    assert result["month"].dtype == "datetime64[ns]"
    for frame in ("head", "summary", "both"):
        assert isinstance(names[frame], pd.DataFrame) and not names[frame].empty, frame
    printed = capsys.readouterr().out
    assert "USD/kg" in printed and "Freq: QS-JAN" in printed and "USD/kg datetime64[ns] True" in printed


def test_api_doc_describes_every_public_name() -> None:
    import reesim

    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    table = text.split("| name | what it is |", 1)[1].split("\n\n", 1)[0]
    for name in reesim.__all__:
        assert f"| `reesim.{name}" in table, f"docs/api.md does not describe reesim.{name}"
        assert getattr(reesim, name) is not None


def test_api_doc_describes_every_output_variable() -> None:
    import reesim

    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    table = text.split("| variable |", 1)[1].split("\n\n", 1)[0]
    result = reesim.run("baseline", horizon=0.1, kernel="reference")
    for name in result.data_vars:
        assert f"`{name}`" in table, f"docs/api.md does not describe {name}"
