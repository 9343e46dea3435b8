"""Claims of amounts: money (USD), tonnes (of a quota, reserves, a stage or exports, and whose),
prices and price floors (USD per kg), places in a ranking of producers or of reserves, and how long
stocks last. Chinese numerals count as digits ("一六一〇万公吨"); a qualifier written just before a
tonnage ("不足50吨", "less than 50 tonnes") is that tonnage's.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reesim.check import lexicon as lx
from reesim.check.claim import Claim, derive
from reesim.check.numbers import PLACES, Clauses, _clauses, _topic, _year_before, found_words, qualifier
from reesim.check.text import chinese_number

_MONEY_EN = re.compile(r"\$\s?(\d++(?:\.\d++)?)\s*+(billion|bn|million|m)\b", re.I)
_MONEY_BARE = re.compile(r"(?<![\d$.,])(?<!\$ )(\d{1,6}+(?:\.\d{1,3}+)?)\s*+(billion|million)\b", re.I)
_MONEY_ZH = re.compile(r"(?<!\d)(\d++(?:\.\d++)?)\s*+(亿|万)\s*+美元")
_TONNES_EN = re.compile(r"(?<!\d)(\d[\d,]{0,30}+(?:\.\d++)?)\s*+(?:metric\s++)?(?:tonnes|tons)\b", re.I)
_TONNES_ZH = re.compile(
    r"(\d{1,4}+万\d{1,4}+(?:\.\d++)?|\d{1,3}(?:,\d{3})++(?:\.\d++)?|[\d.]{1,12}+"  # "6万2585吨": 62,585 t
    r"|[零〇一二两三四五六七八九十百千万亿]{1,16}+)"
    r"\s*+(多|余)?\s*+(万|亿|千)?\s*+(多|余)?\s*+(?:公吨|吨)"
)


@lru_cache(maxsize=4096)
def _clause_facts(part: str) -> tuple[list[str], bool, bool, bool]:
    """What a tonnage's clause says, read once a clause: the countries it names, whether it speaks
    of the world (naming none), of a tonnage exported (and no quota, reserves or price), of a
    forecast."""
    named = found_words(f" {part} ", PLACES)
    world = not named and any(w in part for w in lx.WORLD)
    exported = not _topic(part) and any(w in part for w in lx.EXPORTED)
    return named, world, exported, any(w in part for w in lx.FORECAST)


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
    facts: dict[tuple[int, int], tuple[list[str], bool, bool, bool]] = {}  # by clause, read once
    tonnes: list[tuple[re.Match[str], float | None]] = [
        (m, float(m.group(1).replace(",", ""))) for m in _TONNES_EN.finditer(sentence)
    ]
    tonnes += [  # "5,577公吨": 5,577 t
        (m, chinese_number(m.group(1).replace(",", "") + (m.group(3) or "")))
        for m in _TONNES_ZH.finditer(sentence)
    ]
    tonnes = [(m, v) for m, v in tonnes if not (m.group(1)[-1:] in "万亿千" and m.group(3))]
    for m, value in tonnes:
        if value is None or value == 0:
            continue
        year = _year_before(sentence, m.start(), base.year)
        where = _clauses(sentence).span(m.end() - 1)  # not at a thousands comma
        if where not in facts:
            facts[where] = _clause_facts(sentence[where[0] : where[1]].lower())
        named, world, exported, forecast = facts[where]  # "印度为690万吨": India's
        if forecast:
            continue
        about = "exports" if exported and not base.stage else what or ("" if base.stage else topic)
        more = m.re is _TONNES_ZH and bool(m.group(2) or m.group(4))  # "一万六千多吨", "9000多万吨"
        places = ["WLD"] if world else named[:1] or list(base.places)
        out.append(derive(base, kind="quantity", value=value, unit="t", topic=about, places=places,
                           qualifier="over" if more else _qualifier_before(sentence, m.start(), base),
                           at=m.start(),
                           span=_clauses(sentence).around(m.start()).strip(), year=year))  # fmt: skip
    return out


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


_RANK_ZH = re.compile(r"第\s*([一二三四五六七八九十\d]{1,3})\s*(?:大|位|名)?")
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7}
_RANK_EN = re.compile(
    r"\b(first|second|third|fourth|fifth|sixth|seventh|\d)(?:st|nd|rd|th)?[- ](?:largest|biggest)\b", re.I
)


def ranks(sentence: str, base: Claim) -> list[Claim]:
    """Places in a ranking of producers ("泰国位列全球稀土产量第6", "the second-largest producer")
    or of reserves ("澳洲是全球第4大稀土储藏国")."""
    reserves = any(w in sentence.lower() for w in ("储量", "储藏", "蕴藏", "reserves"))
    st = (
        "reserves"
        if reserves
        else base.stage or ("mining" if any(w in sentence for w in ("产量", "生产", "producer")) else "")
    )
    if st not in {"mining", "reserves"}:
        return []
    out = []
    clauses = Clauses(sentence)
    found = [(m.start(), m.group(1)) for m in _RANK_ZH.finditer(sentence)]
    found += [(m.start(), m.group(1).lower()) for m in _RANK_EN.finditer(sentence)]
    for start, raw in found:
        value = _ORDINALS.get(raw) or chinese_number(raw)
        part = clauses.around(start)
        places = found_words(f" {part.lower()} ", PLACES)
        if value is None or not places:
            continue
        out.append(derive(base, kind="rank", value=float(value), unit="place", places=places[:1], stage=st,
                           span=part.strip()))  # fmt: skip
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
