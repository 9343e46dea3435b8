"""Baseline against the April 2025 Chinese export controls, built in Python.

Prints, for the US, the EU and Japan: months until the first magnet shortfall after the controls
start, the lowest magnet stock reached, the peak shortfall per element, and end products not
built over the horizon.

Run: ``.venv/bin/python examples/april_2025.py``
"""

from __future__ import annotations

from reesim.dataset import load_dataset
from reesim.engine.run import run
from reesim.examples import april_2025, baseline
from reesim.model.baseline import build_baseline
from reesim.results.indicators import (
    bloc_nodes,
    lowest_stock_cover,
    months_until_first_shortfall,
    peak_shortfall_by_element,
    units_not_built,
)

START = "2025-04"
PLACES = (("USA", "United States"), ("eu", "European Union"), ("JPN", "Japan"))


def main() -> None:
    """Run both cases and print the indicators."""
    ds = load_dataset()
    base = build_baseline(ds)
    for scenario in (baseline(), april_2025()):
        result = run(scenario, dataset=ds, baseline=base)
        print(f"\n== {scenario.name}: {scenario.description}")
        for place, label in PLACES:
            nodes = bloc_nodes(ds, base, place)
            first = months_until_first_shortfall(result, nodes, after=START)
            when = "none within the horizon" if first == float("inf") else f"{first:.0f} months after {START}"
            cover, month = lowest_stock_cover(result, nodes)
            low = f"lowest magnet stock {cover:.2f} months of use ({month})"
            print(f"{label}: first magnet shortfall {when}; {low}")
            for peak in peak_shortfall_by_element(result, nodes)[:4]:
                print(f"   peak {peak.element} shortfall {peak.share:.1%} in {peak.month}")
            for product, units in units_not_built(result, ds, base, nodes).items():
                print(f"   not built: {units:,.0f} {product}")


if __name__ == "__main__":
    main()
