"""Strategic stockpiles help their holder: they release to the stage that needs the material as
well as to final users, and buy only while their market is not short (reference kernel; the
fast kernel agrees step by step in test_kernel_steps.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from tests.strategies import BASE, DS

from reesim.kernel.reference import run_reference
from reesim.kernel.state import Outputs
from reesim.model.compile import compile_scenario
from reesim.model.scenario import ExportControl, Scenario, Stockpile
from reesim.scenarios import resolve

OXIDE = 1
USA, KOR = BASE.dims.node("USA"), BASE.dims.node("KOR")


def _run(scenario: Scenario) -> Outputs:
    return run_reference(compile_scenario(scenario, DS, BASE))


def _scaled(scenario: Scenario, factor: float) -> Scenario:
    """``scenario`` with the US stockpiles' target, purchases and initial holding times ``factor``."""

    def scale(i: object) -> object:
        if not (isinstance(i, Stockpile) and i.holder == "USA"):
            return i
        return replace(i, target=i.target * factor, purchase_per_yr=i.purchase_per_yr * factor,
                       initial=i.initial * factor)  # fmt: skip

    return replace(scenario, instruments=tuple(scale(i) for i in scenario.instruments))  # type: ignore[misc]


def test_a_larger_stockpile_does_not_leave_its_holder_worse_off() -> None:
    """The race under a full embargo: a US NdPr oxide stockpile ten times larger lowers the US's
    cumulative unmet demand instead of raising it."""
    race, embargo = resolve("race", DS), resolve("full-embargo", DS)
    both = replace(race, instruments=race.instruments + embargo.instruments)
    assert any(isinstance(i, Stockpile) and i.holder == "USA" for i in both.instruments)
    unmet = [float(_run(_scaled(both, f)).unmet[0, :, :, USA].sum()) for f in (1.0, 10.0)]
    assert unmet[1] < unmet[0]


def _embargoed_oxide(stockpile: bool) -> Scenario:
    embargo = ExportControl(exporter="CHN", materials=("oxide",), start="2025-03", approval_share=0.0)
    pile = Stockpile(holder="KOR", material="oxide", target=2_000.0, purchase_per_yr=0.0, start="2025-01",
                     initial=2_000.0, release_shortfall=0.01)  # fmt: skip
    return Scenario(
        "oxide-embargo", start="2025-01", months=12, instruments=(embargo, pile) if stockpile else (embargo,)
    )


def test_an_oxide_stockpile_feeds_the_metal_makers() -> None:
    """China stops oxide exports: Korea's oxide stockpile is released to Korea's metal makers (it
    has almost no final use of oxide), whose input met (oxide consumed) is higher than without it,
    and the stockpile shrinks."""
    without, holding = _run(_embargoed_oxide(False)), _run(_embargoed_oxide(True))
    fed_without = without.feed[0, :, OXIDE, KOR].sum()
    fed_with = holding.feed[0, :, OXIDE, KOR].sum()
    assert fed_with > fed_without * 1.05
    assert holding.stockpile[0, -1, OXIDE, KOR].sum() < 2_000.0 - 1.0


def test_stockpiles_do_not_buy_in_a_short_market() -> None:
    """Buying 12,000 t a year towards a large target, a US oxide stockpile stops buying once China's
    embargo leaves the outside market short."""
    embargo = ExportControl(exporter="CHN", materials=("oxide", "metal", "magnet"), start="2025-04",
                            approval_share=0.0)  # fmt: skip
    pile = Stockpile(
        holder="USA",
        material="oxide",
        target=50_000.0,
        purchase_per_yr=12_000.0,
        start="2025-01",
        initial=0.0,
        release_shortfall=1.0,
    )  # never releases: only buying is tested
    out = _run(Scenario("buying", start="2025-01", months=12, instruments=(embargo, pile)))
    bought = np.diff(out.stockpile[0, :, OXIDE, USA].sum(axis=1), prepend=0.0)  # t a month
    assert np.allclose(bought[:4], 1_000.0)  # the full rate until the embargo
    # Once the embargo leaves the outside market short, purchases all but stop (they go on only
    # for the few elements whose market is not short).
    assert bought[5:].max() < 0.05 * 1_000.0
