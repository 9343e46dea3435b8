"""Scenarios as plain Python objects: what changes against the base year, and when.

A :class:`Scenario` is a name, a start month, a horizon and a list of instruments. Dates are
``YYYY-MM`` strings; quantities are in t REO-equivalent per year unless a field says otherwise.
The YAML scenario language (:mod:`reesim.scenarios`) builds these same objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reesim.errors import InputError, Problem

#: The demand outlook (``demand_outlooks`` table) a scenario follows unless it names another.
DEFAULT_OUTLOOK = "steps"
#: The outlook that keeps final demand at the base year's throughout.
NO_OUTLOOK = "none"


def month_index(date: str, start: str) -> int:
    """Months from ``start`` to ``date`` (both ``YYYY-MM`` or ``YYYY-MM-DD``); negative if before."""
    try:
        y0, m0 = (int(p) for p in start.split("-")[:2])
        y1, m1 = (int(p) for p in date.split("-")[:2])
    except ValueError:
        raise InputError(
            [Problem("scenario", None, "date", f"{date!r} is not a date", "write YYYY-MM")]
        ) from None
    if not (1 <= m0 <= 12 and 1 <= m1 <= 12):
        raise InputError(
            [Problem("scenario", None, "date", f"month out of range in {date!r}", "write YYYY-MM")]
        )
    return (y1 - y0) * 12 + (m1 - m0)


@dataclass(frozen=True)
class ExportControl:
    """Licences on an exporter's shipments of some materials and elements to some destinations.

    From ``start`` nothing is approved for ``review_months``; then ``approval_share`` of requested
    shipments is licensed, until ``end``. ``destinations`` are countries, nodes or bloc ids (empty
    means everyone but the exporter), minus ``exempt``. With ``defence_denied`` defence orders are
    refused outright. With ``content_threshold``, goods made outside the exporter whose share of
    the exporter's material is at or above the threshold need the same licence (extraterritorial
    rule), for the listed materials. With ``content_only`` the control adds just that rule (and
    any defence denial), leaving direct exports to other controls.
    """

    exporter: str
    materials: tuple[str, ...]
    start: str
    elements: tuple[str, ...] = ()
    destinations: tuple[str, ...] = ()
    exempt: tuple[str, ...] = ()
    end: str | None = None
    approval_share: float = 0.0
    review_months: float = 0.0
    defence_denied: bool = False
    content_threshold: float | None = None
    content_only: bool = False


@dataclass(frozen=True)
class ExportQuota:
    """A cap on what ``exporter`` ships abroad: ``tonnes_per_yr`` t REO-equivalent of ``materials``
    and ``elements`` (empty = all) together, from ``start`` until ``end``, to all destinations.

    ``split`` says how the cap is shared over the materials and elements it covers: ``asked``,
    each month by what importers asked of the exporter in each the month before (a cap filled
    with what sells: it binds only when the total asked exceeds it, and then on each in the same
    proportion); ``base_year``, by the exporter's base-year exports (it binds on each apart).
    """

    exporter: str
    materials: tuple[str, ...]
    tonnes_per_yr: float
    start: str
    elements: tuple[str, ...] = ()
    end: str | None = None
    split: str = "base_year"


@dataclass(frozen=True)
class OutputCap:
    """A ceiling on what ``country`` produces: each stage of ``materials`` (concentrate: its
    mines; oxide, metal, magnet: the stage that makes it) at most ``share`` of its base-year
    output of each of ``elements`` (empty = all), from ``start`` until ``end``. Capacity projects
    at the country's nodes count within the ceiling."""

    country: str
    materials: tuple[str, ...]
    share: float
    start: str
    elements: tuple[str, ...] = ()
    end: str | None = None


@dataclass(frozen=True)
class Tariff:
    """An ad valorem tariff ``rate`` (0.25 = 25%) by ``importers`` (countries or blocs) on
    ``materials`` from ``exporter``, from ``start`` until ``end``.

    Modelled as a price rise for the importers' final users of ``rate`` x the base-year share of
    their supply that comes from the exporter, which lowers their demand through the
    ``demand_price_elasticity`` parameter. Trade routes themselves do not change.
    """

    importers: tuple[str, ...]
    exporter: str
    materials: tuple[str, ...]
    rate: float
    start: str
    end: str | None = None


@dataclass(frozen=True)
class ImportBan:
    """An importer's refusal of ``materials`` and ``elements`` (empty = all) shipped by ``origins``
    to ``importers`` (countries, nodes or bloc ids), from ``start`` until ``end``.

    It closes the route origin -> importer as an export control with approval share
    ``allowed_share`` (0: nothing enters) and no review would: what the importer still asks goes
    to other exporters. Unlike :class:`Tariff`, which changes what the importers' users buy and
    leaves routes alone, it limits the quantity on the route itself.
    """

    importers: tuple[str, ...]
    origins: tuple[str, ...]
    materials: tuple[str, ...]
    start: str
    elements: tuple[str, ...] = ()
    end: str | None = None
    allowed_share: float = 0.0


@dataclass(frozen=True)
class Substitution:
    """From ``start``, ``share`` of the magnet use of ``sector`` at ``nodes`` (empty = all) is
    replaced by other technology (e.g. induction or ferrite motors), phasing in linearly over
    ``lag_months``. The sector's weight is its share of magnet demand (``end_products`` table)."""

    sector: str
    share: float
    start: str
    lag_months: float = 0.0
    nodes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CapacityProject:
    """New capacity: ``nameplate`` t REO-equivalent per year of ``material`` at ``node``.

    Output ramps linearly from ``start`` + ``delay_months`` to nameplate over ``ramp_months``,
    once the project is financed: a ``committed`` project (or one under offtake) is; another is
    financed when its expected revenue covers its unit cost (``opex_usd_per_kg`` plus
    ``capex_usd`` less ``public_usd`` recovered over the payback parameter), else delayed, then
    cancelled. The plant idles in months when its expected revenue price (weighted over its
    output elements, at least the floor that covers it) is below ``idle_price_ratio`` x
    ``opex_usd_per_kg``, unless ``offtake`` holds it up. ``opex_usd_per_kg`` = 0: never idles.

    A separation plant makes the elements of its circuits: those of ``elements`` (light La to Nd,
    heavy Sm to Lu and Y), else its node's base-year mix, else the light circuit unless
    ``circuit`` is ``"heavy"`` (see :func:`reesim.model.circuits.project_mix`).
    """

    node: str
    material: str
    nameplate: float
    start: str
    ramp_months: float = 24.0
    delay_months: float = 0.0
    name: str = ""
    capex_usd: float = 0.0
    opex_usd_per_kg: float = 0.0
    offtake: bool = False
    public_usd: float = 0.0
    committed: bool = True
    facility: str = ""
    elements: tuple[str, ...] = ()
    circuit: str = ""  # "light" or "heavy" for a separation plant of the dataset, else ""


@dataclass(frozen=True)
class DemandChange:
    """Final demand of ``material`` at ``nodes`` (empty = all) grows ``growth_pct_per_yr`` from
    ``start`` and jumps by ``shock`` (a fraction, e.g. -0.1) at ``start``; only the part
    ``share`` of the demand changes (a sector's share; 1 = all of it); from ``end`` (``None``: the
    horizon) demand is as it would have been without the change."""

    material: str
    start: str
    growth_pct_per_yr: float = 0.0
    shock: float = 0.0
    nodes: tuple[str, ...] = ()
    share: float = 1.0
    end: str | None = None


@dataclass(frozen=True)
class Stockpile:
    """A strategic stockpile at ``holder``: buys ``purchase_per_yr`` t/yr of ``material`` (split by
    ``elements``, or the node's use mix) from ``start`` until it holds ``target`` t; releases to
    the holder's users (final and next stage's) when their shortfall exceeds ``release_shortfall``
    (a share of their uses; ``None``: the ``stockpile_release_shortfall`` parameter).

    Then, from what is left, it releases to the ``release_to`` nodes whose own shortfall exceeds
    the same threshold, down to a reserve of ``1 - release_to_share`` times the larger of
    ``target`` and ``initial`` kept for the holder. ``scheduled`` lists ``(YYYY-MM, t)`` releases
    into the holder's supply, whatever the shortage, in month order (those outside the simulated
    months do nothing). With ``sale_price`` (USD/kg) shortage releases
    happen only while the holder's market price is at least that; a ``defence`` holding releases
    only to the defence part of its recipients' uses (see docs/model.md)."""

    holder: str
    material: str
    target: float
    purchase_per_yr: float
    start: str
    elements: tuple[str, ...] = ()
    initial: float = 0.0
    release_shortfall: float | None = None
    release_to: tuple[str, ...] = ()
    release_to_share: float = 1.0
    scheduled: tuple[tuple[str, float], ...] = ()
    sale_price: float | None = None
    defence: bool = False


@dataclass(frozen=True)
class Recycling:
    """From ``start``, at ``nodes`` (empty = all), a share ``collection`` of the magnets reaching
    the end of their life is collected and a share ``recovery`` of their rare earths comes back
    as separated oxide at the node (each replacing its ``eol_*_rate`` parameter; ``None`` keeps
    it); ``rate`` sets collection x recovery at once (collection at ``rate``, recovery 1)."""

    start: str
    nodes: tuple[str, ...] = ()
    collection: float | None = None
    recovery: float | None = None
    rate: float | None = None


@dataclass(frozen=True)
class PriceFloor:
    """A guaranteed minimum price for ``material`` and ``elements``, USD/kg, from ``start``
    until ``end``, paid to ``producers`` (project ids or facility ids; none: every producer
    outside China) as the difference to the market price."""

    material: str
    elements: tuple[str, ...]
    level: float
    start: str
    end: str | None = None
    producers: tuple[str, ...] = ()


Instrument = (
    ExportControl
    | ExportQuota
    | OutputCap
    | Tariff
    | ImportBan
    | CapacityProject
    | DemandChange
    | Substitution
    | Stockpile
    | PriceFloor
    | Recycling
)


@dataclass(frozen=True)
class Scenario:
    """What to simulate: instruments applied from ``start`` for ``months`` months.

    ``parameters`` overrides defaults from the dataset's parameter table by name;
    ``demand_outlook`` names the growth path of final demand (:mod:`reesim.model.outlook`);
    ``price_year`` prices the run at that year's reference prices (:mod:`reesim.model.prices`)
    instead of the base year's.
    """

    name: str
    start: str = "2024-01"
    months: int = 36
    instruments: tuple[Instrument, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)  # float, or one value per run (array)
    description: str = ""
    demand_outlook: str = DEFAULT_OUTLOOK  # baseline growth of final demand (``demand_outlooks``)
    price_year: int | None = None  # year of the ``prices`` table the run is priced at (None: base year)
