"""Where the figures of a sentence stand: its percentages as written (``%``, "percent",
百分之, 成, 分之, "two-thirds", 倍), the year a number refers to, and the words that give a
percentage a direction of change (a cut, a fall, a rise).

These are read once a sentence and shared by :mod:`reesim.check.numbers` (shares and changes) and
:mod:`reesim.check.quantities` (tonnes); they read no context of their own.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reesim.check import lexicon as lx
from reesim.check.text import chinese_number

#: Words of a fall: a percentage with one in its clause is a change downwards ("cut by 72%").
DOWN = (
    " cut",
    "slash",
    " less",
    " down",
    " fell",
    "reduc",
    "lower",
    "drop",
    "下降",
    "减少",
    "削减",
    "下跌",
    "降低",
    "骤降",
    "下滑",
    " fall",
    "declin",
    " slid",
    " slip",
    "plummet",
    "回落",
    " dip ",
    " dipped",
    " dips ",
    "slump",
    "plunge",
    "tumble",
    "减幅",
    "降幅",
    "跌幅",
    "年减",
    "月减",
    "季减",
    "decreas",
    " sank",
    " shrank",
    "暴跌",
    "大跌",
    "下挫",
    "锐减",
    "骤减",
    "大减",
    "萎缩",
    "缩减",
    "跌",
)
#: Words of a rise ("exports rose 32%", "同比增长27%").
UP = (
    " rose", " rise", "increase", " up ", "grew", "growth", "增长", "上涨", "提高", "增加", "激增", "大增",
    "飙升", "暴增", "surge", "jump", "soar", "climb", " higher", "rebound", "增幅", "涨幅", "年增",
    "月增", "季增", "成长", "上升", "攀升", "回升", "走高", "扩大", "按月升", "按年升",
    " gained", " advanced", "spike", " more than",
)  # fmt: skip

#: "60%", "60-percent", "18,9%" (a decimal comma: one or two digits after it, never a thousands one).
_PCT = re.compile(r"(?<![\d,])(\d++(?:\.\d++|,\d{1,2}+(?!\d))?)(?:\s*+|-)(?:%|percent|per cent|pc\b)")
_PCT_ZH = re.compile(
    r"百分之([零一二两三四五六七八九十\d.]+)|(?<![零一二两三四五六七八九十百])([一二三四五六七八九十百]{1,4})\s*%"
)
_TIMES_ZH = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d+)?|[一二两三四五六七八九十])\s*倍")  # "上涨两倍": +200%
#: "飙升至5月的7倍": rose to seven times May's, up 600% (not "by" seven times).
_TO_TIMES = re.compile(r"(?:至|到|为|是)[^倍，,。]{0,6}$")
_RISE_ZH = ("涨", "增", "升", "高")
_TENTHS_ZH = re.compile(
    r"(?<![\d.])([一二三四五六七八九1-9])成([一二三四五六七八九])?(?![一二三四五六七八九])"
)


_FRACTION_ZH = re.compile(
    r"(?<![一二三四五六七八九十百])([二三四五六七八九十])分之([一二三四五六七八九])(?![一二三四五六七八九十])"
)
_FRACTION_EN = re.compile(  # not "the first three quarters of 2025"
    r"(?<!first )(?<!last )\b(one|two|three|four)[- ](thirds?|quarters?|fifths?)\b"
    r"(?! of (?:the year|19\d\d|20\d\d))",
    re.I,
)
_EN_COUNT = {"one": 1, "two": 2, "three": 3, "four": 4}
_EN_PARTS = {"third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5, "fifths": 5}


def _digit(char: str) -> int:
    """A digit written as a Chinese numeral or an ASCII digit ("七成", "7成")."""
    return int(char) if char.isdigit() else lx.CN_DIGITS[char]


@lru_cache(maxsize=8)
def _percentages(sentence: str) -> list[tuple[int, int, float]]:
    """Percentages of a sentence (read once for its shares and its changes)."""
    found = [(m.start(), m.end(), float(m.group(1).replace(",", ".")) / 100) for m in _PCT.finditer(sentence)]
    for m in _PCT_ZH.finditer(sentence):
        value = chinese_number(m.group(1) or m.group(2))
        if value is not None:
            found.append((m.start(), m.end(), value / 100))
    found += [  # "一成一" is 11%: tenths and hundredths
        (
            m.start(),
            m.end(),
            _digit(m.group(1)) / 10 + (lx.CN_DIGITS[m.group(2)] / 100 if m.group(2) else 0),
        )
        for m in _TENTHS_ZH.finditer(sentence)
    ]
    for m in _FRACTION_ZH.finditer(sentence):  # "三分之二": two thirds
        found.append((m.start(), m.end(), lx.CN_DIGITS[m.group(2)] / lx.CN_DIGITS[m.group(1)]))
    for m in _FRACTION_EN.finditer(sentence):  # "two-thirds"
        found.append((m.start(), m.end(), _EN_COUNT[m.group(1).lower()] / _EN_PARTS[m.group(2).lower()]))
    for m in _TIMES_ZH.finditer(sentence):  # "上涨两倍": up by 200%
        times = chinese_number(m.group(1))
        window = sentence[max(0, m.start() - 8) : m.start()]
        if times is not None and any(w in window for w in _RISE_ZH):
            found.append((m.start(), m.end(), times - 1 if _TO_TIMES.search(window) else times))
    return sorted(found)


_FROM_TO = re.compile(r"(从|from\s|between\s)|(至|到|\bto\s|\band\s)")
_YEAR_AT = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def _year_before(sentence: str, start: int, default: int | None) -> int | None:
    """The year a number at ``start`` refers to: one named just before it; else, for the first
    term of a "from ... to ..." pair, the year that opens the sentence's pair of years ("从1994年的
    3.1万吨跃升至2024年的27万吨, 份额从47%提升至近70%": 47% is of 1994); else ``default``."""
    years = re.findall(r"(?<!\d)((?:19|20)\d\d)\s*年?", sentence[max(0, start - 14) : start])
    if years:
        return int(years[-1])
    lead = sentence[max(0, start - 6) : start].lower()
    if not any(w in lead for w in ("从", "from", "between")):
        return default
    marks = list(_FROM_TO.finditer(lead))
    if marks and marks[-1].group(1):
        for m in _YEAR_AT.finditer(sentence, 0, start):
            before = sentence[max(0, m.start() - 6) : m.start()].lower()
            if re.search(r"从|from\s|between\s", before):
                return int(m.group(1))
    return default
