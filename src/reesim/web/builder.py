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

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

#: The builder's page code and style, served under ``/static/builder/``.
FILES = Path(str(resources.files("reesim") / "web" / "static" / "builder"))


class Parsed(BaseModel):
    """Scenario YAML as plain data; ``data`` is null when the text is not YAML or not a mapping
    (``/api/validate`` says why)."""

    data: dict[str, Any] | None = Field(description="The scenario's fields as plain JSON data")


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
