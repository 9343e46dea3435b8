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
from functools import lru_cache

from reesim.check import lexicon as lx
from reesim.check.claim import Claim
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


def _all_words(low: str) -> list[tuple[int, str]]:
    """Every event word of a lower-cased sentence with its position. Each word is looked for
    with ``str.find`` (one pass of the sentence in C per word): a regular expression of all the
    words would try each of them at every position of the text."""
    found = []
    for rank, (word, kind) in enumerate(lx.EVENTS):
        bare = word.strip()
        latin, whole = word.isascii(), word.endswith(" ")
        at = low.find(bare)
        while at >= 0:
            end = at + len(bare)
            ok = not latin or (
                (at == 0 or not low[at - 1].isalpha())
                and (not whole or end == len(low) or not low[end].isalpha())
            )
            if ok:
                found.append((at, rank, end, kind))
            at = low.find(bare, end)
    out: list[tuple[int, str]] = []
    reach = -1
    for at, _, end, kind in sorted(found):  # overlapping words: the one listed first in the lexicon
        if at >= reach:
            out.append((at, kind))
            reach = end
    return out


_MONTH_MEASURES = re.compile(
    r"(?:(?:january|february|march|april|june|july|august|september|october|november|december|\d{1,2}\s*月)"
    r"(?:份)?\s*(?:and|or|,|和|与|及|、)?\s*){1,3}(?:rare[- ]earth\s+)?"
    r"(?:measures|controls|restrictions|curbs|措施|管制)"
)


_RESTRICTED = re.compile(r"限制了?[^,，。;；]{1,8}?出口")
_RESTRICTED_EN = re.compile(
    r"\brestrict(?:s|ed|ing)?\s+(?:the\s+)?(?:exports?|shipments?|sales?)\b"
    r"|\b(?:restrictions|curbs|limits)\s+on\s+(?:[\w-]+\s+){0,4}?(?:exports?|shipments?)\b"
)
_BAN_TO = re.compile(
    r"禁止(?:对|向)[^,，。;；]{1,6}?出口"
    # "禁止所有两用物项向日本军事用户...出口"
    r"|禁止[^。;；]{0,40}?(?:对|向)[^。;；]{1,40}?出口"
    r"|(?:停止|中止)(?:对|向)[^,，。;；]{1,6}?出口"
    r"|\b(?:halt|halts|halted|halting|stop|stops|stopped|stopping)\s+(?:all\s+)?(?:rare[- ]earth\s+)?"
    r"(?:exports?|shipments?)\s+(?:of\s+[\w\s-]{0,40}?)?to\s"
)
#: A halt of exports that names no destination ("halting exports of seven rare earth elements",
#: "暂停出口七种稀土", "暂停部分稀土金属与磁铁出口") is China's control of those exports, not the
#: suspension of a measure; with a destination it is a ban ("暂停对日出口").
_HALT_EXPORTS = re.compile(
    r"\b(?:halt|halts|halted|halting|stop|stops|stopped|stopping|suspend|suspends|suspended|suspending)"
    r"\s+(?:all\s+|some\s+)?(?:rare[- ]earth\s+)?(?:exports?|shipments?)\s+of\b(?![^,;.]{0,60}\sto\s)"
    r"|(?:暂停|停止|中止)了?(?:部分|所有|全部)?(?:[^,，。;；对向]{0,12}?)出口(?!管制|限制|许可|禁令|措施|审查)"
)
#: Prohibitions of exports written out ("prohibiting the export of all dual-use items to Japan",
#: "exports ... are prohibited"): bans.
_PROHIBITED = re.compile(
    r"\bprohibit(?:s|ed|ing)?\s+(?:the\s+)?(?:exports?|shipments?)\b"
    r"|\bexports?\b[^,;.]{0,60}?\b(?:are|were|is|was|be)\s+prohibited\b"
)
#: A list of controlled items lengthened ("expanded its list to include five more elements",
#: "added five elements to its control list"): export controls.
_LIST_EXPANDED = re.compile(
    r"\bexpand(?:s|ed|ing)?\s+(?:its|the)\s+(?:export\s+)?(?:control\s+)?list\b"
    r"|\badd(?:s|ed|ing)?\s+[^,;.]{0,40}?\bto\s+(?:its|the)\s+(?:export\s+)?control\s+list\b"
    r"|扩大[^,，。;；]{0,10}?管制(?:清单|名单|范围)"
)
#: Licences required of exporters ("has required licences for certain exports", "出口...也都必须向中国
#: 政府提出申请"): export controls, in a sentence that speaks of exports.
_LICENCE_NEEDED = re.compile(
    r"\brequir(?:e|es|ed|ing)\s+(?:an?\s+)?(?:export\s+)?licen[cs]es?\b"
    r"|(?:必须|须|需要|需)[^,，。;；]{0,12}?(?:申请|许可)"
)
#: Each pattern with the words one of its matches needs: most sentences have none, and the pattern
#: is not run on them.
_WORDED = (
    (_HALT_EXPORTS, "export_control", ("halt", "stop", "suspend", "暂停", "停止", "中止")),
    (_PROHIBITED, "export_ban", ("prohibit",)),
    (_LIST_EXPANDED, "export_control", ("list", "扩大")),
    (_LICENCE_NEEDED, "export_control", ("licen", "申请", "许可")),
)
#: What a ban forbids to export when it is know-how, not goods ("banned the export of ... extraction
#: and separation technologies", "禁止出口稀土提炼技术"): a ban of technology.
_TECHNOLOGY = ("technolog", "know-how", "技术")

#: "controls" as a noun ("the controls", "more restrictive controls", "removal of controls"), not
#: the verb ("China controls 70 percent").
_CONTROLS = re.compile(
    r"\b(?:the|its|new|these|those|such|of|more|additional|restrictive|sweeping|tighter|expanded|expanding)"
    r"\s+(?:\w+\s+)?controls\b"
)


def event_words(low: str) -> list[tuple[int, str]]:
    """Positions and kinds of the event words in a lower-cased sentence, with measures named by
    their months ("the April and October measures", "4月和10月的措施") as export controls, and
    bans that name their destination between the words ("禁止对美出口") as bans."""
    found = _all_words(low)
    taken = {pos for pos, _ in found}
    for m in _MONTH_MEASURES.finditer(low):
        if not any(m.start() <= pos < m.end() for pos in taken):
            found.append((m.end() - 1, "export_control"))
    for m in _BAN_TO.finditer(low):
        if not any(m.start() <= pos < m.end() for pos in taken):
            found.append((m.start(), "export_ban"))
    for m in _RESTRICTED_EN.finditer(low):  # "restricted exports of", "restrictions on rare earth exports"
        if not any(m.start() <= pos < m.end() for pos in taken):
            found.append((m.start(), "export_control"))
    for m in _RESTRICTED.finditer(low):  # "限制了稀土出口"
        if not any(m.start() <= pos < m.end() for pos in taken):
            found.append((m.start(), "export_control"))
    for m in _CONTROLS.finditer(low):
        at = m.end() - len("controls")
        if not any(m.start() <= pos < m.end() for pos in taken):
            found.append((at, "export_control"))
    exports = "export" in low or "出口" in low  # licences required: of exports only
    for pattern, kind, hints in _WORDED:
        if not any(w in low for w in hints) or (pattern is _LICENCE_NEEDED and not exports):
            continue
        for m in pattern.finditer(low):  # these words say what the event words inside them mean
            found = [(pos, k) for pos, k in found if not m.start() <= pos < m.end()] + [(m.start(), kind)]
    if any(w in low for w in _TECHNOLOGY):  # most sentences name no technology: nothing to look for
        found = [_technology(low, pos, kind) for pos, kind in found]
    return sorted(found)


def _technology(low: str, pos: int, kind: str) -> tuple[int, str]:
    """A ban whose clause says it forbids technology (after the word, or in the 30 characters of
    its clause before it: "technology export ban") is a ban of technology."""
    if kind != "export_ban":
        return pos, kind
    end = CLAUSE_END.search(low, pos + 1, pos + 90)  # bounded: the sentence is not searched to its end
    after = low[pos : end.start() if end else pos + 90]
    start = max(0, pos - 30)
    clause = [m.end() for m in CLAUSE_END.finditer(low, start, pos)]
    before = low[clause[-1] if clause else start : pos]  # "technology to its export ban list"
    if any(w in after or w in before for w in _TECHNOLOGY):
        return pos, "technology_ban"
    return pos, kind


_COUNTED = re.compile(
    r"(?<![a-z0-9])(seven|five|7|5)\s+(?:more\s+|additional\s+)?"
    r"(?:medium(?:-| and | to )heavy\s+|heavy\s+|key\s+)?"
    r"(?:rare[- ]earths?|elements)|(?<![0-9])([七五75])\s*(?:种|类|个)\s*(?:中重|重)?稀土"
)
_DESTINATION = re.compile(
    r"(?:\bto\s+(?:the\s+)?|对|向)(united states|u\.s\.|us\b|america|美国|美|japan|日本|日)"
)
_DESTINATIONS = {"united states": "USA", "u.s.": "USA", "us": "USA", "america": "USA", "美国": "USA",
                 "美": "USA",
                 "japan": "JPN", "日本": "JPN", "日": "JPN"}  # fmt: skip


@lru_cache(maxsize=8)
def _counted(low: str) -> tuple[str, ...]:
    for m in _COUNTED.finditer(low):
        return tuple(lx.COUNTED[lx.COUNT_WORDS[m.group(1) or m.group(2)]])
    return ()


def counted_elements(low: str) -> list[str]:
    """The elements of China's list that a sentence counts ("seven heavy rare earths")."""
    return list(_counted(low))


def destinations(low: str) -> list[str]:
    """Destinations a measure of the sentence names ("exports to the United States", "对美出口")."""
    if not any(w in low for w in ("export", "出口", "ban", "禁")):
        return []
    return list(dict.fromkeys(_DESTINATIONS[m.group(1)] for m in _DESTINATION.finditer(low)))


def names(low: str) -> list[str]:
    """Names that single out a record: cities of deals, companies, groupings (``bloc:`` and the
    id of the ``blocs`` table)."""
    found = [v for k, v in lx.NAMES.items() if k in low]
    found += [f"bloc:{v}" for k, v in lx.BLOCS.items() if k in low]
    return list(dict.fromkeys(found))


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


def _covered(claim: Claim, kinds: set[str], sentence_low_kind: str) -> bool:
    """Whether an undated claim only restates another of its sentence: a "deal" that is the
    measure the sentence names (unless a city names the deal), or a price floor whose level the
    sentence gives (a price claim)."""
    low = claim.sentence.lower()
    money = bool(_MONEY.search(low))
    if claim.event == "agreement" and "investment" in kinds and _MONEY_OF.search(low):
        return True  # "a partnership involving a $400 million equity injection": the investment
    if claim.event == "agreement" and kinds - {"agreement", "investment"}:
        return not set(claim.names) & _SUMMIT_CITIES  # "after the summit in Busan": that deal too
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
