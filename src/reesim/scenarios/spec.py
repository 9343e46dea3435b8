"""The scenario file: its fields, and the list of instruments told apart by ``kind:``.

Every field states its unit and meaning (``unit`` and ``description``), from which the JSON
Schema (``reesim schema``) and the field tables of ``docs/scenarios.md`` are generated. The
instrument kinds, one pydantic model each, come from the registry (:mod:`reesim.instruments`);
their classes are re-exported here. Checks that need the dataset read a
:class:`~reesim.language.fields.Known` from the validation context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, Union

from pydantic import Field, ValidationInfo, field_validator

from reesim.instruments.base import ApprovalStep, F, Period, SpecBase, Strict
from reesim.instruments.capacity_project import CapacityProjectSpec
from reesim.instruments.demand_change import DemandChangeSpec
from reesim.instruments.export_ban import ExportBanSpec
from reesim.instruments.export_control import ExportControlSpec
from reesim.instruments.export_quota import ExportQuotaSpec
from reesim.instruments.import_ban import ImportBanSpec
from reesim.instruments.investment_programme import InvestmentProgrammeSpec
from reesim.instruments.offtake import OfftakeSpec
from reesim.instruments.price_floor import PriceFloorSpec
from reesim.instruments.recycling import RecyclingSpec
from reesim.instruments.registry import kinds, listeners
from reesim.instruments.stockpile import StockpileSpec
from reesim.instruments.substitution import SubstitutionSpec
from reesim.instruments.tariff import TariffSpec
from reesim.language.fields import AnyNumber, Date, Place, SourceId, in_order

__all__ = [
    "INSTRUMENT_KINDS", "ApprovalStep", "CapacityProjectSpec", "DemandChangeSpec", "ExportBanSpec",
    "ExportControlSpec", "ExportQuotaSpec", "F", "ImportBanSpec", "InstrumentSpec", "InvestmentProgrammeSpec",
    "OfftakeSpec", "Period", "PriceFloorSpec", "RecyclingSpec", "ScenarioFile", "StockpileSpec",
    "SubstitutionSpec", "TariffSpec", "refresh",
]  # fmt: skip


def _instrument_union() -> Any:
    """The registered kinds' specs as one union, told apart by ``kind``."""
    specs = tuple(kind.spec for kind in kinds())
    return Annotated[Union[specs], Field(discriminator="kind")]  # noqa: UP007


if TYPE_CHECKING:
    #: A validated instrument of any registered kind (narrow with ``isinstance``).
    InstrumentSpec: TypeAlias = SpecBase
else:
    InstrumentSpec = _instrument_union()

#: The spec classes of the kinds registered when this module loaded, in the docs' order.
INSTRUMENT_KINDS: tuple[type[SpecBase], ...] = tuple(kind.spec for kind in kinds())


class ScenarioFile(Strict):
    """A scenario file. With ``extends`` every field but ``name`` may be inherited."""

    name: str = F(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Short id: lower case, digits, - and _")
    title: str = F("", description="One line for tables and reports")
    description: str = F("", description="What the scenario represents, in a paragraph")
    sources: list[SourceId] = F([], description="Source ids from the dataset's sources table")
    extends: str | list[str] | None = F(
        None, description="Shipped scenario name or path of the scenario this one builds on"
    )
    start: Date | None = F(None, description="First simulated month")
    horizon: Date | None = F(None, description="Last simulated month (inclusive)")
    blocs: dict[str, list[Place]] = F({}, description="Bloc id -> member countries, usable as a place")
    demand_outlook: str | None = F(
        None,
        description="Outlook whose growth final demand follows from the base year on: steps (IEA "
        "Stated Policies, the default), aps (IEA Announced Pledges) or none (the base year's demand "
        "throughout)",
    )
    price_year: int | None = F(
        None,
        unit="year",
        description="Year of the dataset's prices table whose oxide prices (times each material's markup) "
        "are the run's reference prices, with the base year's flows: for a replay of an earlier "
        "episode on the base-year chain (default: the base year)",
    )
    parameters: dict[str, AnyNumber] = F({}, description="Overrides of the dataset's parameter table")
    remove: list[str] = F([], description="ids of inherited instruments to drop")
    instruments: list[InstrumentSpec] = F([], description="What changes, and when")

    @field_validator("horizon")
    @classmethod
    def _period(cls, horizon: str | None, info: ValidationInfo) -> str | None:
        """A horizon before the start is an error at the horizon's line."""
        in_order(info.data.get("start"), "start", horizon, "horizon", "give a later horizon")
        return horizon


def refresh() -> None:
    """Rebuild :class:`ScenarioFile`'s instrument list from the registry (after a kind is registered
    or removed at run time)."""
    instruments: Any = list[_instrument_union()]  # type: ignore[misc]
    ScenarioFile.model_fields["instruments"].annotation = instruments
    ScenarioFile.model_rebuild(force=True)


listeners.append(refresh)
