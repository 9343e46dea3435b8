"""The registry of instrument kinds is the single source of the scenario language, its conversion,
its compile step and its docs: every kind is in the JSON Schema, the docs and the compile steps, and
a kind registered at run time is loadable, documented and compiled without touching any other
module. Shipped scenarios compile to the concrete values below."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pytest

from reesim.dataset import load_dataset
from reesim.errors import InputError
from reesim.instruments import Instrument, SpecBase, compile_steps, kinds, register, unregister
from reesim.instruments.base import F
from reesim.instruments.conversion import Conversion
from reesim.language.fields import Place, Share
from reesim.model.baseline import build_baseline
from reesim.model.builder import Builder
from reesim.model.compile import compile_scenario
from reesim.model.compile_demand import tariff_factor
from reesim.model.controls import Controls
from reesim.model.costs import project_costs
from reesim.model.dims import MAGNET, MATERIALS, OXIDE
from reesim.scenarios import resolve
from reesim.scenarios.docs import generated, kinds_table
from reesim.scenarios.spec import INSTRUMENT_KINDS, ScenarioFile

DS = load_dataset()
BASE = build_baseline(DS)
HEAD = "name: t\nstart: 2025-01\nhorizon: 2026-12\ndemand_outlook: none\ninstruments:\n"


def _mapping() -> dict[str, str]:
    schema = ScenarioFile.model_json_schema(by_alias=True)
    mapping: dict[str, str] = schema["properties"]["instruments"]["items"]["discriminator"]["mapping"]
    return mapping


def test_every_registered_kind_is_in_the_schema_the_docs_and_the_compile_steps() -> None:
    names = [kind.name for kind in kinds()]
    assert len(set(names)) == len(names) >= 12
    assert sorted(_mapping()) == sorted(names)
    assert tuple(kind.spec for kind in kinds()) == INSTRUMENT_KINDS
    fields, table, steps = generated(), kinds_table(), compile_steps()
    for kind in kinds():
        assert kind.spec.model_fields["kind"].annotation == Literal[kind.name]  # type: ignore[valid-type]
        assert f"### `{kind.name}`" in fields and kind.example in fields
        assert f"| `{kind.name}` | {kind.description} |" in table
        if kind.model is not None:
            assert steps[kind.model] is kind.compile
        else:
            assert kind.after_projects, "a kind without an engine instrument acts on others"


# --- a kind registered at run time ---------------------------------------------------------------


@dataclass(frozen=True)
class DemandScale:
    """Engine instrument of the toy kind: final demand at ``nodes`` times ``factor`` from ``start``."""

    nodes: tuple[str, ...]
    start: str
    factor: float


class DemandScaleSpec(SpecBase):
    """Final demand of every material in a region scaled by a factor."""

    kind: Literal["demand_scale"]
    region: list[Place] = F(min_length=1, description="Countries or blocs")
    factor: Share = F(unit="fraction", description="Multiplier on final demand")


def _convert(c: Conversion, n: int, inst: DemandScaleSpec) -> None:
    c.add(DemandScale(c.places(inst.region), inst.start, c.num(n, "factor", inst.factor)))


def _compile(b: Builder, inst: DemandScale) -> None:
    b.demand[:, max(b.month(inst.start), 0) :, :, b.places(inst.nodes, "region")] *= inst.factor


TOY = Instrument(
    name="demand_scale",
    spec=DemandScaleSpec,
    model=DemandScale,
    convert=_convert,
    compile=_compile,
    description="Final demand in the region is scaled by `factor`.",
    example="- kind: demand_scale\n  region: [JPN]\n  factor: 0.5\n  start: 2025-06",
)


@contextmanager
def registered(kind: Instrument[DemandScaleSpec, DemandScale]) -> Iterator[None]:
    register(kind)
    try:
        yield
    finally:
        unregister(kind.name)


def test_a_kind_registered_at_run_time_is_loadable_documented_and_compiled(tmp_path: Path) -> None:
    path = tmp_path / "toy.yaml"
    path.write_text(HEAD + "\n".join("  " + line for line in TOY.example.splitlines()) + "\n")
    with registered(TOY):
        scenario = resolve(str(path), DS)
        assert scenario.instruments == (DemandScale(("JPN",), "2025-06", 0.5),)
        demand = compile_scenario(scenario, DS, BASE).demand_index[0]
        jpn = BASE.dims.node("JPN")
        assert np.all(demand[:5, :, jpn] == 1.0) and np.all(demand[5:, :, jpn] == 0.5)
        assert np.all(np.delete(demand, jpn, axis=2) == 1.0)
        assert "demand_scale" in _mapping() and "DemandScaleSpec" in json.dumps(_mapping())
        assert "### `demand_scale`" in generated() and "| `demand_scale` |" in kinds_table()
    assert "demand_scale" not in _mapping() and "demand_scale" not in generated()
    with pytest.raises(InputError) as info:
        resolve(str(path), DS)
    assert "unknown kind 'demand_scale'" in info.value.problems[0].message


# --- concrete compiled values --------------------------------------------------------------------


def test_april_2025_compiles_to_its_approval_steps() -> None:
    """Five approval steps for everyone (April's first days, then May to December), five for
    the US, then China's ban on US concentrate."""
    controls = compile_scenario(resolve("april-2025", DS), DS, BASE).controls
    assert controls.start.tolist() == [3, 4, 5, 6, 11] * 2 + [3]
    assert controls.end.tolist() == [4, 5, 6, 11, 72] * 2 + [72]
    shares = [0.283, 0.21, 0.59, 0.89, 0.95, 0.283, 0.01, 0.54, 0.89, 0.95, 0.0]
    assert controls.share[0].tolist() == pytest.approx(shares, abs=1e-12)
    review = 1 - math.sqrt(0.5)  # median of triangular(0, 0, 1) months
    assert controls.review[0].tolist() == pytest.approx([0.0, review, 0.0, 0.0, 0.0] * 2 + [0.0], abs=1e-12)
    assert np.all(np.isinf(controls.threshold)) and not controls.denies.any()


def _covered(controls: Controls, c: int) -> set[tuple[int, int, int]]:
    """(material, exporter, importer) cells control ``c`` covers directly, any element."""
    cells = np.argwhere(controls.allow_members[controls.allow_pattern, c].any(axis=3))
    return {(int(k), int(x), int(i)) for k, x, i in cells}


def test_full_embargo_compiles_to_a_ban_a_content_rule_and_chinas_ban_on_us_concentrate() -> None:
    controls = compile_scenario(resolve("full-embargo", DS), DS, BASE).controls
    assert controls.start.tolist() == [23, 23, 3] and controls.end.tolist() == [132, 132, 132]
    assert controls.share[0].tolist() == [0.0, 0.0, 0.0]
    assert controls.threshold[0].tolist() == [np.inf, 0.001, np.inf]
    assert controls.denies.tolist() == [False, True, False]
    usa, chn = BASE.dims.node("USA"), BASE.dims.node("CHN")
    assert _covered(controls, 2) == {(MATERIALS.index("concentrate"), usa, chn)}


def test_quota_2010_compiles_to_half_year_then_yearly_caps() -> None:
    quotas = compile_scenario(resolve("quota-2010", DS), DS, BASE).quotas
    assert quotas.node.tolist() == [BASE.dims.node("CHN")] * 6
    assert quotas.start.tolist() == [0, 6, 12, 24, 36, 48]
    assert quotas.end.tolist() == [6, 12, 24, 36, 48, 60]
    assert quotas.tonnes[0].tolist() == [58253.0, 20852.0, 37767.0, 40517.0, 40524.0, 40014.0]
    assert quotas.covers.sum(axis=(1, 2)).tolist() == [48] * 6
    assert np.allclose(quotas.weight.sum(axis=(1, 2)), 1.0)


def test_allied_buildout_compiles_projects_floor_and_stockpile() -> None:
    inputs = compile_scenario(resolve("allied-buildout", DS), DS, BASE)
    usa, oxide = BASE.dims.node("USA"), MATERIALS.index("oxide")
    nd, pr = BASE.dims.element("Nd"), BASE.dims.element("Pr")
    assert inputs.proj_node.size == 16 and inputs.proj_offtake.tolist() == [True] + [False] * 15
    assert inputs.proj_node[0] == usa and inputs.proj_material[0] == MAGNET
    # 2028-01 plus the central delay, the median of triangular(0, 12, 36) months
    assert inputs.proj_start[0, 0] == pytest.approx(36 + 36 - math.sqrt(432), abs=1e-9)
    # 9,000 t of magnets a year in t REO-equivalent a month: the rare-earth content over the
    # metal per oxide of the world magnet mix (273.3 t)
    content = 9000 * DS.parameter("magnet_re_content") / BASE.diagnostics["metal_per_oxide"] / 12
    assert inputs.proj_capacity[0, 0] == pytest.approx(content, rel=1e-9)
    assert content == pytest.approx(273.3, abs=0.1)
    assert np.all(inputs.proj_ramp == 24.0)
    # opex from the dataset's costs table: Energy Fuels' Phase 2 circuit (project 11) has its own;
    # the other separation plants take the mean sourced cost of separation outside China; metal
    # and magnet plants have none (they count their inputs)
    separation = np.flatnonzero(inputs.proj_material == OXIDE).tolist()
    assert np.flatnonzero(inputs.proj_opex[0]).tolist() == separation and 11 in separation
    assert inputs.proj_opex[0, 11] == pytest.approx(project_costs(DS, "energy_fuels_white_mesa_hre")[1])
    others = [p for p in separation if p != 11]
    assert np.allclose(inputs.proj_opex[0, others], project_costs(DS, "iluka_eneabba")[1])
    floored = np.argwhere(inputs.price_floor[0] > 0)
    assert (floored[:, 0].min(), floored[:, 0].max()) == (9, 128)
    assert {tuple(cell) for cell in floored[:, 1:].tolist()} == {(oxide, nd), (oxide, pr)}
    assert inputs.price_floor.max() == 110.0
    stock = inputs.stockpiles
    assert (stock.node.tolist(), stock.material.tolist(), stock.start.tolist()) == ([usa], [oxide], [13])
    assert (stock.target[0, 0], stock.purchase[0, 0], stock.initial[0, 0]) == (1800.0, 900.0, 0.0)
    assert stock.mix[0, [nd, pr]].tolist() == [0.5, 0.5]


def test_demand_side_kinds_compile_to_their_factors(tmp_path: Path) -> None:
    path = tmp_path / "demand.yaml"
    path.write_text(
        HEAD
        + """\
  - {kind: demand_change, region: [KOR], growth_pct_per_yr: 10, shock: -0.1, start: 2025-03}
  - {kind: demand_change, region: [BRA], shock: -0.3, start: 2025-02, end: 2025-05}
  - {kind: substitution, sector: all, region: [IND], share: 0.4, lag_months: 4, start: 2025-02}
  - {kind: recycling, region: [FRA], rate: 0.05, start: 2026-01}
  - {kind: tariff, importers: [USA], exporter: CHN, forms: [magnet], rate: 0.25, start: 2025-07, end: 2026-01}
  - {kind: stockpile, holder: JPN, material: oxide, target_t: 10, purchase_t_per_yr: 12,
     release_shortfall: 0.2, start: 2025-01}
"""
    )
    inputs = compile_scenario(resolve(str(path), DS), DS, BASE)
    node = BASE.dims.node
    demand = inputs.demand_index[0]
    kor = demand[:, MAGNET, node("KOR")]
    assert kor[:2].tolist() == [1.0, 1.0] and kor[2] == pytest.approx(0.9)
    assert kor[14] == pytest.approx(0.9 * 1.1)
    bra = demand[:6, MAGNET, node("BRA")]  # a change with an end: demand as before from its end
    assert bra.tolist() == pytest.approx([1.0, 0.7, 0.7, 0.7, 1.0, 1.0])
    assert demand[:, MAGNET, node("IND")][:6].tolist() == pytest.approx([1.0, 0.9, 0.8, 0.7, 0.6, 0.6])
    assert inputs.recycle_rate[0, 11:13, node("FRA")].tolist() == pytest.approx([0.01 * 0.9, 0.05])
    factor = tariff_factor(
        BASE, MAGNET, node("USA"), node("CHN"), 0.25, DS.parameter("demand_price_elasticity")
    )
    usa = demand[:, MAGNET, node("USA")]
    assert factor < 1.0 and usa[6:12].tolist() == [factor] * 6 and usa[12] == usa[5] == 1.0
    assert inputs.release_threshold[0, node("JPN")] == 0.2
