"""Price changes an article reports ("NdPr oxide prices rose 18% since the start of the year",
"氧化镨钕价格同比上涨20%") checked against the ``price_moves`` table.

The element is the one the sentence names (neodymium with praseodymium, or "NdPr"/"镨钕", is the
NdPr series); the market is China's domestic one when the sentence says so (国内, domestic, a
Chinese producer's listing), else the first market the table quotes the element in. The change runs
from January of the article's year ("since the start of the year", 年初, year to date) or from the
same month a year before ("year on year", 同比) or from the month the sentence names ("since
April", "较4月") to the article's month, each month's price being the
middle of the quotes of that month (or the latest month before it that has one). Supported within
5 points; a sentence that names no element or no period is not covered.
"""

from __future__ import annotations

from reesim.check.claim import Claim
from reesim.dataset.model import Dataset

_YEAR_START = ("since the start of the year", "year to date", "year-to-date", "this year", "年初", "今年以来")
_YEAR_ON_YEAR = ("year on year", "year-on-year", "from a year", "同比")
_DOMESTIC = ("国内", "domestic", "挂牌", "listing", "北方稀土", "northern rare earth")


def _series(claim: Claim) -> str:
    low = claim.sentence.lower()
    if {"Nd", "Pr"} <= set(claim.elements) or "ndpr" in low or "镨钕" in low:
        return "Nd;Pr"
    return claim.elements[0] if len(claim.elements) == 1 else ""


def _start(sentence: str, low: str, month: str) -> str:
    from reesim.check.dates import ArticleDate, mentions, resolve

    named = [m for m in mentions(sentence) if m.month and not m.until]
    if named:  # "since April", "较4月"
        value = resolve(named[0], ArticleDate(int(month[:4]), int(month[5:7]), None, "option"))[0]
        return value if len(value) == 7 and value < month else ""
    if any(w in low for w in _YEAR_START):
        return f"{month[:4]}-01"
    if any(w in low for w in _YEAR_ON_YEAR):
        return f"{int(month[:4]) - 1:04d}-{month[5:7]}"
    return ""


def price_change(claim: Claim, ds: Dataset, month: str) -> tuple[str, str, str] | None:
    """Verdict, figure and source of a price change, or None when the claim is not one the table
    can answer (no element, no period, no article month, no quotes)."""
    series = _series(claim)
    low = claim.sentence.lower()
    start = _start(claim.sentence, low, month) if month else ""
    if not series or not start:
        return None
    t = ds["price_moves"]
    rows = t[(t["element"] == series) & (t["statistic"] == "quote")]
    if any(w in low for w in _DOMESTIC):
        rows = rows[rows["market"] == "china"]
    if rows.empty:
        return None
    market = rows.iloc[0]["market"], rows.iloc[0]["basis"], rows.iloc[0]["unit"]
    rows = rows[(rows["market"] == market[0]) & (rows["basis"] == market[1]) & (rows["unit"] == market[2])]

    def price(at: str) -> tuple[float, str, str] | None:
        before = rows[rows["period"].astype(str) <= at].sort_values("period")
        if before.empty:
            return None
        row = before.iloc[-1]
        return (float(row["low"]) + float(row["high"])) / 2, str(row["period"]), str(row["source_id"])

    first, last = price(start), price(month)
    if first is None or last is None or first[1] == last[1]:
        return None
    actual = last[0] / first[0] - 1
    ok = abs(actual - float(claim.value)) <= 0.05
    moved = f"{first[0]:,.6g} ({first[1]}) to {last[0]:,.6g} ({last[1]}) {market[2]}, {actual:+.0%}"
    figure = f"{series} {market[0]} {market[1]}: {moved}"
    return ("supported" if ok else "contradicted"), figure, ";".join(dict.fromkeys((first[2], last[2])))
