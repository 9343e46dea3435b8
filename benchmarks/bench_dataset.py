"""Benchmark: loading and checking the bundled dataset.

Reference measured in the same run: reading the same CSV files with the standard library's
``csv.DictReader`` (no typing, no checks). Prints median times and the ratio to the reference.

Run: ``.venv/bin/python benchmarks/bench_dataset.py``
"""

from __future__ import annotations

import csv

from timing import median_seconds

from reesim.dataset import bundled_data_dir, check_dataset, load_dataset
from reesim.dataset.schema import load_schema


def _raw_read() -> int:
    root = bundled_data_dir()
    rows = 0
    for spec in load_schema(root / "schema").tables.values():
        with (root / spec.file).open(encoding="utf-8", newline="") as handle:
            rows += sum(1 for _ in csv.DictReader(handle))
    return rows


def main() -> None:
    """Print the benchmark table."""
    reference = median_seconds(_raw_read)
    load = median_seconds(load_dataset)
    check = median_seconds(check_dataset)
    print(f"rows read: {_raw_read()}")
    print(f"{'task':<32}{'median ms':>12}{'x reference':>14}")
    for name, seconds in (
        ("csv.DictReader (reference)", reference),
        ("load_dataset", load),
        ("check_dataset", check),
    ):
        print(f"{name:<32}{seconds * 1e3:>12.1f}{seconds / reference:>14.1f}")


if __name__ == "__main__":
    main()
