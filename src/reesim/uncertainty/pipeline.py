"""Overlap a batch's Python steps with the compiled kernel, on one machine.

A chunk of Monte Carlo runs goes through three steps: *prepare* (draw its numbers and compile
them into kernel inputs; Python and NumPy, one core), *simulate* (the compiled kernel, which
spreads the chunk's runs over every core and releases the GIL) and *finish* (reduce the
compact series to per-run figures; Python, one core). Run one after the other, a core idles
during every Python step. :func:`overlapped` runs the Python steps on one helper thread while
the calling thread simulates: the next chunk is prepared, and the last one finished, while this
one is simulated. Each step is a pure function of its chunk, so the results, and their order,
are those of running the steps one after the other (tested); only the wall time changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

Job = TypeVar("Job")
Ready = TypeVar("Ready")
Done = TypeVar("Done")
Result = TypeVar("Result")


def overlapped(
    jobs: Sequence[Job],
    prepare: Callable[[Job], Ready],
    simulate: Callable[[Ready], Done],
    finish: Callable[[Job, Ready, Done], Result],
) -> Iterator[Result]:
    """``finish(job, ready, simulate(ready))`` with ``ready = prepare(job)`` for every job, in
    job order, with ``prepare`` and ``finish`` on a helper thread and ``simulate`` on this one.

    At most one job is prepared ahead and one waits to be finished, so memory holds about three
    chunks. An error in any step is raised here, after the results of the jobs before it; jobs
    not yet started are dropped.
    """
    if not jobs:
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reesim-prepare") as helper:
        ahead: Future[Ready] = helper.submit(prepare, jobs[0])
        waiting: Future[Result] | None = None
        try:
            for i, job in enumerate(jobs):
                try:
                    ready = ahead.result()
                except BaseException:
                    if waiting is not None:  # the jobs before this one still come out
                        yield waiting.result()
                    raise
                if i + 1 < len(jobs):
                    ahead = helper.submit(prepare, jobs[i + 1])
                done = simulate(ready)
                finished = helper.submit(finish, job, ready, done)
                if waiting is not None:
                    yield waiting.result()
                waiting = finished
            assert waiting is not None
            yield waiting.result()
        finally:
            ahead.cancel()
