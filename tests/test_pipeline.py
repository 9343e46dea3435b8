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


@pytest.mark.compile
def test_fast_kernel_calls_from_two_threads_take_turns_and_agree() -> None:
    """The kernel releases the GIL: calls from two threads at once (the dashboard's job workers)
    take turns and give what one call alone gives."""
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np
    from tests.strategies import BASE, DS

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


@pytest.mark.compile
def test_series_written_over_old_ones_equal_fresh_ones() -> None:
    """``run_fast_series(out=...)`` overwrites every value: series of an earlier chunk (here
    filled with NaN) give what fresh memory gives; a buffer of another shape is refused."""
    import numpy as np
    from tests.strategies import BASE, DS

    from reesim.kernel.fast import compact_shape, run_fast_series, shape_of
    from reesim.model.compile import compile_scenario
    from reesim.model.scenario import ExportControl, Scenario
    from reesim.results.series import place_members

    scenario = Scenario("ban", start="2025-01", months=9, instruments=(
        ExportControl(exporter="CHN", materials=("magnet",), start="2025-03", approval_share=0.2),
    ))  # fmt: skip
    inputs = compile_scenario(scenario, DS, BASE)
    members = place_members(DS, BASE)
    names = ("demand", "unmet", "magnet_stock", "stockpile", "production_outside", "use_outside", "price")
    fresh = run_fast_series(inputs, members, runs=3)
    assert shape_of(fresh) == compact_shape(inputs, members, 3)
    old = run_fast_series(inputs, members, runs=3)
    for name in names:
        getattr(old, name).fill(np.nan)
    again = run_fast_series(inputs, members, runs=3, out=old)
    assert again is old
    for name in names:
        assert np.array_equal(getattr(again, name), getattr(fresh, name)), name
    with pytest.raises(ValueError, match="expected"):
        run_fast_series(inputs, members, runs=2, out=old)


@pytest.mark.compile
def test_serial_batches_write_later_chunks_over_finished_ones() -> None:
    """The serial executor hands a finished chunk's series to a later chunk of the same shape
    (fresh memory costs the OS time to hand out and zero), and the figures are those of one chunk."""
    import numpy as np
    from tests.strategies import BASE, DS

    from reesim.engine.batch import run_batch
    from reesim.kernel import fast

    seen: list[np.ndarray] = []  # kept alive, so that no two can be different arrays at one address
    original = fast.run_fast_series

    def spy(*args: object, **kw: object) -> object:
        out = original(*args, **kw)  # type: ignore[arg-type]
        seen.append(out.demand)
        return out

    fast.run_fast_series = spy  # type: ignore[assignment]
    try:
        chunks = run_batch("race", runs=10, seed=3, horizon_years=1, dataset=DS, baseline=BASE, kernel="fast",
                           chunk_size=2)  # fmt: skip
    finally:
        fast.run_fast_series = original
    assert len(seen) == 5 and len({id(a) for a in seen}) <= 3  # five chunks in at most three buffers
    one = run_batch("race", runs=10, seed=3, horizon_years=1, dataset=DS, baseline=BASE, kernel="fast",
                    chunk_size=10)  # fmt: skip
    assert chunks.figures is not None and one.figures is not None
    for name, values in one.figures.items():
        assert np.array_equal(chunks.figures[name], values, equal_nan=True), name
    assert chunks.series is not None and one.series is not None
    assert chunks.series.equals(one.series)


def test_series_pool_hands_back_only_the_shape_asked_and_keeps_the_last_ones() -> None:
    from reesim.kernel.fast import SeriesPool, _compact_buffers, shape_of

    pool = SeriesPool(keep=2)
    small, large, other = (
        _compact_buffers(2, 3, 4, 5, 4),
        _compact_buffers(6, 3, 4, 5, 4),
        _compact_buffers(2, 3, 4, 5, 4),
    )
    assert pool.take(shape_of(small)) is None
    for c in (small, large, other):
        pool.give(c)  # small is dropped: only the last two are kept
    assert pool.take(shape_of(large)) is large
    assert pool.take(shape_of(small)) is other
    assert pool.take(shape_of(small)) is None
    roomy = SeriesPool(keep=4)
    for c in (small, large, other):
        roomy.give(c)
    assert roomy.take(shape_of(small)) is small and roomy.take(shape_of(small)) is other
