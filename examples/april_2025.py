"""Baseline against the April 2025 Chinese export controls, built in Python.

Prints, for the US, the EU and Japan: months until the first magnet shortfall after the controls
start, the peak shortfall per element, and end products not built over the horizon.

Run: ``.venv/bin/python examples/april_2025.py``
"""

from __future__ import annotations

from reesim.dataset import load_dataset
from reesim.engine.run import run
from reesim.model.baseline import build_baseline
from reesim.model.scenario import ExportControl, Scenario
from reesim.results.indicators import (
    bloc_nodes,
    months_until_first_shortfall,
    peak_shortfall_by_element,
    units_not_built,
)

START = "2025-04"

BASELINE = Scenario("baseline", start="2025-01", months=24, description="No policy change after 2024.")
CONTROLLED = ("Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y")

# Approval shares follow China's observed magnet exports against the same month of 2024
# (china_exports.csv): May 2025 1,238 t vs 4,811 t (0.26), June 3,188 t vs 5,150 t (0.62),
# July 5,577 t vs 5,278 t (about 1; 0.9 kept for the licences still refused).
SCHEDULE = (("2025-04", "2025-06", 0.26), ("2025-06", "2025-07", 0.62), ("2025-07", None, 0.9))

APRIL_2025 = Scenario(
    "april-2025",
    start="2025-01",
    months=24,
    description="Licences on seven heavy rare earths (and magnets containing them) from 4 April 2025.",
    instruments=tuple(
        ExportControl(
            exporter="CHN",
            materials=("oxide", "metal", "magnet"),
            elements=CONTROLLED,
            start=start,
            end=end,
            approval_share=share,
        )
        for start, end, share in SCHEDULE
    ),
    parameters={"working_stock_months": 1.5},
)


def main() -> None:
    """Run both cases and print the indicators."""
    ds = load_dataset()
    base = build_baseline(ds)
    for scenario in (BASELINE, APRIL_2025):
        result = run(scenario, dataset=ds, baseline=base)
        print(f"\n== {scenario.name}: {scenario.description}")
        for place, label in (("USA", "United States"), ("eu", "European Union"), ("JPN", "Japan")):
            nodes = bloc_nodes(ds, base, place)
            first = months_until_first_shortfall(result, nodes, after=START)
            when = "none within the horizon" if first == float("inf") else f"{first:.0f} months after {START}"
            print(f"{label}: first magnet shortfall {when}")
            for peak in peak_shortfall_by_element(result, nodes)[:4]:
                print(f"   peak {peak.element} shortfall {peak.share:.1%} in {peak.month}")
            for product, units in units_not_built(result, ds, base, nodes).items():
                print(f"   not built: {units:,.0f} {product}")


if __name__ == "__main__":
    main()
