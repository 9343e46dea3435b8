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

from typing import Any

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
    since = [m for m in named if any(w in low[max(0, m.start - 6) : m.start] for w in _SINCE)]
    named = since or named
    if named:  # "since April", "较4月", "自4月初"
        value = resolve(named[0], ArticleDate(int(month[:4]), int(month[5:7]), None, "option"))[0]
        return value if len(value) == 7 and value < month else ""
    if any(w in low for w in _YEAR_START):
        return f"{month[:4]}-01"
    if any(w in low for w in _YEAR_ON_YEAR):
        return f"{int(month[:4]) - 1:04d}-{month[5:7]}"
    return ""


_EUROPE = ("欧洲", "europe", "rotterdam", "鹿特丹")
_SINCE = ("自", "从", "since", "from", "较")


def _market(rows: Any, low: str) -> Any:
    """The quotes of the market the sentence names: China's domestic one, Europe's, else all."""
    if any(w in low for w in _DOMESTIC):
        return rows[rows["market"] == "china"]
    if any(w in low for w in _EUROPE):
        return rows[rows["basis"] == "europe"]
    return rows


def price_level(claim: Claim, ds: Dataset, month: str) -> tuple[str, str, str] | None:
    """Verdict, figure and source of a market price ("欧洲镝价...达每公斤850美元"): the quote of the
    element (and market) the sentence names in the month it names, else the article's month (or
    the latest month before with a quote); supported within the quote's range widened by 5%."""
    from reesim.check.dates import ArticleDate, mentions, resolve

    series = _series(claim)
    if not series or not month:
        return None
    sentence = claim.sentence.lower()
    named = [
        m for m in mentions(claim.sentence)
        if m.month and not m.until and not any(w in sentence[max(0, m.start - 6) : m.start] for w in _SINCE)
    ]  # fmt: skip
    if named:  # the month the price is of ("截至5月1日"), not the start of a change ("自4月初")
        value = resolve(named[-1], ArticleDate(int(month[:4]), int(month[5:7]), None, "option"))[0]
        month = value if len(value) == 7 else month
    t = ds["price_moves"]
    rows = _market(
        t[(t["element"] == series) & (t["statistic"] == "quote") & (t["unit"] == "usd_per_kg")],
        claim.sentence.lower(),
    )
    before = rows[rows["period"].astype(str) <= month].sort_values("period")
    if before.empty:
        return None
    row = before.iloc[-1]
    low, high, x = float(row["low"]), float(row["high"]), float(claim.value)
    ok = 0.95 * low <= x <= 1.05 * high
    figure = f"{series} {row['market']} {row['basis']} {row['period']}: {low:,.6g}-{high:,.6g} USD/kg"
    return ("supported" if ok else "contradicted"), figure, str(row["source_id"])


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
    rows = _market(rows, low)
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
