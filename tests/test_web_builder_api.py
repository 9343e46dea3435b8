"""The scenario builder's server side: YAML read into the data its cards show (null when the text is
not a scenario mapping), data written back as YAML in the docs' style without losing anything,
the enriched JSON Schema at ``/api/schema``, and the builder's files (and nothing else) served."""

from __future__ import annotations

import tomllib
from pathlib import Path, PurePosixPath

import pytest
import yaml
from fastapi.testclient import TestClient

from reesim.results.plain import strict
from reesim.scenarios import scenario_names, shipped_path
from reesim.web.api import create_app
from reesim.web.builder import scenario_yaml


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    folder = tmp_path_factory.mktemp("builder-api")
    return TestClient(create_app(folder / "runs.duckdb", folder / "out"), base_url="http://localhost")


def test_yaml_is_read_into_the_cards_data(client: TestClient) -> None:
    text = (
        "name: x\nstart: 2025-01\ninstruments:\n- kind: export_ban\n  start: 2025-04-04\n  forms: [oxide]\n"
    )
    answer = client.post("/api/parse", json={"yaml": text})
    assert answer.status_code == 200
    assert answer.json() == {"data": {"name": "x", "start": "2025-01", "instruments": [
        {"kind": "export_ban", "start": "2025-04-04", "forms": ["oxide"]}]}}  # fmt: skip


@pytest.mark.parametrize("text", ["name: [", "- a list\n", "just text", "", "a: !!python/object:os.system x"])
def test_text_that_is_not_a_scenario_mapping_reads_as_null(client: TestClient, text: str) -> None:
    assert client.post("/api/parse", json={"yaml": text}).json() == {"data": None}


def test_parse_keeps_the_apis_limits(client: TestClient) -> None:
    assert client.post("/api/parse", json={"yaml": "a: 1\n" * 5000}).status_code == 422
    assert (
        client.post("/api/parse", content=b"a: 1", headers={"Content-Type": "text/plain"}).status_code == 415
    )


@pytest.mark.parametrize("name", scenario_names())
def test_written_yaml_reads_back_as_the_same_data(name: str) -> None:
    path = shipped_path(name)
    assert path is not None
    data = strict(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert strict(yaml.safe_load(scenario_yaml(data))) == data


def test_written_yaml_puts_names_and_distributions_on_one_line(client: TestClient) -> None:
    data = {"name": "x", "instruments": [{"kind": "export_control", "forms": ["oxide", "metal"],
            "approval_share": {"dist": "uniform", "low": 0.2, "high": 0.9},
            "suspended": [{"from": "2025-11", "to": "2026-11"}]}]}  # fmt: skip
    text = client.post("/api/yaml", json=data).json()["yaml"]
    assert text == (
        "name: x\ninstruments:\n- kind: export_control\n  forms: [oxide, metal]\n"
        "  approval_share: {dist: uniform, low: 0.2, high: 0.9}\n"
        "  suspended:\n  - {from: 2025-11, to: 2026-11}\n"
    )


def test_the_schema_served_names_the_datasets_elements(client: TestClient) -> None:
    schema = client.get("/api/schema").json()
    assert [o["const"] for o in schema["$defs"]["Element"]["oneOf"]][:3] == ["La", "Ce", "Pr"]
    assert schema["$defs"]["StockpileSpec"]["properties"]["holder"]["$ref"] == "#/$defs/Place"


def test_only_the_builders_files_are_served(client: TestClient) -> None:
    for name in ("builder.js", "fields.js", "builder.css"):
        assert client.get(f"/static/builder/{name}").status_code == 200
    for name in ("nope.js", "..%2fapp.js", "%2e%2e%2f%2e%2e%2fapi.py"):
        assert client.get(f"/static/builder/{name}").status_code == 404
    page = client.get("/").text
    for name in ("builder.js", "fields.js", "builder.css"):
        assert f'="static/builder/{name}"' in page


def test_the_builders_files_are_package_data() -> None:
    with (Path(__file__).resolve().parents[1] / "pyproject.toml").open("rb") as f:
        globs = tomllib.load(f)["tool"]["setuptools"]["package-data"]["reesim"]
    for name in ("builder.js", "fields.js", "builder.css"):
        assert any(PurePosixPath(f"web/static/builder/{name}").match(g) for g in globs), globs
