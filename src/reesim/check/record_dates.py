"""Verdicts on dated event claims (:func:`judge_event`, the rules of :mod:`reesim.check.records`),
and the dates and memberships that the records around a claim settle: an undated suspension
dated by the measure it suspends or by the deal that agreed it, a measure the article reports
weeks after the record, and claims about a grouping's founders or later signatories, checked
against the ``blocs`` table.
"""

from __future__ import annotations

from dataclasses import replace

from reesim.check import lexicon as lx
from reesim.check.claim import Claim
from reesim.check.records import (
    CONTRADICTED,
    NOT_COVERED,
    PARTLY,
    SUPPORTED,
    Record,
    _fits,
    _gives,
    _money,
    _months,
    _named,
    plus_months,
)


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


def _fmt(rows: list[Record]) -> str:
    return "; ".join(r.figure for r in rows[:3])


def _sources(rows: list[Record]) -> str:
    return ";".join(dict.fromkeys(r.source for r in rows))


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
