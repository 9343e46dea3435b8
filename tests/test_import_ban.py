"""An importer's ban: scenario files state it with clear errors, and in the reference kernel it
stops the banned cells on the routes origin -> importer from its start month (exact zero) while
every other route trades; a partial ban lets in at most its share; a tariff on the same route
leaves it open (a price measure, not a quantity one)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from tests.scenario_files import problems
from tests.strategies import BASE, DS

from reesim.errors import InputError
from reesim.kernel.reference import month_steps, run_reference
from reesim.kernel.state import Outputs
from reesim.model.builder import resolve_places
from reesim.model.compile import compile_scenario
from reesim.model.dims import CONCENTRATE, MAGNET
from reesim.model.scenario import ImportBan, Scenario, Tariff
from reesim.scenarios import resolve

DOCS = Path(__file__).resolve().parents[1] / "docs" / "scenarios.md"
HEAD = "name: t\nstart: 2025-01\nhorizon: 2025-12\ndemand_outlook: none\ninstruments:\n"
BAN = (
    "  - kind: import_ban\n    importers: [CHN]\n    origins: [USA]\n    forms: [ore]\n"
    "    start: 2025-04-17\n"
)
node = BASE.dims.node
CHN, USA, AUS, MYS = node("CHN"), node("USA"), node("AUS"), node("MYS")


def _trade(scenario: Scenario) -> Outputs:
    return run_reference(compile_scenario(scenario, DS, BASE), keep_trade=True)


def _twelve(*instruments: ImportBan | Tariff) -> Scenario:
    return Scenario("ban", start="2025-01", months=12, instruments=instruments, demand_outlook="none")


# --- the scenario language ------------------------------------------------------------------------


def test_a_file_ban_becomes_the_engine_ban() -> None:
    assert resolve("april-2025", DS).instruments[-1] == ImportBan(
        importers=("CHN",), origins=("USA",), materials=("concentrate",), start="2025-04-17"
    )


@pytest.mark.parametrize(
    ("line", "field", "message", "hint"),
    [
        ("    importers: [CHX]\n", "instruments[0].importers[0]", "unknown country or bloc 'CHX'", "'CHN'"),
        ("    origins: [USA, AUSS]\n", "instruments[0].origins[1]", "unknown country or bloc 'AUSS'", "mean"),
        ("    start: 2025-13\n", "instruments[0].start", "'2025-13' is not a date", "YYYY-MM"),
        ("    end: 2025-02\n", "instruments[0]", "end 2025-02 is before start 2025-04-17", "swap"),
        ("    allowed_share: 1.5\n", "instruments[0].allowed_share", "between 0 and 1", "between 0 and 1"),
        ("    origins: [USA, CHN]\n", "instruments[0]", "CHN is both importer and origin", "own goods"),
        ("    forms: [technology]\n", "instruments[0].forms[0]", "'ore', 'oxide', 'metal' or 'magnet'", ""),
    ],
)
def test_bad_fields_name_file_line_field_and_hint(
    tmp_path: Path, line: str, field: str, message: str, hint: str
) -> None:
    key = line.split(":", maxsplit=1)[0]
    lines = [x for x in BAN.splitlines(keepends=True) if x.split(":", maxsplit=1)[0] != key]
    (p,) = problems(tmp_path, HEAD + "".join(lines) + line, "ban.yaml")
    assert p.file.endswith("ban.yaml") and p.line is not None and p.line >= 5
    assert p.field == field and message in p.message and hint in p.hint


def test_unknown_places_in_an_engine_scenario_are_input_errors() -> None:
    ban = ImportBan(importers=("CHN",), origins=("XXX",), materials=("concentrate",), start="2025-04")
    with pytest.raises(InputError) as info:
        compile_scenario(_twelve(ban), DS, BASE)
    (p,) = info.value.problems
    assert p.field == "origins" and "unknown country or bloc 'XXX'" in p.message


def test_the_docs_example_of_both_sides_validates(tmp_path: Path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Measures of both sides of a trade", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    path = tmp_path / "both.yaml"
    path.write_text("name: both\nstart: 2025-01\nhorizon: 2027-12\n" + block.group(1), encoding="utf-8")
    kinds = [type(i).__name__ for i in resolve(str(path), DS).instruments]
    assert kinds == ["ExportControl", "ImportBan", "Tariff"]


# --- what it does in the reference kernel ---------------------------------------------------------


def test_the_ban_stops_the_route_from_its_start_month_and_others_still_trade(tmp_path: Path) -> None:
    """From April 2025 (month 3) no US ore reaches China, exactly; before, the base-year flow
    (1.78 kt REO-eq a month: its heavy elements and part of its light ones); Australia still ships
    ore to China and the US ore to Malaysia."""
    path = tmp_path / "ban.yaml"
    path.write_text(HEAD + BAN, encoding="utf-8")
    out = _trade(resolve(str(path), DS))
    assert out.trade is not None
    route = out.trade[0, :, CONCENTRATE, CHN, USA, :].sum(axis=1)  # [month] t REO-eq
    assert route[:3] == pytest.approx([BASE.trade[CONCENTRATE, CHN, USA].sum()] * 3, rel=1e-12)
    assert route[:3].min() > 1750.0
    assert np.all(out.trade[0, 3:, CONCENTRATE, CHN, USA, :] == 0.0)
    assert out.trade[0, 3:, CONCENTRATE, CHN, AUS, :].sum(axis=1).min() > 1000.0
    assert out.trade[0, 3:, CONCENTRATE, MYS, USA, :].sum(axis=1).min() > 400.0
    assert out.trade[0, 3:, CONCENTRATE, :, USA, :].sum() > 0.0


def test_a_bloc_of_importers_closes_every_members_route_only() -> None:
    """The EU refuses Chinese magnets from June 2025: every EU node that imports them has none
    from China from month 5; China still ships magnets to the US and Japan."""
    ban = ImportBan(importers=("eu",), origins=("CHN",), materials=("magnet",), start="2025-06")
    out = _trade(_twelve(ban))
    assert out.trade is not None
    eu = [
        i for i in resolve_places(DS, BASE.dims, ("eu",), "importers") if BASE.trade[MAGNET, i, CHN].sum() > 0
    ]
    assert len(eu) >= 2  # EU nodes that import Chinese magnets in the base year
    for i in eu:
        assert out.trade[0, :5, MAGNET, i, CHN].sum() > 0.0
        assert np.all(out.trade[0, 5:, MAGNET, i, CHN] == 0.0)
    for i in (USA, node("JPN")):
        assert out.trade[0, 5:, MAGNET, i, CHN].sum(axis=1).min() > 0.0


def test_a_partial_ban_lets_in_at_most_its_share() -> None:
    """With ``allowed_share`` 0.25, US ore shipped to China in a month is at most 0.25 of what
    China asks of the US: its first ask (request x base share) plus at most its whole re-routed
    gap, as for an exporter's licence (tests/test_licences.py); and some of it gets through."""
    ban = ImportBan(("CHN",), ("USA",), ("concentrate",), "2025-04", allowed_share=0.25)
    inputs = compile_scenario(_twelve(ban), DS, BASE)
    shares = BASE.shares[CONCENTRATE, CHN, USA]
    out = Outputs.zeros(1, 12, 4, BASE.dims.n_nodes, BASE.dims.n_elements)
    shipped = 0.0
    for t, k, step, _, row in month_steps(inputs, 1, out):
        if step == "trade" and k == CONCENTRATE and t >= 3:
            asked = row.request[0, CHN] * (shares + 1.0)
            assert (row.ship[0, CHN, USA] <= 0.25 * asked * (1 + 1e-9) + 1e-9).all(), t
            shipped += float(row.ship[0, CHN, USA].sum())
    assert shipped > 9 * 100.0  # some ore still enters, every month


def test_a_tariff_on_the_same_route_leaves_it_open() -> None:
    """A 125% tariff of China on US ore changes no route (ore has no final users whose demand
    could fall): China imports US ore every month as with no measure; the ban stops it."""
    tariff = Tariff(
        importers=("CHN",), exporter="USA", materials=("concentrate",), rate=1.25, start="2025-04"
    )
    taxed, free = _trade(_twelve(tariff)), _trade(_twelve())
    assert taxed.trade is not None and free.trade is not None
    assert np.array_equal(taxed.trade[0, :, CONCENTRATE, CHN, USA], free.trade[0, :, CONCENTRATE, CHN, USA])
    assert taxed.trade[0, 3:, CONCENTRATE, CHN, USA].sum(axis=1).min() > 1750.0
