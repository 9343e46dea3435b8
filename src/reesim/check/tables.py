"""Tables and lists of countries written as text: which country a row or a sentence speaks of
when it names none.

Slides and ranked lists give each country a heading of its own and rows under it ("6. Russia⏎
Production: 2,500 metric tons⏎Reserves: 3.8 million metric tons"), and news text goes on about a
country with a pronoun ("Russia's rare earth reserves stand at 3.8 million metric tons. The
country's output remained steady at 2,500 MT in 2024"). A figure of such a row or sentence is that
country's, not China's (the check's default for a figure naming no country).
"""

from __future__ import annotations

import re

from reesim.check import lexicon as lx
from reesim.check.numbers import PLACES, found_words

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
