"""Benchmark: the monthly kernel on the full dataset.

Prints, all measured in this run:
- one deterministic 20-year (240-month) run: fast kernel and reference kernel, median of repeats
  after a warm-up, and the fast kernel's speed-up;
- many runs in batches (default 10,000; ``--runs N``): total time, run-months per second, peak
  resident memory;
- how time grows with runs and months (a small table).

Run: ``.venv/bin/python benchmarks/bench_kernel.py [--runs 10000] [--batch 25]``
"""

from __future__ import annotations

import argparse
import resource
import time
from dataclasses import replace

from timing import median_seconds

from reesim.dataset import load_dataset
from reesim.kernel.fast import run_fast
from reesim.kernel.reference import run_reference
from reesim.model.baseline import build_baseline
from reesim.model.compile import Inputs, compile_scenario
from reesim.model.scenario import CapacityProject, ExportControl, Scenario

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


def subset(inputs: Inputs, n: int) -> Inputs:
    """The same inputs restricted to the first ``n`` nodes (China first), for timing only.

    Flows to and from the dropped nodes vanish, so the base year no longer balances; the kernel
    still does the same work per node, which is what the scaling table measures.
    """
    base = inputs.base
    dims = replace(base.dims, nodes=base.dims.nodes[:n])
    base = replace(
        base, dims=dims, mine=base.mine[:n], profile=base.profile[:n], production=base.production[:, :n],
        feed=base.feed[:, :n], final=base.final[:, :n], trade=base.trade[:, :n, :n],
        shares=base.shares[:, :n, :n], capacity=base.capacity[:, :n], defence_share=base.defence_share[:n],
        recycled=base.recycled[:n],
    )  # fmt: skip
    keep = inputs.proj_node < n
    return replace(
        inputs, base=base, allow=inputs.allow[:, :, :n, :n],
        defence_denied=inputs.defence_denied[:, :, :n, :n],
        content_share=inputs.content_share[:, :, :n], content_threshold=inputs.content_threshold[:, :, :n],
        demand_index=inputs.demand_index[:, :, :n], proj_node=inputs.proj_node[keep],
        proj_material=inputs.proj_material[keep], proj_capacity=inputs.proj_capacity[keep],
        proj_start=inputs.proj_start[:, keep], proj_ramp=inputs.proj_ramp[:, keep],
        proj_opex=inputs.proj_opex[keep],
        proj_offtake=inputs.proj_offtake[keep], proj_mix=inputs.proj_mix[keep],
        stock_target=inputs.stock_target[:, :n], stock_rate=inputs.stock_rate[:, :, :n],
        stock_initial=inputs.stock_initial[:, :n], recycle_rate=inputs.recycle_rate[:, :n],
    )  # fmt: skip


def many_runs(inputs: Inputs, runs: int, batch: int) -> float:
    """Seconds to simulate ``runs`` runs in batches, discarding each batch's outputs."""
    start = time.perf_counter()
    done = 0
    buffer = None
    while done < runs:
        size = min(batch, runs - done)
        reuse = buffer if buffer is not None and buffer.production.shape[0] == size else None
        buffer = run_fast(inputs, runs=size, out=reuse)
        done += size
    return time.perf_counter() - start


def main() -> None:
    """Print the benchmark tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=25)
    args = parser.parse_args()
    ds = load_dataset()
    base = build_baseline(ds)
    inputs = compile_scenario(scenario(MONTHS), ds, base)

    fast_alloc = median_seconds(lambda: run_fast(inputs, runs=1), repeats=7)
    one = run_fast(inputs, runs=1)
    fast = median_seconds(lambda: run_fast(inputs, runs=1, out=one), repeats=7)
    ref = median_seconds(lambda: run_reference(inputs, runs=1), repeats=3)
    print(f"one run, {MONTHS} months, {base.dims.n_nodes} nodes, {base.dims.n_elements} elements")
    print(f"  fast kernel      {fast * 1e3:9.1f} ms (output buffers reused)")
    print(f"  fast kernel      {fast_alloc * 1e3:9.1f} ms (fresh output buffers)")
    print(f"  reference kernel {ref * 1e3:9.1f} ms")
    print(f"  speed-up (reference / fast) {ref / fast:6.1f}x")

    seconds = many_runs(inputs, args.runs, args.batch)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\n{args.runs} runs x {MONTHS} months in batches of {args.batch}: {seconds:.1f} s, "
        f"{args.runs * MONTHS / seconds:,.0f} run-months/s, peak memory {peak_mb:,.0f} MB"
    )
    print(f"  reference kernel, same work (from its one-run time): {ref * args.runs:,.0f} s")

    print("\nscaling (fast kernel, seconds)")
    print(f"{'runs':>6} {'months':>7} {'seconds':>9} {'run-months/s':>14}")
    for runs, months in ((1, 60), (1, 120), (1, 240), (10, 240), (100, 240)):
        sc_inputs = compile_scenario(scenario(months), ds, base)
        secs = median_seconds(lambda i=sc_inputs, r=runs: run_fast(i, runs=r), repeats=3)  # type: ignore[misc]
        print(f"{runs:>6} {months:>7} {secs:>9.3f} {runs * months / secs:>14,.0f}")

    print("\nscaling with nodes (fast kernel, one run, 240 months)")
    print(f"{'nodes':>6} {'seconds':>9} {'x 6 nodes':>10}")
    first = 0.0
    for n in (6, 11, 22):
        small = subset(inputs, n)
        secs = median_seconds(lambda i=small: run_fast(i, runs=1), repeats=5)  # type: ignore[misc]
        first = first or secs
        print(f"{n:>6} {secs:>9.3f} {secs / first:>10.2f}")


if __name__ == "__main__":
    main()
