"""Find checkable claims in an article: shares, changes, amounts, prices, ranks, dated events and
durations.

The text is normalised (traditional to simplified Chinese, full-width digits and signs to ASCII)
and split into sentences (:mod:`reesim.check.text`: hard wraps and abbreviations survive). The
article's date is the one given, else its dateline (:mod:`reesim.check.dates`). Each sentence
yields claims that keep the words they were read from (``span``), the sentence, and the context
found in it (places, elements, stage, event kind, qualifier).

The work is linear in the length of the text, whatever the text: a sentence longer than
:data:`MAX_SENTENCE` characters (a page without full stops) is read in pieces of at most that
length, cut at a space or comma; every pattern starts a number only where a run of digits
starts and reads a bounded number of characters; and the clauses of a sentence are found once,
not once per number.
"""

from __future__ import annotations

import re

from reesim.check import lexicon as lx
from reesim.check.claim import Claim, derive
from reesim.check.dates import ArticleDate, dateline
from reesim.check.events import counted_elements, destinations, events, names
from reesim.check.export_reading import ExportState, continues_exports, read_exports
from reesim.check.numbers import (
    ELEMENTS,
    PLACES,
    Clauses,
    _topic,
    changes,
    clause,
    found_words,
    qualifier,
    runner_up,
    shares,
    stage,
)
from reesim.check.quantities import amounts, durations, prices
from reesim.check.tables import Sections, ranks
from reesim.check.text import MAX_SENTENCE, chinese_number, headline, language, normalise, sentences

__all__ = [
    "MAX_SENTENCE",
    "Claim",
    "Clauses",
    "chinese_number",
    "clause",
    "extract",
    "language",
    "normalise",
    "sentences",
]


#: Pairs of the United States with a country by the first characters of their names ("美澳", "日美").
_PAIRED = {"澳": "AUS", "日": "JPN", "韩": "KOR", "英": "GBR", "欧": "eu", "俄": "RUS"}
_PAIR = re.compile(r"(?:美([澳日韩英欧俄])|([澳日韩英欧俄])美)")
_SYMBOLS = re.compile(r"\b(La|Ce|Pr|Nd|Sm|Eu|Gd|Tb|Dy|Ho|Er|Tm|Yb|Lu|Sc)\b")


def _context(sentence: str, low: str, year: int | None) -> Claim:
    """A claim template with what the sentence says besides its numbers."""
    elements = list(dict.fromkeys(found_words(low, ELEMENTS)))
    elements += [s for s in _SYMBOLS.findall(sentence) if s not in elements]
    if not elements:
        elements = counted_elements(low)
    bound = destinations(low)
    places = list(dict.fromkeys(found_words(low, PLACES) + bound))  # "对美出口": the US
    if "中美" in low or "美中" in low:  # "中美达成...协议": China and the US
        places = list(dict.fromkeys([*places, "CHN", "USA"]))
    if "美" in low:  # "美澳将...", "日美": the United States and the other country
        paired = [_PAIRED[m.group(1) or m.group(2)] for m in _PAIR.finditer(low)]
        places = list(dict.fromkeys([*places, *(["USA"] if paired else []), *paired]))
    event = next((kind for word, kind in lx.EVENTS if word.strip() in low), "")
    return Claim(
        sentence, "", 0.0, "", qualifier(low), places, elements, stage(low), event, year, destinations=bound
    )


#: Words of a sentence that goes on with the one before ("其次分别为美国、澳大利亚..."): it speaks
#: of the same stage and year when it names none.
_GOES_ON = ("其次", "分别", "respectively", "followed by")

#: An item of a list ("- China: 270,000 tons (69%)", "2. Brazil: 21 million metric tons"): it goes
#: on with the stage (or reserves) and year of the lines before it when it names none.
_ITEM = re.compile(r"\s*(?:[-•*·▪●]|\d{1,2}[.)])\s")

_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)")


def extract(text: str, date: ArticleDate | None = None, limit: int | None = None) -> list[Claim]:
    """Every claim found in ``text`` (an article), in reading order. ``date`` is the article's
    date when known (else its dateline is read). With ``limit``, reading stops at the first
    sentence that takes the count above it (a text of that many claims is refused anyway, and a
    flood of claims costs no more than ``limit`` of them)."""
    clean = normalise(text)
    article = date if date is not None and date.how != "unknown" else dateline(clean)
    out: list[Claim] = []
    topic = ""  # what the article's tonnages and changes are about when a sentence does not say
    last: tuple[str, int | None] = ("", None)  # stage (or reserves) and year of the last one naming it
    sections = Sections()  # the country of the heading above, or of the sentence before a pronoun
    exported = ExportState()  # the series and month of the article's export figures so far
    head = headline(clean)
    grouping: list[str] = []  # the grouping the last sentence with events named ("the Pax Silica Summit")
    partners: list[str] = []  # the countries (two or more besides China) the last such sentence named
    for sentence in sentences(clean):
        if limit is not None and len(out) > limit:
            break
        low = f" {sentence.lower()} "[1:-1]
        years = [int(y) for y in _YEAR.findall(sentence)]
        year = years[-1] if years else article.year
        base = _context(sentence, f" {low} ", year)
        if any(w in low for w in _BOTH) and not set(base.places) - {"CHN", "USA"} and partners:
            base = derive(base, places=list(dict.fromkeys([*base.places, *partners])))  # "两国": those two
        named_here = [p for p in base.places if p not in {"CHN"}]
        partners = named_here if len(named_here) >= 2 else partners
        goes_on = any(w in low for w in _GOES_ON) or _ITEM.match(sentence)  # "其次分别为美国...", "- U.S.:"
        listed = ""  # "reserves" for an item of a list of reserves ("3. Australia: 5.7 million metric tons")
        if not base.stage and last[0] and goes_on and not _topic(low):
            carried = years[-1] if years else last[1] or year
            listed = last[0] if last[0] == "reserves" else ""
            base = derive(base, stage="" if listed else last[0], year=carried)
        if base.stage or _topic(low) == "reserves":
            last = (base.stage or "reserves", years[0] if years else last[1])  # the year it opens with
        if "quota" in low or "配额" in low:
            topic = "export_quota"
        implied = sections.implied(sentence, low, [p for p in base.places if p != "WLD"])
        second = runner_up(sentence, base)
        taken = [c.span for c in second]  # their percentages are the runner-up's, not China's
        own = [c for c in shares(sentence, base) if not any(t in c.span for t in taken)]
        out += second + [c for c in own if not _combined(c) and not _ahead(c, article)]
        follows = continues_exports(low, exported)  # "环比则增长75%" after a sentence of exports: of them
        numbers = changes(sentence, base, "exports" if follows and topic != "export_quota" else topic)
        numbers += amounts(sentence, base, listed or topic)
        if not years and not goes_on and article.year:  # an undated output is of the last full year
            numbers = [_last_year(c, article.year) for c in numbers]
        numbers = [_of_country(c, implied) for c in numbers if not _forecast(c)]
        out += read_exports(
            numbers, exported, sets_series=sentence not in head, follows=follows, article=article
        )
        out += prices(sentence, base) + ranks(sentence, base, implied)
        found = events(sentence, low, base, article)
        out += _summit_of(found, grouping)
        named = [n for n in names(low) if n.startswith("bloc:")][:1]
        grouping = named or ([] if found else grouping)
        out += durations(sentence, base)
    return _without_repeated_headline(out, head)


#: Words of a share of several countries together ("上述四国稀土产量合计占全球产量的91.13%").
_TOGETHER = ("合计", "上述", "combined", "together", "between them")


def _combined(c: Claim) -> bool:
    """Whether a share is that of several countries together: no one country's share."""
    return any(w in c.span.lower() for w in _TOGETHER)


def _ahead(c: Claim, article: ArticleDate) -> bool:
    """Whether a share is of a year after the article's ("2030年,中国为全球提供占比为54%的...产量"
    in a 2025 article): a forecast, no claim of fact."""
    return c.year is not None and article.year is not None and c.year > article.year


def _forecast(c: Claim) -> bool:
    """Whether a change's clause forecasts it ("with demand projected to surge by about 477% from
    2025 to 2050", "预计将增长20%"): no claim of fact."""
    return c.kind == "change" and any(w in c.span.lower() for w in lx.FORECAST)


def _last_year(c: Claim, year: int) -> Claim:
    """A country's output in tonnes that its sentence does not date ("1. China: 270,000 metric
    tons", "Production: 2,900 metric tons" in a 2025 article) is that of the last full year, the
    year before the article's: output is counted by the year once it is over."""
    if c.kind == "quantity" and c.stage == "mining" and not c.topic and c.year == year:
        return derive(c, year=year - 1)
    return c


def _of_country(c: Claim, implied: list[str]) -> Claim:
    """A figure of output or reserves naming no country, in a sentence under a country's heading
    or opening with a pronoun for one ("Its production fell from 16,000 metric tons in 2023"):
    that country's."""
    if implied and not c.places and (c.stage == "mining" or c.topic in {"reserves", "mining"}):
        return derive(c, places=list(implied))
    return c


#: Words for the countries the sentence before named ("两国将...各自投入10亿美元", "both sides").
_BOTH = ("两国", "双方", "both countries", "the two countries", "both sides", "the two sides")

_SUMMIT = ("summit", "峰会", "the declaration", "the original declaration", "该宣言")


def _summit_of(claims: list[Claim], grouping: list[str]) -> list[Claim]:
    """A sentence's deals at "the ... summit" or of "the declaration" with no grouping named, when
    the sentence before named one ("...at the Pax Silica Summit. Present at the December 12 summit
    were Australia, the US, ..."): that grouping's, checked against its members."""
    if not grouping:
        return claims
    return [
        derive(c, event="alliance", names=[*c.names, *grouping])
        if c.event in {"agreement", "alliance"} and not any(n.startswith("bloc:") for n in c.names)
        and any(w in c.sentence.lower() for w in _SUMMIT)
        else c
        for c in claims
    ]  # fmt: skip


def _key(c: Claim) -> tuple[object, ...]:
    return (c.kind, c.value, c.event, c.stage, c.topic)


def _without_repeated_headline(claims: list[Claim], head: str) -> list[Claim]:
    """The claims without those of the headline that the body repeats (same kind, value and
    context; an undated event of the headline, the same kind of event naming no country besides
    China and the US that the body's do not): a headline announcing the story's claim ("China
    Suspends Rare Earth Export Controls") is one claim with the body's."""
    if not head:
        return claims
    body = {_key(c) for c in claims if c.sentence not in head}
    body |= {  # a figure the body gives again, whatever the headline's loose words make it about
        (c.kind, c.value, c.event, "", "")
        for c in claims
        if c.sentence not in head and c.kind in {"change", "quantity", "share"}
    }
    body |= {
        (c.kind, "", c.event, c.stage, c.topic)
        for c in claims
        if c.sentence not in head and c.kind == "event"
    }
    parties = {  # the countries besides China and the US the body's events of each kind name
        (c.event, p) for c in claims if c.sentence not in head and c.kind == "event" for p in c.places
    }
    return [
        c
        for c in claims
        if c.sentence not in head
        or (_key(c) not in body and (c.kind, c.value, c.event, "", "") not in body)
        or (c.kind == "event" and any((c.event, p) not in parties for p in set(c.places) - {"CHN", "USA"}))
    ]
