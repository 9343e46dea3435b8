"""What every instrument kind shares: the :class:`Instrument` record that registers a kind, and the
pydantic pieces its scenario-file spec is built from.

A kind's spec derives from :class:`SpecBase` (``id``, ``note``, ``sources``, ``start``, ``end``) and
adds a ``kind: Literal[...]`` field and its own fields, each declared with :func:`F` so that it
carries a unit and a description: the JSON Schema (``reesim schema``) and the field reference of
``docs/scenarios.md`` are generated from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from reesim.language.fields import Date, Months, Share, SourceId, in_order

if TYPE_CHECKING:
    from reesim.instruments.conversion import Conversion
    from reesim.model.builder import Builder


def F(default: Any = ..., unit: str = "", description: str = "", **kw: Any) -> Any:  # noqa: N802
    """A field with its unit and description (both shown in the schema and the docs)."""
    extra: dict[str, Any] | None = {"unit": unit} if unit else None
    return Field(default, description=description, json_schema_extra=extra, **kw)


class Strict(BaseModel):
    """A frozen model that refuses unknown fields (a misspelt field is an error, not ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(Strict):
    """A stretch of time: from ``from`` until ``to`` (open-ended if ``to`` is omitted)."""

    from_: Date = F(alias="from", description="First month")
    to: Date | None = F(None, description="Month it ends (exclusive); omitted: open-ended")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("to")
    @classmethod
    def _after_from(cls, to: str | None, info: ValidationInfo) -> str | None:
        in_order(info.data.get("from_"), "from", to, "to", "swap the dates or drop to")
        return to


class ApprovalStep(Strict):
    """From ``from``, licences approve ``share`` of requests, after ``review_months`` of review."""

    from_: Date = F(alias="from", description="Month the step starts")
    share: Share = F(unit="fraction", description="Share of requested shipments licensed")
    review_months: Months = F(0.0, unit="months", description="Months with no approvals at the step's start")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SpecBase(Strict):
    """The fields every instrument has; a kind adds ``kind: Literal["its_name"]`` and its own."""

    if TYPE_CHECKING:
        kind: str  # declared by each kind as a Literal, which tells kinds apart in a file

    id: str | None = F(
        None, description="Name to refer to it (offtake, investment programme, extends overrides)"
    )
    note: str = F("", description="What it represents, in words")
    sources: list[SourceId] = F([], description="Source ids from the dataset's sources table")
    start: Date = F(description="Month it takes effect")
    end: Date | None = F(None, description="Month it ends (exclusive); omitted: to the horizon")

    @model_validator(mode="after")
    def _dates(self) -> Any:
        in_order(self.start, "start", self.end, "end", "swap the dates or drop end")
        return self


class StandingSpec(SpecBase):
    """The fields of a kind that, once started, stays in force to the horizon: no ``end``."""

    end: Date | None = F(
        None, description="Not accepted (an error if given): it stays in force from its start to the horizon"
    )


S = TypeVar("S", bound=SpecBase)
M = TypeVar("M")


@dataclass(frozen=True)
class Instrument(Generic[S, M]):
    """One instrument kind: its name in ``kind:``, its spec, its engine dataclass and the two steps
    that carry a scenario file's instrument to the kernel's arrays.

    ``convert(conversion, n, spec)`` adds the engine instruments for instrument ``n`` of the
    resolved scenario to ``conversion`` (see :mod:`reesim.instruments.conversion`); kinds with
    ``after_projects`` are converted after every other kind, as they act on capacity projects.
    ``compile(builder, instrument)`` adds one engine instrument to the arrays and rules the
    builder accumulates (see :mod:`reesim.model.builder`); kinds that only modify other
    kinds' engine instruments have no ``model`` and no ``compile``.
    """

    name: str
    spec: type[S]
    model: type[M] | None
    convert: Callable[[Conversion, int, S], None]
    compile: Callable[[Builder, M], None] | None
    #: What it does in the engine: its row of the kinds table in docs/scenarios.md.
    description: str
    #: A YAML example (a list item), shown in docs/scenarios.md and validated by the tests.
    example: str
    after_projects: bool = False
