"""A warm single run as a whole process: ``reesim run race --out DIR``, report included.

Usage: ``.venv/bin/python benchmarks/bench_single.py [--repeats 7] [--scenario race]``

"Warm" means what a second run on a machine finds: the byte code compiled, the parsed dataset
in its cache, the store created. One run warms them up, then each of ``--repeats`` runs is
timed as a new process from start to exit: wall time, and CPU time (user + system), which a
busy machine inflates less than wall time. Medians are printed, and ratios to a reference
measured in the same run: a new Python process that imports what every reesim run needs
(numpy, pandas, xarray, duckdb), the floor of any command built on them.

Then the run's phases in one process (CPU seconds, one warm run): imports, dataset, scenario
and simulation, headline, store, report; and which optional libraries the run imported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = "import numpy, pandas, xarray, duckdb"
PHASES = r"""
import sys, time
clock = time.process_time
t = [clock()]
from reesim.dataset import load_dataset
from reesim.engine.batch import run_batch
from reesim.model.baseline import build_baseline
from reesim.report.run_report import write_run_report
from reesim.store import Store
from reesim.store.runs import first_measure, to_tables
import reesim.cli
t.append(clock())
ds = load_dataset(); base = build_baseline(ds)
t.append(clock())
batch = run_batch(sys.argv[1], runs=1, dataset=ds, baseline=base)
t.append(clock())
head = batch.headline(first_measure(batch.scenario))
t.append(clock())
store = Store(__import__("pathlib").Path(sys.argv[2]) / "phases.duckdb")
to_tables(batch.series); to_tables(batch.central)
t.append(clock())
write_run_report(batch, head, ds, "phases", __import__("pathlib").Path(sys.argv[2]))
t.append(clock())
names = ["imports", "dataset and base year", "scenario and simulation", "headline",
         "store (tables, open)", "report"]
for name, a, b in zip(names, t, t[1:]):
    print(f"  {name:<26} {b - a:6.3f} s")
print(f"  {'total':<26} {t[-1] - t[0]:6.3f} s")
extras = sorted(m for m in ("dask", "distributed", "fastapi", "uvicorn", "opencc", "matplotlib", "numba")
                if m in sys.modules)
print("  libraries imported of dask, distributed, fastapi, uvicorn, opencc, matplotlib, numba:",
      ", ".join(extras) or "none")
"""


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of a new process running ``args``."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)  # fmt: skip
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


def medians(args: list[str], env: dict[str, str], repeats: int) -> tuple[float, float]:
    timed(args, env)  # warm-up
    runs = [timed(args, env) for _ in range(repeats)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--scenario", default="race")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "REESIM_STORE": str(Path(tmp) / "store" / "runs.duckdb"), "COLUMNS": "160"}
        reesim = [sys.executable, "-m", "reesim.cli", "run", args.scenario, "--out", str(Path(tmp) / "out")]
        print(f"load average at the start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        floor_wall, floor_cpu = medians([sys.executable, "-c", FLOOR], env, args.repeats)
        run_wall, run_cpu = medians(reesim, env, args.repeats)
        print(f"median of {args.repeats} new processes, after one warm-up      wall      CPU")
        print(f"  python -c '{FLOOR}' (reference) {floor_wall:6.2f} s {floor_cpu:6.2f} s")
        print(
            f"  reesim run {args.scenario} --out DIR{' ' * (26 - len(args.scenario))}{run_wall:6.2f} s "
            f"{run_cpu:6.2f} s  ({run_wall / floor_wall:.1f}x / {run_cpu / floor_cpu:.1f}x the reference)"
        )
        print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print(f"\nphases of one warm run of {args.scenario} in one process (CPU seconds)")
        subprocess.run([sys.executable, "-c", PHASES, args.scenario, tmp], env=env, check=True)


if __name__ == "__main__":
    main()
