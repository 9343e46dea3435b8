"""Benchmark: a cold compile of the fast kernel, as a new user's first run meets it.

Each measurement is a new process with an empty Numba cache folder of its own (so nothing is
reused from this machine's cache) that runs one scenario with the fast kernel: the time is what
the first ``reesim.run`` or Monte Carlo batch on a machine waits, compile included (wall and CPU
seconds). Reference, in the same run: the same process again with that cache filled, which only
loads the compiled kernel; the ratio is cold over warm.

Run: ``.venv/bin/python benchmarks/bench_compile.py [--repeats 1]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

CHILD = """
import resource, time
t = time.perf_counter()
import reesim
reesim.run("april-2025")
r = resource.getrusage(resource.RUSAGE_SELF)
print(time.perf_counter() - t, r.ru_utime + r.ru_stime)
"""


def one(cache: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one process running april-2025 with Numba's cache in ``cache``."""
    env = {**os.environ, "NUMBA_CACHE_DIR": cache}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    cpu = float(done.stdout.split()[-1])
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="cold compiles to measure")
    args = parser.parse_args()
    print("cold compile of the fast kernel (new process, empty cache) against loading it (cache filled)")
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as cache:
            cold_wall, cold_cpu = one(cache)
            warm_wall, warm_cpu = one(cache)
        print(f"  cold: {cold_wall:6.1f} s wall, {cold_cpu:6.1f} s CPU | warm: {warm_wall:5.1f} s wall, "
              f"{warm_cpu:5.1f} s CPU | cold / warm: {cold_wall / warm_wall:5.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
