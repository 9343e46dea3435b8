"""Claims made with percentages: shares of world output and changes (amounts, prices, ranks and
durations are read by :mod:`reesim.check.quantities`), and the words and clauses they share.

A percentage is a share of world output only when its clause (or, failing that, its sentence)
names a stage (mining, separation, magnets) and its clause names nothing else it could be a share
of (a tariff, a stake in a company, an ownership rule). A percentage with a word of change
("cut by 72%", "11.4 percent less", "同比增长27%") is a
change of what its sentence is about (an export quota, a price, magnet exports). Amounts of
tonnes are about a quota, reserves or a stage, in that order; a sentence that names none of them
takes the topic of the article's last quota sentence ("Shipments will be capped at 7,976 tonnes"
after "cut export quotas"). Chinese numerals count as digits ("九十％", "一六一〇万公吨").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache

from reesim.check import lexicon as lx
from reesim.check.claim import Claim, derive
from reesim.check.figures import _YEAR_AT, DOWN, UP, _percentages, _year_before

Table = tuple[tuple[str, re.Pattern[str] | None, str], ...]


def make_table(words: Iterable[tuple[str, str]]) -> Table:
    """Lexicon words ready to look for: Latin-script words with a whole-word pattern, Chinese ones
    as plain text (Chinese has no spaces between words)."""
    out = []
    for word, value in words:
        bare = word.strip() if word.isascii() else word
        pattern = re.compile(rf"(?<![a-z]){re.escape(bare)}(?![a-z])") if word.isascii() else None
        out.append((bare, pattern, value))
    return tuple(out)


def found_words(low: str, table: Table) -> list[str]:
    """Values of the words of ``table`` that occur in ``low``, in the order of the table."""
    return [v for bare, pattern, v in table if bare in low and (pattern is None or pattern.search(low))]


STAGES = make_table(lx.STAGES.items())
PLACES, ELEMENTS = make_table(lx.PLACES.items()), make_table(lx.ELEMENTS.items())
#: Clause breaks: not "2,117"; "、" only before a percentage of a list ("开采百分之七十、加工百分之九十").
_CLAUSE = re.compile(
    r"[，;；]|、(?=[^、，,。]{0,12}(?:百分之|\d+(?:\.\d+)?\s*%))|,(?!\d{3}(?!\d))|\band\b|\bwhile\b|\bbut\b|而|并且"
)


class Clauses:
    """The clauses of one sentence (the parts between commas, "and", ...), found once."""

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        found = list(_CLAUSE.finditer(sentence))
        self.starts = [m.start() for m in found]
        self.ends = [m.end() for m in found]

    def span(self, start: int) -> tuple[int, int]:
        """Where the clause around position ``start`` begins and ends."""
        before = bisect_right(self.ends, start)
        after = bisect_right(self.starts, start)
        begin = self.ends[before - 1] if before else 0
        end = self.starts[after] if after < len(self.starts) else len(self.sentence)
        return begin, end

    def around(self, start: int) -> str:
        """The clause around position ``start``."""
        begin, end = self.span(start)
        return self.sentence[begin:end]


def clause(sentence: str, start: int) -> str:
    """The part of ``sentence`` between separators (commas, "and", ...) around position ``start``."""
    return Clauses(sentence).around(start)


def qualifier(low: str) -> str:
    """over, under, about or nothing: what the words of ``low`` say of a number."""
    for name, words in (("over", lx.OVER), ("under", lx.UNDER), ("about", lx.ABOUT)):
        if any(w in low for w in words):
            return name
    return ""


def stage(low: str) -> str:
    """The first stage word of ``low`` (mining, separation, magnets), or nothing; a verb of
    production with no stage named ("China produces about 97 percent") is mining. In a text on
    exports, a name of China by what it leads ("the world's largest producer of rare earths last
    month exported 5,792 metric tons") names no stage."""
    if ("world's" in low or "global" in low) and any(w in low for w in _EXPORT_WORDS):
        low = _EPITHET.sub(" ", low)
    named = next(
        (st for bare, pattern, st in STAGES if bare in low and (pattern is None or pattern.search(low))), ""
    )
    if named:
        return named
    return "mining" if any(w in low for w in lx.PRODUCE) else ""


#: A name of China by what it leads: "the world's biggest rare earth magnet supplier".
_EPITHET = re.compile(
    r"(?:world's|global) (?:largest|biggest|top|leading) (?:[a-z-]+ ){0,3}?"
    r"(?:producer|supplier|exporter|refiner|processor)s?(?: and [a-z]+)?"
    r"(?: of (?:[a-z-]+ ){0,3}?(?:rare[- ]earths?|minerals|metals|magnets))?"
)


@lru_cache(maxsize=4096)
def _local(part: str) -> tuple[str, str, str]:
    """Qualifier, stage and direction of change (-, + or nothing) of one clause."""
    low = f" {part.lower()} "
    if any(w in low for w in NOT_SHARE):
        return "", "", "x"
    moved = _BOUND.sub(" ", low)  # "produces less than 1% of the global output": a bound, not a fall
    sign = "-" if any(w in moved for w in DOWN) else "+" if any(w in moved for w in UP) else ""
    return qualifier(low), stage(low), sign


_BOUND = re.compile(r" (?:less|more) than (?=\d)")

#: Words of a clause whose percentage is no share of world output nor a change we check.
NOT_SHARE = (
    "tariff",
    "关税",
    "stake",
    "ownership",
    "持股",
    "股份",
    "rule",
    "规则",
    "gdp",
    "生产总值",
    "threshold",
    "价值比例",
    " shares ",  # a company's shares ("the miner's shares jumped 12%"), its share price
    "share price",
    "stock price",
    "股价",
)
#: Words of a buyer's commitment ("确保100%采购该工厂生产的稀土磁铁产品"): a percentage of them is
#: no share of world output (a change of purchases still is one of exports).
_BOUGHT = ("采购", "offtake", "purchase", "buy ", "import", "进口")
#: A share of a country's own market ("which supplied about 70% of America's rare earths").
_OF_A_COUNTRY = re.compile(r"%\s*of\s+(?:the\s+)?([a-z.]+(?: [a-z]+)?)['’]s\b")


@lru_cache(maxsize=4096)
def _topic(low: str) -> str:
    """What a tonnage or change of ``low`` is about: an export quota, what lies in the ground
    (reserves, or resources: told apart by the check), a price, or nothing said."""
    if "quota" in low or "配额" in low:
        return "export_quota"
    if any(w in low for w in ("reserve", "储量", *lx.RESOURCES)):
        return "reserves"
    if any(w in low for w in ("price", "价格", "价")):
        return "price"
    return ""


def _change_topic(part: str, low: str, st: str, topic: str) -> str:
    """What a change is about: its own clause's topic first ("出口量同比增长27%" is a volume even
    when the sentence goes on to prices), then its stage, then the sentence's topic."""
    own = _topic(part)
    if own or st:
        return own or st
    if any(w in part for w in lx.VOLUME):
        return "exports"
    return _topic(low) or topic or ("exports" if _of_exports(low) else "")


@lru_cache(maxsize=64)
def _of_exports(low: str) -> bool:
    """Whether a sentence (lower-cased) speaks of exports, read once a sentence."""
    return any(w in low for w in _EXPORT_WORDS)


_EXPORT_WORDS = ("出口", "export", "shipment", "shipped", "外销", "outbound")


@lru_cache(maxsize=8)
def _clauses(sentence: str) -> Clauses:
    return Clauses(sentence)


_RESPECTIVELY = ("分别", "respectively")
_RESERVE_WORDS = ("reserve", "储量", "储藏", "蕴藏")


@lru_cache(maxsize=4096)
def _of_reserves(part: str) -> bool:
    """Whether a clause speaks of reserves (its percentage is no share of output)."""
    low = part.lower()
    return any(w in low for w in _RESERVE_WORDS)


def _in_order(sentence: str) -> list[str]:
    """The countries a sentence names, in the order it names them (each once)."""
    low = f" {sentence.lower()} "
    found: list[tuple[int, str]] = []
    for bare, pattern, iso3 in PLACES:
        m = pattern.search(low) if pattern is not None else None
        at = m.start() if m else low.find(bare) if pattern is None else -1
        if at >= 0 and iso3.isupper() and iso3 != "CHN":
            found.append((at, iso3))
    return list(dict.fromkeys(iso3 for _, iso3 in sorted(found)))


@lru_cache(maxsize=64)
def _places_at(sentence: str) -> tuple[list[int], list[str]]:
    """Where a sentence names countries besides China, and which, in order: found once a sentence."""
    low = sentence.lower()
    found: list[tuple[int, str]] = []
    for bare, pattern, iso3 in PLACES:
        if not iso3.isupper() or iso3 == "CHN" or bare not in low:
            continue
        if pattern is not None:
            found += [(m.start(), iso3) for m in pattern.finditer(low)]
            continue
        at = low.find(bare)
        while at >= 0:
            found.append((at, iso3))
            at = low.find(bare, at + 1)
    found.sort()
    return [at for at, _ in found], [iso3 for _, iso3 in found]


def shares(sentence: str, base: Claim) -> list[Claim]:
    """Share claims: a percentage whose clause names a stage and no change (nor reserves: a share
    of reserves is no share of output). A sentence that lists as many countries as percentages
    "respectively" ("其次分别为美国、澳大利亚...,占比分别为14.3%、6.0%...") gives each its own."""
    out = []
    clauses = _clauses(sentence)
    found = [p for p in _percentages(sentence) if p[2] <= 1]
    listed = _in_order(sentence) if any(w in sentence.lower() for w in _RESPECTIVELY) else []
    paired = len(listed) == len(found) > 1
    ends = {  # "85%至90%", "85-90%": a range, one claim with its upper end
        k: found[k + 1][2] for k in range(len(found) - 1)
        if not paired and _RANGE.fullmatch(sentence[found[k][1] : found[k + 1][0]])
    }  # fmt: skip
    for k, (start, _end, value) in enumerate(found):
        if k - 1 in ends:
            continue
        b, e = clauses.span(start)
        part = sentence[b:e]
        if _of_reserves(part) or _not_output(part):
            continue
        q, st, sign = _local(part)
        st = (_stage_after(part.lower(), start - b) or st) if st else st  # "约九成精炼能力及七成矿产产量"
        st = st or (base.stage if sign == "" else "")
        if st == "mining" and _output_only(part):  # "稀土磁铁产业...产量占到全球的90%以上": magnets'
            rest = stage(f" {sentence[:b]} {sentence[e:]} ".lower())
            st = rest if rest in {"magnets", "separation"} else st
        if sign or not st:
            continue
        year = _year_before(sentence, start, base.year)
        places = [listed[k]] if paired else list(base.places)
        if not paired and k and not any(w in part.lower() for w in ("中国", "china")):
            starts, codes = _places_at(sentence)
            if bisect_left(starts, b) == bisect_left(starts, e):  # the clause names no country
                since, here = bisect_left(starts, found[k - 1][1]), bisect_left(starts, start)
                places = [codes[here - 1]] if here > since else places  # "...69%,其次是美国,占12%"
        out.append(derive(base, kind="share", value=value, unit="fraction", qualifier=q, stage=st,
                           places=places, span=sentence[b:e].strip(), year=year,
                           upper=ends.get(k)))  # fmt: skip
    return out


@lru_cache(maxsize=1024)
def _not_output(clause: str) -> bool:
    """Whether a clause speaks of a buyer's commitment, imports or one country's own market, whose
    percentages are no shares of world output; read once a clause."""
    part = clause.lower()
    if any(w in part for w in _BOUGHT):
        return True
    market = _OF_A_COUNTRY.search(part)
    return bool(market and market.group(1) in lx.PLACES and lx.PLACES[market.group(1)] != "CHN")


def _stage_after(part: str, at: int) -> str:
    """The stage named first after a percentage at ``at`` in its clause (lower-cased) ("90% of global
    refined output": separation, "over 90% of magnet output": magnets), or nothing."""
    named = _stages_at(part)
    k = bisect_left(named, (at, -10_000, ""))
    return named[k][2] if k < len(named) else ""


@lru_cache(maxsize=1024)
def _stages_at(part: str) -> list[tuple[int, int, str]]:
    """Where each stage word of a clause (lower-cased) stands, with its length (longest first at a
    place) and stage, in order: found once a clause, so that each percentage costs a bisection."""
    found = []
    for bare, pattern, st in STAGES:
        if bare not in part:
            continue
        starts = [m.start() for m in pattern.finditer(part)] if pattern is not None else []
        if pattern is None:
            at = part.find(bare)
            while at >= 0:
                starts.append(at)
                at = part.find(bare, at + 1)
        found += [(p, -len(bare), st) for p in starts]
    return sorted(found)


#: Words that make a clause's output that of the mines, whatever its sentence is about.
_MINES = ("开采", "采矿", "矿", "mining", "mined", "mine", "extraction", "稀土", "rare earth", "rare-earth")


def _output_only(part: str) -> bool:
    """Whether a clause speaks of output ("产量", "output") without naming mines or rare earths: in a
    sentence about magnets (or separation) it is the output of that stage."""
    low = part.lower()
    return not any(w in low for w in _MINES)


_RANGE = re.compile(r"\s*(?:至|到|-|~|–|to)\s*")

_SECOND = re.compile(
    r"(?:second|runner-up|next largest)[^.;]{0,60}?"
    r"(?:(single digits?|single-digit)|(\d{1,2})\s*(?:%|percent))"
    r"|第二(?![季批次])[^。；]{0,30}?(?:(个位数)|(\d{1,2})\s*%)",  # not 第二季 (the second quarter)
    re.I,
)


def runner_up(sentence: str, base: Claim) -> list[Claim]:
    """The second producer's share ("second place is in single digits", "第二名不到10%")."""
    low = f" {sentence.lower()} "
    if (base.stage or stage(low)) != "mining" and "produc" not in low and "产量" not in low:
        return []
    out = []
    for m in _SECOND.finditer(sentence):
        single = m.group(1) or m.group(3)
        value = 0.1 if single else float(m.group(2) or m.group(4)) / 100
        q = "under" if single else qualifier(f" {m.group().lower()} ")
        out.append(derive(base, kind="share", value=value, unit="fraction", qualifier=q, stage="mining",
                          topic="second", span=m.group()))  # fmt: skip
    return out


def changes(sentence: str, base: Claim, topic: str = "") -> list[Claim]:
    """Changes: a percentage with a word of change in its clause."""
    out = []
    clauses = _clauses(sentence)
    low = sentence.lower()
    compared = any(w in low for w in (" below", " lower than", " above"))
    last: tuple[int, str] = (-1, "")  # where the last change ended and its direction
    found_years = [(m.start(), int(m.group(1))) for m in _YEAR_AT.finditer(sentence)]
    years_at, years = [p for p, _ in found_years], [y for _, y in found_years]
    for start, end, value in _percentages(sentence):
        b, e = clauses.span(start)
        q, st, sign = _local(sentence[b:e])
        if sign == "" and last[1] and _JOINED.fullmatch(sentence[last[0] : start]):
            sign = last[1]  # "down 4.7% from July and 11.8% from the same month last year"
        if sign == "" and compared:  # "40 percent below 2009's"
            after = sentence[end : end + 14].lower()
            sign = (
                "-"
                if after.startswith((" below", " lower than"))
                else "+"
                if after.startswith(" above")
                else ""
            )
        if sign == "" and _BY.match(sentence, b, start):  # "jumped for a second month, by 26.5% from October"
            _, _, sign = _local(sentence[max(0, b - 60) : b])
        if sign not in {"-", "+"}:
            continue
        last = (end, sign)
        what = _change_topic(sentence[b:e].lower(), low, st, topic)
        if not what and base.stage == "mining":  # "2021年中国稀土产量达16.8万吨,同比增长20%"
            what = st = "mining"
        if not what:
            continue
        signed = -value if sign == "-" else value
        k = bisect_right(years_at, start - 4)  # the last year named before it
        named = [years[k - 1]] if k and years_at[k - 1] + 4 <= start else []
        base_year = _FROM_YEAR.match(sentence, end, end + 60)  # "surged 80.56% annually from 7,200 t in 2023"
        named = named or ([int(base_year.group(1)) + 1] if base_year else [])
        out.append(derive(base, kind="change", value=signed, unit="fraction", qualifier=q, stage=st,
                           topic=what, year=named[-1] if named else base.year, at=start,
                           span=sentence[b:e].strip()))  # fmt: skip
    return out


#: A clause that opens with "by" and a percentage: the amount of the change its clause before names.
_BY = re.compile(r"\s*by\s+(?:about\s+|around\s+|nearly\s+|some\s+)?$", re.I)

#: A change compared with a tonnage of a year named right after it: the change is of the year after.
_FROM_YEAR = re.compile(r"[^.;。%]{0,16}?\bfrom\s[^.;。%]{0,30}?\bin\s((?:19|20)\d\d)\b")

#: What lies between two changes of one direction ("down 4.7% from July and 11.8% from ..."):
#: the second takes the first's direction.
_JOINED = re.compile(r"[^%。;；]{0,30}?(?:\band\b|、|和|及)\s*", re.I)
