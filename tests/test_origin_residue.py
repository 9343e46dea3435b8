"""The China-origin share of a node that sends on almost all it holds stays the same in both
kernels: its holding after trade is rounding residue, and the share is kept rather than taken as
the ratio of two residues (Korea's Pr metal here, which later decides whether Thailand's magnets
fall under a content rule)."""

from __future__ import annotations

import pytest
from tests.agreement import assert_kernels_agree
from tests.strategies import BASE, DS

from reesim.model.compile import compile_scenario
from reesim.model.scenario import CapacityProject, ExportControl, Scenario, Substitution

#: Market parameters within their ranges under which the residue decided a content rule.
MARKET = {
    "price_tightness_elasticity": 2.679,
    "price_adjust_months": 2.365,
    "demand_price_elasticity": -0.01662,
    "substitution_lag_months": 59.21,
    "substitution_max_share": 0.08317,
    "output_adjust_months": 4.035,
    "price_cover_elasticity": 0.7998,
    "price_expectation_months": 11.83,
    "price_cost_weight": 0.2053,
    "price_cover_min": 0.3208,
    "precaution_risk": 1.341,
    "precaution_trend": 0.1126,
    "arbitrage_share": 0.6792,
}


@pytest.mark.compile
def test_emptied_node_keeps_its_origin_share_in_both_kernels() -> None:
    scenario = Scenario(
        "residue",
        start="2025-01",
        months=18,
        instruments=(
            CapacityProject(
                node="USA", material="concentrate", nameplate=0.0, start="2025-01", ramp_months=1.0
            ),
            ExportControl(
                exporter="MYS",
                materials=("magnet",),
                start="2025-01",
                destinations=("USA",),
                approval_share=0.5,
                review_months=0.0,
                content_threshold=0.5,
            ),
            Substitution(sector="wind", share=0.5, start="2025-01", lag_months=0.0),
        ),
        parameters=MARKET,
    )
    assert_kernels_agree(compile_scenario(scenario, DS, BASE), ("imports", "price", "inventory"))
