"""Baseline against the April 2025 Chinese export controls, with the public Python API only.

Prints, for the US, the EU and Japan: the first month short of magnets, the lowest magnet stock
reached, the elements most short (peak share of demand unmet, and when), and end products not
built over two years; then the magnet shortfall per year, from the monthly result.

Run: ``.venv/bin/python examples/april_2025.py``
"""

from __future__ import annotations

import pandas as pd

import reesim

PLACES = {"USA": "United States", "EU": "European Union", "Japan": "Japan"}
YEARS = 2


def when(month: pd.Timestamp) -> str:
    """A month as ``2025-06``, or "none within the horizon"."""
    return "none within the horizon" if pd.isna(month) else month.strftime("%Y-%m")


def main() -> None:
    """Run both scenarios and print their indicators."""
    for name in ("baseline", "april-2025"):
        result = reesim.run(name, horizon=YEARS)
        median = reesim.headline(result).xs("p50", axis=1, level="statistic")
        print(f"\n== {name}, {YEARS} years from {when(pd.Timestamp(result['month'].values[0]))}")
        for place, label in PLACES.items():
            magnets = median.loc[(place, "magnets")]
            print(f"{label}: first magnet shortfall {when(magnets['first_shortfall'])}; "
                  f"lowest magnet stock {magnets['lowest_cover_months']:.2f} months of use")  # fmt: skip
            elements = median.loc[place].drop(index="magnets").nlargest(4, "peak_shortfall")
            for element, row in elements.iterrows():
                print(f"   peak {element} shortfall {row['peak_shortfall']:.1%} in {when(row['peak_month'])}")
            for column in median.columns[median.columns.str.startswith("not_built_")]:
                product = column.removeprefix("not_built_").replace("_", " ")
                print(f"   not built: {magnets[column]:,.0f} {product}")
        unmet = result["unmet"].sel(material="magnet", node=["USA"]).sum(("node", "element"))
        yearly = unmet.isel(run=0).resample(month="YS").sum()
        units = result["unmet"].attrs["units"].replace("/month", "")
        years = ", ".join(f"{m.year} {v:,.0f} {units}" for m, v in yearly.to_series().items())
        print(f"US magnets unmet per year: {years}")


if __name__ == "__main__":
    main()
