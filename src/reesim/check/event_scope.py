"""What an event word of a sentence is about, besides its kind and date: whether a clause negates
it (:class:`Negations`), where a meeting was held (:func:`venues`: the host is no party to the
deal), who takes a measure (:func:`american`: a measure of the United States is none of China's),
whether the word stands in a document's title (:func:`titled`), and whether a date is that of a
figure beside it rather than of an event (:func:`of_a_figure`)."""

from __future__ import annotations

import re
from bisect import bisect_right

from reesim.check import lexicon as lx
from reesim.check.dates import Mention

CLAUSE_END = re.compile(r"[,，;；:：。]|\bbut\b|但")


class Negations:
    """The negations of a sentence, found once: an event word is negated when a negation ends
    at most 40 characters before it with no clause break between ("大马同意不对美实施...出口禁令与
    配额限制", "will not ban or impose quotas", "出口管制不是禁止出口": no ban, no quota)."""

    def __init__(self, low: str, words: tuple[str, ...] = (*lx.NEGATIONS_ZH, *lx.NEGATIONS_EN)) -> None:
        found = []
        for word in words:
            at = low.find(word)
            while at >= 0:
                if not (word == " not " and low.startswith("only ", at + 5)):
                    found.append((at + len(word), at))
                at = low.find(word, at + 1)
        found.sort()
        self.ends = [end for end, _ in found]
        self.starts = [start for _, start in found]
        self.breaks = [m.end() for m in CLAUSE_END.finditer(low)] if found else []

    def cover(self, pos: int) -> bool:
        """Whether the event word at ``pos`` is negated."""
        i = bisect_right(self.ends, pos) - 1
        if i < 0 or self.ends[i] < pos - 40:
            return False
        last_break = bisect_right(self.breaks, pos) - 1
        return last_break < 0 or self.breaks[last_break] <= self.starts[i]


def venues(low: str) -> set[str]:
    """Countries a sentence names only as where a meeting was held ("in Busan, South Korea",
    "在韩国釜山"): the host of a meeting is no party to what was agreed there."""
    cities = [city for city in lx.NAMES if city in low]
    out: set[str] = set()
    for word, iso3 in lx.PLACES.items():
        bare = word.strip()
        total = low.count(bare)
        if not total:
            continue
        hosted = sum(low.count(f"{city}, {bare}") + low.count(f"{bare}{city}") for city in cities)
        hosted += sum(_times_hosted(low, f"{at}{bare}") for at in _IN)  # "在韩国达成协议", "in south korea"
        if hosted >= total:
            out.add(iso3)
    return out


#: Words before a country that make it where something happened ("在韩国", "in South Korea").
_IN = ("在", "于", " in ", " in south ", " in the ")
#: Words after "在" and a country that make the country who acts ("是在美国总统...与...达成协议之后").
_ACTORS = ("总统", "政府", "总理", "官员", "领导人", "元首", "首相", "商务部", "财长", "国务卿", "与", "和")


def _times_hosted(low: str, words: str) -> int:
    """How often ``words`` (a word of place and a country) name where something happened."""
    count, at = 0, low.find(words)
    while at >= 0:
        count += not low.startswith(_ACTORS, at + len(words))
        at = low.find(words, at + 1)
    return count


MEASURES = {"export_control", "export_ban", "suspension"}
#: Words naming the United States as who acts ("华府在9月底扩大...出口管制", "Washington's export
#: controls"), and China as who acts: a measure of the United States is none of China's.
US_ACTOR = (
    "华府", "华盛顿", "美方", "美国政府", "美国商务部", "washington", "the u.s. commerce", "the us commerce",
)  # fmt: skip
_CN_ACTOR = ("中国", "中方", "北京", "大陆", "商务部", "china", "beijing")


def titled(low: str, pos: int) -> bool:
    """Whether an event word stands in the title of a document ("《关于加强相关两用物项对美国出口
    管制的公告》"): the title names the announcement; the measure is what the sentence says it does
    (when it says one: "发布《两用物项出口管制清单》" is that list)."""
    opened = low.rfind("《", max(0, pos - 60), pos)
    return opened >= 0 and low.find("》", opened, pos) < 0 and low.find("》", pos, pos + 60) >= 0


def american(low: str, pos: int) -> bool:
    """Whether the measure word at ``pos`` is one the United States takes: its clause names the
    United States as who acts, before the word, and not China."""
    start = max(0, pos - 40)
    breaks = [m.end() for m in CLAUSE_END.finditer(low, start, pos)]
    part = low[breaks[-1] if breaks else start : pos]
    if not any(w in part for w in US_ACTOR):
        return False
    china = part.replace("美国商务部", "")
    return not any(w in china for w in _CN_ACTOR)


_FIGURE_BEFORE = re.compile(
    r"\d\s*(?:metric\s+)?(?:tons?|tonnes?|%|percent|per cent)(?:\s+[a-z-]+){0,3}?\s+(?:in|of|from|than)\s+$"
    r"|(?:较|比|从)\s*$",
    re.I,
)
_FIGURE_AFTER = re.compile(
    r"^(?:份)?(?:的|为|达)?\s*\d[\d,.]*\s*(?:万)?(?:吨|公吨)"
    # "to Japan in December fell 8% from November": the month of the figure that follows
    r"|^[^,，。;；]{0,16}?出口(?:量|额)[^,，。;；]{0,10}?\d"  # "5月中国对美国磁铁出口量暴跌至不足50吨"
    r"|^\s*(?:fell|rose|dropped|declined|jumped|surged|increased|decreased|grew|climbed|slipped|plunged"
    r"|slumped|totall?ed|reached|were|was)\s+(?:by\s+)?(?:about\s+|around\s+|roughly\s+|nearly\s+)?\d",
    re.I,
)


#: Words one of the patterns of a figure beside a date needs.
FIGURE_WORDS = ("ton", "%", "percent", "per cent", "较", "比", "从", "吨")


def of_a_figure(sentence: str, m: Mention) -> bool:
    """Whether a date is that of a tonnage or percentage beside it ("1,238 tons in May", "5月的46
    吨"), not of an event of the sentence."""
    return bool(
        _FIGURE_BEFORE.search(sentence[max(0, m.start - 40) : m.start])
        or _FIGURE_AFTER.search(sentence[m.end : m.end + 40])
    )
