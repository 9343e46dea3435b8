"""Turn a resolved scenario into the engine's :class:`~reesim.model.scenario.Scenario`.

This is where the language's conveniences become plain instruments: scenario blocs expand to
their members, ``forms`` become materials (ore -> concentrate), suspensions and approval steps
split a control into periods, dataset facilities fill in capacity projects (nameplates
converted to t REO-equivalent), offtakes mark projects, and investment programmes scale the
projects they cannot fully fund. Numbers that are distributions take the value ``pick`` gives
(by default the central value; Monte Carlo passes draws, either one run's floats or arrays of one
value per run, which flow through unchanged into :func:`reesim.model.compile.compile_scenario`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from typing import Any

import numpy as np

from reesim.dataset.model import Dataset
from reesim.errors import InputError, Problem
from reesim.model import scenario as m
from reesim.model.perrun import clip_high, clip_low
from reesim.scenarios.fields import parse_date
from reesim.scenarios.load import Resolved
from reesim.scenarios.numbers import Number, central
from reesim.scenarios.spec import (
    CapacityProjectSpec,
    DemandChangeSpec,
    ExportBanSpec,
    ExportControlSpec,
    ExportQuotaSpec,
    InvestmentProgrammeSpec,
    OfftakeSpec,
    PriceFloorSpec,
    RecyclingSpec,
    StockpileSpec,
    SubstitutionSpec,
    TariffSpec,
)

Pick = Callable[[Number, str], float]  # (number, "instrument-index.field") -> value
MATERIAL = {"ore": "concentrate", "oxide": "oxide", "metal": "metal", "magnet": "magnet"}
STAGE = {"mine": "concentrate", "separation": "oxide", "metal": "metal", "magnet": "magnet"}
FACILITY_STAGE = {
    "mine": "mine", "separation_light": "separation", "separation_heavy": "separation", "metal": "metal",
    "magnet_sintered": "magnet", "magnet_bonded": "magnet",
}  # fmt: skip


def _central(value: Number, _where: str) -> float:
    return central(value)


def months_between(start: str, horizon: str) -> int:
    """Number of months from ``start`` to ``horizon``, both included."""
    (y0, m0), (y1, m1) = parse_date(start), parse_date(horizon)
    return (y1 - y0) * 12 + (m1 - m0) + 1


def _month(value: str) -> int:
    y, mo = parse_date(value)
    return y * 12 + mo - 1


_METAL_PER_OXIDE: dict[str, float] = {}


def _metal_per_oxide(ds: Dataset) -> float:
    """t metal per t oxide of the calibrated base year (cached per dataset version)."""
    if ds.version not in _METAL_PER_OXIDE:
        from reesim.model.baseline import build_baseline

        _METAL_PER_OXIDE[ds.version] = float(build_baseline(ds).diagnostics["metal_per_oxide"])
    return _METAL_PER_OXIDE[ds.version]


def _missing(value: object) -> bool:
    """Empty cell: None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _label(month: int) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def to_model(resolved: Resolved, ds: Dataset, pick: Pick = _central) -> m.Scenario:
    """The engine scenario; InputError (located in the files) for what only the dataset can tell."""
    conv = _Converter(resolved, ds, pick)
    instruments = conv.all()
    if conv.problems:
        raise InputError(conv.problems)
    return m.Scenario(
        name=resolved.name,
        start=resolved.start,
        months=months_between(resolved.start, resolved.horizon),
        instruments=tuple(instruments),
        parameters={k: pick(v, f"parameters.{k}") for k, v in resolved.parameters.items()},
        description=resolved.description,
    )


class _Converter:
    def __init__(self, resolved: Resolved, ds: Dataset, pick: Pick) -> None:
        self.r, self.ds, self.pick = resolved, ds, pick
        self.problems: list[Problem] = []
        self.country_blocs = set(ds.blocs["bloc"].astype(str))

    def num(self, n: int, name: str, value: Number) -> float:
        return self.pick(value, f"{n}.{name}")

    def places(self, names: list[str]) -> tuple[str, ...]:
        out: list[str] = []
        for name in names:
            out.extend(self.r.blocs.get(name, [name]))
        return tuple(dict.fromkeys(out))

    def one_place(self, n: int, field: str, name: str) -> str:
        if name in self.r.blocs or name in self.country_blocs:
            self.problems.append(
                self.r.problem(
                    n, (field,), f"{name!r} is a bloc; {field} must be one country", "give one country"
                )
            )
        return name

    def all(self) -> list[m.Instrument]:
        out: list[Any] = []
        slots: dict[str, int] = {}  # project id -> position in out
        for n, inst in enumerate(self.r.instruments):
            if isinstance(inst, ExportControlSpec | ExportBanSpec):
                out.extend(self.export_control(n, inst))
            elif isinstance(inst, CapacityProjectSpec):
                project = self.project(n, inst)
                if project is not None:
                    if inst.id:
                        slots[inst.id] = len(out)
                    out.append(project)
            else:
                item = self.simple(n, inst)
                if item is not None:
                    out.append(item)
        # Offtakes and programmes act on the projects built above.
        for n, inst in enumerate(self.r.instruments):
            if isinstance(inst, OfftakeSpec) and inst.project in slots:
                out[slots[inst.project]] = replace(out[slots[inst.project]], offtake=True)
            elif isinstance(inst, InvestmentProgrammeSpec):
                funded = self.programme(n, inst, {pid: out[k] for pid, k in slots.items()})
                for pid, project in funded.items():
                    out[slots[pid]] = project
        return out

    def simple(self, n: int, inst: Any) -> Any:
        if isinstance(inst, ExportQuotaSpec):
            return m.ExportQuota(
                exporter=self.one_place(n, "exporter", inst.exporter),
                materials=tuple(MATERIAL[f] for f in inst.forms),
                tonnes_per_yr=self.num(n, "tonnes_per_yr", inst.tonnes_per_yr), start=inst.start,
                elements=tuple(inst.elements), end=inst.end,
            )  # fmt: skip
        if isinstance(inst, TariffSpec):
            return m.Tariff(
                importers=self.places(inst.importers), exporter=self.one_place(n, "exporter", inst.exporter),
                materials=tuple(MATERIAL[f] for f in inst.forms), rate=self.num(n, "rate", inst.rate),
                start=inst.start, end=inst.end,
            )  # fmt: skip
        if isinstance(inst, PriceFloorSpec):
            return m.PriceFloor(
                material=MATERIAL[inst.material], elements=tuple(inst.elements),
                level=self.num(n, "level_usd_per_kg", inst.level_usd_per_kg), start=inst.start, end=inst.end,
            )  # fmt: skip
        if isinstance(inst, StockpileSpec):
            release = inst.release_shortfall
            return m.Stockpile(
                holder=self.one_place(n, "holder", inst.holder), material=MATERIAL[inst.material],
                target=self.num(n, "target_t", inst.target_t),
                purchase_per_yr=self.num(n, "purchase_t_per_yr", inst.purchase_t_per_yr), start=inst.start,
                elements=tuple(inst.elements), initial=self.num(n, "initial_t", inst.initial_t),
                release_shortfall=None if release is None else self.num(n, "release_shortfall", release),
            )  # fmt: skip
        if isinstance(inst, DemandChangeSpec):
            from reesim.model.compile_demand import sector_share

            if inst.sector != "all" and inst.material != "magnet":
                hint = "use material: magnet with a sector, or sector: all"
                self.problems.append(
                    self.r.problem(n, ("material",), "sector shares are shares of magnet demand", hint)
                )
            return m.DemandChange(
                material=MATERIAL[inst.material], start=inst.start,
                growth_pct_per_yr=self.num(n, "growth_pct_per_yr", inst.growth_pct_per_yr),
                shock=self.num(n, "shock", inst.shock), nodes=self.places(inst.region),
                share=sector_share(self.ds, inst.sector),
            )  # fmt: skip
        if isinstance(inst, SubstitutionSpec):
            return m.Substitution(
                sector=inst.sector, share=self.num(n, "share", inst.share), start=inst.start,
                lag_months=self.num(n, "lag_months", inst.lag_months), nodes=self.places(inst.region),
            )  # fmt: skip
        if isinstance(inst, RecyclingSpec):
            return m.Recycling(
                rate=self.num(n, "rate", inst.rate), start=inst.start, nodes=self.places(inst.region)
            )
        return None  # offtake and investment programme act on projects, not on their own

    def export_control(self, n: int, inst: ExportControlSpec | ExportBanSpec) -> list[m.ExportControl]:
        """One engine control per stretch with constant terms (suspensions, approval steps, content rule)."""
        materials = tuple(MATERIAL[f] for f in inst.forms if f != "technology")
        if not materials:
            return []  # technology controls are recorded, not simulated (see docs/scenarios.md)
        start = _month(inst.start)
        end = _month(inst.end) if inst.end else _month(self.r.horizon) + 1
        if isinstance(inst, ExportControlSpec) and inst.approval:
            steps = sorted(
                ((_month(s.from_), self.num(n, f"approval[{j}].share", s.share),
                  self.num(n, f"approval[{j}].review_months", s.review_months))
                 for j, s in enumerate(inst.approval)),
                key=lambda step: step[0],
            )  # fmt: skip
        elif isinstance(inst, ExportControlSpec):
            steps = [(start, self.num(n, "approval_share", inst.approval_share),
                      self.num(n, "review_months", inst.review_months))]  # fmt: skip
        else:
            steps = [(start, 0.0, 0.0)]
        content = inst.content_threshold if isinstance(inst, ExportControlSpec) else None
        later = inst.content_start if isinstance(inst, ExportControlSpec) else None
        content_from = _month(later) if later else start
        threshold = None if content is None else self.num(n, "content_threshold", content)
        cuts = {start, end, content_from, *(s for s, _, _ in steps)}
        resumes = {start}
        for period in inst.suspended:
            cuts.add(_month(period.from_))
            if period.to:
                cuts.add(_month(period.to))
                resumes.add(_month(period.to))
        edges = sorted(c for c in cuts if start <= c <= end)
        out = []
        for a, b in pairwise(edges):
            if any(_month(p.from_) <= a and (p.to is None or a < _month(p.to)) for p in inst.suspended):
                continue
            step = [s for s in steps if s[0] <= a]
            if not step:
                continue  # before the first approval step: no licence regime yet
            s_from, share, review = step[-1]
            regime = max([s_from, *(r for r in resumes if r <= a)])
            out.append(m.ExportControl(
                exporter=self.one_place(n, "exporter", inst.exporter), materials=materials, start=_label(a),
                elements=tuple(inst.elements), end=_label(b),
                destinations=() if inst.destinations == "all" else self.places(inst.destinations),
                exempt=self.places(inst.exempt), approval_share=share,
                review_months=clip_low(review - (a - regime), 0.0),
                defence_denied=bool(getattr(inst, "defence_denied", False)),
                content_threshold=threshold if a >= content_from else None,
                content_only=isinstance(inst, ExportControlSpec) and inst.content_only,
            ))  # fmt: skip
        return out

    def project(self, n: int, inst: CapacityProjectSpec) -> m.CapacityProject | None:
        node, stage, nameplate, start = inst.node, inst.stage, inst.nameplate_t_per_yr, inst.start
        nameplate_t = None if nameplate is None else self.num(n, "nameplate_t_per_yr", nameplate)
        if inst.facility is not None:
            row = self.ds["facilities"].set_index("facility_id").loc[inst.facility]
            node = node or str(row["iso3"])
            stage = stage or FACILITY_STAGE.get(str(row["stage"]))  # type: ignore[assignment]
            if stage is None:
                message = f"facility stage {row['stage']!r} is not a production stage"
                hint = "model recycling with a recycling instrument"
                self.problems.append(self.r.problem(n, ("facility",), message, hint))
                return None
            if nameplate_t is None:
                nameplate_t = self._facility_nameplate(n, row)
            if start is None:
                raw = "" if _missing(row["start"]) else str(row["start"])
                start = raw if "-" in raw else (f"{raw}-01" if raw.isdigit() else None)
            if start is None:
                self.problems.append(self.r.problem(n, ("facility",), "the facility has no start date",
                                                    "add start: YYYY-MM"))  # fmt: skip
        if nameplate_t is None or start is None or node is None or stage is None:
            return None
        if inst.end is not None:
            self.problems.append(
                self.r.problem(n, ("end",), "closing a project is not modelled", "remove end")
            )
        ramp = inst.ramp_months
        return m.CapacityProject(
            node=self.one_place(n, "node", node), material=STAGE[stage], nameplate=nameplate_t, start=start,
            ramp_months=(
                self.num(n, "ramp_months", ramp) if ramp is not None else self.ds.parameter("ramp_up_months")
            ),
            delay_months=self.num(n, "delay_months", inst.delay_months),
            name=inst.id or inst.facility or f"project{n}",
            capex_usd=self.num(n, "capex_usd", inst.capex_usd),
            opex_usd_per_kg=self.num(n, "opex_usd_per_kg", inst.opex_usd_per_kg), offtake=inst.offtake,
        )  # fmt: skip

    def _facility_nameplate(self, n: int, row: Any) -> float | None:
        """Facility nameplate in t REO-equivalent per year (magnets and metal converted)."""
        value, unit = row["nameplate"], str(row["nameplate_unit"])
        if _missing(value):
            self.problems.append(self.r.problem(n, ("facility",), "the facility has no published nameplate",
                                                "add nameplate_t_per_yr (t REO-eq/yr)"))  # fmt: skip
            return None
        metal_per_oxide = _metal_per_oxide(self.ds)
        if unit == "t_magnet_per_yr":
            return float(value) * self.ds.parameter("magnet_re_content") / metal_per_oxide
        if unit == "t_metal_per_yr":
            return float(value) / metal_per_oxide
        return float(value)  # t_reo_per_yr and t_ndpr_oxide_per_yr are REO already

    def programme(
        self, n: int, inst: InvestmentProgrammeSpec, projects: dict[str, m.CapacityProject]
    ) -> dict[str, m.CapacityProject]:
        """Scale funded projects' nameplates by the share of their capex the budget covers."""
        budget = self.num(n, "budget_usd", inst.budget_usd)
        chosen = [(pid, projects[pid]) for pid in inst.projects if pid in projects]
        total = sum(p.capex_usd for _, p in chosen)
        out = {}
        for pid, p in chosen:
            if np.any(np.asarray(p.capex_usd) <= 0):
                self.problems.append(self.r.problem(n, ("projects",), f"project {pid!r} has no capex_usd",
                                                    "give the project a capex_usd to fund"))  # fmt: skip
                continue
            if inst.rule == "pro_rata":
                share = clip_high(budget / total, 1.0)
            else:
                share = clip_high(clip_low(budget, 0.0) / p.capex_usd, 1.0)
                budget -= p.capex_usd
            later = p.start if _month(p.start) >= _month(inst.start) else inst.start
            out[pid] = replace(p, nameplate=p.nameplate * share, start=later)
        return out
