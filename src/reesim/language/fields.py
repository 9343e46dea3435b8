"""Field types of the scenario language: dates, elements, places, shares, quantities.

Checks that need the dataset (is ``Dyy`` an element? is ``EUU`` a country or bloc?) read a
:class:`Known` passed as pydantic's validation context, so every error carries the field's
position in the file. Each error's hint (``did you mean 'Dy'?``) travels in the error context.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import AfterValidator, BeforeValidator, GetJsonSchemaHandler, ValidationInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError

from reesim.language.numbers import Number


@dataclass(frozen=True)
class Known:
    """The names a scenario may use, from the dataset (and the scenario's own blocs)."""

    elements: tuple[str, ...]
    places: frozenset[str]
    sectors: frozenset[str]
    facilities: frozenset[str]
    sources: frozenset[str]
    parameters: frozenset[str]
    blocs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Parameter name -> (lowest, highest) value an override may take, with its unit.
    parameter_bounds: dict[str, tuple[float, float, str]] = field(default_factory=dict)

    def with_blocs(self, blocs: dict[str, tuple[str, ...]]) -> Known:
        """The same names plus the scenario's bloc definitions."""
        return Known(
            self.elements, self.places, self.sectors, self.facilities, self.sources, self.parameters,
            {**self.blocs, **blocs}, self.parameter_bounds,
        )  # fmt: skip


def parameter_bounds(low: float, high: float, unit: str) -> tuple[float, float]:
    """Values an override of a parameter may take, from the dataset's uncertainty range
    (``low``-``high``) and unit: its sign (a parameter whose range is at or above 0 cannot be
    negative, one at or below 0 cannot be positive), and 0-1 for a fraction. The range itself
    is what the data support, not a limit: a scenario may explore beyond it."""
    lowest = 0.0 if low >= 0 else -math.inf
    highest = 0.0 if high <= 0 else (1.0 if unit.startswith("fraction") else math.inf)
    return lowest, highest


def bounds_problem(value: Number, lowest: float, highest: float) -> str | None:
    """Why ``value`` falls outside ``lowest``-``highest``, or None."""
    lo, hi = (value, value) if isinstance(value, int | float) else value.support()
    centre = float(value) if isinstance(value, int | float) else value.centre()
    if (
        lowest <= centre <= highest
        and not (math.isfinite(lo) and lo < lowest)
        and not (math.isfinite(hi) and hi > highest)
    ):
        return None
    if math.isinf(highest):
        return f"must be at least {lowest:g}"
    if math.isinf(lowest):
        return f"must be at most {highest:g}"
    return f"must be between {lowest:g} and {highest:g}"


def fail(kind: str, message: str, hint: str = "") -> PydanticCustomError:
    """A validation error whose hint the loader prints after the message."""
    return PydanticCustomError(kind, message, {"hint": hint})


class Named(NamedTuple):
    """Marks a field type in the JSON Schema as one of a named set (``x-names``: ``Element``,
    ``Place``, ``Sector``, ``Facility``, ``Source``, ``Month``); :mod:`reesim.scenarios.schema`
    replaces each mark by a reference to a definition that lists the dataset's names, the same
    :class:`Known` the validators check against."""

    name: str

    def __get_pydantic_json_schema__(self, core: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core)
        handler.resolve_ref_schema(schema)["x-names"] = self.name
        return schema


def _known(info: ValidationInfo) -> Known | None:
    ctx = info.context
    return ctx.get("known") if isinstance(ctx, dict) else None


def _suggest(name: str, options: Any) -> str:
    from reesim.dataset.parse import did_you_mean

    return did_you_mean(name, sorted(options))


# --- dates ---------------------------------------------------------------------------------------


#: Years a scenario's dates may name: the dataset's history to the end of the century.
FIRST_YEAR, LAST_YEAR = 1990, 2100


def parse_date(value: object) -> tuple[int, int]:
    """``(year, month)`` of a ``YYYY-MM`` / ``YYYY-MM-DD`` string or a date; ValueError otherwise
    (also for a day the month does not have, for digits other than ASCII ones, and for a month or
    day of one digit: ``2025-1`` is not read as January, as YAML would not read it as a date)."""
    if isinstance(value, dt.date):
        return value.year, value.month
    parts = str(value).split("-")
    if len(parts) not in (2, 3) or not all(p.isascii() and p.isdigit() for p in parts):
        raise ValueError(value)
    if [len(p) for p in parts] != [4, 2, 2][: len(parts)]:
        raise ValueError(value)
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12:
        raise ValueError(value)
    if len(parts) == 3:
        dt.date(max(year, 1), month, int(parts[2]))  # ValueError for 2025-02-30
    return year, month


def _date(value: object) -> str:
    hint = "write YYYY-MM or YYYY-MM-DD, e.g. 2025-04-04"
    try:
        year, _ = parse_date(value)
    except ValueError:
        raise fail("date", f"{value!r} is not a date", _padded(value) or hint) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        shown = value.isoformat()[:10] if isinstance(value, dt.date) else str(value)
        raise fail("date", f"{shown!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}",
                   f"give a date from {FIRST_YEAR} to {LAST_YEAR}")  # fmt: skip
    return value.isoformat()[:10] if isinstance(value, dt.date) else str(value)


def _padded(value: object) -> str:
    """A hint writing a date with a one-digit month or day (``2025-1``) as it should be, or ""."""
    parts = str(value).split("-")
    if not 2 <= len(parts) <= 3 or len(parts[0]) != 4:
        return ""
    if not all(p.isascii() and p.isdigit() and 1 <= len(p) <= 2 for p in parts[1:]):
        return ""
    if all(len(p) == 2 for p in parts[1:]):
        return ""  # not a matter of digits: 2025-13 has no month to pad
    padded = "-".join([parts[0], *(p.zfill(2) for p in parts[1:])])
    try:
        parse_date(padded)
    except ValueError:
        return ""
    return f"write months and days with two digits: {padded}"


#: A month or day: ``2025-04`` or ``2025-04-04`` (the model steps monthly; days are kept for the record).
Date = Annotated[str, BeforeValidator(_date), Named("Month")]


def before(a: str, b: str) -> bool:
    """Whether month ``a`` is strictly before month ``b``."""
    return parse_date(a) < parse_date(b)


def in_order(first: str | None, first_name: str, then: str | None, then_name: str, hint: str) -> None:
    """A ``dates`` error when month ``then`` comes before month ``first`` (no check if either is
    absent): "``then_name`` ``then`` is before ``first_name`` ``first``", with ``hint``."""
    if first is not None and then is not None and before(then, first):
        raise fail("dates", f"{then_name} {then} is before {first_name} {first}", hint)


# --- names checked against the dataset ----------------------------------------------------------


def _member(kind: str, attribute: str) -> Any:
    """A validator: the value must be one of ``Known.<attribute>`` (e.g. an element symbol)."""

    def check(value: str, info: ValidationInfo) -> str:
        known = _known(info)
        options = getattr(known, attribute) if known is not None else None
        if options is not None and value not in options:
            raise fail(kind, f"unknown {kind} {value!r}", _suggest(value, options))
        return value

    return check


def _place(value: str, info: ValidationInfo) -> str:
    known = _known(info)
    if known is not None and value not in known.places and value not in known.blocs:
        options = set(known.places) | set(known.blocs)
        raise fail("place", f"unknown country or bloc {value!r}", _suggest(value, options))
    return value


def _sector(value: str, info: ValidationInfo) -> str:
    known = _known(info)
    if known is not None and value != "all" and value not in known.sectors:
        raise fail("sector", f"unknown sector {value!r}", _suggest(value, {*known.sectors, "all"}))
    return value


def _source(value: str, info: ValidationInfo) -> str:
    known = _known(info)
    if known is not None and value not in known.sources:
        hint = _suggest(value, known.sources) or "cite an id from `reesim data show sources`"
        raise fail("source", f"unknown source {value!r}", hint)
    return value


Element = Annotated[str, AfterValidator(_member("element", "elements")), Named("Element")]
Place = Annotated[str, AfterValidator(_place), Named("Place")]
Sector = Annotated[str, AfterValidator(_sector), Named("Sector")]
FacilityId = Annotated[str, AfterValidator(_member("facility", "facilities")), Named("Facility")]
SourceId = Annotated[str, AfterValidator(_source), Named("Source")]

#: What an export measure covers: raw material, separated oxide, metal and alloy, magnets, know-how.
Form = Literal["ore", "oxide", "metal", "magnet", "technology"]
#: Physical materials (model stages): ore (mine concentrate), oxide, metal, magnet.
Material = Literal["ore", "oxide", "metal", "magnet"]


# --- bounded numbers ---------------------------------------------------------------------------


class Range(NamedTuple):
    """Allowed values of a number field; Monte Carlo draws are clipped to it. The JSON Schema
    (``reesim schema``) states them as the plain number's ``minimum`` and ``maximum``."""

    low: float
    high: float

    def __get_pydantic_json_schema__(self, core: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core)
        resolved = handler.resolve_ref_schema(schema)
        for branch in [resolved, *resolved.get("anyOf", [])]:
            if branch.get("type") == "number":
                if math.isfinite(self.low):
                    branch["minimum"] = self.low
                if math.isfinite(self.high):
                    branch["maximum"] = self.high
        return schema


def _finite(value: Number) -> Number:
    """A plain number must be finite (a distribution checks its own numbers)."""
    if isinstance(value, int | float) and not math.isfinite(value):
        raise fail("finite_number", f"{value} is not a finite number",
                   "give a number: .nan and .inf are not values a run can use")  # fmt: skip
    return value


def _ranged(low: float, high: float) -> AfterValidator:
    def check(value: Number) -> Number:
        _finite(value)
        lo, hi = (value, value) if isinstance(value, int | float) else value.support()
        centre = float(value) if isinstance(value, int | float) else value.centre()
        if not low <= centre <= high or (math.isfinite(lo) and lo < low) or (math.isfinite(hi) and hi > high):
            span = f"between {low:g} and {high:g}" if math.isfinite(high) else f"at least {low:g}"
            raise fail("range", f"value must be {span}", f"give a number {span}")
        return value

    return AfterValidator(check)


#: Longest duration in months a scenario may give (a delay, a review, a ramp): 100 years, the
#: longest horizon.
MAX_MONTHS = 1200.0
#: Longest period a scenario may simulate, in months.
MAX_HORIZON_MONTHS = 1200

Share = Annotated[Number, _ranged(0.0, 1.0), Range(0.0, 1.0)]
NonNegative = Annotated[Number, _ranged(0.0, math.inf), Range(0.0, math.inf)]
Months = Annotated[Number, _ranged(0.0, MAX_MONTHS), Range(0.0, MAX_MONTHS)]
#: A change of demand: -1 (all of it gone) to 10 (eleven times as much).
Change = Annotated[Number, _ranged(-1.0, 10.0), Range(-1.0, 10.0)]
#: A growth rate in percent a year: -100 (gone in a year) to 1000.
GrowthPct = Annotated[Number, _ranged(-100.0, 1000.0), Range(-100.0, 1000.0)]
AnyNumber = Annotated[Number, AfterValidator(_finite), Range(-math.inf, math.inf)]
