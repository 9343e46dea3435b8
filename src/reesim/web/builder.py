"""The scenario builder's endpoints: scenario YAML read into plain data, and the builder's files.

The builder (``static/builder/``) shows a scenario both as YAML and as cards of fields generated
from the JSON Schema (``/api/schema``). A change of a field is written back to YAML by
``/api/yaml``; YAML typed by hand is read here into the data the cards show, with the same safe
reader (and limits) as scenario files. Whether the scenario is valid, and every message, still
comes from ``/api/validate`` alone.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

#: The builder's page code and style, served under ``/static/builder/``.
FILES = Path(str(resources.files("reesim") / "web" / "static" / "builder"))


class Parsed(BaseModel):
    """Scenario YAML as plain data; ``data`` is null when the text is not YAML or not a mapping
    (``/api/validate`` says why)."""

    data: dict[str, Any] | None = Field(description="The scenario's fields as plain JSON data")


def _scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


class _Dumper(yaml.SafeDumper):
    """Writes scenarios as the docs do: lists of names and small mappings (a distribution, a
    period, an approval step) on one line, instruments and the scenario's fields one per line."""


def _list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=all(map(_scalar, value)))


def _dict(dumper: yaml.SafeDumper, value: dict[Any, Any]) -> yaml.Node:
    inline = bool(value) and all(map(_scalar, value.values())) and not {"kind", "name"} & set(value)
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=inline)


_Dumper.add_representer(list, _list)
_Dumper.add_representer(dict, _dict)


def scenario_yaml(data: Any) -> str:
    """``data`` (a scenario as plain data) as YAML text in the docs' style."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def builder_router(request_model: type[BaseModel], responses: dict[int | str, dict[str, Any]]) -> APIRouter:
    """The builder's routes; ``request_model`` is the API's scenario-YAML body, ``responses`` the
    refusals a request with a body may get."""
    router = APIRouter()

    def parse(body: Any) -> dict[str, Any]:
        """Read scenario YAML (from the builder's text box) into plain data for its cards."""
        from reesim.results.plain import strict
        from reesim.scenarios.yamlsafe import YamlError, read_yaml

        try:
            data = read_yaml(body.yaml, "editor.yaml").data
        except YamlError:
            data = None
        return {"data": strict(data) if isinstance(data, dict) else None}

    parse.__annotations__["body"] = request_model
    router.post("/api/parse", responses=responses, response_model=Parsed)(parse)

    @router.get("/static/builder/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        path = FILES / name
        if name not in {p.name for p in FILES.iterdir()} or not path.is_file():
            raise HTTPException(404, "no such file")
        return FileResponse(path)

    return router
