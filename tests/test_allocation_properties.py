"""Four properties of the engine's allocation on random scenarios (reference kernel, hypothesis):

(a) a larger strategic stockpile never raises its holder's cumulative unmet demand;
(b) a higher approval share of an export control never raises any importer's cumulative unmet
    demand (the exporter aside);
(c) in every month a controlled cell ships at most the licensed share of what the importer asks
    of the exporter, re-routed asks included;
(d) outputs move continuously with a control's review and a capacity project's delay (on random
    scenarios, and bisected to 1e-9 month where a project starts or stops idling).

Random scenarios come from :mod:`tests.strategies` (18 months from January 2025, up to five
instruments of any kind). Unmet demand is in t REO-equivalent, summed over months, materials
and elements at a node. A property that the current mechanics break is marked ``xfail(strict)``
with its counterexample pinned by ``@example`` (so it fails on every run, and passes, failing
the strict xfail, once the mechanics are fixed) and the mechanism in the reason.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from tests.strategies import BASE, DS, NO_PR_QUOTA, controls, import_bans, projects, scenarios, stockpiles

from reesim.kernel.reference import month_steps, run_reference
from reesim.kernel.state import Outputs
from reesim.model.compile import compile_scenario
from reesim.model.scenario import (
    CapacityProject,
    DemandChange,
    ExportControl,
    Scenario,
    Stockpile,
)

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Relative and absolute slack for sums of unmet demand (t REO-eq): float rounding only.
REL, ABS = 1e-6, 1e-6


def _run(scenario: Scenario) -> Outputs:
    return run_reference(compile_scenario(scenario, DS, BASE))


def _with(scenario: Scenario, *extra: object) -> Scenario:
    return replace(scenario, instruments=(*scenario.instruments, *extra))  # type: ignore[arg-type]


def _unmet_by_node(out: Outputs) -> np.ndarray:
    """[N] cumulative unmet demand of run 0, t REO-eq (months, materials and elements summed)."""
    total: np.ndarray = out.unmet[0].sum(axis=(0, 1, 3))
    return total


# --- (a) a larger stockpile ------------------------------------------------------------------------


@SETTINGS
@given(scenario=scenarios, pile=stockpiles, factor=st.floats(1.05, 10.0))
@example(
    scenario=Scenario("random", start="2025-01", months=18),
    pile=Stockpile(
        holder="JPN", material="oxide", target=5000.0, purchase_per_yr=3000.0, start="2025-01", initial=1000.0
    ),
    factor=10.0,
)
@example(
    scenario=Scenario(
        "random",
        start="2025-01",
        months=18,
        instruments=(NO_PR_QUOTA,),
        demand_outlook="none",
    ),
    pile=Stockpile(
        holder="USA", material="magnet", target=1000.0, purchase_per_yr=1000.0, start="2025-02", initial=0.0
    ),
    factor=4.0,
)
def test_a_larger_stockpile_never_raises_its_holders_unmet_demand(
    scenario: Scenario, pile: Stockpile, factor: float
) -> None:
    """The same scenario with the stockpile's target, purchases and initial holding times
    ``factor`` (> 1) leaves its holder no more unmet demand over the run (1e-6 relative slack).
    The second example: China exports no Pr and the US lacks Pr magnets from the second month; a
    US magnet stockpile that ordered the Nd magnets still on offer would raise China's magnet
    output, whose Pr metal China's magnet makers would take from what the US magnet makers get
    (a stockpile buys its mix whole, see docs/model.md)."""
    # One holder's stockpiles of one material are one stock with one set of rules.
    assume(not any(isinstance(i, Stockpile) and (i.holder, i.material) == (pile.holder, pile.material)
                   for i in scenario.instruments))  # fmt: skip
    holder = BASE.dims.node(pile.holder)
    larger = replace(
        pile, target=pile.target * factor, purchase_per_yr=pile.purchase_per_yr * factor,
        initial=pile.initial * factor,
    )  # fmt: skip
    small = _unmet_by_node(_run(_with(scenario, pile)))[holder]
    big = _unmet_by_node(_run(_with(scenario, larger)))[holder]
    assert big <= small * (1 + REL) + ABS, (small, big)


# --- (b) a higher approval share -------------------------------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason=(
        "A higher share pulls the exporter's surplus forward, and an importer that asks hard later loses "
        "its share: reesim.kernel.reference.trade splits each month's surplus pro rata over that month's "
        "licensed requests, and nothing ties an importer's cumulative share to the licence. "
        "Counterexample (pinned): world oxide demand +50% from 2025-04; China's oxide licensed to "
        "everyone from 2025-01 after a 2-month review, share 0.5 vs 1.0: at 1.0 China ships more in "
        "the first months and has less surplus left when ROW, stocked, asks again; ROW's cumulative "
        "unmet demand rises 24,470 -> 26,530 t (+8.4%), while unmet demand outside China falls 93,184 -> "
        "92,058 t."
    ),
)
@SETTINGS
@given(scenario=scenarios, control=controls, low=st.floats(0.0, 0.95), step=st.floats(0.05, 1.0))
@example(
    scenario=Scenario(
        "random",
        start="2025-01",
        months=18,
        instruments=(DemandChange("oxide", "2025-04", shock=0.5),),
        demand_outlook="none",
    ),
    control=ExportControl(exporter="CHN", materials=("oxide",), start="2025-01", review_months=2.0),
    low=0.5,
    step=0.5,
)
def test_a_higher_approval_share_never_raises_an_importers_unmet_demand(
    scenario: Scenario, control: ExportControl, low: float, step: float
) -> None:
    """The same control approving ``low`` and a higher share leaves no node but the exporter
    more unmet demand over the run (1e-6 relative slack)."""
    high = min(low + step, 1.0)
    exporter = BASE.dims.node(control.exporter)
    before = _unmet_by_node(_run(_with(scenario, replace(control, approval_share=low))))
    after = _unmet_by_node(_run(_with(scenario, replace(control, approval_share=high))))
    worse = after > before * (1 + REL) + ABS
    worse[exporter] = False
    assert not worse.any(), {BASE.dims.nodes[i]: (before[i], after[i]) for i in np.flatnonzero(worse)}


# --- (c) shipments within the licence --------------------------------------------------------------


@SETTINGS
@given(scenario=scenarios, measure=st.one_of(controls, import_bans))
def test_controlled_shipments_stay_within_the_licensed_share_of_requests(
    scenario: Scenario, measure: object
) -> None:
    """After the trade step of every month and material, wherever the licensed share ``a`` of
    a cell (material, exporter, importer, element) is below 1:
    ``ship <= a x request x base share``.

    Why this bound: the first ask of an importer to an exporter is request x base share, of
    which the licence approves ``a`` (every tier is scaled by it); nothing is re-routed to an
    exporter whose route a licence limits (it is asked once). A content rule only lowers ``a``.
    Slack: 1e-9 relative and 1e-9 t absolute."""
    inputs = compile_scenario(_with(scenario, measure), DS, BASE)
    shares = np.swapaxes(BASE.shares, 1, 2)  # [K, X, I, E]
    out = Outputs.zeros(1, len(inputs.months), 4, BASE.dims.n_nodes, BASE.dims.n_elements)
    allow = np.ones(0)
    for t, k, step, _, row in month_steps(inputs, 1, out):
        if step == "rules":
            allow = row.allow[0]  # [K, X, I, E] licensed share this month
        if step != "trade":
            continue
        a = allow[k]
        ship = np.swapaxes(row.ship[0], 0, 1)  # [X, I, E]
        bound = a * row.request[0][None, :, :] * shares[k]
        over = (a < 1.0) & (ship > bound * (1 + 1e-9) + 1e-9)
        assert not over.any(), (t, k, np.argwhere(over)[:3].tolist())


# --- (d) continuity in review and delay months -----------------------------------------------------

#: Outputs compared, and the tolerance: 5% of a series' scale (see :func:`_jumps`) for 0.01 month.
#: Why 5%: 0.01 month moves the input it acts on (a month's licensed share, a month's output) by
#: at most 1% of a month's flow; orders pass it on about twice (an importer asks for what it
#: lacks plus the goods it keeps under way, a month's worth for a month's lag: measured 2.0% for
#: a one-month ramp), and stocks and prices carry it on. A step, a whole month switched on or
#: off, shows as tens of percent.
OUTPUTS, TOLERANCE = ("imports", "unmet", "inventory", "price"), 0.05


def _throughput(out: Outputs) -> np.ndarray:
    """[K, N] the most a node handles of a material in a month and element: the larger of what
    it makes and receives and of what it uses and sends, t REO-eq."""
    supply, uses = out.production + out.imports, out.demand + out.feed + out.exports
    size: np.ndarray = np.maximum(supply, uses)[0].max(axis=(0, 3))
    return size


def _jumps(a: Outputs, b: Outputs) -> dict[str, float]:
    """For each output, the largest |a - b| over months and elements as a share of its series'
    scale: per material and node, the largest of the series itself and the node's throughput
    (:func:`_throughput`) in either run, at least 1 t (a node's flows and stocks are measured
    against what it handles in a month); for prices, per material and market, the largest
    price, at least 1 USD/kg."""
    size = np.maximum(_throughput(a), _throughput(b))
    found = {}
    for name in OUTPUTS:
        x, y = getattr(a, name)[0], getattr(b, name)[0]  # [T, K, N or market, E]
        scale = np.maximum(np.abs(x).max(axis=(0, 3)), np.abs(y).max(axis=(0, 3)))  # [K, N or market]
        scale = np.maximum(scale, 1.0 if name == "price" else np.maximum(size, 1.0))
        found[name] = float((np.abs(x - y).max(axis=(0, 3)) / scale).max())
    return found


@SETTINGS
@given(scenario=scenarios, control=controls, review=st.floats(0.5, 3.0))
def test_outputs_are_continuous_in_the_review(
    scenario: Scenario, control: ExportControl, review: float
) -> None:
    """A control's review of ``review`` and ``review`` + 0.01 months moves imports, unmet demand,
    working stock and prices by at most 5% of each series' scale (:data:`TOLERANCE`).

    0.01 month of review moves the licensed share of one month by 1% of the share
    (:func:`reesim.model.controls.after_review` has slope 1 per month), so a controlled route's
    flow by at most 1% of its monthly flow.

    Without a content rule: a content rule is a step by law (goods at or above the threshold of
    China-origin content are controlled, below it not), and it reads the China-origin share of
    what the exporter held at the end of last month, so where a nearly empty stock's share
    crosses the threshold a whole month's exports change their licence (found here: Estonian
    magnets, 0.013 t of Chinese-made stock, halve their exports under a 25% rule)."""
    assume(
        not any(
            isinstance(i, ExportControl) and i.content_threshold is not None for i in scenario.instruments
        )
    )
    control = replace(control, content_threshold=None, content_only=False)
    a = _run(_with(scenario, replace(control, review_months=review)))
    b = _run(_with(scenario, replace(control, review_months=review + 0.01)))
    jumps = _jumps(a, b)
    assert max(jumps.values()) <= TOLERANCE, jumps


@SETTINGS
@given(scenario=scenarios, project=projects, delay=st.floats(0.0, 6.0))
def test_outputs_are_continuous_in_a_projects_delay(
    scenario: Scenario, project: CapacityProject, delay: float
) -> None:
    """A project's delay of ``delay`` and ``delay`` + 0.01 months moves imports, unmet demand,
    working stock and prices by at most 5% of each series' scale (:data:`TOLERANCE`).

    How a delay acts: the project's output starts at month start + delay (a fraction allowed)
    and ramps linearly, ``clip((t + 1 - start) / ramp, 0, 1) x nameplate`` with ramp >= 1
    (:func:`reesim.kernel.reference.capacity_additions`), so 0.01 month of delay moves a month's
    output by at most 1% of the monthly nameplate."""
    a = _run(_with(scenario, replace(project, delay_months=delay)))
    b = _run(_with(scenario, replace(project, delay_months=delay + 0.01)))
    jumps = _jumps(a, b)
    assert max(jumps.values()) <= TOLERANCE, jumps


#: China's oxide licensed at 70% from March 2025 keeps the expected outside price of the world's
#: oxide basket near 28-29 USD/kg in 2026, just above the idle price (0.9 x 31.5 = 28.4 USD/kg) of an
#: Australian separation plant of 6,000 t/yr with an opex of 31.5 USD/kg that ramps up over 12
#: months from May 2025 plus its delay; its own output then moves the price back and forth across
#: the threshold, so it runs and idles by turns (24 months).
IDLING = (
    Scenario("idling", start="2025-01", months=24,
             instruments=(ExportControl(exporter="CHN", materials=("oxide",), start="2025-03",
                                        approval_share=0.7),)),
    CapacityProject(node="AUS", material="oxide", nameplate=6000.0, start="2025-05", ramp_months=12.0,
                    opex_usd_per_kg=31.5),
)  # fmt: skip


def _idling(delay: float) -> Outputs:
    scenario, project = IDLING
    return _run(_with(scenario, replace(project, delay_months=delay)))


def test_the_idling_case_crosses_the_idle_price() -> None:
    """The setup of the test below does what it is for: over delays of 1 to 3 months the
    Australian plant, ramped up to 500 t a month by its last months, runs below that there (its
    price is in its idle band)."""
    aus = BASE.dims.node("AUS")
    output = np.array([_idling(d).production[0, -3:, 1, aus].sum(axis=-1) for d in np.arange(1.0, 3.0, 0.25)])
    assert output.min() < 0.95 * 6000.0 / 12


def test_outputs_are_continuous_where_a_project_starts_or_stops_idling() -> None:
    """Delays 0.01 month apart over 1 to 3 months; the pair with the largest jump is bisected to
    1e-9 month. At that gap a continuous output moves by nothing measurable, so the jump must
    stay within the 5% tolerance of the tests above."""
    delays = np.arange(1.0, 3.0, 0.01)
    runs = [_idling(float(d)) for d in delays]
    steps = [max(_jumps(a, b).values()) for a, b in pairwise(runs)]
    i = int(np.argmax(steps))
    lo, hi, left = float(delays[i]), float(delays[i + 1]), runs[i]
    while hi - lo > 1e-9:
        mid = (lo + hi) / 2
        if max(_jumps(left, _idling(mid)).values()) > max(_jumps(_idling(mid), runs[i + 1]).values()):
            hi = mid
        else:
            lo, left = mid, _idling(mid)
    jumps = _jumps(_idling(lo), _idling(hi))
    assert max(jumps.values()) <= TOLERANCE, (lo, hi, jumps)
