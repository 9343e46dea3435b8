"""Where a figure of China's exports goes, and over which months it runs.

Where: the country named after a word of destination ("对美国", "to the US"), or as an importer
("U.S. imports fell about 11%"), else the one its clause names, else the country a sentence opens
with as a destination in a ranking ("美国排名第二,7月份出口量为619吨", "Germany was the top export
destination"); none is the world.

Over which months: a run from January ("前七个月", "1-9月", "上半年", "first three quarters",
"first quarter", "year-to-date", "全年"), or months not from January ("4-5月"), which the table
does not total.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from reesim.check.numbers import PLACES

#: Words of a country's purchases ("U.S. imports fell about 11%", "Japan's purchases jumped"): in
#: an article reporting China's exports, China's exports to that country.
IMPORT_WORDS = ("imports", "purchases", "进口", "采购")
_IMPORTER = re.compile(r"^(?:'s|’s|的)?\s*(?:imports|purchases|进口|采购)")
#: "US-bound shipments": the destination named before "-bound".
_BOUND = re.compile(r"^\s?-?\s?bound\b")
#: A country named with China as one adjective ("a US-China agreement", "China-US talks"): no
#: destination.
_PAIRED = re.compile(r"[-–/](?:china|chinese|sino)\b")
_PAIRED_BEFORE = re.compile(r"\b(?:china|sino)[-–/]$")
_MARKED = re.compile(r"(?:对|向|往|至|\bto\s+(?:the\s+)?|\b(?:bound\s+)?for\s+(?:the\s+)?)\s*$")


#: A destination named by reference to the one before ("to its Asian neighbour", "to that country",
#: "对该国").
SAME_PLACE = re.compile(
    r"\bto (?:its|their) (?:[a-z]+ )?neighbou?r|\bto (?:that|the same) (?:country|market|destination)"
    r"|(?:对|向)(?:该国|该市场|其邻国)",
    re.I,
)
_RANKED = re.compile(
    r"排名|位居|名列|居第|\branked\b|\branks\b|\bcame (?:in )?(?:first|second|third)"
    r"|\b(?:top|largest|biggest) (?:export )?(?:destination|buyer|market)|最大(?:出口)?(?:目的地|买家|市场)"
)


class Places:
    """Where a sentence names countries besides China, found once: after a word of destination
    ("对美国", "对美", "to the US") or anywhere."""

    def __init__(self, low: str) -> None:
        from reesim.check.event_words import _DESTINATION, _DESTINATIONS

        marked = [(m.start(), _DESTINATIONS[m.group(1)]) for m in _DESTINATION.finditer(low)]
        anywhere: list[tuple[int, str]] = []
        importer = any(w in low for w in IMPORT_WORDS)
        bound = "bound" in low
        pairs = any(w in low for w in ("-china", "–china", "/china", "-chinese", "china-", "china–", "sino-"))
        for bare, pattern, iso3 in PLACES:
            if not iso3.isupper() or iso3 == "CHN" or bare not in low:
                continue
            hits = [m.start() for m in pattern.finditer(low)] if pattern is not None else _all(low, bare)
            if pairs:  # "a US-China agreement"
                hits = [p for p in hits if not _paired(low, p, bare)]
            marked += [(p, iso3) for p in hits if _MARKED.search(low[max(0, p - 8) : p])]
            if importer:  # "U.S. imports"
                marked += [(p, iso3) for p in hits if _IMPORTER.match(low, p + len(bare))]
            if bound:  # "US-bound shipments"
                marked += [(p, iso3) for p in hits if _BOUND.match(low, p + len(bare.rstrip()))]
            anywhere += [(p, iso3) for p in hits]
        self.marked, self.anywhere = sorted(marked), sorted(anywhere)
        self.marked_at = [p for p, _ in self.marked]
        self.anywhere_at = [p for p, _ in self.anywhere]
        self.rank(low)

    def destination(self, at: int, clause: tuple[int, int]) -> str:
        """Where a figure at ``at`` goes: the last country named before it after a word of
        destination, else the first its clause names ("Germany received 1,116 tons"), else none
        (the world). A country named otherwise before the figure is no destination ("德国之声...11月
        中国稀土磁铁的出口量")."""
        i = bisect_left(self.marked_at, at)
        if i:
            return self.marked[i - 1][1]
        j = bisect_left(self.anywhere_at, clause[0])
        if j < len(self.anywhere) and self.anywhere_at[j] < clause[1]:
            return self.anywhere[j][1]
        return self.ranked

    def rank(self, low: str) -> None:
        """The country a sentence opens with as a destination in a ranking ("美国排名第二,7月份出口量
        为619吨", "The US ranked second, with 619 tons"): the destination of its figures."""
        self.ranked = ""
        first = self.anywhere_at[0] if self.anywhere else len(low)
        if (
            first < 8
            and len({iso3 for _, iso3 in self.anywhere}) == 1
            and _RANKED.search(low, first, first + 45)
        ):
            self.ranked = self.anywhere[0][1]


def _paired(low: str, at: int, bare: str) -> bool:
    return bool(_PAIRED.match(low, at + len(bare)) or _PAIRED_BEFORE.search(low, max(0, at - 7), at))


def _all(low: str, word: str) -> list[int]:
    out, at = [], low.find(word)
    while at >= 0:
        out.append(at)
        at = low.find(word, at + 1)
    return out


_RUNS: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (re.compile(r"(\d{1,2})\s*[-至到~]\s*(\d{1,2})\s*月"), None),
    (re.compile(r"前\s*([一二三四五六七八九十\d]{1,3})\s*个?月"), None),
    (
        re.compile(r"first (one|two|three|four|five|six|seven|eight|nine|ten|eleven|\d{1,2}) months", re.I),
        None,
    ),
    (re.compile(r"前三季|first three quarters|first nine months", re.I), 9),
    (re.compile(r"一季度|first quarter|\bq1\b", re.I), 3),
    (re.compile(r"上半年|first half|\bh1\b", re.I), 6),
    (
        re.compile(
            r"全年|full[- ]year|for the year|annual|(?:for|in|during|throughout) (?:all|the whole) of", re.I
        ),
        12,
    ),
    (re.compile(r"year-to-date|year to date|今年以来|年初至今", re.I), 0),  # through the report's month
)
#: Words one of the patterns of a run of months needs.
_RUN_HINTS = (
    "月",
    "半年",
    "前三季",
    "一季度",
    "q1",
    "first",
    "h1",
    "full",
    "for the year",
    "annual",
    "all of",
    "whole of",
    "to-date",
    "to date",
    "以来",
    "至今",
)
_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11,
}  # fmt: skip


@lru_cache(maxsize=4096)
def _run(text: str) -> int | None:
    """Months 1..n that a clause speaks of, 0 for year-to-date, -1 for months not from January,
    None for no run."""
    from reesim.check.text import chinese_number

    for pattern, months in _RUNS:
        m = pattern.search(text)
        if not m:
            continue
        if months is not None:
            return months
        if pattern is _RUNS[0][0] and int(m.group(1)) != 1:
            return -1  # "4-5月": months not from January, which the table does not total
        raw = m.group(m.lastindex or 1)
        value = _NUMBERS.get(raw.lower()) if raw.isascii() and raw.isalpha() else chinese_number(raw)
        return int(value) if value and 1 <= value <= 12 else None
    return None


def _runs(low: str) -> list[tuple[int, int | None]]:
    """Where each run of months a sentence names ends, with its months (as :func:`_run`)."""
    if not any(w in low for w in _RUN_HINTS):  # most sentences name none: no pattern to run
        return []
    found = [(m.end(), _run(m.group())) for pattern, _ in _RUNS for m in pattern.finditer(low)]
    return sorted(found)
