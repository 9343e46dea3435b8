"""Output paths are checked before any work is done (an existing file given as ``--out`` is an
exit 2, not a crash after the run is stored), and the report's charts show user text as
written (an id such as ``a$x^$b`` is not read as TeX math)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from reesim.cli import app
from reesim.report import charts

FUZZ = Path(__file__).parent / "fuzz" / "scenarios"


@pytest.mark.parametrize(
    "args",
    [["run", "baseline"], ["compare", "baseline", "april-2025"], ["report", "abcd"], ["check", "-"]],
    ids=["run", "compare", "report", "check"],
)
def test_out_naming_an_existing_file_is_refused_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setenv("REESIM_STORE", str(tmp_path / "store" / "runs.duckdb"))
    taken = tmp_path / "taken.txt"
    taken.write_text("mine\n", encoding="utf-8")
    result = CliRunner().invoke(app, [*args, "--out", str(taken)], input="China mines 60% of rare earths.\n")
    assert result.exit_code == 2, result.output
    assert f"{taken}: field '--out' exists and is not a folder" in result.output
    assert taken.read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "store" / "runs").exists() or not any((tmp_path / "store" / "runs").iterdir())


def test_chart_labels_with_dollar_and_caret_are_plain_text() -> None:
    label = "a$x^$b"
    fig = charts.timeline([(label, "export_control", "2025-01", "2025-06", [])], "2025-01", "2025-12")
    drawn = charts.svg(fig)
    assert drawn.startswith("<svg") or "<svg" in drawn[:400]
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any(label in t for t in texts)


@pytest.mark.slow
def test_a_scenario_with_tex_in_its_ids_is_run_and_reported(tmp_path: Path) -> None:
    """`reesim run` on a scenario whose instrument id is ``a$x^$b``: the run is stored and its
    whole report written (every chart drawn), exit 0."""
    env = {"REESIM_STORE": str(tmp_path / "store" / "runs.duckdb"), "COLUMNS": "200"}
    args = ["run", str(FUZZ / "dollar-id.yaml"), "--horizon", "1", "--out", str(tmp_path / "r")]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    (page,) = (tmp_path / "r").glob("*.html")
    assert "a$x^$b" in page.read_text(encoding="utf-8")
    assert (page.parent / f"{page.stem}-charts" / "timeline.png").stat().st_size > 1000
