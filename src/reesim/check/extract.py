"""Find checkable claims in an article: shares, money, quantities, dated events and durations.

The text is normalised first (traditional to simplified Chinese, full-width digits and signs to
ASCII) and split into sentences. Each sentence yields claims of five kinds; each claim keeps the
sentence it came from and the context found in it (places, elements, stage, event kind, and a
qualifier such as "over" or "about").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reesim.check import lexicon as lx

_FULL = str.maketrans("０１２３４５６７８９％．，：", "0123456789%.,:")
_SENTENCE = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s+|\n+")


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
    import opencc  # type: ignore[import-untyped]

    text = opencc.OpenCC("t2s").convert(text).translate(_FULL)
    return re.sub(r"[ \t]+", " ", text)


def language(text: str) -> str:
    """``zh`` if a tenth or more of the letters are Chinese characters, else ``en``."""
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    letters = sum(1 for c in text if c.isalpha())
    return "zh" if letters and cjk / letters >= 0.1 else "en"


def sentences(text: str) -> list[str]:
    """Sentences, without empty ones."""
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


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


def _has(low: str, word: str) -> bool:
    """Whether ``word`` occurs in ``low``: as a whole word for Latin script, anywhere for Chinese."""
    if word.isascii():
        return re.search(rf"(?<![a-z]){re.escape(word.strip())}(?![a-z])", low) is not None
    return word in low


_CLAUSE = re.compile(r"[,，;；]|\band\b|\bwhile\b|而|并且")


def clause(sentence: str, start: int) -> str:
    """The part of ``sentence`` between separators (commas, "and", ...) around position ``start``."""
    cuts = [0, *(m.end() for m in _CLAUSE.finditer(sentence)), len(sentence)]
    begin = max(c for c in cuts if c <= start)
    end = min((m.start() for m in _CLAUSE.finditer(sentence) if m.start() > start), default=len(sentence))
    return sentence[begin:end]


def _context(sentence: str) -> dict[str, object]:
    low = f" {sentence.lower()} "
    places = list(dict.fromkeys(code for word, code in lx.PLACES.items() if _has(low, word)))
    elements = list(dict.fromkeys(sym for word, sym in lx.ELEMENTS.items() if _has(low, word)))
    elements += [
        s
        for s in re.findall(r"\b(La|Ce|Pr|Nd|Sm|Eu|Gd|Tb|Dy|Ho|Er|Tm|Yb|Lu|Sc)\b", sentence)
        if s not in elements
    ]
    stage = next((st for word, st in lx.STAGES.items() if _has(low, word)), "")
    event = next((kind for word, kind in lx.EVENTS if word in low), "")
    qualifier = ""
    for name, words in (("over", lx.OVER), ("under", lx.UNDER), ("about", lx.ABOUT)):
        if any(w in low for w in words):
            qualifier = name
            break
    return {"places": places, "elements": elements, "stage": stage, "event": event, "qualifier": qualifier}


_PCT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent|per cent)")
_PCT_ZH = re.compile(r"百分之([零一二两三四五六七八九十\d.]+)")
_TENTHS_ZH = re.compile(r"([一二三四五六七八九])成")
_MONEY_EN = re.compile(r"\$\s?(\d+(?:\.\d+)?)\s*(billion|bn|million|m)\b", re.I)
_MONEY_ZH = re.compile(r"(\d+(?:\.\d+)?)\s*(亿|万)\s*美元")
_TONNES_EN = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(?:metric\s+)?(?:tonnes|tons)\b", re.I)
_TONNES_ZH = re.compile(r"(\d+(?:\.\d+)?)\s*(万)?\s*吨")
_DATE_ZH = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月")
_DATE_EN = re.compile(r"\b(" + "|".join(lx.MONTHS_EN) + r")\b\.?\s*(?:\d{1,2},?\s*)?(\d{4})?", re.I)
_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)")
_DURATION = re.compile(
    r"(\d+|[一二两三四五六七八九十]+)\s*个?月|(\d+|one|two|three|four|five|six|nine|twelve)\s+months?", re.I
)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "nine": 9, "twelve": 12}


def _claim(
    sentence: str, ctx: dict[str, object], year: int | None, kind: str, value: float | str, unit: str
) -> Claim:
    return Claim(
        sentence, kind, value, unit, str(ctx["qualifier"]), list(ctx["places"]),  # type: ignore[call-overload]
        list(ctx["elements"]), str(ctx["stage"]), str(ctx["event"]), year,  # type: ignore[call-overload]
    )  # fmt: skip


def _shares(sentence: str, ctx: dict[str, object], year: int | None) -> list[Claim]:
    """Share claims; stage and qualifier come from the clause around each number."""
    found: list[tuple[int, float]] = [(m.start(), float(m.group(1)) / 100) for m in _PCT.finditer(sentence)]
    for m in _PCT_ZH.finditer(sentence):
        value = chinese_number(m.group(1))
        if value is not None:
            found.append((m.start(), value / 100))
    found += [(m.start(), lx.CN_DIGITS[m.group(1)] / 10) for m in _TENTHS_ZH.finditer(sentence)]
    out = []
    for start, value in found:
        local = _context(clause(sentence, start))
        here = {**ctx, "qualifier": local["qualifier"], "stage": local["stage"] or ctx["stage"]}
        out.append(_claim(sentence, here, year, "share", value, "fraction"))
    return out


def _amounts(sentence: str, ctx: dict[str, object], year: int | None) -> list[Claim]:
    """Money (USD) and tonnage claims."""
    out = []
    for m in _MONEY_EN.finditer(sentence):
        scale = 1e9 if m.group(2).lower() in {"billion", "bn"} else 1e6
        out.append(_claim(sentence, ctx, year, "money", float(m.group(1)) * scale, "USD"))
    for m in _MONEY_ZH.finditer(sentence):
        out.append(
            _claim(
                sentence, ctx, year, "money", float(m.group(1)) * (1e8 if m.group(2) == "亿" else 1e4), "USD"
            )
        )
    for m in _TONNES_EN.finditer(sentence):
        out.append(_claim(sentence, ctx, year, "quantity", float(m.group(1).replace(",", "")), "t"))
    for m in _TONNES_ZH.finditer(sentence):
        out.append(
            _claim(sentence, ctx, year, "quantity", float(m.group(1)) * (1e4 if m.group(2) else 1.0), "t")
        )
    return out


def _durations(sentence: str, ctx: dict[str, object], year: int | None) -> list[Claim]:
    """How long stocks last, in months."""
    if not (ctx["event"] == "stockpile" or "库存" in sentence or "stock" in sentence.lower()):
        return []
    out = []
    for m in _DURATION.finditer(sentence):
        raw = m.group(1) or m.group(2)
        value = _WORDS.get(raw.lower()) if raw.isascii() and raw.isalpha() else chinese_number(raw)
        if value is not None:
            out.append(_claim(sentence, ctx, year, "duration", float(value), "months"))
    return out


def extract(text: str) -> list[Claim]:
    """Every claim found in ``text`` (an article), in reading order."""
    out: list[Claim] = []
    year: int | None = None
    for sentence in sentences(normalise(text)):
        ctx = _context(sentence)
        years = [int(y) for y in _YEAR.findall(sentence)]
        year = years[-1] if years else year
        out += _shares(sentence, ctx, year) + _amounts(sentence, ctx, year)
        if ctx["event"]:
            out += [_claim(sentence, ctx, year, "event", month, "month") for month in _months(sentence, year)]
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
