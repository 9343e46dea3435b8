"""Background simulation jobs for the dashboard: queued, run in a small thread pool, cancellable.

Each job runs :func:`reesim.store.runs.execute` (simulate, store, report), so a run started in
the browser is in the same results store as one started with ``reesim run``. Progress is the
number of runs done; cancelling sets a flag that the progress callback turns into an exception
between chunks of runs.
"""

from __future__ import annotations

import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class CancelledError(Exception):
    """Raised inside a job whose cancellation was requested."""


@dataclass
class Job:
    """One simulation request and where it stands."""

    id: str
    scenario: str
    runs: int
    status: str = "queued"  # queued | running | done | failed | cancelled
    done: int = 0
    run_id: str = ""
    report: str = ""
    error: str = ""
    created: float = field(default_factory=time.time)
    cancel: threading.Event = field(default_factory=threading.Event)

    def public(self) -> dict[str, Any]:
        """What the API shows."""
        return {"id": self.id, "scenario": self.scenario, "runs": self.runs, "status": self.status,
                "done": self.done, "run_id": self.run_id, "error": self.error}  # fmt: skip


class JobManager:
    """Runs jobs ``workers`` at a time; at most ``max_active`` queued or running."""

    def __init__(self, store_path: Path | None, out_dir: Path, workers: int = 1, max_active: int = 2) -> None:
        self.store_path, self.out_dir, self.max_active = store_path, out_dir, max_active
        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()

    def active(self) -> int:
        """Jobs queued or running."""
        return sum(1 for j in self.jobs.values() if j.status in {"queued", "running"})

    def submit(self, ref: Any, label: str, runs: int, seed: int | None, horizon: float | None) -> Job | None:
        """Queue a job; None if too many are active."""
        with self.lock:
            if self.active() >= self.max_active:
                return None
            job = Job(secrets.token_hex(4), label, runs)
            self.jobs[job.id] = job
        self.pool.submit(self._run, job, ref, seed, horizon)
        return job

    def _run(self, job: Job, ref: Any, seed: int | None, horizon: float | None) -> None:
        from reesim.store import Store
        from reesim.store.runs import execute

        if job.cancel.is_set():
            job.status = "cancelled"
            return
        job.status = "running"

        def progress(done: int, total: int) -> None:
            job.done = done
            if job.cancel.is_set():
                raise CancelledError

        try:
            done = execute(ref, Store(self.store_path), self.out_dir, runs=job.runs, seed=seed,
                           horizon_years=horizon, progress=progress)  # fmt: skip
        except CancelledError:
            job.status = "cancelled"
            return
        except Exception as exc:  # reported to the browser, not raised in the server
            job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"
            return
        job.run_id, job.report, job.done, job.status = done.record.id, str(done.report), job.runs, "done"
        if done.record.report_error:  # stored and shown, but its HTML report is missing
            from reesim.store.runs import report_note

            job.report, job.error = "", report_note(done.record)

    def close(self) -> None:
        """Stop accepting work; cancel what waits."""
        for job in self.jobs.values():
            job.cancel.set()
        self.pool.shutdown(wait=False, cancel_futures=True)
