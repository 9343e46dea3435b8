"""Benchmark: the monthly kernel on the full dataset.

Prints, all measured in this run:
- one deterministic 20-year (240-month) run: fast kernel (full outputs) and reference kernel,
  median of repeats after a warm-up, and the fast kernel's speed-up;
- Monte Carlo as ``reesim run`` does it (default 10,000 runs; ``--runs N``): the flagship
  ``race`` scenario extended to 240 months, every distribution and ranged parameter drawn per
  run, runs drawn and compiled together in chunks, the kernel keeping compact series only:
  seconds (one step after the other, of which the kernel; and pipelined, the next chunk drawn
  on a helper thread while the kernel runs), run-months per second, the ratio to the reference
  kernel doing the same runs (extrapolated from its one-run time), and peak resident memory;
- how time grows with runs and months (a small table).

Run: ``.venv/bin/python benchmarks/bench_kernel.py [--runs 10000] [--chunk 512]``
"""

from __future__ import annotations

import argparse
import resource
import time

from timing import median_seconds

from reesim.dataset import load_dataset
from reesim.engine.batch import with_horizon
from reesim.kernel.fast import SeriesPool, compact_shape, run_fast, run_fast_series
from reesim.kernel.reference import run_reference
from reesim.kernel.state import Compact
from reesim.model.baseline import build_baseline
from reesim.model.compile import Inputs, compile_scenario
from reesim.model.scenario import CapacityProject, ExportControl, Scenario
from reesim.results.series import place_members
from reesim.scenarios import catalog
from reesim.uncertainty.pipeline import overlapped
from reesim.uncertainty.sample import draw_batch

MONTHS = 240


def scenario(months: int) -> Scenario:
    """A busy scenario: controls with review delays and a content rule, and new capacity."""
    return Scenario("bench", start="2025-01", months=months, instruments=(
        ExportControl(exporter="CHN", materials=("oxide", "metal", "magnet"), elements=("Dy", "Tb", "Sm"),
                      start="2025-04", review_months=2, approval_share=0.5, content_threshold=0.001),
        ExportControl(exporter="CHN", materials=("magnet",), destinations=("USA",), start="2026-11",
                      approval_share=0.2, defence_denied=True),
        CapacityProject(node="USA", material="magnet", nameplate=3000, start="2026-01", ramp_months=24),
        CapacityProject(node="AUS", material="oxide", nameplate=5000, start="2027-01", ramp_months=36),
    ))  # fmt: skip


def monte_carlo(runs: int, chunk: int, reuse: bool = True) -> tuple[float, float, int]:
    """(seconds for everything, seconds in the kernel, months) for ``runs`` runs of race over
    240 months: draw, compile and simulate chunks of ``chunk`` runs (compact series, written over
    the last chunk's as ``reesim run`` does, or if not ``reuse`` into fresh memory each chunk)."""
    ds = load_dataset()
    base = build_baseline(ds)
    race = with_horizon(catalog.load("race", ds), MONTHS / 12)
    members = place_members(ds, base)
    total = kernel = 0.0
    months = 0
    pool = SeriesPool(keep=1)
    for a in range(0, runs, chunk):
        start = time.perf_counter()
        indices = tuple(range(a, min(a + chunk, runs)))
        inputs = compile_scenario(draw_batch(race, ds, 1, indices), ds, base)
        mid = time.perf_counter()
        out = pool.take(compact_shape(inputs, members)) if reuse else None
        pool.give(run_fast_series(inputs, members, out=out))
        end = time.perf_counter()
        total += end - start
        kernel += end - mid
        months = len(inputs.months)
    return total, kernel, months


def pipelined(runs: int, chunk: int) -> float:
    """Seconds for the same runs as :func:`monte_carlo`, with each chunk drawn and compiled on a
    helper thread while the kernel simulates the one before (as ``reesim run`` does)."""
    ds = load_dataset()
    base = build_baseline(ds)
    race = with_horizon(catalog.load("race", ds), MONTHS / 12)
    members = place_members(ds, base)
    jobs = [tuple(range(a, min(a + chunk, runs))) for a in range(0, runs, chunk)]
    pool = SeriesPool(keep=2)  # series of finished chunks, written over by the next ones

    def simulate(inputs: Inputs) -> Compact:
        return run_fast_series(inputs, members, out=pool.take(compact_shape(inputs, members)))

    def finish(job: tuple[int, ...], inputs: Inputs, compact: Compact) -> None:
        pool.give(compact)

    start = time.perf_counter()
    for _ in overlapped(jobs, lambda indices: compile_scenario(draw_batch(race, ds, 1, indices), ds, base),
                        simulate, finish):  # fmt: skip
        pass
    return time.perf_counter() - start


def main() -> None:
    """Print the benchmark tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=512)
    args = parser.parse_args()
    ds = load_dataset()
    base = build_baseline(ds)
    inputs = compile_scenario(scenario(MONTHS), ds, base)

    fast_alloc = median_seconds(lambda: run_fast(inputs, runs=1), repeats=7)
    one = run_fast(inputs, runs=1)
    fast = median_seconds(lambda: run_fast(inputs, runs=1, out=one), repeats=7)
    ref = median_seconds(lambda: run_reference(inputs, runs=1), repeats=3)
    print(f"one run, {MONTHS} months, {base.dims.n_nodes} nodes, {base.dims.n_elements} elements")
    print(f"  fast kernel      {fast * 1e3:9.1f} ms (full outputs, buffers reused)")
    print(f"  fast kernel      {fast_alloc * 1e3:9.1f} ms (full outputs, fresh buffers)")
    print(f"  reference kernel {ref * 1e3:9.1f} ms")
    print(f"  speed-up (reference / fast) {ref / fast:6.1f}x")

    monte_carlo(8, 8)  # warm-up
    total, kernel, months = monte_carlo(args.runs, args.chunk)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nMonte Carlo: race over {months} months, {args.runs:,} runs drawn and compiled in chunks of "
          f"{args.chunk}, compact series")  # fmt: skip
    print(f"  everything      {total:8.1f} s  {args.runs * months / total:>12,.0f} run-months/s")
    print(f"  kernel only     {kernel:8.1f} s  {args.runs * months / kernel:>12,.0f} run-months/s")
    _, fresh, _ = monte_carlo(args.runs, args.chunk, reuse=False)
    print(
        f"  kernel, fresh   {fresh:8.1f} s  {args.runs * months / fresh:>12,.0f} run-months/s "
        f"(each chunk's series in new memory instead of reused; {fresh / kernel:.2f}x the time)"
    )
    piped = pipelined(args.runs, args.chunk)
    print(f"  pipelined       {piped:8.1f} s  {args.runs * months / piped:>12,.0f} run-months/s "
          f"(everything, the next chunk drawn while the kernel runs, as reesim run does; "
          f"reference {ref * args.runs / piped:,.0f}x the time)")  # fmt: skip
    print(f"  reference kernel, same runs (from its one-run time): {ref * args.runs:,.0f} s "
          f"({ref * args.runs / total:,.0f}x the time)")  # fmt: skip
    print(f"  peak resident memory {peak_mb:,.0f} MB")

    print("\nscaling (fast kernel, full outputs, seconds)")
    print(f"{'runs':>6} {'months':>7} {'seconds':>9} {'run-months/s':>14}")
    for runs, months in ((1, 60), (1, 120), (1, 240), (10, 240), (100, 240)):
        sc_inputs = compile_scenario(scenario(months), ds, base)
        secs = median_seconds(lambda i=sc_inputs, r=runs: run_fast(i, runs=r), repeats=3)  # type: ignore[misc]
        print(f"{runs:>6} {months:>7} {secs:>9.3f} {runs * months / secs:>14,.0f}")


if __name__ == "__main__":
    main()
