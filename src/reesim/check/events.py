"""Dated events in a sentence: which measure, deal or suspension, when, and what it names.

Every event word of a sentence is found with its position, so one sentence can report several
events ("suspend for a year the controls announced on the 9th": a suspension and the controls).
Each date the sentence names goes to the event word nearest to it, except that a date next to
"announced" (公布) goes to the measure announced, not to a suspension, and a date after "until"
(至) is the end of the event, not its start. An event word that no date goes to still makes a
claim when the sentence reports an action ("signed", "达成", "暂停实施"): its month is the
article's, or, when the article's date is unknown, that of the record it names (left to the
verification, which knows the dataset).

An event word negated in its clause ("不对美实施出口禁令", "would not ban") makes no claim.

Besides the places and elements named, a claim keeps the names that single out a record (the
city where a deal was struck, a company), the elements an article counts instead of naming
("seven heavy rare earths" is China's April 2025 list), and the destinations of a measure.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from reesim.check import lexicon as lx
from reesim.check.claim import Claim, derive
from reesim.check.dates import ArticleDate, Mention, mentions, resolve
from reesim.check.event_scope import (
    CLAUSE_END,
    FIGURE_WORDS,
    MEASURES,
    US_ACTOR,
    Negations,
    american,
    of_a_figure,
    titled,
    venues,
)
from reesim.check.event_words import counted_elements, destinations, event_words, names

__all__ = ["counted_elements", "destinations", "event_words", "events", "names"]


def _agenda(low: str) -> int:
    """Where the sentence opens a list of subjects of talks (its length if it does not): event
    words after it are discussed, not taken."""
    found = [at for at in (low.find(w) for w in lx.AGENDA) if at >= 0]
    return min(found, default=len(low))


def _adjective(low: str, pos: int) -> bool:
    """Whether the event word at ``pos`` is a participle naming measures ("the suspended measures
    had been introduced on October 9"): the sentence reports those measures, not a suspension."""
    if not low[max(0, pos - 6) : pos].endswith(("the ", "these ", "those ")):
        return False
    return low[pos : pos + 24].split(" ", 1)[0].endswith("ed")


class _Words:
    """A sentence's event words, with the positions of its suspensions and of its other words
    kept apart so that the nearest of each to a date is found by bisection."""

    def __init__(self, words: list[tuple[int, str]]) -> None:
        self.words = words
        self.groups = [
            [i for i, (_, k) in enumerate(words) if (k == "suspension") == flag] for flag in (True, False)
        ]
        self.starts = [[words[i][0] for i in group] for group in self.groups]

    def near(self, at: int) -> set[int]:
        """Indices of the nearest suspension and nearest other word on each side of ``at``."""
        out = set()
        for group, starts in zip(self.groups, self.starts, strict=True):
            here = bisect_left(starts, at)
            out |= {group[i] for i in (here - 1, here) if 0 <= i < len(group)}
        return out


def _owner(m: Mention, words: _Words, low: str) -> int:
    """Index of the event word a date goes to: the nearest, except that a date of an
    announcement skips suspensions and the end of a period prefers them."""
    after = low[m.end : m.end + 8]
    before = low[max(0, m.start - 12) : m.start]
    announced = any(w in after or w in before for w in lx.ANNOUNCED)
    if announced and any(w in after for w in lx.ANNOUNCED):  # "7日宣布,将暂缓实施...": what it announced
        here = bisect_left(words.words, (m.end, ""))
        first = words.words[here] if here < len(words.words) else (0, "")
        announced = not (first[1] == "suspension" and first[0] - m.end <= 16)
    best, best_cost = 0, float("inf")
    for i in sorted(words.near(m.end)):
        pos, kind = words.words[i]
        cost = float(pos - m.end if pos >= m.end else m.start - pos)
        if announced and kind == "suspension":
            cost += 1000
        if m.until and kind == "suspension":
            cost -= 1000
        if cost < best_cost:
            best, best_cost = i, cost
    return best


#: A date of a report of data or of another paper, not of an event: right after "showed" or
#: "reported" ("customs data showed on Monday, in a sign that agreements reached last month...",
#: "The New York Times reported on Thursday that an initial trade embargo..."). A date after
#: "said" stays the event's: who acts says so ("the Ministry of Commerce said yesterday").
_REPORTED = re.compile(r"\b(?:showed|shows|reported)\s+(?:on\s+)?$", re.I)


def events(sentence: str, low: str, base: Claim, article: ArticleDate) -> list[Claim]:
    """The event claims of one sentence; ``base`` carries the sentence's context."""
    words = event_words(low)
    if not words:
        return []
    names_in = [w for w in lx.NOT_EVENT if w in low]  # looked for near each word only if present
    dialogue = {kind for pos, kind in words if any(w in low[pos : pos + 16] for w in names_in)}
    agenda, negations = _agenda(low), Negations(low)
    every = [pos for pos, _ in words]
    us = any(w in low for w in US_ACTOR)  # looked for near each measure only if present
    foreign = {pos for pos, kind in words if us and kind in MEASURES and american(low, pos)}
    words = [
        (pos, kind)
        for pos, kind in words
        if kind not in dialogue
        and pos < agenda
        and not negations.cover(pos)
        and not _adjective(low, pos)
        and pos not in foreign
    ]
    if "《" in low:  # a title names the measure when its sentence says no other
        words = [(pos, kind) for pos, kind in words if not titled(low, pos)] or words
    if not words:
        return []
    lifts = Negations(low, lx.LIFTS)
    lifted = {i for i, (pos, _) in enumerate(words) if lifts.cover(pos)}
    indexed = _Words(words)
    future = any(w in low for w in lx.FUTURE)
    figures = any(w in low for w in FIGURE_WORDS)
    found = [
        m for m in mentions(sentence)
        if not (figures and of_a_figure(sentence, m))
        and not _REPORTED.search(sentence, max(0, m.start - 24), m.start)  # "data showed on Monday"
        and not (foreign and min(every, key=lambda p: abs(p - m.start)) in foreign)  # the US measure's date
    ]  # fmt: skip
    dated: dict[int, list[Mention]] = {}
    until: dict[int, str] = {}
    for m in found:
        owner = _owner(m, indexed, low)
        if m.until:
            if m.year and m.month:
                until[owner] = f"{m.year:04d}-{m.month:02d}" + (f"-{m.day:02d}" if m.day else "")
            continue
        dated.setdefault(owner, []).append(m)
    counted = counted_elements(low)
    elements = list(base.elements)
    if counted and set(elements) < set(counted):  # "钬等5种": holmium and four more of the list
        elements = counted
    shared = {"names": names(low), "destinations": list(base.destinations), "elements": elements or counted}
    if any(n.startswith("bloc:") for n in shared["names"]):  # a grouping named: its deals are the grouping's
        words = [(pos, "alliance" if kind == "agreement" else kind) for pos, kind in words]
        indexed = _Words(words)
    action = any(w in low for w in lx.ACTIONS)
    answers = lx.AMID in low or any(w in low for w in lx.ANSWERED)  # looked for near each word only if so
    hosts = venues(low)
    parties = [p for p in base.places if p not in hosts]
    out: list[Claim] = []
    seen: set[tuple[str, str, int | None, int | None]] = set()
    for i, (pos, kind) in enumerate(words):
        if i in lifted and not dated.get(i):  # a measure lifted, with no date of its own
            continue
        values: list[tuple[str, int | None, int | None, str]] = []
        for m in dated.get(i, []):
            value, month, day = resolve(m, article, future)
            if len(value) == 4:  # a year alone dates no event
                continue
            values.append((value, month, day, sentence[m.start : m.end]))
        answered = (
            answers
            and kind in MEASURES
            and (any(w in low[max(0, pos - 30) : pos] for w in lx.ANSWERED) or lx.AMID in low[pos : pos + 40])
        )
        if (
            not dated.get(i)
            and not answered
            and (action or (kind == "export_ban" and shared["destinations"]))
        ):
            taken = [  # another kind's date, far from this word (a suspension shares none: its measure's
                m  # date is not its own, "has suspended its controls announced on October 9")
                for j, ms in dated.items() if words[j][1] != kind for m in ms
                if abs(m.start - pos) > 25 or kind == "suspension"
                or CLAUSE_END.search(low, min(m.end, pos), max(m.start, pos))
            ]  # fmt: skip
            near = _nearest(pos, [m for m in found if m not in taken], low)
            if near is not None:
                value, month, day = resolve(near, article, future)
                if len(value) != 4:
                    values.append((value, month, day, sentence[near.start : near.end]))
            else:
                values.append((article.month_text(), None, None, "implied"))
        for value, month, day, text in values:
            key = (kind, value, month, day)
            if key in seen or (
                not value and not month and not day and key[:2] in {(k, "") for k, *_ in seen}
            ):
                continue
            seen.add(key)
            implied = text == "implied"
            span = _span(sentence, pos, "" if implied else text)
            out.append(
                Claim(
                    sentence,
                    "event",
                    value,
                    "month",
                    base.qualifier,
                    list(parties),
                    shared["elements"],
                    base.stage,
                    kind,
                    base.year,
                    span,
                    names=shared["names"],
                    until=until.get(i, ""),
                    month_hint=month,
                    day_hint=day,
                    destinations=shared["destinations"],
                    implied=implied and bool(value),
                )
            )
    kinds = {c.event for c in out}
    if "agreement" in kinds and any(k == "investment" for _, k in words) and _MONEY_OF.search(low):
        # "a July 2025 ... partnership involving a $400 million equity injection": the deal is the
        # stake it bought, with the deal's date
        out = [derive(c, event="investment") if c.event == "agreement" else c for c in out]
        kinds = {c.event for c in out}
    return [
        c
        for c in out
        if (_dated(c) and not c.implied) or not (_dated_twin(c, out) or _covered(c, kinds, base.event))
    ]


def _nearest(pos: int, found: list[Mention], low: str) -> Mention | None:
    """The date nearest to an event word that has none of its own, leaving out ends of periods,
    dates of announcements (they belong to the measure announced) and, by the caller, dates that
    went to an event of another kind more than 25 characters away ("Under the deal ... controls
    China imposed in April 2025": April is the controls', not the deal's)."""
    free = [
        m for m in found
        if not m.until and not any(w in low[m.end : m.end + 8] or w in low[max(0, m.start - 12) : m.start]
                                   for w in lx.ANNOUNCED)
    ]  # fmt: skip
    return min(free, key=lambda m: abs(m.start - pos), default=None)


def _dated(claim: Claim) -> bool:
    return bool(claim.value or claim.month_hint or claim.day_hint)


def _dated_twin(claim: Claim, claims: list[Claim]) -> bool:
    """Whether a claim of the same kind with a date stands beside this undated one."""
    return any(c is not claim and c.event == claim.event and _dated(c) for c in claims)


#: Cities whose name singles out one deal China was party to (a summit or a round of talks that
#: agreed something): an undated deal named by one is that deal, not a restatement of the measure
#: its sentence names ("agreed to suspend ... following the summit in Busan").
_SUMMIT_CITIES = {"Busan", "London"}


#: A meeting of leaders named as such ("following the meeting between Chinese President Xi Jinping
#: and US President Donald Trump in South Korea"): a deal of its own, like one its city names.
_LEADERS_MET = re.compile(r"\b(?:meeting|summit|talks)\s+(?:between|with)\b")


def _leaders_met(low: str) -> bool:
    """Whether a sentence names a meeting of Xi and Trump that was held (not one "ahead of" it)."""
    met = _LEADERS_MET.search(low)
    if met is None or "xi" not in low or "trump" not in low:
        return False
    return "ahead of" not in low[max(0, met.start() - 20) : met.start()]


def _covered(claim: Claim, kinds: set[str], sentence_low_kind: str) -> bool:
    """Whether an undated claim only restates another of its sentence: a "deal" that is the
    measure the sentence names (unless a city names the deal), or a price floor whose level the
    sentence gives (a price claim)."""
    low = claim.sentence.lower()
    money = bool(_MONEY.search(low))
    if claim.event == "agreement" and kinds - {"agreement", "investment"}:
        return not (set(claim.names) & _SUMMIT_CITIES or _leaders_met(low))  # "the summit in Busan"
    if claim.event == "investment" and "agreement" in kinds:
        return not _MONEY_OF.search(low)
    if claim.event == "investment" and not money and "investments" in low:
        return True  # investments counted with no amount ("a slew of investments") are none
    if claim.event in {"export_control", "export_ban"} and "suspension" in kinds:
        return True  # the measures a suspension suspends
    return claim.event == "price_floor" and bool(re.search(r"\$\s?\d+(?:\.\d+)?\s*(?:per|/|a)\s*k", low))


#: An amount of money right before what it buys ("a $400 million equity injection", "acquiring $400
#: million worth of preferred stock"): the investment is the event, its deal the way it was made.
_MONEY_OF = re.compile(
    r"\$\s?\d[\d,.]*\s*(?:billion|million|bn|m)\b[^,;.$]{0,30}?"
    r"(?:invest|equity|stake|preferred stock|shares|funding)"
)
_MONEY = re.compile(r"\$\s?\d[\d,.]*\s*(?:billion|million|bn|m)\b|\d[\d,.]*\s*(?:亿|万)\s*美元")


def _span(sentence: str, pos: int, date_text: str) -> str:
    """The words around an event word (and its date): 40 characters each side, widened to whole
    words of Latin script."""
    start = max(0, pos - 40)
    end = min(len(sentence), pos + 40)
    if date_text:
        where = sentence.find(date_text)
        if where >= 0:
            start, end = (
                min(start, max(0, where - 10)),
                max(end, min(len(sentence), where + len(date_text) + 10)),
            )
    while start > 0 and _latin(sentence[start - 1]):  # whole words of Latin script
        start -= 1
    while end < len(sentence) and _latin(sentence[end]):
        end += 1
    return sentence[start:end].strip()


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()
