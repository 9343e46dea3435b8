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

from pydantic import AfterValidator, BeforeValidator, ValidationInfo
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

    def with_blocs(self, blocs: dict[str, tuple[str, ...]]) -> Known:
        """The same names plus the scenario's bloc definitions."""
        return Known(
            self.elements, self.places, self.sectors, self.facilities, self.sources, self.parameters,
            {**self.blocs, **blocs},
        )  # fmt: skip


def fail(kind: str, message: str, hint: str = "") -> PydanticCustomError:
    """A validation error whose hint the loader prints after the message."""
    return PydanticCustomError(kind, message, {"hint": hint})


def _known(info: ValidationInfo) -> Known | None:
    ctx = info.context
    return ctx.get("known") if isinstance(ctx, dict) else None


def _suggest(name: str, options: Any) -> str:
    from reesim.dataset.parse import did_you_mean

    return did_you_mean(name, sorted(options))


# --- dates ---------------------------------------------------------------------------------------


def parse_date(value: object) -> tuple[int, int]:
    """``(year, month)`` of a ``YYYY-MM`` / ``YYYY-MM-DD`` string or a date; ValueError otherwise."""
    if isinstance(value, dt.date):
        return value.year, value.month
    parts = str(value).split("-")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError(value)
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12 or (len(parts) == 3 and not 1 <= int(parts[2]) <= 31):
        raise ValueError(value)
    return year, month


def _date(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    try:
        parse_date(value)
    except ValueError:
        raise fail(
            "date", f"{value!r} is not a date", "write YYYY-MM or YYYY-MM-DD, e.g. 2025-04-04"
        ) from None
    return str(value)


#: A month or day: ``2025-04`` or ``2025-04-04`` (the model steps monthly; days are kept for the record).
Date = Annotated[str, BeforeValidator(_date)]


def before(a: str, b: str) -> bool:
    """Whether month ``a`` is strictly before month ``b``."""
    return parse_date(a) < parse_date(b)


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


Element = Annotated[str, AfterValidator(_member("element", "elements"))]
Place = Annotated[str, AfterValidator(_place)]
Sector = Annotated[str, AfterValidator(_sector)]
FacilityId = Annotated[str, AfterValidator(_member("facility", "facilities"))]
SourceId = Annotated[str, AfterValidator(_source)]

#: What an export measure covers: raw material, separated oxide, metal and alloy, magnets, know-how.
Form = Literal["ore", "oxide", "metal", "magnet", "technology"]
#: Physical materials (model stages): ore (mine concentrate), oxide, metal, magnet.
Material = Literal["ore", "oxide", "metal", "magnet"]


# --- bounded numbers ---------------------------------------------------------------------------


class Range(NamedTuple):
    """Allowed values of a number field; Monte Carlo draws are clipped to it."""

    low: float
    high: float


def _ranged(low: float, high: float) -> AfterValidator:
    def check(value: Number) -> Number:
        lo, hi = (value, value) if isinstance(value, int | float) else value.support()
        centre = float(value) if isinstance(value, int | float) else value.centre()
        if not low <= centre <= high or (math.isfinite(lo) and lo < low) or (math.isfinite(hi) and hi > high):
            span = f"between {low:g} and {high:g}" if math.isfinite(high) else f"at least {low:g}"
            raise fail("range", f"value must be {span}", f"give a number {span}")
        return value

    return AfterValidator(check)


Share = Annotated[Number, _ranged(0.0, 1.0), Range(0.0, 1.0)]
NonNegative = Annotated[Number, _ranged(0.0, math.inf), Range(0.0, math.inf)]
AnyNumber = Annotated[Number, Range(-math.inf, math.inf)]
