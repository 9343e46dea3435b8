"""Draft a scenario file that says what the article says.

Every policy claim becomes an instrument: China's export controls and bans (the elements the
article names or counts: "seven heavy rare earths" is the April 2025 list; the destinations it
names; all rare earths and all destinations only when it names none), export quotas with the
tonnage it gives (a half-year's allocation as an annual rate), price floors with their level,
stockpiles with their tonnage, and suspensions with their end (the date the article gives, "for
one year", or the end of the suspension on record). A suspension suspends the measures of the
month it names ("the measures announced on October 9"), else those of the latest month before
it. Whatever the article does not say is filled from a default that the instrument's note names:
the dataset's licence approval share and review delay, the forms (oxide, metal, magnet), NdPr
oxide for a floor, every producer outside China as its beneficiary, a stockpile of oxide bought
within a year by the United States when no other holder is named.

A measure the article mentions more than once (same kind, month and elements) becomes one
instrument. At most :data:`MAX_MEASURES` instruments are drafted, the earliest; the description
says how many more the article names. The draft starts in January of the first instrument's year
and runs three years; the caller validates it with the scenario language.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from reesim.check.claim import Claim
from reesim.check.records import Record, plus_months, records
from reesim.dataset.model import Dataset
from reesim.model.baseline import BASE_YEAR

_TRADE = {"export_control", "export_ban"}
#: Kinds of claims that make a draft: measures, suspensions, quotas and floors.
POLICY = {"export_control", "export_ban", "export_quota", "suspension", "price_floor"}
#: Most instruments in a drafted scenario.
MAX_MEASURES = 50
_FORMS = ["oxide", "metal", "magnet"]
_FORMS_NOTE = "forms oxide, metal and magnet (default)"


def is_policy(claim: Claim, claims: list[Claim]) -> bool:
    """Whether a claim becomes an instrument of the draft: China's dated controls and bans; a
    suspension of such a measure named before it; a dated quota with a tonnage; a stockpile with
    a tonnage in its sentence; a price floor's level."""
    if claim.kind == "price":
        return claim.event == "price_floor"
    if claim.kind != "event" or not claim.value:
        return False
    if claim.event in _TRADE:
        return not claim.places or "CHN" in claim.places
    if claim.event == "suspension":
        return any(
            c.kind == "event"
            and c.event in _TRADE
            and str(c.value) < str(claim.value)
            and is_policy(c, claims)
            for c in claims
        )
    if claim.event == "export_quota":
        return any(c.kind == "quantity" and c.topic == "export_quota" for c in claims)
    if claim.event == "stockpile":
        return any(c.kind == "quantity" and c.sentence == claim.sentence for c in claims)
    return False


def _stockpiles(claims: list[Claim]) -> list[dict[str, Any]]:
    """Stockpiles with the tonnage their sentence gives, bought within a year (an assumption)."""
    out = []
    for c in claims:
        if not (c.kind == "event" and c.event == "stockpile" and is_policy(c, claims)):
            continue
        tonnes = next(float(q.value) for q in claims if q.kind == "quantity" and q.sentence == c.sentence)
        holder = next((p for p in c.places if p != "CHN" and p.isupper() and len(p) == 3), "USA")
        assumed = ["oxide", "bought within a year"]
        if holder not in c.places:
            assumed.append("held by the United States")
        if not c.elements:
            assumed.append("the holder's use mix")
        inst: dict[str, Any] = {
            "kind": "stockpile",
            "note": f"From the article: {c.span or c.sentence} (assumed: {'; '.join(assumed)})",
            "holder": holder, "material": "oxide", "target_t": tonnes, "purchase_t_per_yr": tonnes,
            "start": str(c.value)[:7],
        }  # fmt: skip
        if c.elements:
            inst["elements"] = list(c.elements)
        out.append(inst)
    return out


def _measures(claims: list[Claim], ds: Dataset) -> list[dict[str, Any]]:
    once: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Claim] = {}
    for c in claims:
        if c.kind == "event" and c.event in _TRADE and c.value and (not c.places or "CHN" in c.places):
            once.setdefault((c.event, str(c.value)[:7], tuple(c.elements), tuple(c.destinations)), c)
    merged: list[Claim] = []
    for c in sorted(once.values(), key=lambda c: str(c.value)):
        twin = next((i for i, m in enumerate(merged) if _announced(m, c)), None)
        if twin is None:
            merged.append(c)
        else:  # announced, then in force: the month it takes effect
            merged[twin] = c
    out = []
    for c in merged:
        assumed = [_FORMS_NOTE]
        inst: dict[str, Any] = {"kind": c.event, "note": "", "exporter": "CHN", "forms": list(_FORMS),
                                "start": str(c.value)[:7]}  # fmt: skip
        if c.elements:
            inst["elements"] = list(c.elements)
        else:
            assumed.append("all rare earths: the article names no element")
        if c.destinations:
            inst["destinations"] = list(c.destinations)
        else:
            assumed.append("every destination: the article names none")
        if c.event == "export_control":
            inst["approval_share"] = ds.parameter("licence_approval_share")
            inst["review_months"] = ds.parameter("licence_review_months")
            assumed.append("approval share and review delay: dataset defaults")
        inst["note"] = f"From the article: {c.span or c.sentence} (assumed: {'; '.join(assumed)})"
        out.append(inst)
    return out


def _announced(first: Claim, then: Claim) -> bool:
    """Whether ``then`` is ``first`` taking effect: the same kind, elements and destinations, at
    most two months later."""
    same = sorted(first.elements) == sorted(then.elements) and first.destinations == then.destinations
    return (
        first.event == then.event
        and bool(first.elements)
        and same
        and plus_months(str(first.value)[:7], 2) >= str(then.value)[:7]
    )


def _suspend(instruments: list[dict[str, Any]], claims: list[Claim], rows: list[Record]) -> None:
    """Attach each suspension to the measures it suspends, with its end."""
    for s in sorted((c for c in claims if c.kind == "event" and c.event == "suspension" and c.value),
                    key=lambda c: str(c.value)):  # fmt: skip
        start = str(s.value)[:7]
        named = {str(c.value)[:7] for c in claims if c.kind == "event" and c.event in _TRADE
                 and c.sentence == s.sentence and c.value}  # fmt: skip
        before = [i for i in instruments if i["kind"] in _TRADE and i["start"] < start]
        months = named or ({max(i["start"] for i in before)} if before else set())
        end, why = _end(s, rows, start)
        for inst in before:
            if inst["start"] in months:
                period = {"from": start} | ({"to": end} if end else {})
                inst.setdefault("suspended", []).append(period)
                inst["note"] += f"; suspended from {start}" + (
                    f" to {end} ({why})" if end else " (no end given)"
                )


def _end(s: Claim, rows: list[Record], start: str) -> tuple[str, str]:
    if s.until:
        return s.until[:7], "as the article says"
    low = s.sentence.lower()
    if any(w in low for w in ("one year", "one-year", "a year", "一年", "为期一年")):
        return plus_months(start, 12), "one year, as the article says"
    on_record = [
        r for r in rows if r.kind == "suspension" and r.until and start <= r.month <= plus_months(start, 2)
    ]
    if on_record:
        return on_record[0].until[:7], f"end of the suspension on record ({on_record[0].source})"
    return "", ""


_HALF = ("second half", "first half", "上半年", "下半年", "h1", "h2")
_HALF_OF = re.compile(r"(first|second) half(?: of (\d{4}))?|(?:(\d{4})年)?(上|下)半年", re.I)


def _period(text: str, month: str) -> str:
    """The first month of the half-year a quota sentence names ("the first half of 2011"), else
    the month of the quota claim."""
    m = _HALF_OF.search(text)
    if not m:
        return month
    year = m.group(2) or m.group(3) or month[:4]
    second = (m.group(1) or "").lower() == "second" or m.group(4) == "下"
    return f"{year}-{'07' if second else '01'}"


def _quotas(claims: list[Claim]) -> list[dict[str, Any]]:
    out = []
    dated = [c for c in claims if c.kind == "event" and c.event == "export_quota" and c.value]
    tonnes = [c for c in claims if c.kind == "quantity" and c.topic == "export_quota"]
    for q in dated[:1]:
        if not tonnes:
            break
        t = tonnes[0]
        half = any(w in t.sentence.lower() or w in q.sentence.lower() for w in _HALF)
        rate = float(t.value) * (2 if half else 1)
        start = _period(f"{q.sentence} {t.sentence}", str(q.value)[:7])
        inst: dict[str, Any] = {
            "kind": "export_quota",
            "note": (f"From the article: {q.span or q.sentence}; {t.value:,.0f} t"
                     + (f" a half-year, as an annual rate of {rate:,.0f} t/yr" if half else " a year")
                     + f" (assumed: {_FORMS_NOTE}; all rare earths)"),
            "exporter": "CHN", "forms": ["ore", "oxide", "metal"], "tonnes_per_yr": rate, "start": start,
        }  # fmt: skip
        if half:
            inst["end"] = plus_months(start, 6)
        out.append(inst)
    return out


def _floors(claims: list[Claim], rows: list[Record], fallback: str) -> list[dict[str, Any]]:
    out = []
    seen: set[float] = set()
    for c in claims:
        if c.kind != "price" or c.event != "price_floor" or float(c.value) in seen:
            continue
        seen.add(float(c.value))
        record = next((r for r in rows if r.kind == "price_floor" and float(c.value) in r.per_kg), None)
        start = record.month if record is not None else fallback or (f"{c.year:04d}-01" if c.year else "")
        when = (
            "from the article's date" if start else f"{BASE_YEAR + 1}-01 (assumed: the article gives no date)"
        )
        start = start or f"{BASE_YEAR + 1}-01"
        elements = list(c.elements) or ["Nd", "Pr"]
        years = re.search(r"(\d+|ten)[- ]year", f"{c.sentence} {record.text if record else ''}".lower())
        inst: dict[str, Any] = {
            "kind": "price_floor",
            "note": (f"From the article: {c.span}; start "
                     + (f"from the floor on record ({record.source})" if record else when)
                     + "; assumed: oxide" + ("" if c.elements else ", NdPr (default)")
                     + "; every producer outside China paid the difference (default)"),
            "material": "oxide", "elements": elements, "level_usd_per_kg": float(c.value), "start": start,
        }  # fmt: skip
        if years:
            n = 10 if years.group(1) == "ten" else int(years.group(1))
            inst["end"] = plus_months(start, 12 * n)
        out.append(inst)
    return out


def draft(claims: list[Claim], name: str, ds: Dataset, source: str, month: str = "") -> str | None:
    """The scenario YAML text, or None when the article makes no policy claim. ``month`` is the
    article's month, the start of a floor the dataset does not hold."""
    rows = records(ds)
    instruments = _measures(claims, ds)
    _suspend(instruments, claims, rows)
    instruments += _quotas(claims) + _floors(claims, rows, month) + _stockpiles(claims)
    if not instruments:
        return None
    instruments.sort(key=lambda i: str(i["start"]))
    kept = instruments[:MAX_MEASURES]
    for n, inst in enumerate(kept):
        inst["id"] = f"measure-{n + 1}"
    year = int(min(str(i["start"]) for i in kept)[:4])
    description = (
        "Drafted by `reesim check` from a news article: review every instrument before relying on it."
    )
    if len(instruments) > MAX_MEASURES:
        description += f" The article names {len(instruments) - MAX_MEASURES} later measures, left out here."
    slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "article"
    data = {
        "name": f"article-{slug}"[:60],
        "title": f"Events described in {source}",
        "description": description,
        "start": f"{year}-01",
        "horizon": f"{year + 2}-12",
        "instruments": [{"id": i.pop("id"), **i} for i in kept],
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
