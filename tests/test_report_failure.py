"""A run whose report fails is still stored: ``reesim run`` prints its headline, says the report
failed and exits 1; ``runs list`` and ``runs show`` note the failure and how to write the report
again; ``reesim report ID`` writes it and clears the note. A dashboard job is done, with the note."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reesim.cli import app

RUNNER = CliRunner()


def _broken_report(*args: Any, **kwargs: Any) -> Path:
    raise RuntimeError("the chart library fell over\nsecond line not kept")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return {"REESIM_STORE": str(tmp_path / "store" / "runs.duckdb"), "COLUMNS": "250"}


@pytest.mark.slow
def test_a_run_whose_report_fails_is_stored_listed_and_reported_again(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reesim.store.runs.write_run_report", _broken_report)
    out = tmp_path / "reports"
    result = RUNNER.invoke(app, ["run", "baseline", "--horizon", "1", "--json", "--out", str(out)], env=env)
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    run_id = payload["run_id"]
    assert payload["report"] is None
    assert payload["report_error"] == (
        f"report failed (RuntimeError: the chart library fell over); `reesim report {run_id}` writes it again"
    )
    assert "internal error" in result.stderr and "The run is stored" in result.stderr
    assert "Traceback" not in result.output

    listed = RUNNER.invoke(app, ["runs", "list", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    (record,) = json.loads(listed.stdout)["runs"]
    assert (record["id"], record["report"]) == (run_id, None)
    assert record["report_error"] == "RuntimeError: the chart library fell over"
    table = RUNNER.invoke(app, ["runs", "list"], env=env)
    assert f"failed: `reesim report {run_id}` writes it again" in table.stdout

    shown = RUNNER.invoke(app, ["runs", "show", run_id], env=env)
    assert shown.exit_code == 0, shown.output
    assert f"report: report failed (RuntimeError: the chart library fell over); `reesim report {run_id}`" in (
        " ".join(shown.stdout.split())
    )
    as_json = json.loads(RUNNER.invoke(app, ["runs", "show", run_id, "--json"], env=env).stdout)
    assert as_json["report"] is None and as_json["report_error"] == payload["report_error"]
    assert not list(out.glob("*.html"))

    monkeypatch.undo()
    rebuilt = RUNNER.invoke(app, ["report", run_id, "--out", str(out)], env=env)
    assert rebuilt.exit_code == 0, rebuilt.output
    (page,) = out.glob("*.html")
    (record,) = json.loads(RUNNER.invoke(app, ["runs", "list", "--json"], env=env).stdout)["runs"]
    assert record["report"] == str(page) and record["report_error"] is None


@pytest.mark.slow
def test_the_table_output_of_a_run_whose_report_fails_names_the_run(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reesim.store.runs.write_run_report", _broken_report)
    result = RUNNER.invoke(app, ["run", "baseline", "--horizon", "1", "--out", str(tmp_path / "r")], env=env)
    assert result.exit_code == 1, result.output
    assert "stored in" in result.stdout and "Report written" not in result.stdout
    assert "report failed (RuntimeError: the chart library fell over)" in " ".join(result.stderr.split())


@pytest.mark.slow
def test_a_dashboard_job_whose_report_fails_is_done_with_the_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reesim.store import Store
    from reesim.web.jobs import JobManager

    monkeypatch.setattr("reesim.store.runs.write_run_report", _broken_report)
    jobs = JobManager(tmp_path / "runs.duckdb", tmp_path / "reports")
    job = jobs.submit("baseline", "baseline", 1, None, 1.0)
    assert job is not None
    jobs.pool.shutdown(wait=True)
    assert (job.status, job.report) == ("done", "")
    assert job.error == (
        "report failed (RuntimeError: the chart library fell over); "
        f"`reesim report {job.run_id}` writes it again"
    )
    assert Store(tmp_path / "runs.duckdb").get(job.run_id).report_error.startswith("RuntimeError")
