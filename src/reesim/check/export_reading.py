"""What a figure of China's exports is about: which series (magnets or all rare-earth products),
which destination, which month or run of months, and what a change compares it with.

Customs reports give tonnages and changes of a month ("11月中国稀土磁体出口量达到约6150吨,环比增长
12%"), of a destination ("对日本的出口量同比增长30.2%,达到226吨"), of a run of months ("In the first
three quarters ... 39,817 tons") or of a year ("全年累计出口62585.2吨"). This module reads, for each
tonnage or change of a sentence that speaks of exports:

- the series: magnets when the figure's clause names magnets; else the series of the article's
  first export figure (an article that opens with magnet exports goes on with "稀土出口" meaning
  them); else magnets when the sentence names them, else all rare-earth products;
- the destination: the last country other than China named before the figure in its sentence
  ("中国对美国的稀土出口总量为582吨"), else none (the world);
- the month: for a tonnage, the month its clause names nearest to it ("较9月的5774吨": September);
  for a change, a month its clause names that is not the one compared with; else the first such
  month of the sentence; else the month of the last export sentence (a report goes on about the
  same month);
- what a change compares with: a month named after "较", "比", "from", "compared to" ("比10月增长
  12%", "down 4.7% from July", "from June 2024"), else the month before for words of month on
  month (环比, "month-over-month"), else the same month a year before;
- a run of months: "前七个月", "1-9月", "上半年", "first three quarters", "first half", "first
  seven months", "year-to-date" (through the month of the report), "全年" (the whole year).

A figure keeps its position in the sentence (:attr:`Claim.at`) so that two figures of one clause
("从5月的46吨飙升至353吨") take their own months.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import lru_cache

from reesim.check.claim import Claim, derive
from reesim.check.dates import ArticleDate, Mention, mentions
from reesim.check.export_places import IMPORT_WORDS, SAME_PLACE, Places, _run, _runs
from reesim.check.numbers import _clauses

EXPORT_WORDS = ("出口", "export", "shipment", "shipped", "外销", "outbound")
MAGNET_WORDS = ("磁", "magnet")
#: Words naming what is exported: a clause with none goes on with its sentence's product.
_PRODUCTS = ("稀土", "rare earth", "rare-earth", *MAGNET_WORDS)
MONTH_ON_MONTH = (
    "环比", "较上月", "上月", "previous month", "month-on-month", "month on month", "month-over-month",
    "m/m", "prior month", "month before", "month earlier", "a month ago", "前月", "月增", "月减",
    "rebound", "反弹",  # a month's recovery from the one before
    "sequential", "monthly basis", "按月", "月比",
)  # fmt: skip
YEAR_ON_YEAR = (
    "同比", "同期", "year-on-year", "year on year", "a year earlier", "y/y", "same month",
    "same month a year", "a year ago", "same period", "corresponding period", "年增", "年减",
    "year-over-year", "year over year", "yoy", "annual basis", "按年", "同月",
)  # fmt: skip
#: Words before a date that make it the one compared with ("较9月", "from July", "compared to").
_VERSUS = re.compile(
    r"(较|比|从|对比|相比|from|compared (?:to|with)|versus|than|over)\s*"
    # "from 1,238 tons in May", "than in December 2024"
    r"(?:(?:the\s+)?[\d,.]+\s*(?:metric\s+)?(?:tons|tonnes|吨)\s*(?:exported\s+|shipped\s+)?(?:in\s+)?)?"
    r"(?:in\s+)?(the\s+)?$",
    re.I,
)


@dataclass
class ExportState:
    """What an article's earlier export sentences said: the series of its first export figure, the
    month of its last, and how its last change of a month compared (a change that names no period,
    "U.S. imports fell about 11%" after "a 12% increase from October", compares the same way)."""

    series: str = ""
    month: int | None = None
    back: int = 0  # months back the last change of a month compared with (1: the month before; 12)
    last: bool = False  # whether the sentence before gave figures of exports
    destination: str = ""  # the last destination a figure named
    year: int | None = None  # the year of the last figure of a month ("5,994 tons in July": the report's)


def _versus(sentence: str, m: Mention) -> bool:
    """Whether a date is the one compared with: after "较", "from", ..., before "相比" ("与6月相比"),
    or before a multiple of it ("5月的7倍")."""
    after = sentence[m.end : m.end + 4].lstrip("的份 ")
    before = sentence[max(0, m.start - 40) : m.start]
    times = _TIMES_OF.match(sentence, m.end, m.end + 8)  # "飙升至5月的7倍": seven times May's
    return bool(_VERSUS.search(before)) or after.startswith(("相比", "比较")) or times is not None


def speaks_of_exports(claim: Claim) -> bool:
    """Whether a tonnage or change of a sentence that speaks of exports is one of exports, not of
    a quota, reserves, a price or output."""
    if claim.kind not in {"quantity", "change"} or claim.topic in {"export_quota", "reserves", "price"}:
        return False
    return claim.stage in {"", "magnets"}


#: Words of mine output whose figure a later word of export takes over ("the world's largest
#: producer shipped 62,585 metric tons of rare earths abroad": a tonnage exported).
_MADE = ("produc", "output", "mine", "mining", "mined", "产量", "生产", "开采")


def _shipped(claim: Claim, low: str) -> Claim:
    """A tonnage or change read as mine output whose nearest word before it is one of export, not
    of output, is one of exports: the sentence calls China a producer, the figure is exported."""
    if claim.kind not in {"quantity", "change"} or claim.stage != "mining" or claim.topic in _NOT_EXPORTS:
        return claim
    at = max(0, claim.at)
    exported = max(low.rfind(w, 0, at) for w in EXPORT_WORDS)
    made = max(low.rfind(w, 0, at) for w in _MADE)
    return derive(claim, stage="", topic="") if exported > made else claim


_NOT_EXPORTS = {"export_quota", "reserves", "price"}


@lru_cache(maxsize=4096)
def _clause_words(part: str) -> tuple[bool, bool, int | None]:
    """Whether a clause (lower-cased) names magnets, a comparison with a year before, and the run
    of months it names."""
    return any(w in part for w in MAGNET_WORDS), any(w in part for w in YEAR_ON_YEAR), _run(part)


#: A comparison that goes on with the figure of the sentence before ("环比则增长75%", "This marked a
#: 12.9% increase from 2024", "That compared to 5,994 tons in July and 4,723 tons in August 2024",
#: "June's total was still 38% lower than the same month in 2024"): in a sentence naming no exports
#: after one of exports, a figure of them.
_GOES_ON = re.compile(
    r"^(?:that|this|these|which)\b|same (?:month|period)"  # "That compared to 5,994 tons in July"
    r"|^(?:january|february|march|april|may|june|july|august|september|october|november|december)\b"
    r"[^.;]{0,40}?\d[\d,.]*\s*(?:metric\s+)?(?:tons|tonnes)"  # "January remains the top month at 6,357 tons"
    r"|环比|同比|month-on-month|year-on-year|month-over-month|on the month|on the year"
    r"|(?:from|compared with|compared to|than|over) "
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? )?(?:19|20)\d\d",
    re.I,
)


def continues_exports(low: str, state: ExportState) -> bool:
    """Whether a sentence that names no exports gives a change of the exports of the sentence
    before (:attr:`ExportState.last` set by that sentence)."""
    return state.last and not any(w in low for w in EXPORT_WORDS) and bool(_GOES_ON.search(low))


def read_exports(
    claims: list[Claim],
    state: ExportState,
    sets_series: bool = True,
    follows: bool = False,
    article: ArticleDate | None = None,
) -> list[Claim]:
    """The claims of one sentence, those about exports given their series, destination, month,
    run and comparison (see the module's docstring); ``state`` carries the article's earlier
    export sentences. A headline's figures (``sets_series`` false: a headline words loosely, "Rare
    Earth Exports to US Surge 660%" of magnets) do not set the article's series. With the
    ``article``'s date known, "last month" is the month before it."""
    if not claims:
        return claims
    sentence = claims[0].sentence
    low = sentence.lower()
    state.last = False
    if (
        not follows
        and not any(w in low for w in EXPORT_WORDS)
        and not (state.series and any(w in low for w in (*IMPORT_WORDS, "volume")))
    ):
        return claims  # an importer's purchases are China's exports in a report on them
    claims = [_shipped(c, low) if c.stage == "mining" else c for c in claims]
    if not any(speaks_of_exports(c) for c in claims):
        return claims
    clauses = _clauses(sentence)
    found = [  # "至5月的7倍" is no end of a period but the month compared with
        m
        for m in (_absolute(x, article) for x in mentions(sentence))
        if not (m.until and not _TIMES_OF.match(sentence, m.end, m.end + 8))
        and not _of_a_measure(sentence, clauses.span(m.start), m)
    ]
    own = [m for m in found if m.month and not _versus(sentence, m) and not _since(sentence, m)]
    head = own[0].month if own else None
    own_years = [
        (m.start, m.year) for m in found
        if m.year and not _versus(sentence, m)
        and not sentence[m.end : m.end + 4].startswith(("同期", "以来"))
        and not _NOT_OWN_YEAR.search(sentence[max(0, m.start - 12) : m.start])
    ]  # fmt: skip
    named = Places(low)
    runs = _runs(low)
    monthly = any(w in low for w in MONTH_ON_MONTH)
    year_on_year = any(w in low for w in YEAR_ON_YEAR)
    same_place = bool(SAME_PLACE.search(low))
    magnets_here = any(w in low for w in MAGNET_WORDS)
    versus = {id(m) for m in found if _versus(sentence, m)}
    run_ends = [end for end, _ in runs]
    words: dict[tuple[int, int], tuple[bool, bool, int | None]] = {}
    dates: dict[tuple[int, int], list[Mention]] = {}
    goes: dict[tuple[int, int], bool] = {}  # whether a clause goes on with the magnets named before it
    own_at = [m.start for m in own]
    out = []
    for c in claims:
        if not speaks_of_exports(c):
            out.append(c)
            continue
        at = max(0, c.at)
        clause = clauses.span(at)
        if clause not in words:  # read once a clause
            words[clause] = _clause_words(sentence[clause[0] : clause[1]].lower())
            dates[clause] = [m for m in found if clause[0] <= m.start < clause[1]]
            part = low[clause[0] : clause[1]]
            goes[clause] = not any(w in part for w in _PRODUCTS) and any(
                low.find(w, 0, clause[0]) >= 0 for w in MAGNET_WORDS
            )
        magnets, yearly, run = words[clause]
        if run == 12 and "annual" in low[clause[0] : clause[1]]:  # "..., an annual decline of 5.2%":
            run = next((r for _, r in runs if r not in (12, None)), run)  # of the run the sentence names
        in_clause = dates[clause]
        carried = goes[clause]
        series = (  # a clause naming no product goes on with the magnets its sentence named before it
            "magnet" if magnets or carried else state.series or ("magnet" if magnets_here else "rare_earths")
        )
        if sets_series:
            state.series = state.series or series
        year, month, versus_year, versus_month = None, None, None, None
        dated = False  # a tonnage's own month with no year ("5,994 tons in July"): the report's year
        k = bisect_left(own_at, at)
        last = own[k - 1] if k else None
        nearest = last.month if last else head or state.month
        if c.kind == "quantity":
            pick = _own_date(sentence, found, at, clause)
            if pick is not None and pick.month is None and _same_period(sentence, pick):
                year, month = pick.year, nearest
            elif pick is not None and pick.month:
                year, month, dated = pick.year or state.year, pick.month, not pick.year
            else:
                month = nearest
        else:
            mine = [m for m in in_clause if m.month and id(m) not in versus and not _since(sentence, m)]
            month = mine[0].month if mine else nearest
            year = mine[0].year if mine else (last.year if last else None)
            compared = [m for m in in_clause if id(m) in versus and (m.month or m.year)]
            if compared:
                versus_year, versus_month = compared[0].year, compared[0].month or month
        if year is None and not dated:  # the year named last before the figure, else the first after it
            before = [y for start, y in own_years if start < at]
            year = before[-1] if before else own_years[0][1] if own_years else None
        if year is None and versus_year and (versus_month is None or month is not None):
            # "32 percent higher than in December 2024", "compared with 2024"
            same = versus_month is None or month is None or versus_month >= month
            year = versus_year + 1 if same else versus_year
        back = 1 if monthly and not versus_month else 12
        if versus_month is None and yearly:
            back = 12
        if c.kind == "change" and run is None:
            if versus_month or monthly or yearly or year_on_year:
                state.back = 1 if (versus_month and month and (month - versus_month) % 12 == 1) else back
            elif state.back:  # no period named: the comparison of the report's changes before it
                back = state.back
            elif not _CJK.search(sentence):  # English copy: "exports dropped 6.1% in September" on August
                back = state.back = 1
        if run is None:  # a run named before the figure ("In the first three quarters ..., 39,817 tons")
            j = bisect_left(run_ends, at + 1)
            run = runs[j - 1][1] if j else None
        if run == 0:
            run = head or state.month
        where = named.destination(at, clause)
        if not where and same_place:  # "to its Asian neighbour": the destination before
            where = state.destination
        state.destination = where or state.destination
        places = ["CHN", where] if where else ["CHN"]
        if where and series == "rare_earths":  # by destination, customs give magnets only
            series = "magnet"
        stage, topic = ("magnets", "") if series == "magnet" else ("", "exports")
        out.append(derive(c, stage=stage, topic=topic, places=places, series=series, month=month,
                          run=run, period_year=year, year=year, versus_year=versus_year,
                          versus_month=versus_month, back=back))  # fmt: skip
        state.last = True
        state.year = year if month and year and run is None else state.year
        if month and (state.month is None or month > state.month):
            state.month = month  # a report's latest month is the one it reports on
    return out


#: Words before a year that make it no figure's own: "since 2014", "自2014年", "the same period in 2024".
_NOT_OWN_YEAR = re.compile(r"since\s*$|自\s*$|(?:period|month|quarter) (?:in|of)\s*$", re.I)
_TO = re.compile(r"\bto\b|至|到")
#: A measure in a clause with no figure ("after Beijing curbed shipments in April"): the clause's
#: date is the measure's, not that of an export figure of its sentence.
_MEASURE = re.compile(
    r"\b(?:curb|restrict|ban|control|licen[cs]|suspend|halt|truce|deal|agree)|限制|管制|禁|暂停|许可|协议|休战"
)
_FIGURE = re.compile(
    r"\d[\d,.]*\s*(?:%|percent|per cent|tons?|tonnes?|metric|吨|公吨)|百分之|[一二三四五六七八九十]成"
)


#: A Chinese character: Chinese reports say 同比 or 环比; English copy leaves a month's change on the
#: month before unsaid.
_CJK = re.compile(r"[\u4e00-\u9fff]")


_TIMES_OF = re.compile(r"(?:份)?的\s*[\d一二两三四五六七八九十.]{1,4}\s*倍")


def _absolute(m: Mention, article: ArticleDate | None) -> Mention:
    """A month counted back from the article's ("last month", "上个月") as the month it names, when
    the article's date is known."""
    if not (m.relative and m.back < 0 and article is not None and article.year and article.month):
        return m
    total = article.year * 12 + article.month - 1 + m.back
    return replace(m, year=total // 12, month=total % 12 + 1, relative=False, back=0)


def _since(sentence: str, m: Mention) -> bool:
    """Whether a date bounds a period ("the highest since January", "自1月以来"): no figure's month."""
    before = sentence[max(0, m.start - 7) : m.start].lower()
    return bool(re.search(r"since\s*$|自\s*$", before)) or sentence[m.end : m.end + 3].startswith("以来")


def _of_a_measure(sentence: str, clause: tuple[int, int], m: Mention) -> bool:
    """Whether a date is a measure's: its clause names a measure and no figure, or the words just
    before it do ("rebounded by 12% following an agreement that eased restrictions imposed in
    April")."""
    before = sentence[max(clause[0], m.start - 30) : m.start].lower()
    return _measure_only(sentence[clause[0] : clause[1]].lower()) or _measure_only(before)


@lru_cache(maxsize=4096)
def _measure_only(part: str) -> bool:
    return bool(_MEASURE.search(part)) and not _FIGURE.search(part)


def _own_date(sentence: str, found: list[Mention], at: int, clause: tuple[int, int]) -> Mention | None:
    """The date of a tonnage: one ending at most 4 characters before it ("5月的46吨", "较2024年同期
    的4725吨"), else one within 30 characters after it in its clause with no other number between
    ("5,774 metric tons in September")."""
    for m in found:
        if m.end <= at and at - m.end <= 4 and (m.month or m.year) and not _TO.search(sentence[m.end : at]):
            return m  # not "from September to 5,473 tons": that tonnage is the later month's
    for m in found:
        if not (at < m.start <= at + 45 and m.start < clause[1] and (m.month or m.year)):
            continue
        if m.start > at + 30 and not (m.year and not m.month and _same_period(sentence, m)):
            continue  # "the 3,326 tons shipped in the same month of 2024": further for such a year
        if not (_versus(sentence, m) and _COMPARING.search(sentence, at, m.start)):
            between = sentence[at : m.start].replace(",", "").lstrip("0123456789.")  # past its own number
            if not re.search(r"\d", between):
                return m
    return None


#: A word of comparison between a tonnage and a date after it ("4,392 tons compared to November"):
#: the date is the one compared with, not the tonnage's ("from 1,238 tons in May" is May's).
_COMPARING = re.compile(r"compared|versus|than|较|比|from", re.I)
_SAME_PERIOD = re.compile(r"(?:same|corresponding) (?:month|period|quarter) (?:of|in)\s*$", re.I)


def _same_period(sentence: str, m: Mention) -> bool:
    """Whether a year names the same month of that year ("2024年同期", "the same month of 2024"): the
    tonnage is of the month the sentence speaks of, in that year."""
    before = sentence[max(0, m.start - 30) : m.start]
    return "同期" in sentence[m.end : m.end + 4] or bool(_SAME_PERIOD.search(before))
