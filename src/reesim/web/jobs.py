"""Background simulation jobs for the dashboard: queued, run in a small thread pool, cancellable.

Each job runs :func:`reesim.store.runs.execute` (simulate, store), so a run started in the
browser is in the same results store as one started with ``reesim run``. The dataset and its
base year are read once for every job, the report (most of a single run's time, for charts the
page draws itself) is written only when asked for, and a finished run is handed to the page's
cache (``on_done``) instead of being read back from its files. Single runs use the compiled
kernel once :meth:`JobManager.warm` has loaded it (the reference kernel until then, so no run
waits for a compile). Progress is the number of runs done; cancelling sets a flag that the
progress callback turns into an exception between chunks of runs. The series of each chunk
finished are kept with the job while it runs, so that the page can draw the bands of the runs
done so far.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reesim.dataset.model import Dataset
from reesim.model.baseline import Baseline


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
    error: str = ""
    created: float = field(default_factory=time.time)
    cancel: threading.Event = field(default_factory=threading.Event)
    parts: list[Any] = field(default_factory=list)  # series of the chunks of runs finished so far

    def public(self) -> dict[str, Any]:
        """What the API shows."""
        return {"id": self.id, "scenario": self.scenario, "runs": self.runs, "status": self.status,
                "done": self.done, "run_id": self.run_id, "error": self.error}  # fmt: skip


class JobManager:
    """Runs jobs ``workers`` at a time; at most ``max_active`` queued or running."""

    def __init__(self, store_path: Path | None, out_dir: Path, workers: int = 1, max_active: int = 2,
                 dataset: Dataset | None = None, baseline: Baseline | None = None,
                 on_done: Callable[[Any], None] | None = None) -> None:  # fmt: skip
        from reesim.dataset import load_dataset
        from reesim.model.baseline import build_baseline

        self.store_path, self.out_dir, self.max_active = store_path, out_dir, max_active
        self.ds = dataset or load_dataset()
        self.base = baseline or build_baseline(self.ds)
        self.on_done = on_done
        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        self.fast = threading.Event()  # set once the compiled kernel is loaded in this process

    def warm(self) -> threading.Thread:
        """Load the compiled kernel in the background (compiling it if this machine never has):
        until it is loaded, runs use the reference kernel."""

        def load() -> None:
            from reesim.engine.run import run

            try:
                run("baseline", dataset=self.ds, baseline=self.base, kernel="fast", horizon=1 / 12)
            except Exception:  # the reference kernel keeps serving
                return
            self.fast.set()

        thread = threading.Thread(target=load, name="reesim-kernel-warm", daemon=True)
        thread.start()
        return thread

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
                           horizon_years=horizon, progress=progress, dataset=self.ds, baseline=self.base,
                           report=False, kernel="fast" if self.fast.is_set() else "auto",
                           on_chunk=job.parts.append)  # fmt: skip
        except CancelledError:
            job.status = "cancelled"
            job.parts.clear()
            return
        except Exception as exc:  # reported to the browser, not raised in the server
            job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"
            job.parts.clear()
            return
        if self.on_done is not None:
            self.on_done(done)
        job.parts.clear()  # the stored run has them all
        job.run_id, job.done, job.status = done.record.id, job.runs, "done"

    def close(self) -> None:
        """Stop accepting work; cancel what waits."""
        for job in self.jobs.values():
            job.cancel.set()
        self.pool.shutdown(wait=False, cancel_futures=True)
