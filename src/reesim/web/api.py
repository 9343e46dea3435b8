"""The dashboard's HTTP API and pages (FastAPI).

Everything the page shows comes from these endpoints: the scenario library, live validation of a
scenario's YAML (the same messages as ``reesim validate``), runs as background jobs with progress
and cancellation, stored runs and their series for the charts, comparisons, the data tables with
their sources, and the policy timeline. Limits protect the server: runs per request, horizon,
request size, active jobs and runs per comparison, each answered with a clear 4xx. The OpenAPI
schema states every answer: refusals are ``{"detail": "one sentence"}`` (:class:`Refusal`), except
422, whose ``detail`` is a list of located errors (:class:`Invalid`), FastAPI's shape for every
422, also for problems in a scenario's content. Stored runs
read back are kept in memory (:mod:`reesim.web.cache`). Every request first passes
:class:`~reesim.web.guard.Guard`: the Host header must name the address the server is bound to
(against DNS rebinding), the token must match when one is set (header ``X-Reesim-Token`` or
query ``token``), and bodies are capped while they are received. Scenario YAML sent to the API
may extend shipped scenarios only.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Body, FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from reesim.errors import InputError
from reesim.results.plain import strict
from reesim.web.builder import builder_router, scenario_yaml
from reesim.web.cache import OverBudgetError, RunCache
from reesim.web.guard import Guard, allowed_hosts
from reesim.web.jobs import JobManager
from reesim.web.routes import compare_ids, unprocessable

STATIC = Path(str(resources.files("reesim") / "web" / "static"))


@dataclass(frozen=True)
class Limits:
    """What one request may ask for."""

    max_runs: int = 200
    max_years: float = 20.0
    max_body_bytes: int = 256_000
    max_jobs: int = 2
    max_compare: int = 8
    #: Seconds a comparison may spend reading runs back from their files before it is refused.
    max_compare_seconds: float = 10.0


#: Longest scenario YAML the API takes, in characters: any text this long fits in a request body
#: of 256 kB however it is encoded (at most 12 bytes a character, as in ``\ud83d\ude00``), and it
#: is more than three times the longest shipped scenario.
MAX_YAML_CHARS = 20_000

#: What a scenario's name may be (as in scenario files' ``name``).
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
NAME = Field(pattern=NAME_PATTERN, max_length=100, description="A scenario's name")

BODY_CAP = (
    "The whole body is at most 256 kB (413 beyond), counted as received, and must be JSON "
    "(`Content-Type: application/json`, 415 otherwise)."
)


#: The editor's form as plain data, for ``/api/yaml``.
FORM = Body(description=f"The scenario's fields as the editor's form has them. {BODY_CAP}")


class ValidateRequest(BaseModel):
    """Scenario YAML to check (empty text is answered, with its problem)."""

    model_config = ConfigDict(json_schema_extra={"description": f"Scenario YAML to check. {BODY_CAP}"})

    yaml: str = Field(max_length=MAX_YAML_CHARS, description="Scenario YAML text")


class SaveRequest(BaseModel):
    """Scenario YAML to save as one of your scenarios."""

    model_config = ConfigDict(json_schema_extra={"description": f"Scenario YAML to save. {BODY_CAP}"})

    yaml: str = Field(min_length=1, max_length=MAX_YAML_CHARS, description="Scenario YAML text")


class ScenarioProblem(BaseModel):
    """A problem in scenario YAML, located as ``reesim validate`` prints it."""

    file: str
    line: int | None
    column: int | None
    field: str | None
    message: str
    hint: str
    text: str = Field(description="The whole problem as one line: file:line:column, field, message, hint")


class Validation(BaseModel):
    """The verdict on scenario YAML; when ``ok``, its name, months and engine instruments."""

    ok: bool
    problems: list[ScenarioProblem]
    name: str | None = None
    months: int | None = None
    instruments: int | None = None


class Saved(BaseModel):
    """A scenario saved as one of yours."""

    name: str
    saved: bool


class YamlText(BaseModel):
    """YAML text."""

    yaml: str


class JobStatus(BaseModel):
    """A job: its scenario, runs asked for and done, status, and the stored run once done."""

    id: str
    scenario: str
    runs: int
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    done: int
    run_id: str
    error: str


class Refusal(BaseModel):
    """A refusal other than 422: what was wrong, in one sentence."""

    detail: str


class Problem(BaseModel):
    """One reason a request cannot be processed: FastAPI's validation error, where ``loc`` says which
    part of the request (``body``, ``query`` or ``path``, then the field). Problems in a scenario's
    content have ``type`` ``scenario`` and say where in the YAML: file, line, column, field, hint."""

    loc: list[str | int]
    msg: str
    type: str
    input: Any = None
    ctx: dict[str, Any] | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    message: str | None = None
    hint: str | None = None
    text: str | None = None


class Invalid(BaseModel):
    """422: every problem found, each located."""

    detail: list[Problem]


Responses = dict[int | str, dict[str, Any]]


def _refusal(description: str) -> dict[str, Any]:
    return {"model": Refusal, "description": description}


#: Answers every operation may give (see :mod:`reesim.web.guard`).
GUARDED: Responses = {
    400: _refusal(
        "A Host header that does not name this server, a malformed Content-Length, or a body "
        "that is not UTF-8 or has JSON nested deeper than 32 levels or NaN / Infinity"
    ),
    401: _refusal("A missing or wrong token (when the server has one)"),
}
NOT_FOUND: Responses = {404: _refusal("No such resource")}
INVALID: Responses = {422: {"model": Invalid, "description": "Invalid request"}}
WITH_BODY: Responses = {
    413: _refusal("Body larger than 256 kB"),
    415: _refusal("Body that is not JSON"),
    **INVALID,
}


def _problems(exc: InputError) -> list[dict[str, Any]]:
    return [{"file": p.file, "line": p.line, "column": p.column, "field": p.field, "message": p.message,
             "hint": p.hint, "text": str(p)} for p in exc.problems]  # fmt: skip


def _bad_scenario(loc: tuple[str, ...], exc: InputError) -> HTTPException:
    """422 listing a scenario's problems, each with where it is in the YAML."""
    return HTTPException(
        422,
        [{"loc": list(loc), "msg": f"the scenario has problems: {p['text']}", "type": "scenario", **p}
         for p in _problems(exc)],
    )  # fmt: skip


def create_app(store_path: Path | None = None, out_dir: Path = Path("reports"), token: str | None = None,
               limits: Limits | None = None, job_workers: int = 1,
               host: str = "127.0.0.1", warm_kernel: bool = False) -> FastAPI:  # fmt: skip
    """The dashboard app; runs go to the results store at ``store_path``. ``host`` is the address
    the server is bound to: it decides which Host headers are answered (see :mod:`reesim.web.guard`).
    With ``warm_kernel`` the compiled kernel is loaded in the background (see :mod:`reesim.web.jobs`)."""
    from reesim.dataset import load_dataset
    from reesim.model.baseline import build_baseline
    from reesim.store import Store
    from reesim.web.routes import add_routes
    from reesim.web.worldmap import Simulations

    limits = limits or Limits()
    ds = load_dataset()
    base = build_baseline(ds)
    store = Store(store_path)
    cache = RunCache(store, ds)
    jobs = JobManager(store_path, out_dir, workers=job_workers, max_active=limits.max_jobs, dataset=ds,
                      baseline=base, on_done=cache.put)  # fmt: skip
    if warm_kernel:
        jobs.warm()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.close()

    app = FastAPI(
        title="reesim dashboard", version="1", description=__doc__, lifespan=lifespan, responses=GUARDED
    )
    app.state.jobs = jobs
    app.state.runs = cache
    user_dir = store.path.parent / "scenarios"  # scenarios saved from the editor

    def user_path(name: str) -> Path | None:
        path = user_dir / f"{name}.yaml"
        return path if name.replace("-", "").replace("_", "").isalnum() and path.is_file() else None

    def find(name: str) -> Any:
        """A shipped or saved scenario, resolved; 404 if neither."""
        from reesim.scenarios import load, shipped_path

        path = shipped_path(name) or user_path(name)
        if path is None:
            raise HTTPException(404, f"no scenario {name!r}")
        try:
            return load(path, ds), path
        except InputError as exc:
            raise _bad_scenario(("path", "name"), exc) from None

    app.add_middleware(Guard, hosts=allowed_hosts(host), token=token, max_body=limits.max_body_bytes)
    # the builder's routes come first, so that its files are served before any other static route
    app.include_router(builder_router(ValidateRequest, WITH_BODY))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        """422 with pydantic's errors; the values echoed back are made JSON-safe (no NaN)."""
        return JSONResponse({"detail": strict(jsonable_encoder(exc.errors()))}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def refused(request: Request, exc: StarletteHTTPException) -> Response:
        """``{"detail": ...}``; a 405 lists in ``Allow`` every method of the path, not of one route."""
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            methods = {m for route in app.router.routes if route.matches(request.scope)[0] != Match.NONE
                       for m in getattr(route, "methods", None) or ()}  # fmt: skip
            headers["Allow"] = ", ".join(sorted(methods))
        if exc.status_code in {204, 304}:
            return Response(status_code=exc.status_code, headers=headers)
        return JSONResponse({"detail": exc.detail}, exc.status_code, headers=headers)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        """The page; with a token, its scripts and styles are asked for with it (they pass the guard too)."""
        from urllib.parse import quote

        html = (STATIC / "index.html").read_text(encoding="utf-8")
        if token is not None:
            given = quote(token, safe="")  # the request passed the guard: it carried this token
            html = re.sub(r'((?:src|href)="static/[^"?]+)"', rf'\1?token={given}"', html)
        return HTMLResponse(html)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        path = STATIC / name
        if name not in {"app.js", "app.css"} or not path.exists():
            raise HTTPException(404, "no such file")
        return FileResponse(path)

    sims = Simulations(ds, base)
    add_routes(app, STATIC, store, cache, sims, jobs, out_dir, limits.max_compare, limits.max_years,
               not_found=NOT_FOUND, invalid=INVALID)  # fmt: skip

    @app.get("/api/scenarios")
    def scenarios() -> list[dict[str, Any]]:
        """The shipped scenarios."""
        from reesim.scenarios import load, scenario_names

        out = []
        saved = sorted(p.stem for p in user_dir.glob("*.yaml")) if user_dir.is_dir() else []
        for name, kind in [(n, "shipped") for n in scenario_names()] + [(n, "yours") for n in saved]:
            try:
                r = load(name, ds) if kind == "shipped" else load(user_dir / f"{name}.yaml", ds)
            except InputError:
                continue
            item = {"name": name, "title": r.title, "description": r.description.strip(), "start": r.start}
            out.append({**item, "horizon": r.horizon, "instruments": len(r.instruments), "kind": kind})
        return out

    @app.post(
        "/api/scenarios",
        status_code=201,
        responses={409: _refusal("The name of a shipped scenario"), **WITH_BODY},
        response_model=Saved,
    )
    def save(body: SaveRequest) -> dict[str, Any]:
        """Save scenario YAML from the editor as one of your scenarios (by its ``name``)."""
        from reesim.scenarios import shipped_path
        from reesim.scenarios.catalog import load_text

        try:
            r = load_text(body.yaml, "editor.yaml", ds)
        except InputError as exc:
            raise _bad_scenario(("body", "yaml"), exc) from None
        if shipped_path(r.name) is not None:
            raise HTTPException(409, f"{r.name!r} is a shipped scenario: give yours another name")
        user_dir.mkdir(parents=True, exist_ok=True)
        (user_dir / f"{r.name}.yaml").write_text(body.yaml, encoding="utf-8")
        return {"name": r.name, "saved": True}

    @app.get("/api/scenarios/{name}", responses={**NOT_FOUND, **INVALID})
    def scenario(name: Annotated[str, NAME]) -> dict[str, Any]:
        """A scenario's YAML (shipped or yours) and its resolved instruments."""
        r, path = find(name)
        instruments = [i.model_dump(mode="json", by_alias=True, exclude_none=True) for i in r.instruments]
        return {"name": name, "yaml": path.read_text(encoding="utf-8"), "title": r.title,
                "start": r.start, "horizon": r.horizon, "instruments": instruments}  # fmt: skip

    @app.get("/api/scenarios/{name}/data", responses={**NOT_FOUND, **INVALID})
    def scenario_data(name: Annotated[str, NAME]) -> dict[str, Any]:
        """A scenario file as plain data (for the editor's form)."""
        import yaml

        _, path = find(name)
        data: dict[str, Any] = strict(yaml.safe_load(path.read_text(encoding="utf-8")))
        return data

    @app.post("/api/yaml", responses=WITH_BODY, response_model=YamlText)
    def to_yaml(body: Annotated[dict[str, Any], FORM]) -> dict[str, str]:
        """Plain data (the editor's form) back to YAML text."""
        return {"yaml": scenario_yaml(body)}

    @app.get("/api/schema")
    def schema() -> dict[str, Any]:
        """The JSON Schema of scenario files, with the dataset's names (the builder's forms)."""
        from reesim.scenarios.schema import scenario_schema

        return scenario_schema(ds)

    @app.post(
        "/api/validate", responses=WITH_BODY, response_model=Validation, response_model_exclude_unset=True
    )
    def validate(body: ValidateRequest) -> dict[str, Any]:
        """Check scenario YAML: ``ok`` and every problem with line, column, field and hint."""
        from reesim.scenarios.catalog import load_text
        from reesim.scenarios.convert import months_between, to_model

        try:
            r = load_text(body.yaml, "editor.yaml", ds)
            model = to_model(r, ds)
        except InputError as exc:
            return {"ok": False, "problems": _problems(exc)}
        return {"ok": True, "problems": [], "name": r.name, "months": months_between(r.start, r.horizon),
                "instruments": len(model.instruments)}  # fmt: skip

    max_runs, max_years = limits.max_runs, limits.max_years

    class RunRequest(BaseModel):
        """Start a run: a scenario's name (shipped or yours), or scenario YAML (from the editor)."""

        model_config = ConfigDict(
            json_schema_extra={
                "description": f"Start a run: exactly one of `scenario` and `yaml`. {BODY_CAP}",
                "oneOf": [
                    {"required": ["scenario"], "properties": {"scenario": {"type": "string"},
                                                              "yaml": {"type": "null"}}},
                    {"required": ["yaml"], "properties": {"yaml": {"type": "string"},
                                                          "scenario": {"type": "null"}}},
                ],
            }
        )  # fmt: skip

        scenario: str | None = Field(
            None,
            pattern=NAME_PATTERN,
            max_length=100,
            description="A scenario's name (shipped or yours)",
        )
        yaml: str | None = Field(None, min_length=1, max_length=MAX_YAML_CHARS, description="Scenario YAML")
        runs: int = Field(1, ge=1, json_schema_extra={"maximum": max_runs}, description="Monte Carlo runs")
        seed: int | None = Field(None, ge=0, le=2**31 - 1)
        horizon_years: float | None = Field(
            None, gt=0, json_schema_extra={"maximum": max_years}, description="Years to simulate"
        )

        @field_validator("runs")
        @classmethod
        def _few_runs(cls, value: int) -> int:
            if value > max_runs:
                raise ValueError(f"at most {max_runs} runs per request")
            return value

        @field_validator("horizon_years")
        @classmethod
        def _short_horizon(cls, value: float | None) -> float | None:
            if value is not None and value > max_years:
                raise ValueError(f"horizon at most {max_years:g} years")
            return value

    def start_run(body: Any) -> dict[str, Any]:
        """Start a run in the background; poll ``/api/jobs/{id}``. A scenario that cannot be run
        (unknown name, problems in its YAML, a horizon over the limit) is a 422 of type ``scenario``."""
        from reesim.scenarios import load
        from reesim.scenarios.catalog import load_text
        from reesim.scenarios.convert import months_between

        if (body.scenario is None) == (body.yaml is None):
            raise unprocessable(("body",), "give either scenario (a shipped name) or yaml")
        loc = ("body", "scenario" if body.scenario is not None else "yaml")
        try:
            if body.scenario is not None and user_path(body.scenario) is not None:
                ref = find(body.scenario)[0]
            elif body.scenario is not None:
                ref = load(body.scenario, ds)
            else:
                ref = load_text(body.yaml or "", "editor.yaml", ds)
        except InputError as exc:
            raise _bad_scenario(loc, exc) from None
        years = body.horizon_years or months_between(ref.start, ref.horizon) / 12
        if years > limits.max_years:
            raise HTTPException(
                422,
                [{"loc": list(loc), "msg": f"horizon at most {limits.max_years:g} years: the scenario "
                  f"runs {years:.4g}; give horizon_years", "type": "scenario"}],
            )  # fmt: skip
        job = jobs.submit(ref, ref.name, body.runs, body.seed, body.horizon_years)
        if job is None:
            raise HTTPException(429, f"{limits.max_jobs} jobs are already running: wait or cancel one")
        return job.public()

    # the request model holds this server's limits, so it is made here, and given to FastAPI as an
    # object (a name in the annotation would be looked up among the module's globals)
    start_run.__annotations__["body"] = RunRequest
    app.post(
        "/api/runs",
        status_code=202,
        responses={429: _refusal("Too many jobs queued or running"), **WITH_BODY},
        response_model=JobStatus,
    )(start_run)

    @app.get("/api/jobs/{job_id}", responses=NOT_FOUND, response_model=JobStatus)
    def job(job_id: str) -> dict[str, Any]:
        """A job's status and progress."""
        if job_id not in jobs.jobs:
            raise HTTPException(404, f"no job {job_id!r}")
        return jobs.jobs[job_id].public()

    @app.delete("/api/jobs/{job_id}", responses=NOT_FOUND, response_model=JobStatus)
    def cancel(job_id: str) -> dict[str, Any]:
        """Cancel a queued or running job."""
        if job_id not in jobs.jobs:
            raise HTTPException(404, f"no job {job_id!r}")
        jobs.jobs[job_id].cancel.set()
        return jobs.jobs[job_id].public()

    @app.get("/api/runs")
    def runs() -> list[dict[str, Any]]:
        """Stored runs, newest first (the same store as ``reesim runs list``)."""
        frame = store.list_runs()
        return [
            strict({k: (str(v) if k == "created" else v) for k, v in row.items()})
            for row in frame.to_dict("records")
        ]

    def _done(run_id: str) -> Any:
        try:
            return cache.get(run_id)
        except InputError as exc:
            raise HTTPException(404, _problems(exc)[0]["text"]) from None

    @app.get("/api/runs/{run_id}", responses=NOT_FOUND)
    def run(run_id: str) -> dict[str, Any]:
        """A stored run: its record and headline indicators."""
        done = _done(run_id)
        r = done.record
        out: dict[str, Any] = strict(
            {"id": r.id, "scenario": r.scenario, "title": r.title, "runs": r.runs, "seed": r.seed,
             "created": r.created, "headline": done.headline.to_dict()}
        )  # fmt: skip
        return out

    @app.get("/api/runs/{run_id}/series", responses={**NOT_FOUND, **INVALID})
    def run_series(
        run_id: str, place: str = Query("USA", max_length=40), item: str = Query("magnets", max_length=20)
    ) -> dict[str, Any]:
        """Monthly demand and shortfall of ``item`` at ``place`` (P10/P50/P90 over runs), and the race."""
        import numpy as np

        s = _done(run_id).batch.series
        if place not in s["place"].values or item not in s["item"].values:
            raise HTTPException(
                404, f"no series for {place!r}/{item!r}; places: {list(map(str, s['place'].values))}"
            )

        def q(values: Any) -> dict[str, list[float]]:
            p10, p50, p90 = np.quantile(np.asarray(values), [0.1, 0.5, 0.9], axis=0)
            return {"p10": p10.tolist(), "p50": p50.tolist(), "p90": p90.tolist()}

        race = {
            str(st): {"made": q(s["production_outside"].sel(stage=st).values),
                      "used": q(s["use_outside"].sel(stage=st).values)}
            for st in s["stage"].values
        }  # fmt: skip
        out: dict[str, Any] = strict(
            {"months": [str(m) for m in s["month"].values], "places": list(map(str, s["place"].values)),
             "items": list(map(str, s["item"].values)),
             "demand": q(s["demand"].sel(place=place, item=item).values),
             "unmet": q(s["unmet"].sel(place=place, item=item).values), "race": race}
        )  # fmt: skip
        return out

    busy = _refusal(
        f"Reading the runs back took longer than {limits.max_compare_seconds:g} s; the runs read are "
        "kept, so asking again goes on from there"
    )

    @app.get("/api/compare", responses={**NOT_FOUND, **INVALID, 503: busy})
    def compare(
        ids: str = Query(
            max_length=200,
            description=f"Two to {limits.max_compare} run ids separated by commas, not all the same",
            json_schema_extra={
                "pattern": rf"^(?!([^,]+)(,\1)*$)[^,]+(,[^,]+){{1,{limits.max_compare - 1}}}$"
            },
        ),
    ) -> dict[str, Any]:
        """Indicators of two or more stored runs side by side, with differences. Runs are read back
        within a time budget (503 once it is spent; the runs read are kept for the next request)."""
        from reesim.report.compare_report import compare_rows

        parts = compare_ids(ids, limits.max_compare)
        try:
            done = cache.get_many(parts, limits.max_compare_seconds)
        except InputError as exc:
            raise HTTPException(404, _problems(exc)[0]["text"]) from None
        except OverBudgetError as exc:
            raise HTTPException(503, str(exc)) from None
        columns, rows = compare_rows(done)
        return {"columns": columns, "rows": rows}

    @app.get("/api/data/{table}", responses={**NOT_FOUND, **INVALID})
    def data(table: str, limit: int = Query(200, ge=1, le=2000)) -> dict[str, Any]:
        """A dataset table (first ``limit`` rows) with the sources its rows cite."""
        if table not in ds.tables:
            raise HTTPException(404, f"no table {table!r}; tables: {', '.join(ds.tables)}")
        frame = ds[table].drop(columns=["line"], errors="ignore").head(limit)
        cited = {s for ids in frame.get("source_id", []) for s in str(ids).split(";")}
        sources = ds.sources[ds.sources["source_id"].isin(cited)].drop(columns=["line"], errors="ignore")
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        cites = sources.astype(object).where(sources.notna(), None).to_dict("records")
        out: dict[str, Any] = strict({"table": table, "rows": rows, "sources": cites})
        return out

    @app.get("/api/tables")
    def tables() -> list[str]:
        """Names of the dataset's tables."""
        return list(ds.tables)

    @app.get("/api/timeline")
    def timeline() -> list[dict[str, Any]]:
        """The policy events, oldest first, with their sources."""
        events = ds["events"].drop(columns=["line"], errors="ignore")
        return list(strict(events.astype(object).where(events.notna(), None).to_dict("records")))

    return app
