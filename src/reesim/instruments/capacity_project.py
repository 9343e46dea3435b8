"""``capacity_project``: new or expanded capacity, from a dataset facility or described in the file.

A dataset ``facility`` fills the country, stage, nameplate and start of the project; nameplates
published in t of magnet or metal per year are converted to t REO-equivalent per year (magnet
rare-earth content, and the calibrated base year's metal per oxide). Its capex and opex, unless the
file gives them, come from the dataset's costs table (opex converted to USD/kg REO-equivalent by
:mod:`reesim.model.costs`). The compile step turns a project into a row of the project tables:
t/month at nameplate, the month output starts (start + delay, per run), ramp months, the opex
below which the plant idles, and the element mix of its output: a separation plant makes the
elements of its circuits (the facility's ``elements``, or its stage, see
:func:`reesim.model.circuits.project_mix`).
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import model_validator

from reesim.dataset.model import Dataset
from reesim.instruments.base import F, Instrument, SpecBase
from reesim.instruments.conversion import Conversion
from reesim.language.fields import Date, Element, FacilityId, Months, NonNegative, Place, fail, in_order
from reesim.model import scenario as m
from reesim.model.builder import Builder, bad
from reesim.model.circuits import project_mix
from reesim.model.costs import project_costs
from reesim.model.perrun import any_below, clip_low

#: Stage of a project -> the engine material it makes.
STAGE = {"mine": "concentrate", "separation": "oxide", "metal": "metal", "magnet": "magnet"}
#: Facility statuses in the dataset whose investment is already decided.
COMMITTED_STATUS = frozenset({"operating", "commissioning", "construction"})
#: Stage in the dataset's facilities table -> stage of a project (recycling plants are not projects).
FACILITY_STAGE = {
    "mine": "mine", "separation_light": "separation", "separation_heavy": "separation", "metal": "metal",
    "magnet_sintered": "magnet", "magnet_bonded": "magnet",
}  # fmt: skip
#: Separation stage in the dataset's facilities table -> the circuit it separates.
CIRCUIT = {"separation_light": "light", "separation_heavy": "heavy"}


class CapacityProjectSpec(SpecBase):
    """New or expanded capacity: a facility from the dataset, or one described here."""

    kind: Literal["capacity_project"]
    start: Date | None = F(None, description="Month output starts (default: the facility's start)")  # type: ignore[assignment]
    facility: FacilityId | None = F(None, description="Facility id from the dataset; fills the fields below")
    node: Place | None = F(None, description="Country of the plant (required without facility)")
    stage: Literal["mine", "separation", "metal", "magnet"] | None = F(None, description="Stage it adds to")
    elements: list[Element] = F(
        [],
        description=(
            "Main elements (default: the facility's); a separation plant makes those of their circuits "
            "(light: La, Ce, Pr, Nd; heavy: Sm to Lu and Y)"
        ),
    )
    nameplate_t_per_yr: NonNegative | None = F(None, unit="t REO-eq/yr", description="Output at full ramp")
    ramp_months: Months | None = F(
        None, unit="months", description="Months to nameplate (default: parameter)"
    )
    delay_months: Months = F(0.0, unit="months", description="Delay to the start")
    capex_usd: NonNegative = F(
        0.0,
        unit="USD",
        description="Investment (used by investment programmes); default: the facility's in the costs table",
    )
    opex_usd_per_kg: NonNegative = F(
        0.0,
        unit="USD/kg",
        description="Unit cost; idles when price is below it; default: the facility's in the costs table",
    )
    offtake: bool = F(False, description="Output bought whatever the price")
    public_funding_usd: NonNegative | None = F(
        None, unit="USD", description="Grants, equity and loans from governments (default: the facility's)"
    )
    committed: bool | None = F(
        None,
        description=(
            "Financed already, whatever prices do (default: true for a facility operating, commissioning "
            "or under construction, false for a planned one and for a project described here)"
        ),
    )

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
        in_order(self.start, "start", self.end, "end", "swap the dates or drop end")
        return self


_METAL_PER_OXIDE: dict[str, float] = {}


def metal_per_oxide(ds: Dataset) -> float:
    """t metal per t oxide of the calibrated base year (cached per dataset version)."""
    if ds.version not in _METAL_PER_OXIDE:
        from reesim.model.baseline import build_baseline

        _METAL_PER_OXIDE[ds.version] = float(build_baseline(ds).diagnostics["metal_per_oxide"])
    return _METAL_PER_OXIDE[ds.version]


def _missing(value: object) -> bool:
    """Empty cell: None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def convert(c: Conversion, n: int, inst: CapacityProjectSpec) -> None:
    """The engine project, filled from its dataset facility; none if a needed field is missing."""
    project = _project(c, n, inst)
    if project is not None:
        c.add_project(inst.id, project)


def _project(c: Conversion, n: int, inst: CapacityProjectSpec) -> m.CapacityProject | None:
    node, stage, nameplate, start = inst.node, inst.stage, inst.nameplate_t_per_yr, inst.start
    nameplate_t = None if nameplate is None else c.num(n, "nameplate_t_per_yr", nameplate)
    public = (
        None if inst.public_funding_usd is None else c.num(n, "public_funding_usd", inst.public_funding_usd)
    )
    committed = inst.committed
    capex, opex = inst.capex_usd, inst.opex_usd_per_kg
    elements, circuit = tuple(inst.elements), ""
    if inst.facility is not None:
        table_capex, table_opex = project_costs(c.ds, inst.facility)
        if table_capex is not None and "capex_usd" not in inst.model_fields_set:
            capex = table_capex
        if table_opex is not None and "opex_usd_per_kg" not in inst.model_fields_set:
            opex = table_opex
        row = c.ds["facilities"].set_index("facility_id").loc[inst.facility]
        if public is None and not _missing(row["public_funding_usd"]):
            public = float(str(row["public_funding_usd"]))
        if committed is None:
            committed = str(row["project_status"]) in COMMITTED_STATUS
        node = node or str(row["iso3"])
        stage = stage or FACILITY_STAGE.get(str(row["stage"]))  # type: ignore[assignment]
        circuit = CIRCUIT.get(str(row["stage"]), "")
        if not elements and not _missing(row["elements"]):
            elements = tuple(e for e in str(row["elements"]).split(";") if e)
        if stage is None:
            message = f"facility stage {row['stage']!r} is not a production stage"
            c.report(n, ("facility",), message, "model recycling with a recycling instrument")
            return None
        if nameplate_t is None:
            nameplate_t = _facility_nameplate(c, n, row)
        if start is None:
            raw = "" if _missing(row["start"]) else str(row["start"])
            start = raw if "-" in raw else (f"{raw}-01" if raw.isdigit() else None)
        if start is None:
            c.report(n, ("facility",), "the facility has no start date", "add start: YYYY-MM")
    if nameplate_t is None or start is None or node is None or stage is None:
        return None
    if inst.end is not None:
        c.report(n, ("end",), "closing a project is not modelled", "remove end")
    ramp = inst.ramp_months
    return m.CapacityProject(
        node=c.one_place(n, "node", node), material=STAGE[stage], nameplate=nameplate_t, start=start,
        ramp_months=(
            c.num(n, "ramp_months", ramp) if ramp is not None else c.ds.parameter("ramp_up_months")
        ),
        delay_months=c.num(n, "delay_months", inst.delay_months),
        name=inst.id or inst.facility or f"project{n}",
        capex_usd=c.num(n, "capex_usd", capex),
        opex_usd_per_kg=c.num(n, "opex_usd_per_kg", opex), offtake=inst.offtake,
        public_usd=public or 0.0, committed=bool(committed), facility=inst.facility or "",
        elements=elements, circuit=circuit,
    )  # fmt: skip


def _facility_nameplate(c: Conversion, n: int, row: Any) -> float | None:
    """Facility nameplate in t REO-equivalent per year (magnets and metal converted)."""
    value, unit = row["nameplate"], str(row["nameplate_unit"])
    if _missing(value):
        c.report(n, ("facility",), "the facility has no published nameplate",
                 "add nameplate_t_per_yr (t REO-eq/yr)")  # fmt: skip
        return None
    per_oxide = metal_per_oxide(c.ds)
    if unit == "t_magnet_per_yr":
        return float(value) * c.ds.parameter("magnet_re_content") / per_oxide
    if unit == "t_metal_per_yr":
        return float(value) / per_oxide
    return float(value)  # t_reo_per_yr and t_ndpr_oxide_per_yr are REO already


def compile_project(b: Builder, inst: m.CapacityProject) -> None:
    """A row of the project tables (capacity in t/month, start month with the delay, ramp >= 1)."""
    k = b.materials((inst.material,), "material")[0]
    values = (inst.nameplate, inst.opex_usd_per_kg, inst.capex_usd, inst.ramp_months)
    if any(any_below(v, 0.0) for v in values):
        raise bad(
            "capacity_project",
            "negative nameplate, cost or ramp",
            "give non-negative t REO-equivalent per year, USD and months",
        )
    start = b.month(inst.start) + inst.delay_months
    node = b.one_node(inst.node, "node")
    private = clip_low(inst.capex_usd - inst.public_usd, 0.0)
    names = tuple(n for n in (inst.name, inst.facility) if n)
    elements = b.elements(inst.elements, "elements") if inst.elements else []
    mix = project_mix(b.base, k, node, elements, inst.circuit)
    b.projects.append((node, k, inst.nameplate / 12.0, start, clip_low(inst.ramp_months, 1.0),
                       inst.opex_usd_per_kg, inst.offtake, private, inst.committed, names, mix))  # fmt: skip


KIND = Instrument(
    name="capacity_project",
    spec=CapacityProjectSpec,
    model=m.CapacityProject,
    convert=convert,
    compile=compile_project,
    description=(
        "Adds capacity ramping linearly from start + delay to nameplate over `ramp_months`; idles when "
        "price < `idle_price_ratio` x opex unless an offtake or a floor holds it up. A dataset `facility` "
        "fills country, stage, nameplate (magnet and metal tonnes converted to t REO-equivalent) and start."
    ),
    example="""\
- kind: capacity_project
  id: mp-10x
  facility: mp_10x           # from the dataset: country, stage, nameplate, start
  delay_months: {dist: triangular, low: 0, mode: 12, high: 36}
- kind: capacity_project
  id: new-separation
  node: AUS
  stage: separation
  nameplate_t_per_yr: {dist: normal, mean: 5000, sd: 1000}
  start: 2027-01
  ramp_months: 24
  capex_usd: 500000000
  opex_usd_per_kg: 40""",
)
