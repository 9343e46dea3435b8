"""Events claims checked against the ``events`` table, and the records an undated claim names.

A dated event claim is checked against the records of its kind:

- in the claim's month (or the month a measure took effect, "effective 8 November 2025"), sharing
  an element when both name elements: supported;
- a deal that names countries besides China and the United States must be with those countries:
  all of them in that month, supported; some, partly supported (the figure says which differ);
  none, contradicted, citing the named countries' records in other months (not covered when the
  dataset has none);
- an agreed suspension ("will suspend", "agreed to suspend") is supported by a suspension on
  record in its month or the two months after;
- the same kind and elements in another month contradicts the claim (with that date).

A claim without a date (the article's date unknown) or with a month or day but no year is matched
to the latest record consistent with what it names: its kind, the countries, elements (named or
counted), a city (Busan, London), the figures it gives, the end of a suspension. The article's
date is then inferred as the latest such record.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from reesim.check import lexicon as lx
from reesim.check.claim import Claim
from reesim.check.dates import MONTHS_EN, ArticleDate, mentions
from reesim.check.export_moves import destination
from reesim.dataset.model import Dataset

SUPPORTED, PARTLY, CONTRADICTED, NOT_COVERED = "supported", "partly supported", "contradicted", "not covered"
#: Parties whose naming says nothing about which deal is meant (they are in most of them).
_HOSTS = {"CHN", "USA"}
_AMOUNT = re.compile(r"\$\s?(\d+(?:\.\d+)?)\s*(billion|million|bn|m)\b", re.I)
_TONNES = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(?:t\b|tonnes|tons|t/yr)")
_PCT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent|per cent)")
_PER_KG = re.compile(r"\$\s?(\d+(?:\.\d+)?)\s*(?:per|/)\s*kg", re.I)
_DAY_MONTH_YEAR = re.compile(
    r"(\d{1,2}) (" + "|".join(sorted(MONTHS_EN, key=len, reverse=True)) + r")\.? (\d{4})", re.I
)


@dataclass(frozen=True)
class Record:
    """One row of the ``events`` table, as the checks read it."""

    kind: str
    date: str
    month: str
    elements: frozenset[str]
    parties: frozenset[str]
    text: str
    figure: str
    source: str
    amounts: tuple[float, ...]
    tonnes: tuple[float, ...]
    percents: tuple[float, ...]
    per_kg: tuple[float, ...]
    effective: str
    until: str

    @property
    def rare_earth(self) -> bool:
        """Whether the record is about rare earths (names elements or says so)."""
        return bool(self.elements) or "rare earth" in self.text.lower()


def _dates(text: str) -> list[str]:
    return [
        f"{int(y):04d}-{MONTHS_EN[m.lower()]:02d}-{int(d):02d}" for d, m, y in _DAY_MONTH_YEAR.findall(text)
    ]


def records(ds: Dataset) -> list[Record]:
    """The events table read once for all the claims of an article."""
    out = []
    for row in ds["events"].itertuples(index=False):
        what, note = str(row.what), str(row.note) if str(row.note) != "nan" else ""
        text = f"{what} {note}"
        amounts = tuple(_money(text))
        effective = re.search(r"effective (?:on )?(\d{1,2} \w+ \d{4})", text) or re.search(
            r"(?:issued|announced) (?:on )?(\d{1,2} \w+ \d{4})", text
        )  # the other month a measure is known by: when it took effect, or when it was announced
        until = re.search(r"until (\d{1,2} \w+ \d{4})", text)
        parties = frozenset(p for p in f"{row.actor};{row.targets}".split(";") if p and p != "nan")
        out.append(Record(
            str(row.kind), str(row.date), str(row.date)[:7],
            frozenset(e for e in str(row.elements).split(";") if e and e != "nan"), parties, text,
            f"{row.date}: {what}", str(row.source_id), amounts,
            tuple(float(t.replace(",", "")) for t in _TONNES.findall(text)),
            tuple(float(p) / 100 for p in _PCT.findall(text)),
            tuple(float(p) for p in _PER_KG.findall(text)),
            (_dates(effective.group(1)) or [""])[0][:7] if effective else "",
            (_dates(until.group(1)) or [""])[0] if until else "",
        ))  # fmt: skip
    return out


#: Countries of the cities where deals between others were struck ("in Busan, South Korea").
_VENUES = {"Busan": "KOR", "London": "GBR", "Geneva": "CHE"}


def _named(claim: Claim) -> set[str]:
    return set(claim.places) - _HOSTS - {_VENUES.get(n, "") for n in claim.names}


def _fits(claim: Claim, r: Record) -> int:
    """How well a record fits what an undated claim names (higher is better; -1: it cannot be)."""
    months = {int(m[5:7]) for m in (r.month, r.effective) if m}
    if claim.month_hint and claim.month_hint not in months:
        return -1
    day = int(r.date[8:10]) if len(r.date) >= 10 else None
    named, elements = _named(claim), set(claim.elements)
    if claim.destinations and claim.event in {"export_ban", "export_control"}:
        named = set(claim.destinations)  # a measure's parties are where it stops exports
    blocs = [n[5:].replace("_", " ") for n in claim.names if n.startswith("bloc:")]
    called = any(n.lower() in r.text.lower() for n in claim.names)  # "Project Vault", "MP Materials"
    if named and not named & r.parties and not any(b in r.text.lower() for b in blocs) and not called:
        return -1  # a grouping's record names the grouping, not its members; a project, its name
    if elements and r.elements and not elements & r.elements:
        return -1
    score = 1 + 2 * len(named & r.parties) + (2 if elements and elements <= r.elements else 0)
    score += 1 if elements and elements == r.elements else 0
    if claim.day_hint and day:
        score += 3 if day == claim.day_hint else 2 if abs(day - claim.day_hint) <= 3 else 0
    score += 3 * sum(n.lower() in r.text.lower() for n in claim.names)
    score += 3 * sum(b in r.text.lower() for b in blocs)
    score += 3 if claim.until and claim.until[:7] == r.until[:7] else 0
    figures = _figures(claim.sentence)
    score += 3 * len(figures & {round(x, 3) for x in (*r.tonnes, *r.percents)})
    score += 3 * sum(_gives(r, a) for a in _money(claim.sentence))
    near = [x for x in _chinese_figures(claim.sentence) if any(abs(x - t) <= 0.01 * t for t in r.tonnes)]
    score += 3 * len(near)
    rare = any(w in claim.sentence.lower() for w in ("rare earth", "稀土")) or bool(claim.elements)
    return score + (1 if rare and r.rare_earth else 0)


def _money(text: str) -> list[float]:
    """Amounts of dollars a text gives ("up to $1 billion"): a record's, or a sentence's to match
    them with a record's."""
    scale = {"billion": 1e9, "bn": 1e9, "million": 1e6, "m": 1e6}
    return [float(a) * scale[u.lower()] for a, u in _AMOUNT.findall(text)]


def _gives(r: Record, amount: float) -> bool:
    """Whether record ``r`` gives ``amount`` of dollars (within 1%)."""
    return any(abs(amount - x) <= 0.01 * x for x in r.amounts)


def _figures(sentence: str) -> set[float]:
    """Tonnages and percentages a sentence gives, to match them with a record's."""
    tonnes = {round(float(t.replace(",", "")), 3) for t in _TONNES.findall(sentence)}
    tonnes |= {round(float(t.replace(",", "")), 3) for t in re.findall(r"(\d[\d,]*)\s*metric tons", sentence)}
    return tonnes | {round(float(p) / 100, 3) for p in _PCT.findall(sentence)}


_TONNES_ZH = re.compile(r"([零〇一二两三四五六七八九十百千万亿]{2,16})\s*(?:多|余)?\s*(?:公吨|吨)")


def _chinese_figures(sentence: str) -> list[float]:
    """Tonnages a sentence writes in Chinese numerals ("近一万四千五百吨"), to match a record's
    within 1% (an article rounds them)."""
    from reesim.check.text import chinese_number

    found = (chinese_number(m.group(1)) for m in _TONNES_ZH.finditer(sentence))
    return [x for x in found if x]


def name_record(claim: Claim, rows: list[Record], article: ArticleDate) -> Record | None:
    """The latest record of the claim's kind that fits what it names, not after the article; of
    two that fit alike, one of a year the (undated) article names fits better, and in an undated
    article, the one whose text shares more words with the claim's sentence ("halting all
    shipments to Japan" is the 2010 halt of shipments, not the 2026 ban of dual-use items)."""
    latest = article.month_text() or "9999-99"
    fits = [(_fits(claim, r), r.date, r) for r in rows if r.kind == claim.event and r.month <= latest]
    fits = [(f + 2 * _likelier(claim, int(d[:4]), article), d, r) for f, d, r in fits if f >= 0]
    if article.year is None and len(fits) > 1:
        said = _words(claim.sentence)
        return max(fits, key=lambda f: (f[0], len(said & _words(f[2].text)), f[1]))[2]
    return max(fits, key=lambda f: (f[0], f[1]))[2] if fits else None


#: Words too common in records and articles to tell records apart.
_COMMON = frozenset(
    (
        "the", "and", "for", "with", "that", "from", "this", "which", "have", "has", "had", "were", "was",
        "are", "its", "their", "china", "chinese", "rare", "earth", "earths", "exports", "export", "after",
        "into", "over", "under", "about", "would", "will", "said",
    )
)  # fmt: skip


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    """The distinctive English words of a text (lower-cased, four letters or more)."""
    return frozenset(w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _COMMON)


def _likelier(claim: Claim, year: int, article: ArticleDate) -> bool:
    """Whether a record of ``year`` is likelier for an undated claim: its sentence names the year,
    or the article does and dates no other event of the claim's kind to it."""
    if claim.year is not None:
        return year == claim.year
    return year in article.named_years and (claim.event, year) not in article.dated_kinds


def infer_date(
    claims: list[Claim],
    rows: list[Record],
    article: ArticleDate,
    exports: Sequence[tuple[str, str, str, float]] = (),
) -> ArticleDate:
    """The article's date when it has none: the latest record its undated event claims name
    (those that name something besides their kind: a country, elements, a city, a month), whose
    quota tonnage it gives, or the month of an export figure it gives (``exports``: product,
    destination, month and tonnes of ``china_exports``; within 0.5%, the same month named)."""
    if article.year:
        return article
    article = replace(
        article,
        named_years=frozenset(c.year for c in claims if c.year),
        dated_kinds=frozenset((c.event, c.year) for c in claims if c.kind == "event" and c.year),
    )
    dates: list[str] = []
    published: list[str] = []
    for c in claims:
        if c.kind == "quantity" and c.series and c.month and not c.period_year and not c.run:
            where = destination(c)
            x = float(c.value)
            published += [  # customs publish a month's figure in the month after: the article is no earlier
                f"{plus_months(m, 1)}-01" for p, d, m, q in exports
                if d == where and int(m[5:7]) == c.month and abs(q - x) <= 0.005 * q
            ]  # fmt: skip
    dates += published
    for c in claims:  # a quota tonnage the article gives dates it like a named record; last year's
        if c.kind == "quantity" and c.topic == "export_quota":  # ("去年第二批配额7976吨") a year before it
            x = float(c.value)
            back, slack = 12 * _of_last_year(c), 0.005 if c.qualifier else 0.001  # "近一万四千五百吨"
            dates += [
                plus_months(r.month, back) + r.date[7:]
                for r in rows
                if r.kind == "export_quota" and any(abs(x - t) <= slack * t for t in quota_tonnes(r))
            ]
    for c in claims:
        if c.kind != "event" or c.value:
            continue
        found = name_record(c, rows, article)
        if found is not None and (_fits(c, found) >= 3 or c.month_hint):
            dates.append(found.date)
    dates.sort()
    if not dates:
        return article
    y, m = int(dates[-1][:4]), int(dates[-1][5:7])
    later = [  # a past month the article names later in that year ("截至5月1日"): it is that late
        x.month for c in claims if not any(w in c.sentence.lower() for w in lx.FUTURE)
        for x in mentions(c.sentence)
        if x.month and x.year is None and not x.shift and x.month > m
    ]  # fmt: skip
    if later and not article.month and dates[-1] not in published:  # a report on last month's figures
        m = max(later)  # names earlier months of the year before, not later ones of its own
    if article.month and article.month != m:  # the dateline's month: the record's year or the one after
        y = y if article.month >= m else y + 1
        m = article.month
    return ArticleDate(y, m, article.day, "inferred", article.named_years, article.dated_kinds)


def quota_tonnes(r: Record) -> tuple[float, ...]:
    """The tonnages a quota record gives, and the sums of two of them (a year's quota is its two
    halves: "2010 quota of 30,258 tons" is 22,282 t and 7,976 t)."""
    given = r.tonnes
    return given + tuple(a + b for i, a in enumerate(given) for b in given[i + 1 :])


#: Words before a quota tonnage saying it is last year's ("该数字较去年第二批配额7976吨", "the
#: corresponding second batch of last year, which stood at 7,976 tonnes").
_LAST_YEAR = re.compile(r"去年|上年|last year|a year earlier|previous year", re.I)


def _of_last_year(c: Claim) -> bool:
    """Whether the words just before a tonnage (in its sentence) say it is last year's."""
    at = c.at if c.at >= 0 else c.sentence.find(c.span)
    return bool(_LAST_YEAR.search(c.sentence[max(0, at - 40) : max(0, at)]))


def date_claim(claim: Claim, rows: list[Record], article: ArticleDate) -> Claim:
    """An event claim with its month: the article's for a claim of the article's time, else (or
    when the article's date is only inferred and the claim names a country, elements, a city or a
    figure) that of the record it names."""
    if claim.kind != "event" or claim.value:
        return claim
    found = name_record(claim, rows, article)
    named = found is not None and _fits(claim, found) >= 3
    if (
        not claim.month_hint
        and not claim.day_hint
        and article.month_text()
        and not (named and article.how == "inferred")
    ):
        return replace(claim, value=article.month_text())
    if found is None:
        return claim
    month = (
        found.effective
        if claim.month_hint and found.effective[5:7] == f"{claim.month_hint:02d}"
        else found.month
    )
    return replace(claim, value=month)


def _months(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def plus_months(month: str, n: int) -> str:
    """``YYYY-MM`` ``n`` months after ``month``."""
    total = _months(month) + n
    return f"{total // 12:04d}-{total % 12 + 1:02d}"
