"""Pipelined chunks (reesim.uncertainty.pipeline): the same results in the same order as the
steps run one after the other, with the Python steps really overlapping the simulation."""

from __future__ import annotations

import threading

import pytest

from reesim.uncertainty.pipeline import overlapped


def _prepare(job: int) -> int:
    return job * 10


def _simulate(ready: int) -> int:
    return ready + 1


def _finish(job: int, ready: int, done: int) -> tuple[int, int, int]:
    return job, ready, done


@pytest.mark.parametrize("n", [0, 1, 2, 7])
def test_results_are_those_of_the_steps_in_order(n: int) -> None:
    jobs = list(range(n))
    expected = [_finish(j, _prepare(j), _simulate(_prepare(j))) for j in jobs]
    assert list(overlapped(jobs, _prepare, _simulate, _finish)) == expected


def test_next_job_is_prepared_on_another_thread_while_this_one_simulates() -> None:
    """simulate(0) waits until prepare(1) has started: without overlap it would time out."""
    main = threading.get_ident()
    started = threading.Event()
    threads: dict[str, set[int]] = {"prepare": set(), "simulate": set(), "finish": set()}

    def prepare(job: int) -> int:
        threads["prepare"].add(threading.get_ident())
        if job == 1:
            started.set()
        return job

    def simulate(ready: int) -> bool:
        threads["simulate"].add(threading.get_ident())
        return started.wait(timeout=10) if ready == 0 else True

    def finish(job: int, ready: int, done: bool) -> bool:
        threads["finish"].add(threading.get_ident())
        return done

    assert list(overlapped([0, 1, 2], prepare, simulate, finish)) == [True, True, True]
    assert threads["simulate"] == {main}
    assert main not in threads["prepare"] | threads["finish"]


def test_an_error_is_raised_in_job_order_after_the_results_before_it() -> None:
    def prepare(job: int) -> int:
        if job == 2:
            raise ValueError("job 2 cannot be drawn")
        return job

    got: list[tuple[int, int, int]] = []
    with pytest.raises(ValueError, match="job 2 cannot be drawn"):
        for result in overlapped(range(5), prepare, _simulate, _finish):
            got.append(result)
    assert got == [(0, 0, 1), (1, 1, 2)]  # every job before the failing one


def test_fast_kernel_calls_from_two_threads_take_turns_and_agree() -> None:
    """The kernel releases the GIL: calls from two threads at once (the dashboard's job workers)
    take turns and give what one call alone gives."""
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np
    from tests.test_engine_invariants import BASE, DS

    from reesim.kernel.fast import run_fast
    from reesim.model.compile import compile_scenario
    from reesim.model.scenario import ExportControl, Scenario

    scenario = Scenario("ban", start="2025-01", months=12, instruments=(
        ExportControl(exporter="CHN", materials=("magnet",), start="2025-03", approval_share=0.2),
    ))  # fmt: skip
    inputs = compile_scenario(scenario, DS, BASE)
    alone = run_fast(inputs, runs=3)
    with ThreadPoolExecutor(max_workers=2) as pool:
        both = list(pool.map(lambda _: run_fast(inputs, runs=3), range(4)))
    for out in both:
        assert np.array_equal(out.imports, alone.imports)
        assert np.array_equal(out.unmet, alone.unmet)
