"""Check claims against the dataset: supported, contradicted (with the dataset's figure and
source) or not covered.

- Shares of mining, separation (processing) and magnet making are China's shares of world
  output: mining from USGS mine production (2024, MCS 2026); separation and magnets from the
  calibrated base year built on the ``stage_capacity`` table. A claim holds when it agrees with
  its qualifier: "over x" needs the figure at or above x less 2 points, "about x" within 5 points,
  a plain x within 5 points, "under x" at or below x plus 2 points.
- Dated events must match an ``events`` row of the same kind in the same month (and, if the claim
  names elements, one that names at least one of them); the same kind and elements in another
  month contradicts the claim.
- Money must appear (within 1%) in an event of the article's period; quantities of China's
  magnet exports in a year must be within 5% of ``china_exports``.
- Durations of stocks are not covered by data: the model's working stock is an assumption
  (``working_stock_months``), said in the note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from reesim.check.extract import Claim
from reesim.dataset.model import Dataset
from reesim.model.baseline import Baseline

SUPPORTED, CONTRADICTED, NOT_COVERED = "supported", "contradicted", "not covered"


@dataclass(frozen=True)
class Verdict:
    """The verdict on one claim, with the dataset's figure and where it comes from."""

    claim: Claim
    verdict: str
    figure: str
    source: str


def china_shares(ds: Dataset, base: Baseline) -> dict[str, tuple[float, str]]:
    """China's share of world output by stage, with the sources behind each."""
    from reesim.dataset.summary import china_share_of_mining
    from reesim.model.dims import MAGNET, OXIDE

    china = base.dims.node("CHN")
    sep = float(base.production[OXIDE, china].sum() / base.production[OXIDE].sum())
    mag = float(base.production[MAGNET, china].sum() / base.production[MAGNET].sum())
    caps = ds["stage_capacity"]
    ids = ";".join(
        sorted({s for ids in caps.loc[caps["iso3"] == "CHN", "source_id"] for s in str(ids).split(";")})[:4]
    )
    return {
        "mining": (china_share_of_mining(ds), "mine_production 2024 (usgs_mcs2026)"),
        "separation": (sep, f"reesim base year from stage_capacity ({ids})"),
        "magnets": (mag, f"reesim base year from stage_capacity ({ids})"),
    }


def _share(claim: Claim, shares: dict[str, tuple[float, str]]) -> Verdict:
    if claim.stage not in shares or (claim.places and "CHN" not in claim.places):
        return Verdict(claim, NOT_COVERED, "", "")
    actual, source = shares[claim.stage]
    x = float(claim.value)
    ok = {
        "over": actual >= x - 0.02,
        "under": actual <= x + 0.02,
    }.get(claim.qualifier, abs(actual - x) <= 0.05)
    figure = f"China's share of world {claim.stage}: {actual:.0%}"
    return Verdict(claim, SUPPORTED if ok else CONTRADICTED, figure, source)


def _event(claim: Claim, ds: Dataset) -> Verdict:
    events = ds["events"]
    kinds = {claim.event} | ({"suspension"} if claim.event == "suspension" else set())
    rows = events[events["kind"].isin(kinds)]
    named = set(claim.elements)

    def overlaps(cell: object) -> bool:
        have = {e for e in str(cell).split(";") if e and e != "nan"}
        return not named or not have or bool(named & have)

    same = rows[
        [
            str(d)[:7] == claim.value and overlaps(e)
            for d, e in zip(rows["date"], rows["elements"], strict=True)
        ]
    ]
    if not same.empty:
        row = same.iloc[0]
        return Verdict(claim, SUPPORTED, f"{row['date']}: {row['what']}", str(row["source_id"]))
    if named:
        other = rows[[bool(named & {e for e in str(c).split(";")}) for c in rows["elements"]]]
        if not other.empty:
            row = other.iloc[0]
            return Verdict(claim, CONTRADICTED, f"{row['date']}: {row['what']}", str(row["source_id"]))
    return Verdict(claim, NOT_COVERED, "", "")


_AMOUNT = re.compile(r"\$\s?(\d+(?:\.\d+)?)\s*(billion|million)", re.I)


def _money(claim: Claim, ds: Dataset) -> Verdict:
    """The event that mentions the amount, preferring one of the same kind naming the same places."""
    best: tuple[int, Any] | None = None
    for row in ds["events"].itertuples(index=False):
        for m in _AMOUNT.finditer(str(row.what)):
            amount = float(m.group(1)) * (1e9 if m.group(2).lower() == "billion" else 1e6)
            if abs(amount - float(claim.value)) > 0.01 * amount:
                continue
            parties = f"{row.actor};{row.targets}"
            score = int(2 * (str(row.kind) == claim.event) + sum(p in parties for p in claim.places))
            if best is None or score > best[0]:
                best = (score, row)
    if best is None:
        return Verdict(claim, NOT_COVERED, "", "")
    row = best[1]
    return Verdict(claim, SUPPORTED, f"{row.date}: {row.what}", str(row.source_id))


def _quantity(claim: Claim, ds: Dataset) -> Verdict:
    if claim.stage != "magnets" or claim.year is None:
        return Verdict(claim, NOT_COVERED, "", "")
    table = ds["china_exports"]
    rows = table[(table["product"] == "magnet") & (table["destination"] == "WLD") & (table["unit"] == "t")
                 & (table["period"].astype(str) == str(claim.year))]  # fmt: skip
    if rows.empty:
        return Verdict(claim, NOT_COVERED, "", "")
    actual = float(rows["quantity"].iloc[0])
    ok = abs(actual - float(claim.value)) <= 0.05 * actual
    figure = f"China's magnet exports in {claim.year}: {actual:,.0f} t"
    return Verdict(claim, SUPPORTED if ok else CONTRADICTED, figure, str(rows["source_id"].iloc[0]))


def verify(claims: list[Claim], ds: Dataset, base: Baseline) -> list[Verdict]:
    """A verdict for every claim."""
    shares = china_shares(ds, base)
    out = []
    for claim in claims:
        if claim.kind == "share":
            out.append(_share(claim, shares))
        elif claim.kind == "event":
            out.append(_event(claim, ds))
        elif claim.kind == "money":
            out.append(_money(claim, ds))
        elif claim.kind == "quantity":
            out.append(_quantity(claim, ds))
        else:
            months = ds.parameter("working_stock_months")
            note = f"not in the data; the model assumes working stocks of {months:g} months"
            out.append(Verdict(claim, NOT_COVERED, note, "parameters.csv (working_stock_months)"))
    return out
