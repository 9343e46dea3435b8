"""Derive reesim's USGS-based tables from the frozen USGS releases (maintainer tool, not run in CI).

Reads the long-form rare-earth rows of the USGS Mineral Commodity Summaries 2026 data release and
the Minerals Yearbook 2022 table 8, and writes ``mine_production.csv``, ``reserves.csv`` and
``prices.csv`` rows with their provenance. Rows transcribed by hand from other editions (MCS 2025)
are kept in the output file if already present, so the script can be re-run safely.

Usage::

    python scripts/derive_usgs.py PUBLIC_DATA_DIR src/reesim/data
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

COUNTRY = {
    "United States": "USA",
    "Australia": "AUS",
    "Brazil": "BRA",
    "Burma": "MMR",
    "Canada": "CAN",
    "China": "CHN",
    "Greenland": "GRL",
    "India": "IND",
    "Madagascar": "MDG",
    "Malaysia": "MYS",
    "Nigeria": "NGA",
    "Russia": "RUS",
    "South Africa": "ZAF",
    "Tanzania": "TZA",
    "Thailand": "THA",
    "Vietnam": "VNM",
    "Other countries": "OTH",
    "World total": "WLD",
    "Laos": "LAO",
}
MATERIAL = {
    "Lanthanum oxide": "La_oxide",
    "Cerium oxide": "Ce_oxide",
    "Praseodymium oxide": "Pr_oxide",
    "Neodymium oxide": "Nd_oxide",
    "Neodymium-praseodymium (NdPr) oxide": "NdPr_oxide",
    "Samarium oxide": "Sm_oxide",
    "Europium oxide": "Eu_oxide",
    "Gadolinium oxide": "Gd_oxide",
    "Terbium oxide": "Tb_oxide",
    "Dysprosium oxide": "Dy_oxide",
    "Holmium oxide": "Ho_oxide",
    "Erbium oxide": "Er_oxide",
    "Ytterbium oxide": "Yb_oxide",
    "Lutetium oxide": "Lu_oxide",
    "Mischmetal": "mischmetal",
    "Y2O3": "Y_oxide",
    "Yttrium metal": "Y_metal",
}
MCS26 = "usgs_mcs2026"
MYB22 = "usgs_myb2022"


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _keep_other_editions(path: Path, editions: set[str]) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["edition"] not in editions]


def _num(text: str) -> str:
    value = float(text)
    return str(int(value)) if value.is_integer() else repr(value)


def main(public: Path, out: Path) -> None:
    with (public / "usgs_mcs2026_observations.csv").open(encoding="utf-8") as handle:
        mcs = list(csv.DictReader(handle))
    with (public / "usgs_myb2022_world_mine_production.csv").open(encoding="utf-8") as handle:
        myb = list(csv.DictReader(handle))

    production: list[dict[str, str]] = []
    reserves: list[dict[str, str]] = []
    prices: list[dict[str, str]] = []
    for r in mcs:
        if not r["value"]:
            continue
        row_ref = f"data release v1.3 row {r['source_row_number']}"
        if r["section"] == "World Mine Production and Reserves" and r["commodity"] == "Rare Earths":
            iso3 = COUNTRY[r["country"]]
            est = "estimated" if r["is_estimated"] == "True" else ""
            note = "; ".join(
                x
                for x in (est, "world total rounded by USGS" if iso3 == "WLD" else "", r["revision_note"])
                if x
            )
            base = {
                "iso3": iso3,
                "year": r["year"],
                "quantity": _num(r["value"]),
                "source_id": MCS26,
                "status": "reported",
                "note": note,
            }
            if r["statistics"] == "Production":
                production.append(
                    {
                        **base,
                        "edition": "MCS2026",
                        "estimated": "yes" if est else "no",
                        "locator": f"Rare earths, p. 153, world mine production table; {row_ref}",
                    }
                )
            elif r["statistics"] == "Reserves":
                reserves.append(
                    {
                        **base,
                        "edition": "MCS2026",
                        "locator": f"Rare earths, p. 153, reserves column; {row_ref}",
                    }
                )
        elif r["unit"] == "dollars per kilogram" and "Price, average" in r["statistics_detail"]:
            label = r["statistics_detail"].split(":", 1)[1].strip()
            material = next((m for k, m in MATERIAL.items() if label.startswith(k)), None)
            if material is None:
                continue
            basis = "fob_china" if "China" in r["raw_notes"] or material.startswith("Y") else "fob"
            prices.append(
                {
                    "material": material,
                    "year": r["year"],
                    "price": _num(r["value"]),
                    "unit": "usd_per_kg",
                    "basis": basis,
                    "grade": label,
                    "source_id": MCS26,
                    "locator": f"{r['mcs_chapter'].title()} chapter, salient statistics, price line; "
                    f"{row_ref}",
                    "status": "reported",
                    "note": r["raw_notes"].replace("\n", " "),
                }
            )
    for r in myb:
        if r["metric"] != "mine_production" or not r["value"]:
            continue
        production.append(
            {
                "iso3": r["geography_code"] or COUNTRY.get(r["geography"], r["geography"]),
                "year": r["year"],
                "quantity": _num(r["value"]),
                "edition": "MYB2022",
                "estimated": "yes" if r["is_estimated"] == "True" else "no",
                "source_id": MYB22,
                "locator": f"Table 8, world mine production, cell {r['source_cell']}",
                "status": "reported",
                "note": "revised" if r["is_revised"] == "True" else "",
            }
        )
    head_p = ["iso3", "year", "quantity", "edition", "estimated", "source_id", "locator", "status", "note"]
    production += _keep_other_editions(out / "mine_production.csv", {"MCS2026", "MYB2022"})
    _write(
        out / "mine_production.csv",
        head_p,
        sorted(production, key=lambda r: (r["edition"], r["year"], r["iso3"])),
    )
    head_r = ["iso3", "year", "quantity", "edition", "source_id", "locator", "status", "note"]
    reserves += _keep_other_editions(out / "reserves.csv", {"MCS2026"})
    _write(out / "reserves.csv", head_r, reserves)
    head_c = ["material", "year", "price", "unit", "basis", "grade", "source_id", "locator", "status", "note"]
    _write(out / "prices.csv", head_c, prices)
    head_h = ["measure", "year", "value", "unit", "source_id", "locator", "status", "note"]
    _write(out / "us_history.csv", head_h, us_history(public / "usgs_ds140_rare_earths_2020.xlsx"))


#: DS140 columns kept for backtests (column index in the sheet, header as printed).
DS140_COLUMNS = {
    "imports": (2, "Imports"),
    "exports": (3, "Exports"),
    "apparent_consumption": (4, "Apparent consumption"),
    "unit_value": (5, "Unit value ($/t)"),
}


def us_history(workbook: Path, first: int = 2005, last: int = 2015) -> list[dict[str, str]]:
    """US imports, exports, apparent consumption and unit value by year from DS140 (needs openpyxl)."""
    import openpyxl

    sheet = openpyxl.load_workbook(workbook, read_only=True, data_only=True).worksheets[0]
    rows = []
    for line, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if not (isinstance(row[0], int) and first <= row[0] <= last):
            continue
        for measure, (col, header) in DS140_COLUMNS.items():
            if row[col] in (None, "NA"):
                continue
            price = measure == "unit_value"
            rows.append(
                {
                    "measure": measure,
                    "year": str(row[0]),
                    "value": str(row[col]),
                    "unit": "usd_per_t" if price else "t_reo",
                    "source_id": "usgs_ds140",
                    "locator": f"sheet 'Rare earths', row {line} (year {row[0]}), column '{header}'",
                    "status": "reported",
                    "note": "Unit value of US apparent consumption in nominal dollars (DS140 definition)"
                    if price
                    else "",
                }
            )
    return rows


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
