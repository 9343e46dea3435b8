"""Trade finds the short: exporters' surplus reaches importers with unmet demand beyond base-year
shares, as far as the importers have qualified other suppliers (magnets slower than the materials
before them), and qualification lasts (reference kernel; the fast kernel agrees step by step in
test_kernel_steps.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from tests.strategies import BASE, DS

from reesim.kernel.reference import run_reference
from reesim.kernel.state import Outputs
from reesim.model.compile import Inputs, compile_scenario
from reesim.model.dims import MATERIALS
from reesim.model.scenario import CapacityProject, ExportControl, Scenario
from reesim.scenarios import load
from reesim.uncertainty.sample import draw_batch

OXIDE = 1
JPN = BASE.dims.node("JPN")
#: Months of its own use or output (the larger) a producer may hold while another place is short.
MOST_MONTHS = 3.0
#: Share of final demand unmet from which a place counts as short.
SHORT = 0.01
#: Prices held at the base year and precautionary buying off: hoarding is stock buyers keep on
#: purpose, and plants that idle or keep running on prices change what is made and used; these
#: tests are about trade (stock nobody wants while another place is short, and qualification).
NO_HOARDING = {"precaution_risk": 0.0, "precaution_trend": 0.0, "price_adjust_months": 1e9}


def _run(scenario: Scenario) -> Outputs:
    return run_reference(compile_scenario(scenario, DS, BASE))


def _idle_stocks(out: Outputs, inputs: Inputs) -> tuple[list[tuple[str, str, str, int, int]], int]:
    """Where a producer holds more than :data:`MOST_MONTHS` of the larger of its own use and its
    output of an element of a material (and more than 5 t: a few tonnes are not a pile) in a month
    when another place's final users have been more than :data:`SHORT` short of it for longer
    than it takes them to qualify other suppliers (``material_switch_months``, magnets
    ``supplier_switch_months``) and for the goods to arrive (the longest shipment lag, in whole
    months), and no export control in force that month limits what it may
    ship of it (a licence on its own exports, or China's content rule on goods made outside
    China); and how many (run, month, material, element) have some place short."""
    own = BASE.final + BASE.feed  # [K, N, E] base use, t/month
    months = out.inventory.shape[1]
    held_back = np.zeros(out.inventory.shape, dtype=bool)  # [R, T, K, N, E] a licence limits its exports
    origin = BASE.dims.node("CHN")
    for t in range(months):
        allow = inputs.controls.allow_at(t)  # [R or 1, K, X, I, E]
        held_back[:, t] = (allow < 1.0).any(axis=3)
        # China's content rule limits what the others may ship of goods with Chinese content
        # (at a threshold of 0.1%, goods made anywhere with Chinese inputs).
        share, _ = inputs.controls.content_at(t)  # [R or 1, K, I, E]
        ruled = (share < 1.0).any(axis=2)  # [R or 1, K, E]
        others = np.arange(held_back.shape[3]) != origin
        held_back[:, t][:, :, others, :] |= ruled[:, :, None, :]
    found, short_cases = [], 0
    for k in range(4):
        stock, made = out.inventory[:, :, k], out.production[:, :, k]  # [R, T, N, E]
        short = out.unmet[:, :, k] > SHORT * np.maximum(out.demand[:, :, k], 1e-9)
        lag = inputs.params["supplier_switch_months" if k == 3 else "material_switch_months"]
        lag = np.broadcast_to(np.asarray(lag, dtype=float), (short.shape[0],))[:, None, None]
        shipping = np.broadcast_to(inputs.transit.max(axis=1), (short.shape[0],))[:, None, None]
        lag = lag + np.ceil(shipping)  # then what it is sent is under way
        spell = np.zeros(short.shape)  # months each place has been short in a row
        for t in range(months):
            spell[:, t] = np.where(short[:, t], (spell[:, t - 1] if t else 0.0) + 1.0, 0.0)
        long_short = spell > lag[..., None]
        cover = stock / np.maximum(np.maximum(own[k], made), 1e-9)
        others_short = long_short.sum(axis=2, keepdims=True) - long_short > 0  # another place, for long
        idle = (
            (made > 0) & ~short & others_short & (cover > MOST_MONTHS) & (stock > 5.0) & ~held_back[:, :, k]
        )
        short_cases += int(short.any(axis=2).sum())
        found += [(MATERIALS[k], BASE.dims.nodes[n], BASE.dims.elements[e], r, t)
                  for r, t, n, e in zip(*np.nonzero(idle), strict=True)]  # fmt: skip
    return found, short_cases


def _race(runs: int, denial: bool) -> tuple[Outputs, Inputs]:
    """``race`` over ``runs`` Monte Carlo draws; with ``denial``, China also licenses no oxide,
    metal or magnets to anyone from April 2025 (and no content rule reaches goods made elsewhere)."""
    scenario = draw_batch(load("race", DS), DS, 7, range(runs))
    scenario = replace(scenario, parameters={**scenario.parameters, **NO_HOARDING})
    if denial:
        stop = ExportControl(exporter="CHN", materials=("oxide", "metal", "magnet"), start="2025-04",
                             approval_share=0.0)  # fmt: skip
        scenario = replace(scenario, instruments=(*scenario.instruments, stop))
    inputs = compile_scenario(scenario, DS, BASE)
    return run_reference(inputs, runs=runs), inputs


def test_no_producer_sits_on_stock_while_another_place_is_short() -> None:
    """In ``race``, over 16 Monte Carlo draws (prices held, without precautionary buying), no
    producer holds
    more than three months of the
    larger of its own use and its output of an element of a material while another place is short
    of it, unless an export control limits what it may ship of it (China's licences). The same
    with China denying all oxide, metal and magnet exports on top."""
    idle, short_cases = _idle_stocks(*_race(16, denial=False))
    assert not idle, idle[:5]
    assert short_cases > 10  # places are short in some months: the check has cases to look at
    idle, short_cases = _idle_stocks(*_race(16, denial=True))
    assert not idle, idle[:5]
    assert short_cases > 1000


def _oxide_ban(*spells: tuple[str, str], switch_months: float = 3.0) -> Scenario:
    """China stops oxide exports to Japan in each (start, end) spell, while a new Australian
    separation plant (6,000 t a year from January 2025 in both circuits, so of every element, sold
    whatever the price) has oxide to spare.
    Prices held at the base year, without precautionary buying and with plants that never idle,
    so that what Japan asks and uses stays what trade has to meet."""
    bans = tuple(
        ExportControl(
            exporter="CHN", materials=("oxide",), destinations=("JPN",), start=a, end=b, approval_share=0.0
        )
        for a, b in spells
    )
    plant = CapacityProject(node="AUS", material="oxide", nameplate=6_000.0, start="2025-01", ramp_months=1.0,
                            offtake=True, elements=("Nd", "Dy"))  # fmt: skip
    return Scenario("oxide-ban", start="2025-01", months=24, instruments=(*bans, plant),
                    parameters={"material_switch_months": switch_months, "idle_price_ratio": 0.0,
                                **NO_HOARDING})  # fmt: skip


def test_a_faster_qualification_reaches_the_spare_oxide_sooner() -> None:
    """Japan cut off from Chinese oxide: in the ban's second month, qualifying other oxide
    suppliers over one month instead of six brings it more of Australia's spare oxide (Lynas
    ships to Japan in the base year too, so some comes either way)."""
    aus = BASE.dims.node("AUS")
    got = []
    for months in (1.0, 6.0):
        inputs = compile_scenario(_oxide_ban(("2025-01", "2026-01"), switch_months=months), DS, BASE)
        got.append(float(run_reference(inputs, keep_trade=True).trade[0, 1, OXIDE, JPN, aus].sum()))
    assert got[0] > 1.3 * got[1] > 0


def test_qualified_suppliers_stay_qualified() -> None:
    """A second ban, after a six-month pause, finds Japan's other suppliers already qualified: it
    leaves Japan less oxide use unmet than the same ban without the first one before it."""
    both = _run(_oxide_ban(("2025-01", "2025-07"), ("2026-01", "2026-07"), switch_months=6.0))
    second = _run(_oxide_ban(("2026-01", "2026-07"), switch_months=6.0))
    unmet = [float(o.unmet[0, 12:18, OXIDE, JPN].sum()) for o in (both, second)]
    assert unmet[1] > 50.0  # without qualified suppliers the second ban bites
    assert unmet[0] < 0.5 * unmet[1]
