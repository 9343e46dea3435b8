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
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "from",
        "this",
        "which",
        "have",
        "has",
        "had",
        "were",
        "was",
        "are",
        "its",
        "their",
        "china",
        "chinese",
        "rare",
        "earth",
        "earths",
        "exports",
        "export",
        "after",
        "into",
        "over",
        "under",
        "about",
        "would",
        "will",
        "said",
    ]
)


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
    dates = []
    for c in claims:
        if c.kind == "quantity" and c.series and c.month and not c.period_year and not c.run:
            where = destination(c)
            x = float(c.value)
            dates += [
                f"{m}-01" for p, d, m, q in exports
                if d == where and int(m[5:7]) == c.month and abs(q - x) <= 0.005 * q
            ]  # fmt: skip
    for c in claims:  # a quota tonnage the article gives (within 0.5%) dates it like a named record
        if c.kind == "quantity" and c.topic == "export_quota":
            x = float(c.value)
            dates += [
                r.date
                for r in rows
                if r.kind == "export_quota" and any(abs(x - t) <= 0.005 * t for t in r.tonnes)
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
    if later and not article.month:
        m = max(later)
    if article.month and article.month != m:  # the dateline's month: the record's year or the one after
        y = y if article.month >= m else y + 1
        m = article.month
    return ArticleDate(y, m, article.day, "inferred", article.named_years, article.dated_kinds)


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


def date_suspension(claim: Claim, claims: list[Claim], rows: list[Record]) -> Claim:
    """An undated suspension whose sentence dates the measure it suspends ("暂停今年十月对稀土新施加的
    出口管制措施"): the month of the suspension on record within two months after that measure."""
    if claim.kind != "event" or claim.event != "suspension" or claim.value:
        return claim
    measures = [
        str(c.value) for c in claims
        if c.sentence == claim.sentence and c.event in {"export_control", "export_ban"}
        and len(str(c.value)) == 7
    ]  # fmt: skip
    for month in measures:
        later = [r for r in rows if r.kind == "suspension" and month < r.month <= plus_months(month, 2)]
        if later:
            return replace(claim, value=min(later, key=lambda r: r.date).month)
    return claim


#: Words saying a suspension is agreed or to come, not yet in force ("agreed to pause", "would
#: suspend", "同意暂停", "承诺暂停").
_TO_COME = ("agree", "would ", "will ", "pledge", "同意", "承诺", "将暂停", "将暂缓")


def date_agreed_suspension(claim: Claim, rows: list[Record]) -> Claim:
    """A suspension the article reports as agreed or to come with no date of its own ("China has
    agreed to pause export controls for one year"), dated by the article's month or the record it
    names: the month of the deal that agreed it, the latest agreement China is party to in that
    month or the two before."""
    if claim.kind != "event" or claim.event != "suspension" or not claim.value:
        return claim
    if not any(w in claim.sentence.lower() for w in _TO_COME):
        return claim
    month = str(claim.value)
    deals = [
        r for r in rows
        if r.kind == "agreement" and "CHN" in r.parties and plus_months(month, -2) <= r.month <= month
    ]  # fmt: skip
    return replace(claim, value=max(deals, key=lambda r: r.date).month) if deals else claim


def recent_record(claim: Claim, rows: list[Record]) -> Claim:
    """An undated claim given the article's month ("中国政府宣布...禁止向日本军方用户的出口" in a
    February article) that no record of that month supports, dated by the latest record of its kind
    that fits what it names (a country, elements, a city: fit 3 or more) in the three months
    before (or earlier, when the record gives the amount of money the sentence gives): an article
    reports a measure of the weeks before it."""
    if not claim.implied or not claim.value:
        return claim
    month = str(claim.value)
    kind = [r for r in rows if r.kind == claim.event]
    bilateral = claim.event == "agreement" and {"CHN", "USA"} <= set(claim.places) and not _named(claim)
    if bilateral:  # a deal of China and the US only: one China is party to ("its trade truce")
        kind = [r for r in kind if "CHN" in r.parties]
    if any(month in {r.month, r.effective} for r in kind):
        return claim
    amounts = _money(claim.sentence)
    near = [
        (_fits(claim, r), r.date, r) for r in kind
        if plus_months(month, -3) <= r.month < month
        or (r.month < month and any(_gives(r, a) for a in amounts))
    ]  # fmt: skip
    near = [f for f in near if f[0] >= (1 if bilateral else 3)]
    return replace(claim, value=max(near, key=lambda f: (f[0], f[1]))[2].month) if near else claim


def _fmt(rows: list[Record]) -> str:
    return "; ".join(r.figure for r in rows[:3])


def _sources(rows: list[Record]) -> str:
    return ";".join(dict.fromkeys(r.source for r in rows))


def judge_membership(claim: Claim, blocs: list[tuple[str, str, str, str]]) -> tuple[str, str, str] | None:
    """Verdict on a claim that countries joined or signed a grouping the ``blocs`` table lists
    (rows of bloc, country, month joined, source): supported if every country named is a member by
    the claim's month, partly supported if some are (the figure says which differ), contradicted
    if none is; None when the claim names no such grouping."""
    bloc = next((n[5:] for n in claim.names if n.startswith("bloc:")), "")
    members = [(iso3, joined, source) for b, iso3, joined, source in blocs if b == bloc]
    named = set(claim.places) - {"CHN"}
    if not bloc or not members or not named:
        return None
    month = str(claim.value) or "9999-99"
    by_then = {iso3 for iso3, joined, _ in members if joined and joined[:7] <= month}
    later = {iso3: joined[:7] for iso3, joined, _ in members if joined and joined[:7] > month}
    sources = ";".join(dict.fromkeys(s for _, _, s in members))
    inside, outside = named & by_then, named - by_then
    notes = [f"{bloc} members by {month}: {', '.join(sorted(by_then)) or 'none'}"]
    if outside:
        notes.append("not members then: " + ", ".join(f"{c} (joined {later[c]})" if c in later else c
                                                   for c in sorted(outside)))  # fmt: skip
    missing = by_then - named - {"USA"}
    if missing and inside:
        notes.append(f"members not named: {', '.join(sorted(missing))}")
    verdict = SUPPORTED if not outside else PARTLY if inside else CONTRADICTED
    return verdict, "; ".join(notes), sources


def date_founding(claim: Claim, blocs: list[tuple[str, str, str, str]]) -> Claim:
    """A claim about a grouping's founders ("Seven countries ... signed the original declaration"):
    of the month the grouping was founded, its first members' month in the ``blocs`` table."""
    bloc = next((n[5:] for n in claim.names if n.startswith("bloc:")), "")
    if claim.kind != "event" or not bloc:
        return claim
    if not any(w in claim.sentence.lower() for w in lx.FOUNDING):
        return _joining(claim, bloc, blocs)
    joined = sorted(j[:7] for b, _, j, _ in blocs if b == bloc and j)
    return replace(claim, value=joined[0]) if joined else claim


def _joining(claim: Claim, bloc: str, blocs: list[tuple[str, str, str, str]]) -> Claim:
    """A claim that countries joined or signed a grouping, with no date of its own ("Qatar has
    become the eighth country to sign the Pax Silica Declaration"): of the month the last of them
    joined in the ``blocs`` table, when all of them did."""
    named = set(claim.places) - {"CHN", "USA"}
    if not claim.implied or claim.event != "alliance" or not named:
        return claim
    joined = {iso3: j[:7] for b, iso3, j, _ in blocs if b == bloc and j}
    if not named <= set(joined):
        return claim
    return replace(claim, value=max(joined[c] for c in named))


def judge_event(claim: Claim, rows: list[Record]) -> tuple[str, str, str]:
    """Verdict, dataset figure and source of one dated event claim."""
    month = str(claim.value)
    if not month:
        return NOT_COVERED, "no date in the article, and no record names what it does", ""
    kind = [r for r in rows if r.kind == claim.event]
    elements = set(claim.elements)

    def shares_elements(r: Record) -> bool:
        return not elements or not r.elements or bool(elements & r.elements)

    in_month = [r for r in kind if month in {r.month, r.effective} and shares_elements(r)]
    if claim.event == "agreement" and "CHN" in claim.places and not _named(claim):
        in_month = [r for r in in_month if "CHN" in r.parties]  # China (and the US): a deal China is party to
    if (
        claim.event == "suspension"
        and not in_month
        and any(w in claim.sentence.lower() for w in _AGREED + _TO_COME)
    ):
        later = [r for r in kind if month <= r.month <= plus_months(month, 2) and shares_elements(r)]
        in_month = later
    named = _named(claim)
    if named and claim.event in {"agreement", "alliance", "investment"}:
        covered = named & {p for r in in_month for p in r.parties}
        mine = [r for r in in_month if named & r.parties]
        if covered == named:
            return SUPPORTED, _fmt(mine), _sources(mine)
        if covered:
            missing = ", ".join(sorted(named - covered))
            return PARTLY, f"{_fmt(mine)} (no record with {missing} that month)", _sources(mine)
        elsewhere = [r for r in kind if named & r.parties]
        if elsewhere:
            near = sorted(elsewhere, key=lambda r: abs(_months(r.month) - _months(month)))
            return CONTRADICTED, f"{_fmt(near)} (not {month})", _sources(near[:3])
        return NOT_COVERED, f"no {claim.event} with {', '.join(sorted(named))} on record", ""
    if claim.names:  # a deal named by its city: that deal, in that month or another
        called = [r for r in kind if any(n.lower() in r.text.lower() for n in claim.names)]
        if called:
            same = [r for r in called if r in in_month]
            if same:
                return SUPPORTED, same[0].figure, same[0].source
            return CONTRADICTED, f"{called[0].figure} (not {month})", called[0].source
    if in_month:
        return SUPPORTED, in_month[0].figure, in_month[0].source
    if elements:
        other = [r for r in kind if elements & r.elements]
        if other:
            return CONTRADICTED, other[0].figure, other[0].source
    return NOT_COVERED, "", ""


_AGREED = (
    "agreed to suspend", "will suspend", "would suspend", "to suspend", "to pause", "for one year",
    "for a year",
    "将暂停", "暂停实施", "一年", "同意暂停", "承诺暂停",
)  # fmt: skip


def _months(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def plus_months(month: str, n: int) -> str:
    """``YYYY-MM`` ``n`` months after ``month``."""
    total = _months(month) + n
    return f"{total // 12:04d}-{total % 12 + 1:02d}"
