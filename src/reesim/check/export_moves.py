"""Monthly tonnages of China's magnet exports and their changes an article reports ("当月...出口量
达六一五〇吨", "2025年12月,中国对日本出口的稀土磁铁环比减少8%", "November shipments to the US
fell 11% from October") checked against ``china_exports``.

The month is the one the sentence names, in the claim's year; the destination is the first country
the claim names that the table lists (else the world total); the change is month on month when the
sentence says so (环比, 较上月, from the previous month, month-on-month), else year on year. Each is
computed from the table's tonnes of that month and of the month before (or a year before), and
holds within 2 points. A month or a comparison month the table lacks is not covered, nor is a
change over a run of months ("1-9月").
"""

from __future__ import annotations

import re

from reesim.check.claim import Claim
from reesim.dataset.model import Dataset

_MONTH_ON_MONTH = ("环比", "较上月", "上月", "previous month", "month-on-month", "month on month", "m/m")
#: A run of months ("2025年1-9月", "前9个月", "January-September"): a cumulative figure.
_RUN = re.compile(r"\d{1,2}\s*[-至到~]\s*\d{1,2}\s*月|前\S{1,2}个?月|first \w+ months|january\s*-|jan-", re.I)


def _month(claim: Claim) -> str:
    """The month the sentence names, in the claim's year, or nothing."""
    from reesim.check.dates import ArticleDate, mentions, resolve

    if claim.year is None:
        return ""
    named = [m for m in mentions(claim.sentence) if m.month and not m.until]
    if not named:
        return ""
    value = resolve(named[0], ArticleDate(claim.year, 12, None, "option"))[0]
    return value if len(value) == 7 else ""


def _shift(month: str, months: int) -> str:
    total = int(month[:4]) * 12 + int(month[5:7]) - 1 - months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


_A_MONTH = ("当月", "月度", "单月", "that month", "in the month", "a month", "monthly")


def monthly_tonnes(claim: Claim, ds: Dataset) -> tuple[str, str, str] | None:
    """Verdict, figure and source of a month's magnet exports ("当月...出口量达六一五〇吨"), or None
    when the sentence speaks of no month. A month named is compared with that month (within 5%);
    "that month" unnamed, with the months of the claim's year (one within 2% supports it)."""
    low = claim.sentence.lower()
    month = _month(claim)
    if claim.year is None or not (month or any(w in low for w in _A_MONTH)):
        return None
    t = ds["china_exports"]
    t = t[(t["product"] == "magnet") & (t["unit"] == "t") & (t["destination"] == "WLD")]
    periods = t["period"].astype(str)
    x = float(claim.value)
    if month:
        row = t[periods == month]
        if row.empty:
            return "not covered", f"china_exports has no magnet exports for {month}", ""
        actual = float(row["quantity"].iloc[0])
        verdict = "supported" if abs(actual - x) <= 0.05 * actual else "contradicted"
        return verdict, f"China's magnet exports in {month}: {actual:,.0f} t", str(row["source_id"].iloc[0])
    year = t[periods.str.match(rf"{claim.year}-\d\d$")]
    close = year[(year["quantity"] - x).abs() <= 0.02 * year["quantity"]]
    if close.empty:
        return "not covered", f"no month of {claim.year} with {x:,.0f} t of magnet exports", ""
    period, tonnes = str(close["period"].iloc[0]), float(close["quantity"].iloc[0])
    source = str(close["source_id"].iloc[0])
    return "supported", f"China's magnet exports in {period}: {tonnes:,.0f} t", source


def export_change(claim: Claim, ds: Dataset) -> tuple[str, str, str] | None:
    """Verdict, figure and source of a change in magnet exports, or None when the sentence is not
    about one (no month named) so that other checks may apply."""
    low = claim.sentence.lower()
    if claim.stage != "magnets" or not any(w in low for w in ("export", "出口", "shipment")):
        return None
    if _RUN.search(claim.sentence):
        return "not covered", "a cumulative change over several months: china_exports has no such total", ""
    month = _month(claim)
    if not month:
        return None
    t = ds["china_exports"]
    t = t[(t["product"] == "magnet") & (t["unit"] == "t")]
    listed = set(t["destination"])
    where = next((p for p in claim.places if p != "CHN" and p in listed), "WLD")
    monthly = any(w in low for w in _MONTH_ON_MONTH)
    before = _shift(month, 1 if monthly else 12)
    rows = t[t["destination"] == where]
    now = rows.loc[rows["period"].astype(str) == month, "quantity"]
    then = rows.loc[rows["period"].astype(str) == before, "quantity"]
    if now.empty or then.empty:
        return "not covered", f"china_exports has no magnet exports to {where} for {before} and {month}", ""
    actual = float(now.iloc[0]) / float(then.iloc[0]) - 1
    ok = abs(actual - float(claim.value)) <= 0.02
    figure = f"China's magnet exports to {where}: {float(then.iloc[0]):,.0f} t in {before}, "
    figure += f"{float(now.iloc[0]):,.0f} t in {month} ({actual:+.0%})"
    source = str(rows.loc[rows["period"].astype(str) == month, "source_id"].iloc[0])
    return ("supported" if ok else "contradicted"), figure, source
