"""Tables and lists of countries written as text: which country a row or a sentence speaks of
when it names none, and places in a ranking of producers or of reserves.

Slides and ranked lists give each country a heading of its own and rows under it ("6. Russia⏎
Production: 2,500 metric tons⏎Reserves: 3.8 million metric tons"), and news text goes on about a
country with a pronoun ("Russia's rare earth reserves stand at 3.8 million metric tons. The
country's output remained steady at 2,500 MT in 2024"). A figure of such a row or sentence is that
country's, not China's (the check's default for a figure naming no country).
"""

from __future__ import annotations

import re

from reesim.check import lexicon as lx
from reesim.check.claim import Claim, derive
from reesim.check.numbers import PLACES, Clauses, found_words
from reesim.check.text import chinese_number

#: A heading: an optional number of a ranked list, a name, an optional footnote mark, no stop.
_HEADING = re.compile(r"(?:\d{1,2}[.)]\s*)?#?([^\d.,;:!?。，；：!?]{2,40}?)\s*\*?")

#: A sentence that goes on about the country of the sentence before: it opens (after a date or a
#: short phrase and a comma) with a pronoun or "the country" ("In 2024, its production totalled
#: 2,900 MT", "It also tied for fourth place", "该国产量").
_REFERS_BACK = re.compile(
    r"^(?:[^,，]{0,24}[,，]\s*)?(?:it|its|the country|the country's|该国|其)(?:\b|(?=[\u4e00-\u9fff]))"
)


def heading(sentence: str) -> list[str] | None:
    """The country a heading names ("6. Russia", "4. Nigeria*", "3. Burma"), an empty list for a
    heading of words with no country ("Special mention": it ends the section of the heading
    before), or None when the sentence is no heading (it has a stop, digits beyond a list number,
    or more than five words)."""
    m = _HEADING.fullmatch(sentence.strip())
    if m is None or len(m.group(1).split()) > 5:
        return None
    name = m.group(1).strip().lower().removeprefix("the ")
    if name in lx.PLACES:
        return [lx.PLACES[name]]
    return None if found_words(f" {name} ", PLACES) else []


def refers_back(low: str) -> bool:
    """Whether a sentence (lower-cased) opens with a pronoun standing for a country named before."""
    return _REFERS_BACK.match(low.strip()) is not None


class Sections:
    """The country a sentence's figures are about when the sentence names none: that of the
    heading above it (until the next heading), else, for a sentence opening with a pronoun, the one
    country the sentence before named."""

    def __init__(self) -> None:
        self.section: list[str] = []
        self.before: list[str] = []

    def implied(self, sentence: str, low: str, places: list[str]) -> list[str]:
        """The countries the figures of ``sentence`` (lower-cased ``low``, naming ``places``) are
        about when it names none; else an empty list. Call once a sentence, in reading order."""
        named = heading(sentence)
        if named is not None:
            self.section = named
        out: list[str] = []
        if not places:
            if self.section:
                out = self.section
            elif refers_back(low) and len(self.before) == 1:
                out = self.before
        self.before = list(dict.fromkeys(places)) or out
        return out


#: A place in a ranking ("第6大", "位居第一"), not an ordinal of another count ("第一家", "第二批").
_RANK_ZH = re.compile(r"第\s*([一二三四五六七八九十\d]{1,3})(?![家个次批季届轮期号])\s*(?:大|位|名)?")
_ORDINALS = {
    "first": 1, "top": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
_ORD_WORD = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
_NOT_RANK = r"(?![- ](?:largest|biggest|time|batch|half|quarter|country|round|to|of)\b)"
_RANK_EN = re.compile(
    rf"\b({_ORD_WORD}|\d{{1,2}})(?:st|nd|rd|th)?[- ](?:largest|biggest)\b"  # "the second-largest producer"
    rf"|\b(?:rank(?:s|ed)?|is|stands?(?: at)?|tied for)\s+(?:the\s+)?"  # "ranks fourth", "ranked 6th"
    rf"({_ORD_WORD}|\d{{1,2}}(?=st|nd|rd|th))(?:st|nd|rd|th)?\b{_NOT_RANK}"
    rf"|\b(top|{_ORD_WORD}|\d{{1,2}}(?=st|nd|rd|th))(?:st|nd|rd|th)?\s+(?:spot|place|position)\b",
    re.I,
)
#: "China is the world's largest producer", "holds the largest rare earth reserves", "remains the
#: global leader in rare earth production", "中国是全球最大的稀土生产与储量国": first place, when a
#: country is who is or holds it.
_LARGEST = re.compile(
    r"\b(?:is|holds|remains|has)\s+(?:china\s+|also\s+)?the\s+(?:world's\s+|global\s+)?"
    r"(?:(?:largest|biggest)\s+(?:[\w'-]+\s+){0,4}?(?:producer|reserves|miner)"
    r"|leader in (?:[\w'-]+\s+){0,3}?production)\b"
    r"|(?:是|拥有|为|成为)(?:全球|世界)上?最大的?(?:稀土)?(?:生产|储量|产|矿)",
    re.I,
)
#: Production and reserves named together ("产储均位于全球第一", "生产与储量国"): a place in both.
_BOTH_STAGES = ("产储", "生产与储量", "production and reserves")
_RESERVES = ("储量", "储藏", "蕴藏", "reserves")


def _rank_stages(part: str, sentence: str, base: Claim) -> list[str]:
    """The rankings a rank's clause (else its sentence) speaks of: reserves, mine production or both."""
    low = part.lower()
    if any(w in low for w in _BOTH_STAGES):
        return ["mining", "reserves"]
    if any(w in low for w in _RESERVES):
        return ["reserves"]
    if any(w in low for w in ("产量", "生产", "producer", "production")):
        return ["mining"]
    if any(w in sentence.lower() for w in _RESERVES):
        return ["reserves"]
    st = base.stage or ("mining" if any(w in sentence for w in ("产量", "生产", "producer")) else "")
    return [st] if st in {"mining", "reserves"} else []


#: Words one of the English patterns of a rank, or of first place, needs.
_RANK_HINTS = (
    "largest",
    "biggest",
    "rank",
    "spot",
    "place",
    "position",
    "tied",
    "is ",
    "stand",
    "leader",
    "最大",
)


def ranks(sentence: str, base: Claim, implied: list[str] | None = None) -> list[Claim]:
    """Places in a ranking of producers ("泰国位列全球稀土产量第6", "the second-largest producer",
    "ranks fourth", "the sixth spot", "China is the world's largest producer": first) or of reserves
    ("澳洲是全球第4大稀土储藏国"), of the country the rank's clause names (else ``implied``: the
    country of the heading above or of the sentence before, "It holds the world's fourth-largest
    reserves")."""
    out = []
    clauses = Clauses(sentence)
    low = sentence.lower()
    found = [(m.start(), m.group(1)) for m in _RANK_ZH.finditer(sentence)] if "第" in sentence else []
    if any(w in low for w in _RANK_HINTS):  # most sentences name no place in a ranking
        found += [(m.start(), next(g for g in m.groups() if g).lower()) for m in _RANK_EN.finditer(sentence)]
        found += [(m.start(), "first") for m in _LARGEST.finditer(sentence)]
    for start, raw in found:
        value = _ORDINALS.get(raw) or chinese_number(raw)
        part = clauses.around(start)
        places = found_words(f" {part.lower()} ", PLACES) or list(implied or [])
        if value is None or not places:
            continue
        for st in _rank_stages(part, sentence, base):
            out.append(derive(base, kind="rank", value=float(value), unit="place", places=places[:1],
                               stage=st, span=part.strip()))  # fmt: skip
    return out
