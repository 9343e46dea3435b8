"""Dates in an article: the article's own date, and the dates its sentences name.

The article's date comes, in this order, from the ``--date`` option, from a dateline at the head
of the text ("2025/10/31 12:46", "BEIJING, Dec 28", "Report-Oct. 29", "中央社台北31日电"), or is
inferred by the check from the records the article's claims name (the latest year consistent with
the dataset). :attr:`ArticleDate.how` says which.

A date in a sentence is resolved against the article's date: a month without a year takes the
article's year, or the year before when that month is later than the article's ("in October" in
an article of March); "last October", "去年7月", "next year", "mid-2026" and "yesterday" count from
the article's date; a day alone ("9日") is a day of the article's month. A date after "至",
"until" or "through" is the end of a measure, not its start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

MONTHS_EN = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3,
    "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MON = "|".join(sorted(MONTHS_EN, key=len, reverse=True))
#: A day of the month in digits or Chinese numerals, with the old forms of twenty and thirty
#: ("廿日": the 20th, "卅一日": the 31st).
_CN_DAYNUM = "[0-9一二三四五六七八九十廿卅]{1,3}"


@dataclass(frozen=True)
class ArticleDate:
    """The article's date as far as it is known, and how it was found."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    how: str = "unknown"  # option | dateline | inferred | unknown
    #: Years an undated article names (its records are likelier of those years).
    named_years: frozenset[int] = frozenset()
    #: Kinds of event and the years its sentences give them ("2010年...中止对日出口稀土"): an undated
    #: event of that kind elsewhere in the article is another one, not likelier of that year.
    dated_kinds: frozenset[tuple[str, int]] = frozenset()

    def month_text(self) -> str:
        """``YYYY-MM`` when year and month are known, else an empty string."""
        return f"{self.year:04d}-{self.month:02d}" if self.year and self.month else ""

    def describe(self) -> str:
        """The date and how it was found, for the report."""
        parts = [f"{self.year:04d}" if self.year else "????"]
        parts.append(f"{self.month:02d}" if self.month else "??")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts) + f" ({self.how})"


def parse_option(value: str) -> ArticleDate:
    """The date given as ``YYYY-MM-DD`` or ``YYYY-MM``; ValueError otherwise."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", value.strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or (m.group(3) and not 1 <= int(m.group(3)) <= 31):
        raise ValueError(f"{value!r} is not a date (use YYYY-MM-DD or YYYY-MM)")
    return ArticleDate(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None, "option")


_FULL_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[/.\-年]\s*(\d{1,2})\s*[/.\-月]\s*(\d{1,2})(?!\d)")
_EN_DATELINE = re.compile(rf"\b({_MON})\.?\s+(\d{{1,2}})(?:,?\s+((?:19|20)\d\d))?\b", re.I)
_EN_DATE_DMY = re.compile(rf"\b(\d{{1,2}})\.?\s+({_MON})\.?,?\s+((?:19|20)\d\d)\b", re.I)
#: "9/20/2025", "21/08/2025" on a line of its own: the day is the number above 12 (else unread).
_SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)(?![\d/])")
_ZH_DATELINE = re.compile(rf"(?:(\d{{1,2}})月)?({_CN_DAYNUM})日[电電]")


_IN_SENTENCE = re.compile(r"\b(?:on|in|since|by|from|until|before|after|of|at)\s+$", re.I)


def dateline(text: str) -> ArticleDate:
    """The date at the head of an article (its first 300 characters), as far as it goes."""
    head = text[:300]
    lines = [line for line in head.split("\n")[:6] if len(line.strip()) <= 60]  # a date on a line of its own
    for m in [*_FULL_DATE.finditer(head[:80]), *(x for line in lines for x in _FULL_DATE.finditer(line))]:
        if _UNTIL.search(m.string[max(0, m.start() - 4) : m.start()]):
            continue
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return ArticleDate(y, mo, d, "dateline")
    for line in lines:
        for m in _SLASH_DATE.finditer(line):
            a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if (a > 12) != (b > 12) and max(a, b) <= 31:
                d, mo = (a, b) if a > 12 else (b, a)
                return ArticleDate(y, mo, d, "dateline")
            if a <= 12 and b <= 12:  # either order: month first in English ("Published on 11/10/2025"),
                chinese = any("\u4e00" <= c <= "\u9fff" for c in head)  # day first in Chinese papers
                d, mo = (a, b) if chinese else (b, a)
                return ArticleDate(y, mo, d, "dateline")
    m2 = _EN_DATE_DMY.search(head)
    if m2:
        return ArticleDate(int(m2.group(3)), MONTHS_EN[m2.group(2).lower()], int(m2.group(1)), "dateline")
    m3 = next(  # not a date the first sentence speaks of ("On April 4, 2025, China's Ministry ...")
        (
            m
            for m in _EN_DATELINE.finditer(head[:120])
            if not _IN_SENTENCE.search(head[max(0, m.start() - 8) : m.start()])
        ),
        None,
    )
    if m3:
        year = int(m3.group(3)) if m3.group(3) else None
        return ArticleDate(year, MONTHS_EN[m3.group(1).lower()], int(m3.group(2)), "dateline")
    m4 = _ZH_DATELINE.search(head)
    if m4:
        day = _cn_int(m4.group(2))
        return ArticleDate(None, int(m4.group(1)) if m4.group(1) else None, day, "dateline")
    return ArticleDate()


def _cn_int(text: str) -> int | None:
    from reesim.check.text import chinese_number

    text = text.replace("廿", "二十").replace("卅", "三十")
    value = chinese_number(text)
    return int(value) if value is not None else None


@dataclass(frozen=True)
class Mention:
    """A date named in a sentence, before it is resolved against the article's date."""

    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    shift: int = 0  # years from the article's year: -1 last, +1 next
    relative: bool = False  # today, yesterday, a weekday, 即日: the article's own month
    until: bool = False
    back: int = 0  # relative dates: days back ("last week": 7) or, if negative, months back ("last month")


_ZH = re.compile(
    rf"(?:((?:19|20)\d\d)\s*年|(去年|今年|明年))?\s*(?:(?<![连续近前个几数过])(\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*月)"
    rf"(?:\s*({_CN_DAYNUM})\s*[日号])?|(?<![月\d])({_CN_DAYNUM})\s*日(?![电電本])"
    r"|(今天|今日|当天|当日|即日|昨天|昨日|日前|本周|上周|本月|上个月|上月)|((?:19|20)\d\d)\s*年(?:底|末)?(?!\s*\d{1,2}\s*月)"
)
_EN = re.compile(
    rf"\b(?:(last|this|next)\s+)?({_MON})\b\.?(?:\s+(\d{{1,2}})(?:st|nd|rd|th)?\b)?(?:,?\s+((?:19|20)\d\d)\b)?"
    r"|\b(today|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday|this month|last week"
    r"|last month)\b"
    r"|\b(last|next|this) year\b|\b(?:(mid|early|late|end)(?:[- ]|\s+of\s+))?((?:19|20)\d\d)\b",
    re.I,
)
#: Relative dates that go back: days ("last week") or, negative, months ("last month").
_BACK = {"上周": 7, "last week": 7, "上个月": -1, "上月": -1, "last month": -1}
_TODAY_DAY = re.compile(r"今\s*\(\s*(\d{1,2})\s*\)\s*日")
_UNTIL = re.compile(r"(?:至|到|until|till|through|to)\s*$", re.I)
#: "至" opening a clause ("至10月9日,商务部更提出新规": by 9 October) is no end of a period.
_BY_THEN = re.compile(r"(?:^|[,，。;；:：])\s*至$")
#: A weekday with its month and day, as papers in Taiwan write them ("周四(10/30)").
_WEEKDAY_MD = re.compile(r"周[一二三四五六日]\s*\(\s*(\d{1,2})/(\d{1,2})\s*\)")
#: "compared to November", "relative to 2024": the date compared with, no end of a period.
_COMPARED_TO = re.compile(r"\b(?:compared|relative|similar|equal|close)\s+to\s*$", re.I)
_FROM_NOT_UNTIL = re.compile(r"(?:from|自)\s*\S*\s*(?:至|到|until|till|through|to)\s*$", re.I)


#: Most dates read in one sentence: one that names more is a table or a list, not a claim, and
#: reading stops there (which keeps the work per sentence bounded).
MAX_DATES = 12


def _month_may(sentence: str, m: re.Match[str]) -> bool:
    """Whether "May" is the month ("1,238 tons in May", "since May"), not the verb."""
    before = sentence[max(0, m.start() - 7) : m.start()]
    return sentence[m.start()] == "M" and bool(_MAY_BEFORE.search(before))


_MAY_BEFORE = re.compile(r"\b(?:in|of|from|since|to|until|by|early|late|mid-?)\s+$", re.I)


def mentions(sentence: str) -> list[Mention]:
    """The dates a sentence names, in order (at most :data:`MAX_DATES`); an English "May" counts
    only with a day or year."""
    out: list[Mention] = []
    if "今(" in sentence:  # "今(30)日": the 30th, today (same length, so positions hold)
        sentence = _TODAY_DAY.sub(
            lambda m: " " * (len(m.group()) - len(m.group(1)) - 1) + m.group(1) + "日", sentence
        )
    chinese = any(c in sentence for c in "月日年今昨即本上")
    for m in islice(_ZH.finditer(sentence), MAX_DATES) if chinese else ():
        until = bool(_UNTIL.search(sentence[max(0, m.start() - 4) : m.start()])) and not _BY_THEN.search(
            sentence[max(0, m.start() - 2) : m.start()]
        )
        if m.group(3):
            month = _cn_int(m.group(3))
            if month is None or not 1 <= month <= 12:
                continue
            shift = {"去年": -1, "明年": 1}.get(m.group(2) or "", 0)
            day = _cn_int(m.group(4)) if m.group(4) else None
            year = int(m.group(1)) if m.group(1) else None
            out.append(Mention(m.start(), m.end(), year, month, day, shift, False, until))
        elif m.group(5):
            day = _cn_int(m.group(5))
            if day and 1 <= day <= 31:
                out.append(Mention(m.start(), m.end(), None, None, day, 0, False, until))
        elif m.group(6):
            back = _BACK.get(m.group(6), 0)
            out.append(Mention(m.start(), m.end(), None, None, None, 0, True, until, back))
        elif m.group(7):  # a year, or its end ("2010年底")
            month = 12 if m.group().endswith(("底", "末")) else None
            out.append(Mention(m.start(), m.end(), int(m.group(7)), month, None, 0, False, until))
    for m in islice(_WEEKDAY_MD.finditer(sentence), MAX_DATES) if "周" in sentence else ():
        month, day = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12 and 1 <= day <= 31:  # "周四(10/30)": 30 October
            out.append(Mention(m.start(1), m.end(2), None, month, day))
    for m in islice(_EN.finditer(sentence), MAX_DATES):
        before = sentence[max(0, m.start() - 14) : m.start()]
        until = bool(_UNTIL.search(before[-9:])) and not _COMPARED_TO.search(before)
        if m.group(2):
            name = m.group(2).lower()
            if (
                name == "may" and not (m.group(3) or m.group(4) or m.group(1)) and not _month_may(sentence, m)
            ) or (name == "mar" and not m.group(3)):
                continue
            shift = {"last": -1, "next": 1}.get((m.group(1) or "").lower(), 0)
            year = int(m.group(4)) if m.group(4) else None
            day = int(m.group(3)) if m.group(3) and 1 <= int(m.group(3)) <= 31 else None
            out.append(Mention(m.start(), m.end(), year, MONTHS_EN[name], day, shift, False, until))
        elif m.group(5):
            back = _BACK.get(m.group(5).lower(), 0)
            out.append(Mention(m.start(), m.end(), None, None, None, 0, True, until, back))
        elif m.group(6):
            shift = {"last": -1, "next": 1}.get(m.group(6).lower(), 0)
            out.append(Mention(m.start(), m.end(), None, None, None, shift, False, until))
        elif m.group(8):
            month = {"mid": 6, "early": 2, "late": 11, "end": 12}.get((m.group(7) or "").lower())
            out.append(Mention(m.start(), m.end(), int(m.group(8)), month, None, 0, False, until))
    return sorted(out, key=lambda x: x.start)[:MAX_DATES]


def resolve(
    mention: Mention, article: ArticleDate, future: bool = False
) -> tuple[str, int | None, int | None]:
    """A mention as ``YYYY-MM`` (or ``YYYY`` for a year alone), with the month and day left to
    find in the dataset when the article's date does not give them. ``future``: the sentence
    speaks of what will be, so a month later than the article's is in the article's year."""
    if mention.relative:
        if not mention.back or not (article.year and article.month):
            return article.month_text(), article.month, None
        if mention.back < 0 or not article.day:  # last month; last week with no day known
            months = -mention.back if mention.back < 0 else 0
            total = article.year * 12 + article.month - 1 - months
            return f"{total // 12:04d}-{total % 12 + 1:02d}", None, None
        from datetime import date, timedelta

        then = date(article.year, article.month, article.day) - timedelta(days=mention.back)
        return f"{then.year:04d}-{then.month:02d}", None, None
    if mention.year is not None:
        if mention.month is None:
            return f"{mention.year:04d}", None, None
        return f"{mention.year:04d}-{mention.month:02d}", None, None
    if mention.month is None and mention.day is None:  # last year, next year
        return (f"{article.year + mention.shift:04d}" if article.year else ""), None, None
    month = mention.month
    if month is None:  # a day alone: this month, or last month if the day is still to come
        if article.month is None or article.year is None:
            return "", None, mention.day
        month = article.month
        year = article.year
        if article.day and mention.day and mention.day > article.day + 1:
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return f"{year:04d}-{month:02d}", None, None
    if article.year is None:
        return "", month, mention.day
    year = article.year + mention.shift
    if mention.shift == 0 and article.month and month > article.month + 1 and not (mention.until or future):
        year -= 1
    return f"{year:04d}-{month:02d}", None, None
