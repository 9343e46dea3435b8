"""The event words of a sentence: which measure, deal or suspension each word or phrase names,
and what a measure names besides (elements counted, destinations, cities, companies, groupings).

Words of the lexicon are found as substrings (Latin words at word starts); measures written in
words of their own are found by patterns: measures named by their months ("the April and October
measures"), bans naming their destination between their words ("禁止对美出口"), restrictions,
"controls" as a noun, halts of exports naming no destination (controls), prohibitions (bans),
lengthened lists and licences required (controls); a ban whose clause says it forbids technology
is a ban of technology.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reesim.check import lexicon as lx
from reesim.check.event_scope import CLAUSE_END

#: The lexicon's event words as what each names and what is looked for: the word without its
#: closing space, whether it is Latin (found at word starts) and whether it must be a whole word.
_EVENTS = [(k, w.strip(), w.isascii(), w.endswith(" ")) for w, k in lx.EVENTS]
_LATIN = re.compile(r"[a-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _all_words(low: str) -> list[tuple[int, str]]:
    """Every event word of a lower-cased sentence with its position. Each word is looked for
    with ``str.find`` (one pass of the sentence in C per word): a regular expression of all the
    words would try each of them at every position of the text. Only the words of the scripts the
    sentence is written in are looked for (a run of digits has none)."""
    found = []
    scripts = (bool(_LATIN.search(low)), bool(_HAN.search(low)))
    for rank, (kind, bare, latin, whole) in enumerate(_EVENTS):
        if not scripts[0 if latin else 1]:
            continue
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


_RESTRICTED = re.compile(r"限制了?[^,，。;；]{1,20}?出口")
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
#: Words inside such a phrase that deny it ("exports to Japan are not prohibited", "不需要申请").
_DENIED = (" not ", "n't ", " no ", "不", "未", "没有", "无需")

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
            found = [(pos, k) for pos, k in found if not m.start() <= pos < m.end()]
            if not any(w in m.group() for w in _DENIED):  # "exports ... are not prohibited": none
                found.append((m.start(), kind))
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
