"""One claim found in an article: its kind, value, the words it was read from and its context."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Claim:
    """One claim: what kind, its value, and the context of its sentence.

    ``value`` is a fraction (share, change), USD (money), USD per kg (price), tonnes (quantity),
    a month ``YYYY-MM`` (event; empty when the article gives none: the check then looks for the
    record the claim names), months (duration) or a place in a ranking (rank). ``span`` is the
    part of the sentence the claim was read from.
    """

    sentence: str
    kind: str  # share | money | price | quantity | change | rank | event | duration
    value: float | str
    unit: str
    qualifier: str = ""  # over | about | under | ""
    places: list[str] = field(default_factory=list)
    elements: list[str] = field(default_factory=list)
    stage: str = ""
    event: str = ""
    year: int | None = None
    span: str = ""
    #: What a quantity or change is about when not a stage: an event kind, "reserves", "price".
    topic: str = ""
    #: Names that single out a record: a city where a deal was struck, a company.
    names: list[str] = field(default_factory=list)
    #: End of a dated measure or suspension (``YYYY-MM-DD`` or ``YYYY-MM``), if the article says.
    until: str = ""
    #: Month and day named without a year or month (resolved against the dataset).
    month_hint: int | None = None
    day_hint: int | None = None
    #: Destinations a measure names ("exports ... to the United States").
    destinations: list[str] = field(default_factory=list)
    #: Price level a price floor names, USD per kg.
    level: float | None = None
    #: The event's month is the article's: its sentence names no date.
    implied: bool = False
    #: Where the figure starts in its sentence (-1: not said).
    at: int = -1
    #: A figure of exports (:mod:`reesim.check.export_reading`): the ``china_exports`` product
    #: (magnet, rare_earths), the month it is of (1-12), months 1..run of a cumulative figure, the
    #: year its own date names, and what a change compares with (a month and year named, else
    #: ``back`` months before: 1 or 12).
    series: str = ""
    month: int | None = None
    run: int | None = None
    period_year: int | None = None
    versus_year: int | None = None
    versus_month: int | None = None
    back: int = 12
    #: The upper end of a range ("约85%至90%": 0.9 for a share of 0.85).
    upper: float | None = None


def derive(base: Claim, **changes: object) -> Claim:
    """A claim like ``base`` with ``changes``: the sentence's context is shared, not copied
    (claims are not changed once made), which keeps texts of many thousands of claims fast."""
    new = object.__new__(Claim)
    new.__dict__.update(base.__dict__)
    new.__dict__.update(changes)
    return new


@dataclass(frozen=True)
class Verdict:
    """The verdict on one claim, with the dataset's figure and where it comes from."""

    claim: Claim
    verdict: str
    figure: str
    source: str
