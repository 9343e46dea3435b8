"""``reesim run``, ``compare``, ``runs`` and ``report`` end to end on a temporary store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reesim.cli import app

RUNNER = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REESIM_STORE", str(tmp_path / "store" / "runs.duckdb"))
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def invoke(*args: str) -> str:
    """What the command prints on standard output (progress bars go to standard error)."""
    result = RUNNER.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.slow
def test_run_json_stores_and_reports(env: Path) -> None:
    payload = json.loads(
        invoke("run", "full-embargo", "--horizon", "3", "--json", "--seed", "5", "--out", str(env / "r"))
    )
    assert payload["scenario"] == "full-embargo" and payload["seed"] == 5
    report = Path(payload["report"])
    assert report.exists() and report.stat().st_size > 50_000
    files = sorted(p.name for p in (report.parent / f"{report.stem}-charts").glob("*.svg"))
    # full-embargo runs a capacity project (the Lynas heavy circuit): its report has the projects chart
    charts = ("timeline", "magnets", "elements", "flows", "race", "stockpiles", "prices", "not_built",
              "projects")  # fmt: skip
    assert files == sorted(f"{c}.svg" for c in charts)
    usa = next(r for r in payload["indicators"]["rows"] if r["place"] == "USA" and r["item"] == "magnets")
    assert usa["peak_shortfall"]["p50"] > 0.5
    listed = invoke("runs", "list")
    assert payload["run_id"] in listed
    shown = invoke("runs", "show", payload["run_id"][:5])
    assert "full-embargo" in shown and "series_unmet" in shown
    exported = invoke("runs", "export", payload["run_id"], "--format", "csv", "--out", str(env / "x"))
    assert "tables written" in exported
    assert (env / "x" / payload["run_id"] / "series_unmet.csv").exists()
    rebuilt = invoke("report", payload["run_id"], "--out", str(env / "again"))
    assert (env / "again" / report.name).exists() and "Report written" in rebuilt
    invoke("runs", "delete", payload["run_id"], "--yes")
    assert payload["run_id"] not in invoke("runs", "list")


@pytest.mark.slow
def test_run_table_names_the_report(env: Path) -> None:
    output = invoke("run", "baseline", "--horizon", "1", "--out", str(env / "r"))
    assert "first short" in output and "Report written to" in output and "stands alone" in output


@pytest.mark.slow
def test_compare_shows_differences(env: Path) -> None:
    output = invoke("compare", "busan-truce", "truce-lapses", "--out", str(env / "c"))
    assert "busan-truce" in output and "truce-lapses - busan-truce" in output
    assert "Er: peak shortfall" in output  # elements short in either run are compared
    assert list((env / "c").glob("compare-*.html"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "no-such-scenario"), "no shipped scenario or file named 'no-such-scenario'"),
        (("runs", "show", "zzzz"), "no single run with id 'zzzz'"),
        (("runs", "export", "zzzz", "--format", "xls"), "unknown format 'xls'"),
        (("compare", "baseline"), "give at least two scenarios"),
    ],
)
def test_bad_input_exits_2_without_traceback(env: Path, args: tuple[str, ...], message: str) -> None:
    result = RUNNER.invoke(app, list(args))
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split()) and "Traceback" not in result.output


@pytest.mark.slow
@pytest.mark.compile
def test_large_monte_carlo_stores_quantiles_and_keeps_the_true_headline(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reesim.results.plain import headline_json
    from reesim.store import Store
    from reesim.store import runs as runs_module
    from reesim.store.runs import rebuild

    monkeypatch.setattr(runs_module, "QUANTILE_ABOVE", 3)
    # A full embargo from December 2026: every run is short within three years.
    args = (
        "run",
        "full-embargo",
        "--runs",
        "5",
        "--seed",
        "2",
        "--horizon",
        "3",
        "--json",
        "--out",
        str(env / "r"),
    )
    payload = json.loads(invoke(*args))
    store = Store()
    unmet = store.table(payload["run_id"], "series_unmet")
    assert sorted(unmet["run"].unique()) == [0, 1, 2]  # P10, P50, P90 instead of 5 runs
    done = rebuild(store, payload["run_id"])
    assert done.headline.runs == 5 and headline_json(done.headline)["rows"] == payload["indicators"]["rows"]
    assert "(+" in invoke("runs", "show", payload["run_id"])  # months since the first measure
