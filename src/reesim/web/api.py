"""The dashboard's HTTP API and pages (FastAPI).

Everything the page shows comes from these endpoints: the scenario library, live validation of a
scenario's YAML (the same messages as ``reesim validate``), runs as background jobs with progress
and cancellation, stored runs and their series for the charts, comparisons, the data tables with
their sources, and the policy timeline. Limits protect the server: runs per request, horizon,
request size, active jobs and runs per comparison, each answered with a clear 4xx. Stored runs
read back are kept in memory (:mod:`reesim.web.cache`). Every request first passes
:class:`~reesim.web.guard.Guard`: the Host header must name the address the server is bound to
(against DNS rebinding), the token must match when one is set (header ``X-Reesim-Token`` or
query ``token``), and bodies are capped while they are received. Scenario YAML sent to the API
may extend shipped scenarios only.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from reesim.errors import InputError
from reesim.web.cache import RunCache
from reesim.web.guard import Guard, allowed_hosts
from reesim.web.jobs import JobManager

STATIC = Path(str(resources.files("reesim") / "web" / "static"))


@dataclass(frozen=True)
class Limits:
    """What one request may ask for."""

    max_runs: int = 200
    max_years: float = 20.0
    max_body_bytes: int = 256_000
    max_jobs: int = 2
    max_compare: int = 8


class RunRequest(BaseModel):
    """Start a run: a shipped scenario's name, or scenario YAML (from the editor)."""

    scenario: str | None = Field(None, max_length=100, description="Shipped scenario name")
    yaml: str | None = Field(None, max_length=200_000, description="Scenario YAML text")
    runs: int = Field(1, ge=1, description="Monte Carlo runs")
    seed: int | None = Field(None, ge=0, le=2**31 - 1)
    horizon_years: float | None = Field(None, gt=0, description="Years to simulate")


class ValidateRequest(BaseModel):
    """Scenario YAML to check."""

    yaml: str = Field(max_length=200_000)


def _problems(exc: InputError) -> list[dict[str, Any]]:
    return [{"file": p.file, "line": p.line, "column": p.column, "field": p.field, "message": p.message,
             "hint": p.hint, "text": str(p)} for p in exc.problems]  # fmt: skip


def _finite(value: Any) -> Any:
    """JSON-safe numbers (inf and nan become None), recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """YAML-loaded data with dates as ``YYYY-MM-DD`` text (JSON has no dates)."""
    import datetime as dt

    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def create_app(store_path: Path | None = None, out_dir: Path = Path("reports"), token: str | None = None,
               limits: Limits | None = None, job_workers: int = 1,
               host: str = "127.0.0.1") -> FastAPI:  # fmt: skip
    """The dashboard app; runs go to the results store at ``store_path``. ``host`` is the address
    the server is bound to: it decides which Host headers are answered (see :mod:`reesim.web.guard`)."""
    from reesim.dataset import load_dataset
    from reesim.store import Store

    limits = limits or Limits()
    jobs = JobManager(store_path, out_dir, workers=job_workers, max_active=limits.max_jobs)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.close()

    app = FastAPI(title="reesim dashboard", version="1", description=__doc__, lifespan=lifespan)
    ds = load_dataset()
    store = Store(store_path)
    cache = RunCache(store, ds)
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
            raise HTTPException(
                422, {"message": "the scenario has problems", "problems": _problems(exc)}
            ) from None

    app.add_middleware(Guard, hosts=allowed_hosts(host), token=token, max_body=limits.max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        """422 with pydantic's errors; the values echoed back are made JSON-safe (no NaN)."""
        return JSONResponse({"detail": _finite(jsonable_encoder(exc.errors()))}, 422)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        path = STATIC / name
        if name not in {"app.js", "app.css"} or not path.exists():
            raise HTTPException(404, "no such file")
        return FileResponse(path)

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

    @app.post("/api/scenarios", status_code=201)
    def save(body: ValidateRequest) -> dict[str, Any]:
        """Save scenario YAML from the editor as one of your scenarios (by its ``name``)."""
        from reesim.scenarios import shipped_path
        from reesim.scenarios.catalog import load_text

        try:
            r = load_text(body.yaml, "editor.yaml", ds)
        except InputError as exc:
            raise HTTPException(
                422, {"message": "the scenario has problems", "problems": _problems(exc)}
            ) from None
        if shipped_path(r.name) is not None:
            raise HTTPException(409, f"{r.name!r} is a shipped scenario: give yours another name")
        user_dir.mkdir(parents=True, exist_ok=True)
        (user_dir / f"{r.name}.yaml").write_text(body.yaml, encoding="utf-8")
        return {"name": r.name, "saved": True}

    @app.get("/api/scenarios/{name}")
    def scenario(name: str) -> dict[str, Any]:
        """A scenario's YAML (shipped or yours) and its resolved instruments."""
        r, path = find(name)
        instruments = [i.model_dump(mode="json", by_alias=True, exclude_none=True) for i in r.instruments]
        return {"name": name, "yaml": path.read_text(encoding="utf-8"), "title": r.title,
                "start": r.start, "horizon": r.horizon, "instruments": instruments}  # fmt: skip

    @app.get("/api/scenarios/{name}/data")
    def scenario_data(name: str) -> dict[str, Any]:
        """A scenario file as plain data (for the editor's form)."""
        import yaml

        _, path = find(name)
        data: dict[str, Any] = _finite(_plain(yaml.safe_load(path.read_text(encoding="utf-8"))))
        return data

    @app.post("/api/yaml")
    def to_yaml(body: dict[str, Any]) -> dict[str, str]:
        """Plain data (the editor's form) back to YAML text."""
        import yaml

        return {"yaml": yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)}

    @app.get("/api/schema")
    def schema() -> dict[str, Any]:
        """The JSON Schema of scenario files."""
        from reesim.scenarios.spec import ScenarioFile

        result: dict[str, Any] = ScenarioFile.model_json_schema(by_alias=True)
        return result

    @app.post("/api/validate")
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

    @app.post("/api/runs", status_code=202)
    def start_run(body: RunRequest) -> dict[str, Any]:
        """Start a run in the background; poll ``/api/jobs/{id}``."""
        from reesim.scenarios import load
        from reesim.scenarios.catalog import load_text
        from reesim.scenarios.convert import months_between

        if body.runs > limits.max_runs:
            raise HTTPException(422, f"at most {limits.max_runs} runs per request")
        if (body.scenario is None) == (body.yaml is None):
            raise HTTPException(422, "give either scenario (a shipped name) or yaml")
        try:
            if body.scenario is not None and user_path(body.scenario) is not None:
                ref = find(body.scenario)[0]
            elif body.scenario is not None:
                ref = load(body.scenario, ds)
            else:
                ref = load_text(body.yaml or "", "editor.yaml", ds)
        except InputError as exc:
            raise HTTPException(
                422, {"message": "the scenario has problems", "problems": _problems(exc)}
            ) from None
        years = body.horizon_years or months_between(ref.start, ref.horizon) / 12
        if years > limits.max_years:
            raise HTTPException(422, f"horizon at most {limits.max_years:g} years")
        job = jobs.submit(ref, ref.name, body.runs, body.seed, body.horizon_years)
        if job is None:
            raise HTTPException(429, f"{limits.max_jobs} jobs are already running: wait or cancel one")
        return job.public()

    @app.get("/api/jobs/{job_id}")
    def job(job_id: str) -> dict[str, Any]:
        """A job's status and progress."""
        if job_id not in jobs.jobs:
            raise HTTPException(404, f"no job {job_id!r}")
        return jobs.jobs[job_id].public()

    @app.delete("/api/jobs/{job_id}")
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
            _finite({k: (str(v) if k == "created" else v) for k, v in row.items()})
            for row in frame.to_dict("records")
        ]

    def _done(run_id: str) -> Any:
        try:
            return cache.get(run_id)
        except InputError as exc:
            raise HTTPException(404, _problems(exc)[0]["text"]) from None

    @app.get("/api/runs/{run_id}")
    def run(run_id: str) -> dict[str, Any]:
        """A stored run: its record and headline indicators."""
        done = _done(run_id)
        r = done.record
        out: dict[str, Any] = _finite(
            {"id": r.id, "scenario": r.scenario, "title": r.title, "runs": r.runs, "seed": r.seed,
             "created": r.created, "headline": done.headline.to_dict()}
        )  # fmt: skip
        return out

    @app.get("/api/runs/{run_id}/series")
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
        out: dict[str, Any] = _finite(
            {"months": [str(m) for m in s["month"].values], "places": list(map(str, s["place"].values)),
             "items": list(map(str, s["item"].values)),
             "demand": q(s["demand"].sel(place=place, item=item).values),
             "unmet": q(s["unmet"].sel(place=place, item=item).values), "race": race}
        )  # fmt: skip
        return out

    @app.get("/api/compare")
    def compare(
        ids: str = Query(max_length=200, description="Run ids separated by commas"),
    ) -> dict[str, Any]:
        """Indicators of two or more stored runs side by side, with differences."""
        from reesim.report.compare_report import compare_rows

        parts = list(dict.fromkeys(i for i in ids.split(",") if i))
        if len(parts) < 2:
            raise HTTPException(422, "give at least two run ids")
        if len(parts) > limits.max_compare:
            raise HTTPException(422, f"at most {limits.max_compare} runs in one comparison")
        columns, rows = compare_rows([_done(i) for i in parts])
        return {"columns": columns, "rows": rows}

    @app.get("/api/data/{table}")
    def data(table: str, limit: int = Query(200, ge=1, le=2000)) -> dict[str, Any]:
        """A dataset table (first ``limit`` rows) with the sources its rows cite."""
        if table not in ds.tables:
            raise HTTPException(404, f"no table {table!r}; tables: {', '.join(ds.tables)}")
        frame = ds[table].drop(columns=["line"], errors="ignore").head(limit)
        cited = {s for ids in frame.get("source_id", []) for s in str(ids).split(";")}
        sources = ds.sources[ds.sources["source_id"].isin(cited)].drop(columns=["line"], errors="ignore")
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        cites = sources.astype(object).where(sources.notna(), None).to_dict("records")
        out: dict[str, Any] = _finite({"table": table, "rows": rows, "sources": cites})
        return out

    @app.get("/api/tables")
    def tables() -> list[str]:
        """Names of the dataset's tables."""
        return list(ds.tables)

    @app.get("/api/timeline")
    def timeline() -> list[dict[str, Any]]:
        """The policy events, oldest first, with their sources."""
        events = ds["events"].drop(columns=["line"], errors="ignore")
        return list(_finite(events.astype(object).where(events.notna(), None).to_dict("records")))

    return app
