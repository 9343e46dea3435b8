"""Benchmark: Monte Carlo batches end to end, by executor, and the command line's start-up.

Prints, all measured in this run:
- runs per second of ``run_batch`` on the flagship ``race`` scenario (11 years monthly, every
  distribution and ranged parameter drawn per run) with the serial executor (the reference),
  local processes (1 and 2 workers) and a local Dask cluster (2 workers), and each one's ratio
  to the serial executor;
- wall time of ``reesim --help`` and of ``reesim run baseline --horizon 1`` as a new process.

Run: ``.venv/bin/python benchmarks/bench_batch.py [--runs 200]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

from reesim.dataset import load_dataset
from reesim.engine.batch import run_batch
from reesim.model.baseline import build_baseline


def _wall(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    """Print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    ds = load_dataset()
    base = build_baseline(ds)
    run_batch("race", runs=4, seed=1, dataset=ds, baseline=base, kernel="fast")  # warm-up (compiles)
    print(f"race, {args.runs} runs x 132 months, fast kernel")
    print(f"{'executor':>10} {'workers':>8} {'seconds':>8} {'runs/s':>8} {'x serial':>9}")
    reference = 0.0
    for executor, workers in (("serial", 1), ("processes", 1), ("processes", 2), ("dask", 2)):
        start = time.perf_counter()
        run_batch("race", runs=args.runs, seed=1, dataset=ds, baseline=base, kernel="fast", executor=executor,
                  workers=workers)  # fmt: skip
        seconds = time.perf_counter() - start
        reference = reference or seconds
        rate, ratio = args.runs / seconds, reference / seconds
        print(f"{executor:>10} {workers:>8} {seconds:>8.1f} {rate:>8.1f} {ratio:>9.2f}")

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "REESIM_STORE": f"{tmp}/runs.duckdb"}
        reesim = [sys.executable, "-m", "reesim.cli"]
        python = _wall([sys.executable, "-c", "pass"], env)
        helps = min(_wall([*reesim, "--help"], env) for _ in range(3))
        baseline = min(
            _wall([*reesim, "run", "baseline", "--horizon", "1", "--out", tmp], env) for _ in range(2)
        )
    print("\ncommand line (new process, best of 3 / 2)")
    print(f"  python -c pass (reference)          {python:6.2f} s")
    print(f"  reesim --help                       {helps:6.2f} s  ({helps / python:.1f}x)")
    print(f"  reesim run baseline --horizon 1     {baseline:6.2f} s  ({baseline / python:.1f}x)")


if __name__ == "__main__":
    main()
