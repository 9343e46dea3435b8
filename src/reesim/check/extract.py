"""Find checkable claims in an article: shares, money, quantities, dated events and durations.

The text is normalised first (traditional to simplified Chinese, full-width digits and signs to
ASCII) and split into sentences. Each sentence yields claims of five kinds; each claim keeps the
sentence it came from and the context found in it (places, elements, stage, event kind, and a
qualifier such as "over" or "about").

The work is linear in the length of the text, whatever the text: a sentence longer than
:data:`MAX_SENTENCE` characters (a page without full stops) is read in pieces of at most that
length, cut at a space or comma; every pattern starts a number only where a run of digits
starts and reads a bounded number of characters; and the clauses of a sentence are found once,
not once per number.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from reesim.check import lexicon as lx
from reesim.check.script import to_simplified

_FULL = str.maketrans("０１２３４５６７８９％．，：", "0123456789%.,:")
_SENTENCE = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s+|\n+")

#: Longest piece of text read as one sentence, in characters.
MAX_SENTENCE = 1000
#: Where a longer sentence is cut: the last of these in its second half, else at the limit.
_CUTS = (" ", ",", "，", "、", ";", "；", ":", "：")


@dataclass
class Claim:
    """One claim: what kind, its value, and the context of its sentence."""

    sentence: str
    kind: str  # share | money | quantity | event | duration
    value: float | str  # fraction, USD, tonnes, YYYY-MM, or months
    unit: str
    qualifier: str = ""  # over | about | under | ""
    places: list[str] = field(default_factory=list)
    elements: list[str] = field(default_factory=list)
    stage: str = ""
    event: str = ""
    year: int | None = None


def normalise(text: str) -> str:
    """Simplified Chinese, ASCII digits and signs, single spaces."""
    return re.sub(r"[ \t]+", " ", to_simplified(text).translate(_FULL))


def language(text: str) -> str:
    """``zh`` if a tenth or more of the letters are Chinese characters, else ``en``."""
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    letters = sum(1 for c in text if c.isalpha())
    return "zh" if letters and cjk / letters >= 0.1 else "en"


def sentences(text: str) -> list[str]:
    """Sentences, without empty ones; long ones in pieces of at most :data:`MAX_SENTENCE` characters."""
    out: list[str] = []
    for part in _SENTENCE.split(text):
        rest = part.strip() if part else ""
        while len(rest) > MAX_SENTENCE:
            cut = max(rest.rfind(c, MAX_SENTENCE // 2, MAX_SENTENCE) for c in _CUTS)
            cut = cut + 1 if cut > 0 else MAX_SENTENCE
            out.append(rest[:cut].strip())
            rest = rest[cut:].strip()
        if rest:
            out.append(rest)
    return out


def chinese_number(text: str) -> float | None:
    """Value of a small Chinese numeral (up to 99) or an ASCII number."""
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    if not text or any(c not in lx.CN_DIGITS for c in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return float(
            (lx.CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (lx.CN_DIGITS.get(ones, 0) if ones else 0)
        )
    return float(lx.CN_DIGITS[text]) if len(text) == 1 else None


Table = tuple[tuple[str, re.Pattern[str] | None, str], ...]


def _table(words: Iterable[tuple[str, str]]) -> Table:
    """Lexicon words ready to look for: Latin-script words with a whole-word pattern, Chinese ones
    as plain text (Chinese has no spaces between words)."""
    out = []
    for word, value in words:
        bare = word.strip() if word.isascii() else word
        pattern = re.compile(rf"(?<![a-z]){re.escape(bare)}(?![a-z])") if word.isascii() else None
        out.append((bare, pattern, value))
    return tuple(out)


def _found(low: str, table: Table) -> list[str]:
    """Values of the words of ``table`` that occur in ``low``, in the order of the table."""
    return [v for bare, pattern, v in table if bare in low and (pattern is None or pattern.search(low))]


_PLACES, _ELEMENTS, _STAGES = (
    _table(lx.PLACES.items()),
    _table(lx.ELEMENTS.items()),
    _table(lx.STAGES.items()),
)
_SYMBOLS = re.compile(r"\b(La|Ce|Pr|Nd|Sm|Eu|Gd|Tb|Dy|Ho|Er|Tm|Yb|Lu|Sc)\b")


_CLAUSE = re.compile(r"[,，;；]|\band\b|\bwhile\b|而|并且")


class _Clauses:
    """The clauses of one sentence (the parts between commas, "and", ...), found once."""

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        found = list(_CLAUSE.finditer(sentence))
        self.starts = [m.start() for m in found]
        self.ends = [m.end() for m in found]

    def span(self, start: int) -> tuple[int, int]:
        """Where the clause around position ``start`` begins and ends."""
        before = bisect_right(self.ends, start)
        after = bisect_right(self.starts, start)
        begin = self.ends[before - 1] if before else 0
        end = self.starts[after] if after < len(self.starts) else len(self.sentence)
        return begin, end

    def around(self, start: int) -> str:
        """The clause around position ``start``."""
        begin, end = self.span(start)
        return self.sentence[begin:end]


def clause(sentence: str, start: int) -> str:
    """The part of ``sentence`` between separators (commas, "and", ...) around position ``start``."""
    return _Clauses(sentence).around(start)


def _qualifier(low: str) -> str:
    for name, words in (("over", lx.OVER), ("under", lx.UNDER), ("about", lx.ABOUT)):
        if any(w in low for w in words):
            return name
    return ""


def _stage(low: str) -> str:
    return next(
        (st for bare, pattern, st in _STAGES if bare in low and (pattern is None or pattern.search(low))), ""
    )


@dataclass(frozen=True)
class _Context:
    """What a sentence (or the clause around a number) says besides its numbers."""

    places: tuple[str, ...]
    elements: tuple[str, ...]
    stage: str
    event: str
    qualifier: str

    def claim(self, sentence: str, year: int | None, kind: str, value: float | str, unit: str) -> Claim:
        """A claim made in ``sentence`` with this context."""
        return Claim(sentence, kind, value, unit, self.qualifier, list(self.places), list(self.elements),
                     self.stage, self.event, year)  # fmt: skip


def _context(sentence: str) -> _Context:
    low = f" {sentence.lower()} "
    elements = list(dict.fromkeys(_found(low, _ELEMENTS)))
    elements += [s for s in _SYMBOLS.findall(sentence) if s not in elements]
    event = next((kind for word, kind in lx.EVENTS if word in low), "")
    places = tuple(dict.fromkeys(_found(low, _PLACES)))
    return _Context(places, tuple(elements), _stage(low), event, _qualifier(low))


@lru_cache(maxsize=4096)
def _local(part: str) -> tuple[str, str]:
    """Qualifier and stage of one clause (the only context a share takes from its clause)."""
    low = f" {part.lower()} "
    return _qualifier(low), _stage(low)


_PCT = re.compile(r"(?<!\d)(\d++(?:\.\d++)?)\s*+(?:%|percent|per cent)")
_PCT_ZH = re.compile(r"百分之([零一二两三四五六七八九十\d.]+)")
_TENTHS_ZH = re.compile(r"([一二三四五六七八九])成")
_MONEY_EN = re.compile(r"\$\s?(\d++(?:\.\d++)?)\s*+(billion|bn|million|m)\b", re.I)
_MONEY_ZH = re.compile(r"(?<!\d)(\d++(?:\.\d++)?)\s*+(亿|万)\s*+美元")
_TONNES_EN = re.compile(r"(?<!\d)(\d[\d,]{0,30}+(?:\.\d++)?)\s*+(?:metric\s++)?(?:tonnes|tons)\b", re.I)
_TONNES_ZH = re.compile(r"(?<!\d)(\d++(?:\.\d++)?)\s*+(万)?\s*+吨")
_DATE_ZH = re.compile(r"(?:(\d{4})\s*+年\s*+)?(\d{1,2})\s*+月")
_DATE_EN = re.compile(r"\b(" + "|".join(lx.MONTHS_EN) + r")\b\.?\s*(?:\d{1,2},?\s*)?(\d{4})?", re.I)
_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)")
_DURATION = re.compile(
    r"((?<!\d)\d++|(?<![一二两三四五六七八九十])[一二两三四五六七八九十]++)\s*+个?月"
    r"|((?<!\d)\d++|one|two|three|four|five|six|nine|twelve)\s++months?",
    re.I,
)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "nine": 9, "twelve": 12}


def _shares(sentence: str, ctx: _Context, year: int | None) -> list[Claim]:
    """Share claims; stage and qualifier come from the clause around each number."""
    found: list[tuple[int, float]] = [(m.start(), float(m.group(1)) / 100) for m in _PCT.finditer(sentence)]
    for m in _PCT_ZH.finditer(sentence):
        value = chinese_number(m.group(1))
        if value is not None:
            found.append((m.start(), value / 100))
    found += [(m.start(), lx.CN_DIGITS[m.group(1)] / 10) for m in _TENTHS_ZH.finditer(sentence)]
    out = []
    clauses = _Clauses(sentence) if found else None
    spans: dict[tuple[int, int], tuple[str, str]] = {}
    local: dict[tuple[str, str], _Context] = {}
    for start, value in found:
        assert clauses is not None
        span = clauses.span(start)
        if span not in spans:
            spans[span] = _local(sentence[span[0] : span[1]])
        qualifier, stage = spans[span]
        if (qualifier, stage) not in local:
            local[qualifier, stage] = replace(ctx, qualifier=qualifier, stage=stage or ctx.stage)
        out.append(local[qualifier, stage].claim(sentence, year, "share", value, "fraction"))
    return out


def _amounts(sentence: str, ctx: _Context, year: int | None) -> list[Claim]:
    """Money (USD) and tonnage claims."""
    out = []
    for m in _MONEY_EN.finditer(sentence):
        scale = 1e9 if m.group(2).lower() in {"billion", "bn"} else 1e6
        out.append(ctx.claim(sentence, year, "money", float(m.group(1)) * scale, "USD"))
    for m in _MONEY_ZH.finditer(sentence):
        scale = 1e8 if m.group(2) == "亿" else 1e4
        out.append(ctx.claim(sentence, year, "money", float(m.group(1)) * scale, "USD"))
    for m in _TONNES_EN.finditer(sentence):
        out.append(ctx.claim(sentence, year, "quantity", float(m.group(1).replace(",", "")), "t"))
    for m in _TONNES_ZH.finditer(sentence):
        out.append(
            ctx.claim(sentence, year, "quantity", float(m.group(1)) * (1e4 if m.group(2) else 1.0), "t")
        )
    return out


def _durations(sentence: str, ctx: _Context, year: int | None) -> list[Claim]:
    """How long stocks last, in months."""
    if not (ctx.event == "stockpile" or "库存" in sentence or "stock" in sentence.lower()):
        return []
    out = []
    for m in _DURATION.finditer(sentence):
        raw = m.group(1) or m.group(2)
        value = _WORDS.get(raw.lower()) if raw.isascii() and raw.isalpha() else chinese_number(raw)
        if value is not None:
            out.append(ctx.claim(sentence, year, "duration", float(value), "months"))
    return out


def extract(text: str, limit: int | None = None) -> list[Claim]:
    """Every claim found in ``text`` (an article), in reading order; with ``limit``, reading stops
    at the first sentence that takes the count above it (a text of that many claims is refused
    anyway, and a flood of claims costs no more than ``limit`` of them)."""
    out: list[Claim] = []
    year: int | None = None
    for sentence in sentences(normalise(text)):
        if limit is not None and len(out) > limit:
            break
        ctx = _context(sentence)
        years = [int(y) for y in _YEAR.findall(sentence)]
        year = years[-1] if years else year
        out += _shares(sentence, ctx, year) + _amounts(sentence, ctx, year)
        if ctx.event:
            out += [ctx.claim(sentence, year, "event", month, "month") for month in _months(sentence, year)]
        out += _durations(sentence, ctx, year)
    return out


def _months(sentence: str, year: int | None) -> list[str]:
    found = []
    for m in _DATE_ZH.finditer(sentence):
        y = int(m.group(1)) if m.group(1) else year
        if y and 1 <= int(m.group(2)) <= 12:
            found.append(f"{y:04d}-{int(m.group(2)):02d}")
    for m in _DATE_EN.finditer(sentence):
        y = int(m.group(2)) if m.group(2) else year
        if y:
            found.append(f"{y:04d}-{lx.MONTHS_EN[m.group(1).lower()]:02d}")
    return list(dict.fromkeys(found))
