"""Load test of the dashboard, on loopback only and bounded in time.

Starts the app on 127.0.0.1 (a free port), then ``--clients`` threads for ``--seconds`` each
repeat: start a small run (the baseline over three months), poll its job until done, read the
run and its series, list the scenarios. Prints requests, errors (status >= 500 or no answer),
the p50/p95 latency of single requests, and of whole runs (start to stored). Reference: one
client alone, measured in the same run.

Run: ``.venv/bin/python benchmarks/bench_serve.py [--clients 20] [--seconds 60]``
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import uvicorn

from reesim.web.api import Limits, create_app


def call(base: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any, float]:
    """One request: status, decoded body, seconds."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            payload = json.loads(response.read() or b"null")
            return response.status, payload, time.perf_counter() - start
    except urllib.error.HTTPError as exc:
        return exc.code, None, time.perf_counter() - start
    except OSError:
        return 0, None, time.perf_counter() - start


def client(base: str, until: float, requests: list[float], runs: list[float], errors: list[str]) -> None:
    """Repeat the newcomer's loop until ``until``."""
    while time.perf_counter() < until:
        start = time.perf_counter()
        status, job, dt = call(base, "/api/runs", {"scenario": "baseline", "horizon_years": 0.25})
        requests.append(dt)
        if status >= 500 or status == 0:
            errors.append(f"POST /api/runs {status}")
            continue
        if status != 202:
            time.sleep(0.2)  # busy (429): try again
            continue
        while True:
            status, state, dt = call(base, f"/api/jobs/{job['id']}")
            requests.append(dt)
            if status != 200 or state["status"] not in {"queued", "running"}:
                break
            time.sleep(0.1)
        if status != 200 or state["status"] != "done":
            errors.append(f"job {status} {state and state.get('error')}")
            continue
        for path in (f"/api/runs/{state['run_id']}", f"/api/runs/{state['run_id']}/series", "/api/scenarios"):
            status, _, dt = call(base, path)
            requests.append(dt)
            if status != 200:
                errors.append(f"GET {path} {status}")
        runs.append(time.perf_counter() - start)


def measure(base: str, clients: int, seconds: float) -> dict[str, Any]:
    """Run ``clients`` clients for ``seconds``; latencies and errors."""
    requests: list[float] = []
    runs: list[float] = []
    errors: list[str] = []
    until = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=client, args=(base, until, requests, runs, errors)) for _ in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)

    def p(values: list[float], q: float) -> float:
        return (
            statistics.quantiles(values, n=100)[q - 1] if len(values) >= 2 else (values[0] if values else 0.0)
        )

    return {"requests": len(requests), "runs": len(runs), "errors": errors,
            "request_p50": p(requests, 50), "request_p95": p(requests, 95),
            "run_p50": p(runs, 50), "run_p95": p(runs, 95)}  # fmt: skip


def main() -> None:
    """Start the server, measure one client then many, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        limits = Limits(max_jobs=args.clients + 5)
        app = create_app(Path(tmp) / "runs.duckdb", Path(tmp) / "out", limits=limits, job_workers=2)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        call(base, "/api/scenarios")  # warm-up
        one = measure(base, 1, min(args.seconds, 20.0))
        many = measure(base, args.clients, args.seconds)
        server.should_exit = True
        thread.join(timeout=10)
    print(f"{'clients':>8} {'requests':>9} {'runs':>6} {'errors':>7} {'req p50 s':>10} {'req p95 s':>10} "
          f"{'run p50 s':>10} {'run p95 s':>10}")  # fmt: skip
    for n, m in ((1, one), (args.clients, many)):
        print(f"{n:>8} {m['requests']:>9} {m['runs']:>6} {len(m['errors']):>7} {m['request_p50']:>10.3f} "
              f"{m['request_p95']:>10.3f} {m['run_p50']:>10.2f} {m['run_p95']:>10.2f}")  # fmt: skip
    ratio = many["request_p95"] / max(one["request_p95"], 1e-9)
    print(f"p95 request latency with {args.clients} clients: {ratio:.1f}x one client")
    for e in many["errors"][:5]:
        print("error:", e)


if __name__ == "__main__":
    main()
