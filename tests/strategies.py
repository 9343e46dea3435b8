"""Hypothesis strategies the property tests draw from, and the dataset objects they are built on.

:data:`scenarios` builds random engine scenarios: up to five instruments of any kind, in places,
forms and elements of the bundled data, over :data:`MONTHS` months from January 2025. Amounts are
t REO-equivalent (per year where the field says so), prices USD/kg, shares fractions. The other
strategies feed the parsers and the kernel's lane vectors text and numbers that are likely to
break them.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import strategies as st

from reesim.dataset import Dataset, load_dataset
from reesim.model.baseline import Baseline, build_baseline
from reesim.model.dims import MATERIALS
from reesim.model.scenario import (
    CapacityProject,
    DemandChange,
    ExportControl,
    ExportQuota,
    ImportBan,
    OutputCap,
    PriceFloor,
    Recycling,
    Scenario,
    Stockpile,
    Substitution,
    Tariff,
)

#: The bundled dataset and its balanced base year, loaded once for every test module.
DS: Dataset = load_dataset()
BASE: Baseline = build_baseline(DS)
NODES = list(BASE.dims.nodes)
ELEMENTS = list(BASE.dims.elements)
#: Length of a random scenario, months.
MONTHS = 18
#: China exports no Pr, as concentrate, oxide or magnets, from January 2025 (a zero quota).
NO_PR_QUOTA = ExportQuota("CHN", ("concentrate", "oxide", "magnet"), 0.0, "2025-01", elements=("Pr",))


def month(i: int) -> str:
    """Label (``YYYY-MM``) of month ``i`` of a random scenario (0: January 2025)."""
    return f"{2025 + i // 12}-{i % 12 + 1:02d}"


#: A month within a random scenario.
months = st.integers(0, MONTHS - 1).map(month)

controls = st.builds(
    ExportControl,
    exporter=st.sampled_from(["CHN", "CHN", "MYS", "JPN", "USA"]),
    materials=st.lists(st.sampled_from(MATERIALS), min_size=1, max_size=4, unique=True).map(tuple),
    start=months,
    elements=st.lists(st.sampled_from(ELEMENTS), max_size=5, unique=True).map(tuple),
    destinations=st.lists(st.sampled_from([*NODES, "eu", "pax_silica"]), max_size=4, unique=True).map(tuple),
    approval_share=st.floats(0, 1),
    review_months=st.integers(0, 4).map(float),
    defence_denied=st.booleans(),
    content_threshold=st.one_of(st.none(), st.floats(0.001, 0.5)),
)
#: Elements a project lists and the circuit of its dataset stage: a separation plant makes the
#: elements of their circuits (heavy only, light only, both), or by its node and circuit.
circuits = st.sampled_from(
    [
        ((), ""),
        ((), "heavy"),
        (("Dy", "Tb"), "heavy"),
        (("La", "Ce", "Pr", "Nd"), "light"),
        (("Nd", "Pr", "Dy", "Tb"), "light"),
    ]
)


def _with_circuit(project: CapacityProject, circuit: tuple[tuple[str, ...], str]) -> CapacityProject:
    return replace(project, elements=circuit[0], circuit=circuit[1])


projects = st.builds(
    _with_circuit,
    st.builds(
        CapacityProject,
        node=st.sampled_from(["USA", "AUS", "JPN", "FRA", "EST", "KOR", "MYS"]),
        material=st.sampled_from(MATERIALS),
        nameplate=st.floats(0, 20_000),
        start=months,
        ramp_months=st.floats(1, 36),
        opex_usd_per_kg=st.one_of(st.just(0.0), st.floats(0, 400)),
        offtake=st.booleans(),
    ),
    circuits,
)
_recycling_nodes = st.lists(st.sampled_from(["USA", "JPN", "eu", "CHN"]), max_size=2, unique=True).map(tuple)
recyclings = st.one_of(
    st.builds(Recycling, rate=st.floats(0, 0.3), start=months, nodes=_recycling_nodes),
    st.builds(
        Recycling,
        collection=st.one_of(st.none(), st.floats(0, 0.5)),
        recovery=st.one_of(st.none(), st.floats(0.5, 1.0)),
        start=months,
        nodes=_recycling_nodes,
    ),
)
demands = st.builds(
    DemandChange,
    material=st.sampled_from(["oxide", "magnet"]),
    start=months,
    growth_pct_per_yr=st.floats(-20, 40),
    shock=st.floats(-0.5, 0.5),
)
stockpiles = st.builds(
    Stockpile,
    holder=st.sampled_from(["USA", "JPN", "KOR", "DEU"]),
    material=st.sampled_from(["oxide", "metal", "magnet"]),
    target=st.floats(0, 5_000),
    purchase_per_yr=st.floats(0, 3_000),
    start=months,
    initial=st.floats(0, 1_000),
    release_shortfall=st.one_of(st.none(), st.floats(0, 0.5)),
    release_to=st.lists(
        st.sampled_from(["USA", "JPN", "KOR", "DEU", "eu", "CHN"]), max_size=3, unique=True
    ).map(tuple),
    release_to_share=st.floats(0, 1),
    scheduled=st.lists(
        st.tuples(st.integers(0, MONTHS - 1), st.floats(0, 800)), max_size=3, unique_by=lambda r: r[0]
    ).map(lambda rs: tuple((month(i), t) for i, t in sorted(rs))),
    sale_price=st.one_of(st.none(), st.floats(0, 400)),
    defence=st.booleans(),
)


def one_stock(instruments: tuple[object, ...]) -> tuple[object, ...]:
    """``instruments`` with every stockpile of a holder and material given the release rules of
    the first (they are held as one stock, whose rules must agree)."""
    first: dict[tuple[str, str], Stockpile] = {}
    out: list[object] = []
    for inst in instruments:
        if isinstance(inst, Stockpile):
            rules = first.setdefault((inst.holder, inst.material), inst)
            out.append(replace(inst, release_to=rules.release_to, sale_price=rules.sale_price,
                               defence=rules.defence))  # fmt: skip
        else:
            out.append(inst)
    return tuple(out)


quotas = st.builds(
    ExportQuota,
    exporter=st.sampled_from(["CHN", "CHN", "MYS", "AUS"]),
    materials=st.lists(st.sampled_from(MATERIALS), min_size=1, max_size=3, unique=True).map(tuple),
    tonnes_per_yr=st.floats(0, 50_000),
    start=months,
    elements=st.lists(st.sampled_from(ELEMENTS), max_size=4, unique=True).map(tuple),
)
tariffs = st.builds(
    Tariff,
    importers=st.lists(st.sampled_from(["USA", "JPN", "eu"]), min_size=1, max_size=2, unique=True).map(tuple),
    exporter=st.sampled_from(["CHN", "MYS"]),
    materials=st.lists(st.sampled_from(MATERIALS), min_size=1, max_size=2, unique=True).map(tuple),
    rate=st.floats(0, 1),
    start=months,
)
#: Importers and origins of random import bans (an origin may also be an importer: no rule then).
importer_lists = st.lists(st.sampled_from(["CHN", "USA", "JPN", "eu"]), min_size=1, max_size=2, unique=True)
origin_lists = st.lists(
    st.sampled_from(["USA", "AUS", "MYS", "MMR", "CHN"]), min_size=1, max_size=2, unique=True
)
import_bans = st.builds(
    ImportBan,
    importers=importer_lists.map(tuple),
    origins=origin_lists.map(tuple),
    materials=st.lists(st.sampled_from(MATERIALS), min_size=1, max_size=3, unique=True).map(tuple),
    start=months,
    elements=st.lists(st.sampled_from(ELEMENTS), max_size=4, unique=True).map(tuple),
    allowed_share=st.floats(0, 1),
)
substitutions = st.builds(
    Substitution,
    sector=st.sampled_from(["all", "ev_traction", "wind"]),
    share=st.floats(0, 1),
    start=months,
    lag_months=st.floats(0, 24),
)
caps = st.builds(
    OutputCap,
    country=st.sampled_from(["CHN", "CHN", "AUS", "USA", "MYS"]),
    materials=st.lists(st.sampled_from(MATERIALS), min_size=1, max_size=2, unique=True).map(tuple),
    share=st.floats(0, 1.5),
    start=months,
    elements=st.lists(st.sampled_from(ELEMENTS), max_size=3, unique=True).map(tuple),
)
floors = st.builds(
    PriceFloor,
    material=st.sampled_from(["oxide", "magnet"]),
    elements=st.lists(st.sampled_from(["Nd", "Pr", "Dy"]), min_size=1, max_size=2, unique=True).map(tuple),
    level=st.floats(0, 500),
    start=months,
)
#: One random instrument of each kind.
instruments = (
    controls,
    projects,
    demands,
    stockpiles,
    recyclings,
    quotas,
    tariffs,
    import_bans,
    substitutions,
    floors,
    caps,
)
#: Projects decided on expected prices (not committed, private capex to recover) under two names
#: a price floor can cover; they start within the first year and a half.
priced_projects = st.builds(
    _with_circuit,
    st.builds(
        CapacityProject,
        node=st.sampled_from(["USA", "AUS", "JPN", "FRA", "EST", "KOR", "CHN", "MYS"]),
        material=st.sampled_from(MATERIALS),
        nameplate=st.floats(0, 20_000),
        start=months,
        ramp_months=st.floats(1, 36),
        name=st.sampled_from(["p1", "p2"]),
        capex_usd=st.one_of(st.just(0.0), st.floats(0, 3e9)),
        opex_usd_per_kg=st.one_of(st.just(0.0), st.floats(0, 40), st.floats(0, 400)),
        offtake=st.booleans(),
        public_usd=st.floats(0, 1e9),
        committed=st.booleans(),
    ),
    circuits,
)


@st.composite
def market_scenarios(draw: st.DrawFn, months: int = 8) -> Scenario:
    """Random scenarios of ``months`` months with up to two instruments of any kind, one to three
    priced projects and one to two price floors from the first months that cover some of them
    (or every producer outside China), with project decisions that come, wait and lapse within
    the horizon (``project_build_months`` and ``project_wait_months`` drawn short)."""
    others = draw(st.lists(st.one_of(*instruments), max_size=2))
    built = draw(st.lists(priced_projects, min_size=1, max_size=3))
    names = sorted({p.name for p in built})
    first = st.integers(0, 3).map(month)
    covered = st.lists(st.sampled_from(names), max_size=2, unique=True).map(tuple)
    elements = st.lists(st.sampled_from(ELEMENTS), min_size=1, max_size=4, unique=True).map(tuple)
    floors_now = st.builds(PriceFloor, material=st.sampled_from(MATERIALS), elements=elements,
                           level=st.floats(0, 500), start=first, producers=covered)  # fmt: skip
    paid = draw(st.lists(floors_now, min_size=1, max_size=2))
    parameters = {
        "project_build_months": draw(st.sampled_from([0.0, 6.0, 12.0, 24.0])),
        "project_wait_months": draw(st.sampled_from([1.0, 2.0, 5.0])),
        "project_accelerate_months": draw(st.sampled_from([0.0, 3.0, 6.0])),
        "project_delay_months": draw(st.sampled_from([0.0, 3.0, 12.0])),
    }
    return Scenario("market", start="2025-01", months=months,
                    instruments=one_stock((*others, *built, *paid)), parameters=parameters)  # fmt: skip


#: Random engine scenarios of :data:`MONTHS` months from 2025-01 with up to five instruments.
scenarios = st.builds(
    Scenario,
    name=st.just("random"),
    start=st.just("2025-01"),
    months=st.just(MONTHS),
    instruments=st.lists(st.one_of(*instruments), max_size=5).map(tuple).map(one_stock),
    demand_outlook=st.sampled_from(["none", "steps", "aps"]),
)

#: Text of the characters YAML gives meaning to, with letters and digits: scenario files gone wrong.
yaml_like_texts = st.text(alphabet=st.sampled_from(list("ab:- []{}\n\t'\"&*!#%,.0123456789")), max_size=200)
#: Edits of a text: (offset, characters cut, text put in), the offset taken modulo the text's length.
text_edits = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 40), st.text(max_size=6)), max_size=4)
#: Any text a CSV cell can hold (no lone surrogates, no NUL), up to 12 characters.
csv_cells = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)

#: Doubles where arithmetic has its edge cases: signed zeros, infinities, NaN, the smallest
#: subnormal, the neighbourhood of the largest double, and the kernel's 1e-12 tolerance.
special_doubles = st.sampled_from([0.0, -0.0, 1.0, -1.0, 1e-12, np.inf, -np.inf, np.nan, 5e-324, 1.7e308])
#: Any double, with the special ones drawn often.
doubles = st.one_of(special_doubles, st.floats(allow_nan=True, allow_infinity=True, width=64))
