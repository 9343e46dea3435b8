"""The dashboard's endpoints for comparing runs on the calendar, the world map, a run's report
written when asked for, and the page's scripts and vendored libraries.

Kept apart from :mod:`reesim.web.api` (the scenario library, the editor, jobs and stored runs);
:func:`add_routes` adds them to the app it builds. Every answer is documented in the OpenAPI
schema; refusals are ``{"detail": ...}`` as everywhere in the API.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import FileResponse, HTMLResponse

from reesim.errors import InputError
from reesim.store.store import Store
from reesim.web.cache import RunCache
from reesim.web.compare import NoSeriesError, aligned, partial_bands
from reesim.web.jobs import JobManager
from reesim.web.worldmap import Simulations, map_data

#: Folders of the page's own scripts and of the vendored libraries and boundaries, and the kinds of
#: file served from them.
FOLDERS = {"views": {".js", ".css"}, "vendor": {".js", ".json", ".txt", ".md"}}

#: The choices of the query parameters (the dictionaries they name are checked against them in tests).
Indicator = Literal["shortfall", "shortfall_share", "demand", "cover", "stockpile", "released", "price",
                    "price_ratio", "production_outside", "use_outside"]  # fmt: skip
MapIndicator = Literal["shortfall_share", "shortfall", "cover", "stockpile", "price"]
Material = Literal["concentrate", "oxide", "metal", "magnet"]


Responses = dict[int | str, dict[str, Any]]


def unprocessable(loc: tuple[str, ...], msg: str) -> HTTPException:
    """422 with one problem at ``loc``, shaped as FastAPI's validation errors."""
    return HTTPException(422, [{"loc": list(loc), "msg": msg, "type": "value_error"}])


def compare_ids(ids: str, most: int) -> list[str]:
    """The run ids of a comparison's ``ids`` query (comma-separated): 2 to ``most`` different
    ones, else 422 saying what is wrong."""
    parts = ids.split(",")
    if len(parts) > most:
        raise unprocessable(("query", "ids"), f"at most {most} runs in one comparison")
    if "" in parts:
        raise unprocessable(("query", "ids"), "an empty run id: separate ids by single commas")
    parts = list(dict.fromkeys(parts))
    if len(parts) < 2:
        raise unprocessable(("query", "ids"), "give at least two different run ids")
    return parts


def add_routes(app: FastAPI, static: Path, store: Store, cache: RunCache, sims: Simulations, jobs: JobManager,
               out_dir: Path, max_compare: int, max_years: float, not_found: Responses,
               invalid: Responses) -> None:  # fmt: skip
    """Add the endpoints of this module to ``app``; ``not_found`` and ``invalid`` document the
    404 and 422 answers as the rest of the API does."""
    NOT_FOUND, INVALID = not_found, invalid  # noqa: N806 (named as in reesim.web.api)

    def done(run_id: str) -> Any:
        try:
            return cache.get(run_id)
        except InputError as exc:
            raise HTTPException(404, str(exc.problems[0])) from None

    @app.get("/static/{folder}/{name}", include_in_schema=False)
    def static_file(folder: str, name: str) -> FileResponse:
        path = static / folder / name
        kinds = FOLDERS.get(folder, set())
        if path.suffix not in kinds or "/" in name or name.startswith(".") or not path.is_file():
            raise HTTPException(404, "no such file")
        return FileResponse(path, headers={"Cache-Control": "max-age=3600"})

    @app.get("/api/jobs/{job_id}/series", responses={**NOT_FOUND, **INVALID})
    def job_series(
        job_id: str,
        place: str = Query("EU", max_length=40, description="A place of the series"),
        item: str = Query("magnets", max_length=20, description="magnets or an element"),
    ) -> dict[str, Any]:
        """Monthly demand and shortfall of ``item`` at ``place`` over the runs of a Monte Carlo job
        finished so far (P10/P50/P90), while it runs: ``runs`` is how many (0 before the first
        chunk of runs ends, and again once the job has ended: its stored run has them all)."""
        if job_id not in jobs.jobs:
            raise HTTPException(404, f"no job {job_id!r}")
        try:
            return partial_bands(list(jobs.jobs[job_id].parts), place, item)
        except NoSeriesError as exc:
            raise HTTPException(404, str(exc)) from None

    @app.get("/api/compare/series", responses={**NOT_FOUND, **INVALID})
    def compare_series(
        ids: str = Query(
            max_length=200,
            description=f"Two to {max_compare} run ids separated by commas, not all the same",
            json_schema_extra={"pattern": rf"^(?!([^,]+)(,\1)*$)[^,]+(,[^,]+){{1,{max_compare - 1}}}$"},
        ),
        indicator: Annotated[Indicator, Query(description="What to draw")] = "shortfall",
        place: str = Query("EU", max_length=40, description="For indicators by place"),
        item: str = Query("magnets", max_length=20, description="magnets or an element, where it applies"),
        stage: str = Query("magnets", max_length=20, description="mining, separation, metal or magnets"),
    ) -> dict[str, Any]:
        """One indicator of two or more stored runs on the calendar months of all of them: each
        run's P10, P50 and P90 (``null`` in months a run does not cover), its first month above
        zero, and each later run's median less the first run's, with the largest difference."""
        runs = [done(i) for i in compare_ids(ids, max_compare)]
        try:
            return aligned(runs, indicator, place, item, stage)
        except NoSeriesError as exc:
            raise HTTPException(404, str(exc)) from None

    @app.get("/api/runs/{run_id}/map", responses={**NOT_FOUND, **INVALID})
    def world_map(
        run_id: str,
        indicator: Annotated[
            MapIndicator, Query(description="What colours the countries")
        ] = "shortfall_share",
        material: Annotated[Material, Query(description="concentrate, oxide, metal or magnet")] = "magnet",
        element: str = Query("all", max_length=4, description="An element symbol, or all"),
    ) -> dict[str, Any]:
        """Per model node and month, one indicator of a stored run's central scenario for a
        material and element, with the largest shipments between nodes each month (for the map).
        The first request for a run simulates its central scenario again (about a second), one
        request at a time, for runs of at most the dashboard's horizon limit and stored from a
        scenario file (422 otherwise)."""
        d = done(run_id)
        if d.batch.resolved is None:  # stored from an engine Scenario: its instruments are not kept
            raise HTTPException(422, [{"loc": ["path", "run_id"], "type": "value_error",
                                       "msg": "the map needs the run's scenario file, and this run "
                                              "was stored from a scenario built in Python"}])  # fmt: skip
        months = d.batch.series.sizes["month"]
        if months > round(max_years * 12):
            raise HTTPException(422, [{"loc": ["path", "run_id"], "type": "value_error",
                                       "msg": f"the map shows runs of at most {max_years:g} years; "
                                              f"this one has {months} months"}])  # fmt: skip
        try:
            return map_data(d, sims, indicator, material, element)
        except LookupError as exc:
            raise HTTPException(404, str(exc)) from None

    @app.get(
        "/api/runs/{run_id}/report",
        responses={
            200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "The report"},
            **NOT_FOUND,
        },
    )
    def report(run_id: str) -> HTMLResponse:
        """A stored run's report (self-contained HTML), written to the reports folder when first
        asked for: runs started here are stored without one, since the page draws its own charts."""
        from reesim.store.runs import with_report

        d = done(run_id)
        path = Path(d.record.report) if d.record.report else None
        if path is None or not path.is_file():
            d = with_report(d, sims.ds, out_dir, store)
            cache.put(d)
            if d.record.report_error:  # a bug in the report: the run stays stored, and says so
                from reesim.store.runs import report_note

                return HTMLResponse(f"<p>{html.escape(report_note(d.record))}</p>", status_code=500)
            path = d.report
        return HTMLResponse(path.read_text(encoding="utf-8"))
