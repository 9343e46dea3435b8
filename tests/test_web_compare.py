"""The dashboard's comparison on the calendar and its world map, through the API: runs that
start in different months are aligned by month; the map's figures per node and month, and its
shipments; bad requests are documented 4xx with a message."""

from __future__ import annotations

import time
import typing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from reesim.web import compare, routes, worldmap
from reesim.web.api import Limits, create_app

#: april-2025 as shipped, but starting six months earlier: its controls keep their calendar dates.
EARLY = "name: april-early\nextends: april-2025\nstart: 2024-07\nhorizon: 2025-12\n"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    folder = tmp_path_factory.mktemp("cmp")
    app = create_app(folder / "runs.duckdb", folder / "out", limits=Limits(max_years=5, max_jobs=1))
    return TestClient(app, base_url="http://localhost")


def _run(client: TestClient, body: dict[str, object]) -> str:
    job = client.post("/api/runs", json=body)
    assert job.status_code == 202, job.text
    for _ in range(600):
        state = client.get(f"/api/jobs/{job.json()['id']}").json()
        if state["status"] not in {"queued", "running"}:
            assert state["status"] == "done", state
            return str(state["run_id"])
        time.sleep(0.05)
    raise AssertionError("the run did not finish")


@pytest.fixture(scope="module")
def runs(client: TestClient) -> tuple[str, str]:
    return _run(client, {"scenario": "april-2025", "horizon_years": 1}), _run(client, {"yaml": EARLY})


def test_runs_are_aligned_by_calendar_month(client: TestClient, runs: tuple[str, str]) -> None:
    april, early = runs
    c = client.get("/api/compare/series", params={"ids": f"{april},{early}", "place": "EU"}).json()
    months = c["months"]
    assert months[0] == "2024-07" and months[-1] == "2025-12" and len(months) == 18
    first, second = c["runs"]
    assert (first["start"], first["end"], second["start"], second["end"]) == (
        "2025-01", "2025-12", "2024-07", "2025-12"
    )  # fmt: skip
    # the run that starts in January has nothing before it; both are short from June 2025 on (the
    # carmakers, who hold weeks of magnets)
    assert first["p50"][:6] == [None] * 6 and first["p50"][6] == 0.0
    assert first["first_above_zero"] == second["first_above_zero"] == "2025-06"
    june = months.index("2025-06")
    assert first["p50"][june] > 1 and second["p50"][june] > 1 and second["p50"][june - 1] == 0.0
    diff = c["differences"][0]
    assert diff["id"] == early and diff["values"][:6] == [None] * 6
    assert diff["largest"]["month"] >= "2025-01"  # a month both runs cover


def test_indicators_places_items_and_stages(client: TestClient, runs: tuple[str, str]) -> None:
    ids = ",".join(runs)
    for params, unit in [
        ({"indicator": "shortfall_share", "place": "Korea", "item": "Dy"}, "%"),
        ({"indicator": "cover", "place": "Japan"}, "months of demand"),
        ({"indicator": "price", "item": "Tb"}, "USD/kg"),
        ({"indicator": "production_outside", "stage": "separation"}, "t REO-eq per month"),
    ]:
        c = client.get("/api/compare/series", params={"ids": ids, **params}).json()
        assert c["unit"] == unit and len(c["runs"][0]["p10"]) == 18, params
        assert all(v is None or v >= 0 for r in c["runs"] for v in r["p50"])
    price = client.get("/api/compare/series", params={"ids": ids, "indicator": "price", "item": "Dy"}).json()
    assert price["runs"][1]["p50"][0] > 100  # dysprosium oxide-equivalent, USD/kg


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"ids": "one"}, 422, "ids"),
        ({"ids": "{a},{a}"}, 422, "at least two different run ids"),
        ({"ids": "{a},nosuchrun"}, 404, "nosuchrun"),
        ({"ids": "{a},{b}", "place": "Atlantis"}, 404, "no place 'Atlantis'"),
        ({"ids": "{a},{b}", "indicator": "mood"}, 422, "indicator"),
    ],
)
def test_bad_comparisons_are_4xx(
    client: TestClient, runs: tuple[str, str], params: dict[str, str], status: int, message: str
) -> None:
    params = {k: v.format(a=runs[0], b=runs[1]) for k, v in params.items()}
    response = client.get("/api/compare/series", params=params)
    assert response.status_code == status and message in response.text, response.text


def test_map_has_every_node_month_and_the_largest_shipments(
    client: TestClient, runs: tuple[str, str]
) -> None:
    m = client.get(f"/api/runs/{runs[0]}/map").json()
    assert m["months"][0] == "2025-01" and len(m["months"]) == 12
    nodes = {n["id"]: n for n in m["nodes"]}
    assert "DEU" in nodes["DEU"]["countries"] and "AUT" in nodes["XEU"]["countries"]
    assert set(m["values"]) == set(nodes) and all(len(v) == 12 for v in m["values"].values())
    assert max(m["values"]["CHN"]) == 0.0  # China is never short of magnets here
    # May on: the carmakers, who hold weeks of magnets, run out first in Korea and the EU ...
    assert max(v or 0 for node in ("KOR", "XEU", "DEU") for v in m["values"][node][4:]) > 1
    assert all(v in (None, 0.0) for node in nodes for v in m["values"][node][:4])
    assert max(v or 0 for v in m["values"]["USA"][4:5]) < 5  # ... while the US's hold on in May
    months = {f[0] for f in m["flows"]}
    assert months == set(range(12))
    assert all(f[1] in nodes and f[2] in nodes and f[1] != f[2] and f[3] > 0 for f in m["flows"])
    first = [f for f in m["flows"] if f[0] == 0]
    assert first[0][1] == "CHN" and len(first) <= worldmap.MAX_FLOWS
    dy = client.get(
        f"/api/runs/{runs[0]}/map", params={"indicator": "price", "material": "oxide", "element": "Dy"}
    )
    prices = dy.json()["values"]
    assert prices["CHN"][0] > 0  # one base-year price (as far as the first month's growth moves it) ...
    assert prices["USA"][0] == pytest.approx(prices["CHN"][0], rel=1e-3)  # ... then controls split them
    assert prices["USA"][-1] == prices["DEU"][-1]
    assert prices["USA"][-1] / prices["CHN"][-1] == pytest.approx(1.198, abs=0.015)  # split by the controls


def test_map_refusals(client: TestClient, runs: tuple[str, str]) -> None:
    bad = client.get(f"/api/runs/{runs[0]}/map", params={"element": "Xx"})
    assert bad.status_code == 404 and "no element 'Xx'" in bad.text
    assert client.get(f"/api/runs/{runs[0]}/map", params={"material": "ore"}).status_code == 422
    assert client.get("/api/runs/nosuchrun/map").status_code == 404


def test_report_is_written_when_asked(client: TestClient, runs: tuple[str, str]) -> None:
    page = client.get(f"/api/runs/{runs[0]}/report")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "april-2025" in page.text and "<svg" in page.text


def test_static_folders_serve_only_their_files(client: TestClient) -> None:
    assert client.get("/static/vendor/vega-lite.min.js").status_code == 200
    assert client.get("/static/views/compare.js").status_code == 200
    for path in (
        "/static/vendor/../api.py",
        "/static/views/x.py",
        "/static/other/app.js",
        "/static/vendor/.x.js",
    ):
        assert client.get(path).status_code == 404, path


def test_choices_match_the_indicators() -> None:
    assert set(typing.get_args(routes.Indicator)) == set(compare.INDICATORS)
    assert set(typing.get_args(routes.MapIndicator)) == set(worldmap.INDICATORS)
    assert set(typing.get_args(routes.Material)) == {"concentrate", "oxide", "metal", "magnet"}
    assert set(worldmap.POINTS) >= {"CHN", "USA", "XEU", "ROW"}
    assert Path(routes.__file__).parent.joinpath("static", "vendor", "world-110m.json").is_file()


def test_bands_of_the_runs_done_so_far() -> None:
    """Each chunk's series reach the job as it finishes; the bands grow with the runs."""
    from reesim.engine.batch import run_batch
    from reesim.web.compare import partial_bands

    parts: list[object] = []
    batch = run_batch("april-2025", runs=8, seed=3, horizon_years=1, kernel="reference", chunk_size=4,
                      on_chunk=parts.append)  # fmt: skip
    assert [p.sizes["run"] for p in parts] == [4, 4]  # type: ignore[attr-defined]
    first = partial_bands(parts[:1], "EU", "magnets")  # type: ignore[arg-type]
    both = partial_bands(parts, "EU", "magnets")  # type: ignore[arg-type]
    assert (first["runs"], both["runs"], len(both["months"])) == (4, 8, 12)
    june = both["months"].index("2025-06")
    assert both["unmet"]["p10"][june] <= both["unmet"]["p50"][june] <= both["unmet"]["p90"][june]
    assert both["unmet"]["p90"][june] > 0
    assert batch.series.sizes["run"] == 8
    assert partial_bands([], "EU", "magnets") == {"runs": 0, "months": [], "demand": None, "unmet": None}


def test_job_series_once_ended_and_unknown(client: TestClient, runs: tuple[str, str]) -> None:
    jobs = client.app.state.jobs  # type: ignore[attr-defined]
    ended = next(iter(jobs.jobs))
    assert client.get(f"/api/jobs/{ended}/series").json()["runs"] == 0  # its stored run has them all
    assert client.get("/api/jobs/nosuchjob/series").status_code == 404


def test_with_a_token_the_page_asks_for_its_files_with_it(tmp_path: Path) -> None:
    guarded = TestClient(
        create_app(tmp_path / "runs.duckdb", tmp_path, token="s3cret/token"), base_url="http://localhost"
    )
    page = guarded.get("/", params={"token": "s3cret/token"}).text
    assert 'src="static/vendor/vega.min.js?token=s3cret%2Ftoken"' in page
    assert 'href="static/views/views.css?token=s3cret%2Ftoken"' in page
    assert guarded.get("/static/views/charts.js", params={"token": "s3cret/token"}).status_code == 200
    assert guarded.get("/static/views/charts.js").status_code == 401


def test_map_of_a_run_built_in_python_is_refused(client: TestClient, tmp_path: Path) -> None:
    """Such a run keeps no scenario file, so the map could not simulate its instruments again."""
    from reesim.model.scenario import Scenario
    from reesim.store.runs import execute

    cache = client.app.state.runs  # type: ignore[attr-defined]
    done = execute(Scenario("plain", start="2025-01", months=3), cache.store, tmp_path, report=False)
    answer = client.get(f"/api/runs/{done.record.id}/map")
    assert answer.status_code == 422 and "scenario built in Python" in answer.text
