"""Text handling for the article check: normalising, sentences that survive hard wraps and
abbreviations, and numbers written in Chinese.

- Normalising converts traditional Chinese to simplified (OpenCC's tables), full-width digits
  and signs to ASCII, the circle some papers print for zero ("六一五○") to 〇, and runs of spaces
  to one.
- Sentences: a news agency's copy is often wrapped at a fixed width, so a line break inside a
  paragraph is not a sentence end ("about 70 percent⏎of global mining" is one sentence); a blank
  line is. A full stop after an abbreviation ("U.S.", "Oct.", "No.") ends no sentence, nor does one
  before a lower-case word. Chinese sentences end at 。！？；. A first paragraph of one short line
  without a stop is the headline. Hand-written rules are kept here:
  a sentence splitter library such as pysbd reads a megabyte of hostile text in minutes, and the
  check must read any text in linear time.
- Chinese numerals ("九十", "一六一〇", "二十六", "一千二百") are read with cn2an (the ``check``
  extra), imported only when a text has some; without it the common forms (tens and units, digit
  by digit) are read by hand. 万 and 亿 scale them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reesim.check import lexicon as lx
from reesim.check.script import to_simplified

_FULL = str.maketrans("０１２３４５６７８９％．，：／（）○", "0123456789%.,:/()〇")

#: Longest piece of text read as one sentence, in characters.
MAX_SENTENCE = 1000
#: Where a longer sentence is cut: the last of these in its second half, else at the limit.
_CUTS = (" ", ",", "，", "、", ";", "；", ":", "：")

#: Words whose full stop ends no sentence.
_ABBREVIATED = (
    "u.s u.k u.n e.u mr mrs ms dr st no nos inc co corp ltd jr sr vs e.g i.e approx gov sen rep "
    "jan feb mar apr jun jul aug sep sept oct nov dec mt"
)
ABBREVIATIONS = frozenset(_ABBREVIATED.split(" "))

#: A blank line ends a paragraph, and so does a line break before an item of a list ("- U.S.:
#: 43,000 tons (11%)", "2. Brazil: 21 million metric tons") or a line that opens with a label and
#: a colon ("Production: 2,500 metric tons", "Reserves: 3.8 million metric tons"), and so does a
#: hyphen between spaces that parts the items of a list flattened into one line of Chinese
#: ("...约为4万吨,俄罗斯不足2万吨 [5] - 中国通过开采配额制度..."):
#: each item is read on its own, as a row of a table.
_PARAGRAPH = re.compile(
    r"\n[ \t]*\n+|\n(?=[ \t]*(?:[-•*·▪●]|\d{1,2}[.)])[ \t])"
    r"|\n(?=[ \t]*[A-Z][A-Za-z]{1,15}(?: [A-Za-z]{1,15}){0,2}:[ \t]?\S)"
    r"|(?<=[\u4e00-\u9fff\]】)]) - (?=[\u4e00-\u9fff\d])"  # items of a list flattened into a line of Chinese
)
#: The line break after an item or a labelled line ("1. China: 270,000 metric tons⏎China remains
#: the global leader..."), before a line that opens with a capital, a digit or a Chinese
#: character: the item is a row, and the next line a sentence of its own.
_ROW_END = re.compile(
    r"^([ \t]*(?:[-•*·▪●]|\d{1,2}[.)]|[A-Z][A-Za-z]{1,15}(?: [A-Za-z]{1,15}){0,2}:)"
    r"(?:[^\n]|\n(?=[ \t]*[a-z])){0,160}?)\n(?=[ \t]*[A-Z0-9\u4e00-\u9fff])"
)
_LINE = re.compile(r"[ \t]*\n[ \t]*")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
#: A possible sentence end: Chinese stops always; Latin ones before a space (closing quotes kept).
_END = re.compile(r"[。！？；]+[”」』\"']?|[.!?;]+[\"'”’)]?(?=\s)")
#: A paragraph that is only digits up to a full stop (read in place, without copying).
_NUMBER = re.compile(r"\d+")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]{0,8})$")


def normalise(text: str) -> str:
    """Simplified Chinese, ASCII digits and signs, single spaces."""
    return re.sub(r"[ \t]+", " ", to_simplified(text).translate(_FULL))


def language(text: str) -> str:
    """``zh`` if a tenth or more of the letters are Chinese characters, else ``en``."""
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    letters = sum(1 for c in text if c.isalpha())
    return "zh" if letters and cjk / letters >= 0.1 else "en"


def _unwrap(paragraph: str) -> str:
    """One paragraph with its line breaks joined: no space between two Chinese characters."""

    def join(m: re.Match[str]) -> str:
        before = paragraph[m.start() - 1] if m.start() else ""
        after = paragraph[m.end()] if m.end() < len(paragraph) else ""
        return "" if _CJK.match(before) and _CJK.match(after) else " "

    return _LINE.sub(join, paragraph.strip())


def _ends(paragraph: str) -> list[int]:
    """Where the sentences of a paragraph end."""
    out = []
    for m in _END.finditer(paragraph):
        stop = m.group()
        if stop[0] in ".":
            if _NUMBER.fullmatch(paragraph, 0, m.start()):  # "6. Russia": the number of an item
                continue
            word = _WORD_BEFORE.search(paragraph, max(0, m.start() - 10), m.start())
            if word and word.group(1).lower().rstrip(".") in ABBREVIATIONS:
                continue
            rest = paragraph[m.end() : m.end() + 3].lstrip()
            if rest[:1].islower():
                continue
        out.append(m.end())
    return out


def _pieces(sentence: str) -> list[str]:
    """A sentence in pieces of at most :data:`MAX_SENTENCE` characters, cut at a space or comma."""
    out = []
    rest = sentence.strip()
    while len(rest) > MAX_SENTENCE:
        cut = max(rest.rfind(c, MAX_SENTENCE // 2, MAX_SENTENCE) for c in _CUTS)
        cut = cut + 1 if cut > 0 else MAX_SENTENCE
        out.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        out.append(rest)
    return out


def sentences(text: str) -> list[str]:
    """Sentences, without empty ones; long ones in pieces of at most :data:`MAX_SENTENCE` characters."""
    out: list[str] = []
    for whole in _PARAGRAPH.split(text):
        row = _ROW_END.match(whole.lstrip("\n"))
        parts = [row.group(1), whole.lstrip("\n")[row.end() :]] if row else [whole]
        for raw in parts:
            out += _paragraph_sentences(raw)
    return out


def _paragraph_sentences(raw: str) -> list[str]:
    """The sentences of one paragraph (line breaks inside it joined)."""
    out: list[str] = []
    if raw:
        paragraph = _unwrap(raw)
        start = 0
        for end in [*_ends(paragraph), len(paragraph)]:
            if end > start:
                out += _pieces(paragraph[start:end])
            start = end
    return out


def headline(text: str) -> str:
    """The article's headline: a first paragraph of one short line with no closing stop ("China
    Suspends Rare Earth Export Controls After Trump Xi Summit"), or nothing."""
    first = next((p.strip() for p in _PARAGRAPH.split(text) if p.strip()), "")
    if "\n" in first or len(first) > 160 or first[-1:] in "。.!?！？;；":
        return ""
    return first


CN_DIGITS = "零〇一二两三四五六七八九十百千"
_SCALE = {"千": 1e3, "万": 1e4, "亿": 1e8}


@lru_cache(maxsize=1024)
def chinese_number(text: str) -> float | None:
    """Value of a number written in Chinese numerals ("九十", "一六一〇万", "一万四千五百") or ASCII
    digits, with an optional 万 or 亿; None if it is not one."""
    text = text.strip()
    for unit in ("亿", "万"):  # "一万四千五百": 1 x 10,000 + 4,500
        head, sep, tail = text.partition(unit)
        if sep and tail:
            high, low = chinese_number(head + unit), chinese_number(tail.lstrip("零〇"))
            return high + low if high is not None and low is not None else None
    scale = 1.0
    if text[-1:] in _SCALE:
        scale, text = _SCALE[text[-1]], text[:-1]
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text) * scale
    if not text or any(c not in CN_DIGITS for c in text):
        return None
    try:
        import cn2an  # type: ignore[import-untyped]
    except ImportError:  # the check extra is not installed: the common forms by hand
        value = _small_numeral(text)
        return value * scale if value is not None else None
    try:
        return float(cn2an.cn2an(text, "smart")) * scale
    except ValueError:
        return None


#: The digits 零 to 九 (not 十): a numeral of these alone is read digit by digit.
_DIGIT_VALUES = {c: v for c, v in lx.CN_DIGITS.items() if v < 10}


def _small_numeral(text: str) -> float | None:
    """ "九十", "二十六", "十一" or digit by digit ("一六一〇"); None for other forms (百, 千)."""
    if all(c in _DIGIT_VALUES for c in text):
        return float("".join(str(_DIGIT_VALUES[c]) for c in text))
    tens, ten, ones = text.partition("十")
    if (
        ten
        and "十" not in ones
        and all(c in _DIGIT_VALUES for c in tens + ones)
        and len(tens) <= 1 >= len(ones)
    ):
        return float((_DIGIT_VALUES[tens] if tens else 1) * 10 + (_DIGIT_VALUES[ones] if ones else 0))
    return None
