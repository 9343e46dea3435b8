"""Claims of amounts: money (USD), tonnes (of a quota, reserves, a stage or exports, and whose),
prices and price floors (USD per kg), and how long stocks last (places in a ranking are read by
:mod:`reesim.check.tables`). Chinese numerals count as digits ("一六一〇万公吨"); a qualifier
written just before a tonnage ("不足50吨", "less than 50 tonnes") is that tonnage's.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from reesim.check import lexicon as lx
from reesim.check.claim import Claim, derive
from reesim.check.figures import _year_before
from reesim.check.numbers import (
    PLACES,
    _clauses,
    _topic,
    found_words,
    qualifier,
)
from reesim.check.text import chinese_number

_MONEY_EN = re.compile(r"\$\s?(\d++(?:\.\d++)?)\s*+(billion|bn|million|m)\b", re.I)
_MONEY_BARE = re.compile(r"(?<![\d$.,])(?<!\$ )(\d{1,6}+(?:\.\d{1,3}+)?)\s*+(billion|million)\b", re.I)
#: Words of a clause whose tonnage is no output even beside a word of production.
_NOT_OUTPUT = ("reserve", "储量", "储藏", "蕴藏", "quota", "配额", "price", "价")
#: A number with no unit after a word of comparison, in a sentence of tonnages ("up from 5,864.6 in
#: May", "versus 29,095.2 over the same period"): a tonnage compared with.
_BARE_BASE = re.compile(
    r"\b(?:from|versus|vs\.?|against|compared (?:to|with))\s+(\d{1,3}(?:,\d{3})++(?:\.\d++)?|\d{3,6}\.\d++)"
    r"(?![\d,.]|\s*+(?:%|percent|per cent|metric|tons?\b|tonnes?|mt\b|million|billion|yuan|dollars|us\$))",
    re.I,
)
_SCALE_EN = {"million": 1e6, "billion": 1e9}
_MONEY_ZH = re.compile(r"(?<!\d)(\d++(?:\.\d++)?)\s*+(亿|万)\s*+美元")
_TONNES_EN = re.compile(
    r"(?<!\d)(\d[\d,]{0,30}+(?:\.\d++)?)\s*+(million\s++|billion\s++)?(?:metric\s++)?(?:tonnes?|tons?|mt)\b",
    re.I,
)  # "3.8 million metric tons", "2,500 MT"
_TONNES_ZH = re.compile(
    r"(\d{1,4}+万\d{1,4}+(?:\.\d++)?|\d{1,3}(?:,\d{3})++(?:\.\d++)?|[\d.]{1,12}+"  # "6万2585吨": 62,585 t
    r"|[零〇一二两三四五六七八九十百千万亿]{1,16}+)"
    r"\s*+(多|余)?\s*+(万|亿|千)?\s*+(多|余)?\s*+(?:公吨|吨)"
)


@lru_cache(maxsize=4096)
def _clause_facts(part: str) -> tuple[list[str], bool, bool, bool, bool]:
    """What a tonnage's clause says, read once a clause: the countries it names, whether it speaks
    of the world (naming none), of a tonnage exported (and no quota, reserves or price), of a
    forecast, of output (a verb or noun of production and no topic of its own: "and in 2024
    produced 270,000 tonnes" after a clause on reserves)."""
    named = found_words(f" {part} ", PLACES)
    world = not named and any(w in part for w in lx.WORLD)
    own = _topic(part)
    exported = not own and any(w in part for w in lx.EXPORTED)
    output = (
        not exported
        and not any(w in part for w in _NOT_OUTPUT)
        and any(w in part for w in (*lx.PRODUCE, "产量", "output"))
    )
    return named, world, exported, any(w in part for w in lx.FORECAST), output


def amounts(sentence: str, base: Claim, topic: str = "") -> list[Claim]:
    """Money (USD) and tonnage claims."""
    out = []
    low = sentence.lower()
    for m in _MONEY_EN.finditer(sentence):
        scale = 1e9 if m.group(2).lower() in {"billion", "bn"} else 1e6
        out.append(derive(base, kind="money", value=float(m.group(1)) * scale, unit="USD", span=m.group()))
    if "$" in sentence or "dollar" in low:  # amounts without a currency in a dollar sentence
        for m in _MONEY_BARE.finditer(sentence):
            scale = 1e9 if m.group(2).lower() == "billion" else 1e6
            out.append(
                derive(base, kind="money", value=float(m.group(1)) * scale, unit="USD", span=m.group())
            )
    for m in _MONEY_ZH.finditer(sentence):
        scale = 1e8 if m.group(2) == "亿" else 1e4
        out.append(derive(base, kind="money", value=float(m.group(1)) * scale, unit="USD", span=m.group()))
    what = _topic(low)
    what = what if what != "price" else ""
    facts: dict[tuple[int, int], tuple[list[str], bool, bool, bool, bool]] = {}  # by clause, read once
    tonnes: list[tuple[re.Match[str], float | None]] = [
        (m, float(m.group(1).replace(",", "")) * _SCALE_EN.get((m.group(2) or "").strip().lower(), 1.0))
        for m in _TONNES_EN.finditer(sentence)
    ]
    tonnes += [  # "5,577公吨": 5,577 t
        (m, chinese_number(m.group(1).replace(",", "") + (m.group(3) or "")))
        for m in _TONNES_ZH.finditer(sentence)
    ]
    if tonnes:  # "exported 7,742.2 metric tons in June, up from 5,864.6 in May": tonnes too
        tonnes += [(m, float(m.group(1).replace(",", ""))) for m in _BARE_BASE.finditer(sentence)]
    tonnes = [(m, v) for m, v in tonnes if not (m.group(1)[-1:] in "万亿千" and m.group(3))]
    stages = _production_quota(low) if what == "export_quota" else []
    paired = len(stages) == len(tonnes) > 1 and any(w in low for w in ("respectively", "分别"))
    for k, (m, value) in enumerate(tonnes):
        if value is None or value == 0:
            continue
        year = _tonnage_year(sentence, m.start(), m.end(), base.year)
        where = _clauses(sentence).span(m.end() - 1)  # not at a thousands comma
        if where not in facts:
            facts[where] = _clause_facts(sentence[where[0] : where[1]].lower())
        named, world, exported, forecast, output = facts[where]  # "印度为690万吨": India's
        if forecast:
            continue
        magnets = any(w in sentence[where[0] : where[1]].lower() for w in ("magnet", "磁"))
        st = "magnets" if magnets and not exported else base.stage  # "a magnet plant producing 10,000 t"
        about = "exports" if exported and not st else what or ("" if st else topic)
        if output and about in {"reserves", "export_quota"}:  # "reserves..., and in 2024 produced 270,000 t"
            about, st = "", "mining"
        quota = ""
        if stages:  # "2025年稀土开采配额为27万吨": a quota of mining, not of exports
            own = _stage_of(sentence[where[0] : where[1]].lower())
            about, st, quota = "", stages[k] if paired else own or stages[0], "production_quota"
        more = m.re is _TONNES_ZH and bool(m.group(2) or m.group(4))  # "一万六千多吨", "9000多万吨"
        places = ["WLD"] if world else named[:1] or list(base.places)
        out.append(derive(base, kind="quantity", value=value, unit="t", topic=about, places=places, stage=st,
                           qualifier="over" if more else _qualifier_before(sentence, m.start(), base),
                           at=m.start(m.lastindex or 1) if m.re is _BARE_BASE else m.start(),
                           event=quota or base.event,
                           span=_clauses(sentence).around(m.start()).strip(), year=year))  # fmt: skip
    return out


_YEAR_AFTER = re.compile(r"\s*(?:of [\w\s()-]{0,30}?)?(?:in|for|during)\s+((?:19|20)\d\d)\b")
_YEAR_BEFORE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_PREVIOUS = re.compile(r"[^.;。]{0,30}?\b(?:the previous year|the year before|a year earlier)\b")


#: Words of a quota of mining or separation ("开采配额", "the 2023 quota for rare earths mining").
_OF_OUTPUT = {"开采": "mining", "冶炼分离": "separation", "mining": "mining", "separation": "separation",
              "production": "mining", "smelting": "separation"}  # fmt: skip


def _production_quota(low: str) -> list[str]:
    """The stages a quota of production names, in the order named, when the sentence speaks of no
    exports ("The 2023 quota for rare earths mining and rare earths separation was set at 240,000
    metric tons and 230,000 metric tons ..., respectively": mining, separation); else nothing."""
    if any(w in low for w in ("export", "出口")):
        return []
    named = sorted((low.find(w), st) for w, st in _OF_OUTPUT.items() if w in low)
    return [st for _, st in named]


def _stage_of(part: str) -> str:
    """The stage a clause of a quota of production names ("冶炼分离...": separation), or nothing."""
    return next((st for w, st in _OF_OUTPUT.items() if w in part), "")


@lru_cache(maxsize=8)
def _years_at(sentence: str) -> list[tuple[int, int]]:
    """Where each year of a sentence is named, found once a sentence."""
    return [(m.start(), int(m.group(1))) for m in _YEAR_BEFORE.finditer(sentence)]


def _tonnage_year(sentence: str, start: int, end: int, default: int | None) -> int | None:
    """The year of a tonnage: for "the previous year", the year before the one last named before it
    ("240,000 metric tons, up from 210,000 MT the previous year"); else one right after it ("270,000
    metric tons in 2024 (up from 255,000 metric tons in 2023)"); else one named just before it
    (:func:`_year_before`); else the last year named before it in its sentence ("In 2024, global
    production surged to 390,000 metric tons, nearly tripling from ... 2017"); else ``default``."""
    named_at = _years_at(sentence)
    before = [y for p, y in named_at[: bisect_left(named_at, (start, 0))]]
    if _PREVIOUS.match(sentence, end, end + 60):
        return before[-1] - 1 if before else (default - 1 if default else None)
    after = _YEAR_AFTER.match(sentence, end, end + 60)
    if after:
        return int(after.group(1))
    named = _year_before(sentence, start, None)
    if named is not None:
        return named
    return before[-1] if before else default


def _qualifier_before(sentence: str, at: int, base: Claim) -> str:
    """The qualifier written just before a tonnage ("不足50吨", "less than 50 tonnes"), else the
    sentence's."""
    window = f" {sentence[max(0, at - 12) : at].lower()} "
    return (qualifier(window) if _QUALIFIERS.search(window) else "") or base.qualifier


#: Any word of a qualifier, to look for them in one pass of C before finding which.
_QUALIFIERS = re.compile("|".join(re.escape(w) for w in (*lx.OVER, *lx.UNDER, *lx.ABOUT)))


_PRICE = re.compile(
    r"\$\s?(\d{1,12}+(?:\.\d{1,6}+)?)\s*+(?:per|a|/)\s*+(?:kilogram|kg)\b"
    r"|(?:每公斤|每千克)\s*+(\d{1,12}+(?:\.\d{1,6}+)?)\s*+美元"
    r"|(?<![\d.])(\d{1,12}+(?:\.\d{1,6}+)?)\s*+美元\s*+/\s*+(?:公斤|千克)",
    re.I,
)
_FLOOR = ("floor", "下限", "最低价", "保底", "minimum", "最低")


def prices(sentence: str, base: Claim) -> list[Claim]:
    """Prices in USD per kg; a price floor's level when the sentence speaks of a floor."""
    low = sentence.lower()
    floor = any(w in low for w in _FLOOR)
    out = []
    for m in _PRICE.finditer(sentence):
        value = float(m.group(1) or m.group(2) or m.group(3))
        kind = "price_floor" if floor else ""
        out.append(derive(base, kind="price", value=value, unit="USD/kg", event=kind, topic=kind or "price",
                           level=value, span=m.group()))  # fmt: skip
    return out


_DURATION = re.compile(
    r"((?<!\d)\d++|(?<![一二两三四五六七八九十])[一二两三四五六七八九十]++)\s*+个?月"
    r"|((?<!\d)\d++|one|two|three|four|five|six|nine|twelve)\s++months?",
    re.I,
)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "nine": 9, "twelve": 12}


def durations(sentence: str, base: Claim) -> list[Claim]:
    """How long stocks last, in months."""
    if not (base.event == "stockpile" or "库存" in sentence or "stock" in sentence.lower()):
        return []
    out = []
    for m in _DURATION.finditer(sentence):
        raw = m.group(1) or m.group(2)
        value = _WORDS.get(raw.lower()) if raw.isascii() and raw.isalpha() else chinese_number(raw)
        if value is not None:
            out.append(derive(base, kind="duration", value=float(value), unit="months", span=m.group()))
    return out
