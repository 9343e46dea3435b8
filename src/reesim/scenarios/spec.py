"""The scenario language: one pydantic model per instrument kind, and the scenario file itself.

Every field states its unit and meaning (``unit`` and ``description``), from which the JSON
Schema (``reesim schema``) and the field tables of ``docs/scenarios.md`` are generated.
Instruments are told apart by ``kind:``. Checks that need the dataset read a
:class:`~reesim.scenarios.fields.Known` from the validation context.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from reesim.scenarios.fields import (
    AnyNumber,
    Date,
    Element,
    FacilityId,
    Form,
    Material,
    NonNegative,
    Place,
    Sector,
    Share,
    SourceId,
    before,
    fail,
)


def F(default: Any = ..., unit: str = "", description: str = "", **kw: Any) -> Any:  # noqa: N802
    """A field with its unit and description (both shown in the schema and the docs)."""
    extra: dict[str, Any] | None = {"unit": unit} if unit else None
    return Field(default, description=description, json_schema_extra=extra, **kw)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(_Strict):
    """A stretch of time: from ``from`` until ``to`` (open-ended if ``to`` is omitted)."""

    from_: Date = F(alias="from", description="First month")
    to: Date | None = F(None, description="Month it ends (exclusive); omitted: open-ended")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ApprovalStep(_Strict):
    """From ``from``, licences approve ``share`` of requests, after ``review_months`` of review."""

    from_: Date = F(alias="from", description="Month the step starts")
    share: Share = F(unit="fraction", description="Share of requested shipments licensed")
    review_months: NonNegative = F(
        0.0, unit="months", description="Months with no approvals at the step's start"
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _Instrument(_Strict):
    id: str | None = F(
        None, description="Name to refer to it (offtake, investment programme, extends overrides)"
    )
    note: str = F("", description="What it represents, in words")
    sources: list[SourceId] = F([], description="Source ids from the dataset's sources table")
    start: Date = F(description="Month it takes effect")
    end: Date | None = F(None, description="Month it ends (exclusive); omitted: to the horizon")

    @model_validator(mode="after")
    def _dates(self) -> Any:
        if self.end is not None and before(self.end, self.start):
            raise fail("dates", f"end {self.end} is before start {self.start}", "swap the dates or drop end")
        return self


class _Export(_Instrument):
    exporter: Place = F(description="Country that restricts its exports")
    elements: list[Element] = F([], description="Elements covered; empty: all rare earths")
    forms: list[Form] = F(min_length=1, description="ore, oxide, metal, magnet, technology")
    destinations: list[Place] | Literal["all"] = F("all", description="Countries or blocs; 'all': everyone")
    exempt: list[Place] = F([], description="Countries or blocs left out of 'destinations'")
    suspended: list[Period] = F([], description="Periods in which the measure is suspended (e.g. a truce)")


class ExportControlSpec(_Export):
    """Export licences: nothing ships during the review, then a share of requests is approved."""

    kind: Literal["export_control"]
    approval_share: Share = F(0.0, unit="fraction", description="Share of requested shipments licensed")
    review_months: NonNegative = F(0.0, unit="months", description="Months before the first approvals")
    approval: list[ApprovalStep] = F([], description="Approval over time; replaces approval_share if given")
    defence_denied: bool = F(False, description="Defence end users are refused outright")
    content_threshold: Share | None = F(
        None,
        unit="fraction",
        description="Goods made abroad with at least this share of the exporter's material need a licence",
    )
    content_start: Date | None = F(None, description="Month the content rule starts (default: start)")
    content_only: bool = F(
        False, description="Only the content rule (and defence denial): direct exports left to other controls"
    )


class ExportBanSpec(_Export):
    """No exports at all of the covered forms and elements to the destinations."""

    kind: Literal["export_ban"]


class ExportQuotaSpec(_Instrument):
    """A cap on total exports (all destinations), split over forms and elements by base-year exports."""

    kind: Literal["export_quota"]
    exporter: Place = F(description="Country that caps its exports")
    elements: list[Element] = F([], description="Elements covered; empty: all")
    forms: list[Material] = F(min_length=1, description="ore, oxide, metal, magnet")
    tonnes_per_yr: NonNegative = F(unit="t REO-eq/yr", description="Most that may be exported per year")


class TariffSpec(_Instrument):
    """An import tariff: the importers' price rises by rate x their base-year import share from the
    exporter, and their demand falls by the demand price elasticity."""

    kind: Literal["tariff"]
    importers: list[Place] = F(min_length=1, description="Countries or blocs that levy it")
    exporter: Place = F(description="Country whose goods are taxed")
    forms: list[Material] = F(min_length=1, description="ore, oxide, metal, magnet")
    rate: NonNegative = F(unit="fraction of value", description="Ad valorem rate, 0.25 = 25%")


class PriceFloorSpec(_Instrument):
    """A guaranteed minimum price outside China."""

    kind: Literal["price_floor"]
    material: Material = F(description="ore, oxide, metal, magnet")
    elements: list[Element] = F(min_length=1, description="Elements whose price is floored (e.g. Nd, Pr)")
    level_usd_per_kg: NonNegative = F(unit="USD/kg", description="Floor price")
    guarantor: str = F("", description="Who pays the difference (recorded)")
    producers: list[str] = F(
        [], description="Producers covered (recorded; the floor acts on the market price)"
    )


class OfftakeSpec(_Instrument):
    """A buyer takes a project's whole output: the plant runs whatever the price."""

    kind: Literal["offtake"]
    project: str = F(description="id of a capacity_project in this scenario")
    buyer: str = F("", description="Who buys (recorded)")


class StockpileSpec(_Instrument):
    """A strategic stockpile that buys up to a target and releases to its holder's users in a shortage."""

    kind: Literal["stockpile"]
    holder: Place = F(description="Country that holds it")
    material: Material = F(description="ore, oxide, metal, magnet")
    elements: list[Element] = F([], description="Elements bought; empty: the holder's use mix")
    target_t: NonNegative = F(unit="t REO-eq", description="Stock to reach")
    purchase_t_per_yr: NonNegative = F(unit="t REO-eq/yr", description="Purchase rate until the target")
    initial_t: NonNegative = F(0.0, unit="t REO-eq", description="Stock held at the start")
    release_shortfall: Share | None = F(
        None,
        unit="fraction of demand",
        description="Release when this share of the holder's demand is unmet (default: parameter)",
    )


class CapacityProjectSpec(_Instrument):
    """New or expanded capacity: a facility from the dataset, or one described here."""

    kind: Literal["capacity_project"]
    start: Date | None = F(None, description="Month output starts (default: the facility's start)")  # type: ignore[assignment]
    facility: FacilityId | None = F(None, description="Facility id from the dataset; fills the fields below")
    node: Place | None = F(None, description="Country of the plant (required without facility)")
    stage: Literal["mine", "separation", "metal", "magnet"] | None = F(None, description="Stage it adds to")
    elements: list[Element] = F([], description="Main elements (recorded)")
    nameplate_t_per_yr: NonNegative | None = F(None, unit="t REO-eq/yr", description="Output at full ramp")
    ramp_months: NonNegative | None = F(
        None, unit="months", description="Months to nameplate (default: parameter)"
    )
    delay_months: NonNegative = F(0.0, unit="months", description="Delay to the start")
    capex_usd: NonNegative = F(
        0.0, unit="USD", description="Investment (reported; used by investment programmes)"
    )
    opex_usd_per_kg: NonNegative = F(
        0.0, unit="USD/kg", description="Unit cost; idles when price is below it"
    )
    offtake: bool = F(False, description="Output bought whatever the price")

    @model_validator(mode="after")
    def _described(self) -> Any:
        if self.facility is None:
            missing = [
                n for n in ("node", "stage", "nameplate_t_per_yr", "start") if getattr(self, n) is None
            ]
            if missing:
                raise fail(
                    "project", f"a new project needs {', '.join(missing)}", "or name a dataset facility"
                )
        return self

    @model_validator(mode="after")
    def _dates(self) -> Any:
        if self.end is not None and self.start is not None and before(self.end, self.start):
            raise fail("dates", f"end {self.end} is before start {self.start}", "swap the dates or drop end")
        return self


class InvestmentProgrammeSpec(_Instrument):
    """A budget spread over capacity projects; projects it cannot fund are scaled down."""

    kind: Literal["investment_programme"]
    budget_usd: NonNegative = F(unit="USD", description="Money available")
    projects: list[str] = F(min_length=1, description="ids of capacity_project instruments it funds")
    rule: Literal["in_order", "pro_rata"] = F(
        "in_order", description="Fund in list order, or all in proportion"
    )


class DemandChangeSpec(_Instrument):
    """Demand growth or a one-off shock for a sector (or all uses) in some regions."""

    kind: Literal["demand_change"]
    sector: Sector = F("all", description="Sector from end_products (e.g. ev_traction), or all")
    region: list[Place] = F([], description="Countries or blocs; empty: the world")
    material: Material = F("magnet", description="Material whose final demand changes")
    growth_pct_per_yr: AnyNumber = F(0.0, unit="%/yr", description="Growth from start")
    shock: AnyNumber = F(0.0, unit="fraction", description="Jump at start, -0.1 = -10%")


class SubstitutionSpec(_Instrument):
    """A sector replaces part of its magnet use with other technology, phased in over a lag."""

    kind: Literal["substitution"]
    sector: Sector = F(description="Sector from end_products, or all")
    region: list[Place] = F([], description="Countries or blocs; empty: the world")
    share: Share = F(unit="fraction", description="Share of the sector's magnet use replaced when phased in")
    lag_months: NonNegative = F(0.0, unit="months", description="Months to phase in fully")


class RecyclingSpec(_Instrument):
    """Rare earths recovered from magnets used, returned as oxide."""

    kind: Literal["recycling"]
    region: list[Place] = F([], description="Countries or blocs; empty: the world")
    material: Literal["magnet"] = F("magnet", description="What is recycled (magnets)")
    rate: Share = F(unit="fraction per month", description="Share of magnet rare earths used that returns")


InstrumentSpec = Annotated[
    ExportControlSpec | ExportBanSpec | ExportQuotaSpec | TariffSpec | PriceFloorSpec | OfftakeSpec
    | StockpileSpec | CapacityProjectSpec | InvestmentProgrammeSpec | DemandChangeSpec | SubstitutionSpec
    | RecyclingSpec,
    Field(discriminator="kind"),
]  # fmt: skip

INSTRUMENT_KINDS: tuple[type[_Instrument], ...] = (
    ExportControlSpec, ExportBanSpec, ExportQuotaSpec, TariffSpec, PriceFloorSpec, OfftakeSpec, StockpileSpec,
    CapacityProjectSpec, InvestmentProgrammeSpec, DemandChangeSpec, SubstitutionSpec, RecyclingSpec,
)  # fmt: skip


class ScenarioFile(_Strict):
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
    parameters: dict[str, AnyNumber] = F({}, description="Overrides of the dataset's parameter table")
    remove: list[str] = F([], description="ids of inherited instruments to drop")
    instruments: list[InstrumentSpec] = F([], description="What changes, and when")

    @model_validator(mode="after")
    def _period(self) -> Any:
        if self.start is not None and self.horizon is not None and before(self.horizon, self.start):
            raise fail(
                "dates", f"horizon {self.horizon} is before start {self.start}", "give a later horizon"
            )
        return self
