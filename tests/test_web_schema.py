"""The dashboard's OpenAPI schema is true: schemathesis sends generated requests (valid and
invalid ones, unsupported methods, missing and malformed parameters, bodies that are not JSON) to
every operation of the app, in-process, and checks every answer against the schema: no server
error; its status code, content type, headers and body documented; valid requests accepted and
invalid ones refused; unsupported methods answered 405 with an ``Allow`` header that lists the
documented methods. It also chains calls (schemathesis's stateful testing, with the links it
infers from the schema: a scenario saved and then read, a run listed and then read, a job
started, read and cancelled), holding every answer of each sequence to the same checks.

One check is narrowed: a request valid by the schema may still name a scenario that does not
exist or carry YAML that is not a valid scenario, which no schema can say; such a request may be
refused with 422 if every problem it lists is of type ``scenario``."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.generation.stateful.state_machine import APIStateMachine

from reesim.web.api import Limits, create_app

# The app under test: Host as schemathesis's ASGI client sends it, an empty store in a folder of
# its own, and no job may start (max_jobs=0): a valid run request is answered 429, nothing runs.
FOLDER = Path(tempfile.mkdtemp(prefix="reesim-schema-"))
APP = create_app(
    FOLDER / "runs.duckdb", FOLDER / "out", limits=Limits(max_runs=3, max_years=5, max_jobs=0),
    host="testserver",
)  # fmt: skip
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _remove_folder() -> Iterator[None]:
    yield
    shutil.rmtree(FOLDER, ignore_errors=True)


def scenario_problems(response: Any) -> bool:
    """Whether ``response`` is a 422 listing only problems in a scenario's content."""
    if response.status_code != 422:
        return False
    detail = response.json().get("detail")
    return isinstance(detail, list) and bool(detail) and all(p.get("type") == "scenario" for p in detail)


def valid_requests_are_accepted(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """Schemathesis's ``positive_data_acceptance``, letting a scenario's content be refused (422)."""
    if scenario_problems(response):
        return None
    return positive_data_acceptance(ctx, response, case)


@SCHEMA.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_answers_are_the_documented_ones(case: schemathesis.Case) -> None:
    case.call_and_validate(
        excluded_checks=[positive_data_acceptance], additional_checks=[valid_requests_are_accepted]
    )


class Sequences(SCHEMA.as_state_machine()):  # type: ignore[misc]
    """Chains of calls linked by what one answer gives the next, each answer checked as above."""

    def validate_response(self, response: Any, case: schemathesis.Case, *args: Any, **kwargs: Any) -> None:
        case.validate_response(
            response,
            excluded_checks=[positive_data_acceptance],
            additional_checks=[valid_requests_are_accepted],
        )


@pytest.mark.slow
def test_sequences_of_calls_are_answered_as_documented() -> None:
    assert issubclass(Sequences, APIStateMachine) and len(Sequences.bundles) >= 5  # links were found
    Sequences.run(
        settings=settings(max_examples=15, stateful_step_count=6, deadline=None,
                          suppress_health_check=list(HealthCheck))
    )  # fmt: skip


def test_refusals_have_the_documented_shapes() -> None:
    client = TestClient(APP, base_url="http://testserver")
    put = client.put("/api/scenarios")
    assert put.status_code == 405 and put.headers["allow"] == "GET, POST"
    assert isinstance(put.json()["detail"], str)
    bad = client.post("/api/scenarios", json={"yaml": "name: x\nstart: 2025-13\n"})
    problem = bad.json()["detail"][0]
    assert bad.status_code == 422 and problem["type"] == "scenario" and problem["loc"] == ["body", "yaml"]
    assert (problem["line"], problem["field"]) == (2, "start") and "the scenario has problems" in problem[
        "msg"
    ]
    either = client.post("/api/runs", json={})
    assert either.status_code == 422 and either.json()["detail"][0]["type"] == "value_error"
    long = client.post("/api/validate", json={"yaml": "\U0001f600" * 20_000})  # every byte escaped
    assert long.status_code == 200 and long.json()["ok"] is False
    assert client.get("/api/compare", params={"ids": "a,b"}).status_code == 404
