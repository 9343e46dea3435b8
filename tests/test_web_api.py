"""The dashboard's API: library, live validation, runs as jobs in the shared store, limits,
tokens, data and timeline; schemathesis finds no server error on generated requests."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from reesim.store import Store
from reesim.web.api import Limits, create_app


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web") / "runs.duckdb"


@pytest.fixture(scope="module")
def client(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    app = create_app(
        store_path, tmp_path_factory.mktemp("out"), limits=Limits(max_runs=3, max_years=5, max_jobs=1)
    )
    return TestClient(app, base_url="http://localhost")


def _wait(client: TestClient, job_id: str) -> dict[str, object]:
    for _ in range(600):
        job: dict[str, object] = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in {"done", "failed", "cancelled"}:
            return job
        time.sleep(0.1)
    raise AssertionError("job did not finish")


def test_library_and_scenario(client: TestClient) -> None:
    names = [s["name"] for s in client.get("/api/scenarios").json()]
    assert "april-2025" in names and "race" in names
    april = client.get("/api/scenarios/april-2025").json()
    assert "review_months" in april["yaml"] and april["instruments"]
    assert client.get("/api/scenarios/nope").status_code == 404


def test_validation_uses_the_cli_messages(client: TestClient) -> None:
    bad = (
        "name: x\nstart: 2025-01\nhorizon: 2025-06\ninstruments:\n  - kind: export_control\n"
        "    exporter: CHN\n    forms: [magnet]\n    elements: [Dyy]\n    start: 2025-02\n"
    )
    result = client.post("/api/validate", json={"yaml": bad}).json()
    assert result["ok"] is False
    problem = result["problems"][0]
    assert (problem["line"], problem["column"], problem["hint"]) == (8, 16, "did you mean 'Dy'?")
    good = client.post("/api/validate", json={"yaml": bad.replace("Dyy", "Dy")}).json()
    assert good["ok"] is True and good["months"] == 6


@pytest.mark.slow
def test_run_lands_in_the_shared_store_and_serves_series(client: TestClient, store_path: Path) -> None:
    job = client.post("/api/runs", json={"scenario": "april-2025", "horizon_years": 1}).json()
    finished = _wait(client, str(job["id"]))
    assert finished["status"] == "done", finished
    run_id = str(finished["run_id"])
    assert run_id in set(Store(store_path).list_runs()["id"])  # what `reesim runs list` reads
    assert run_id in [r["id"] for r in client.get("/api/runs").json()]
    series = client.get(f"/api/runs/{run_id}/series", params={"place": "EU", "item": "Dy"}).json()
    assert len(series["months"]) == 12 and len(series["unmet"]["p50"]) == 12 and "magnets" in series["race"]
    headline = client.get(f"/api/runs/{run_id}").json()["headline"]
    assert any(r["place"] == "EU" and r["item"] == "magnets" for r in headline["rows"])
    second = _wait(
        client, str(client.post("/api/runs", json={"scenario": "baseline", "horizon_years": 1}).json()["id"])
    )
    compared = client.get("/api/compare", params={"ids": f"{run_id},{second['run_id']}"}).json()
    assert compared["columns"][2:4] == ["april-2025", "baseline"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"scenario": "baseline", "runs": 50}, 422, "at most 3 runs"),
        ({"scenario": "race"}, 422, "horizon at most 5 years"),
        ({"scenario": "nope"}, 422, "the scenario has problems"),
        ({}, 422, "give either scenario"),
    ],
)
def test_limits_are_clear_4xx(client: TestClient, body: dict[str, object], status: int, message: str) -> None:
    response = client.post("/api/runs", json=body)
    assert response.status_code == status and message in response.text


def test_too_many_jobs_and_cancel(client: TestClient) -> None:
    first = client.post(
        "/api/runs", json={"yaml": "name: slow\nstart: 2025-01\nhorizon: 2029-12\n", "runs": 3}
    )
    assert first.status_code == 202
    busy = client.post("/api/runs", json={"scenario": "baseline", "horizon_years": 1})
    assert busy.status_code == 429 and "already running" in busy.text
    client.delete(f"/api/jobs/{first.json()['id']}")
    assert _wait(client, first.json()["id"])["status"] in {"cancelled", "done"}


def test_request_size_limit(client: TestClient) -> None:
    response = client.post(
        "/api/validate", content=b"{" + b" " * 300_000 + b"}", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_data_and_timeline(client: TestClient) -> None:
    data = client.get("/api/data/mine_production", params={"limit": 5}).json()
    assert len(data["rows"]) == 5 and data["sources"]
    assert client.get("/api/data/nope").status_code == 404
    events = client.get("/api/timeline").json()
    assert any(e["source_id"] == "osenc_2025_mofcom18" for e in events)


def test_token_required_when_set(tmp_path: Path) -> None:
    guarded = TestClient(
        create_app(tmp_path / "runs.duckdb", tmp_path, token="s3cret-token"), base_url="http://localhost"
    )
    assert guarded.get("/api/scenarios").status_code == 401
    assert guarded.get("/api/scenarios", headers={"X-Reesim-Token": "s3cret-token"}).status_code == 200
    assert guarded.get("/", params={"token": "s3cret-token"}).status_code == 200


def test_serve_refuses_short_tokens_and_generates_one_off_loopback() -> None:
    from reesim.cli.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")


# bound, as far as the Host check goes, to the name schemathesis's ASGI client sends
APP = create_app(
    None, Path("reports"), limits=Limits(max_runs=1, max_years=0.5, max_jobs=1), host="testserver"
)
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.mark.slow
@SCHEMA.exclude(method="POST", path="/api/runs").parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_on_generated_requests(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, response.text


@pytest.mark.slow
def test_user_scenarios_are_saved_listed_and_run(client: TestClient, store_path: Path) -> None:
    yaml = "name: my-test\ntitle: Mine\nstart: 2025-01\nhorizon: 2025-06\n"
    assert client.post("/api/scenarios", json={"yaml": yaml}).status_code == 201
    assert (store_path.parent / "scenarios" / "my-test.yaml").exists()
    listed = {s["name"]: s["kind"] for s in client.get("/api/scenarios").json()}
    assert listed["my-test"] == "yours" and listed["baseline"] == "shipped"
    assert client.get("/api/scenarios/my-test").json()["title"] == "Mine"
    clash = client.post("/api/scenarios", json={"yaml": yaml.replace("my-test", "baseline")})
    assert clash.status_code == 409 and "shipped scenario" in clash.text
    bad = client.post("/api/scenarios", json={"yaml": yaml.replace("2025-06", "2024-06")})
    assert bad.status_code == 422
    job = client.post("/api/runs", json={"scenario": "my-test"}).json()
    assert _wait(client, job["id"])["status"] == "done"
