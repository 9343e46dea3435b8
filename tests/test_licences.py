"""Licences keep binding: the approved share limits re-routed orders as well as first asks, and
a review ending partway through a month licenses the rest of that month (reference kernel; the
fast kernel agrees step by step in test_kernel_steps.py)."""

from __future__ import annotations

import numpy as np
from tests.strategies import BASE, DS

from reesim.kernel.reference import month_steps, run_reference
from reesim.kernel.state import Outputs
from reesim.model.compile import compile_scenario
from reesim.model.controls import after_review
from reesim.model.scenario import ExportControl, Scenario

MAGNET = 3
USA, CHN = BASE.dims.node("USA"), BASE.dims.node("CHN")


def _us_control(share: float, review: float = 0.0, months: int = 36) -> Scenario:
    control = ExportControl(
        exporter="CHN", materials=("oxide", "metal", "magnet"), destinations=("USA",),
        start="2025-04", end="2028-01", approval_share=share, review_months=review,
    )  # fmt: skip
    return Scenario("us-licence", start="2025-01", months=months, instruments=(control,))


def test_shipments_from_the_controller_stay_within_the_approved_share() -> None:
    """Each month China's magnet shipments to the US are at most 0.07 of what the US asks of it:
    its first ask (request x base share); nothing is re-routed to an exporter under licence."""
    inputs = compile_scenario(_us_control(0.07), DS, BASE)
    shares = BASE.shares[MAGNET, USA, CHN]
    checked = 0
    out = Outputs.zeros(1, 36, 4, BASE.dims.n_nodes, BASE.dims.n_elements)
    for t, k, step, _, row in month_steps(inputs, 1, out):
        if step == "trade" and k == MAGNET and t >= 3:
            asked = row.request[0, USA] * shares
            assert (row.ship[0, USA, CHN] <= 0.07 * asked + 1e-9).all(), t
            checked += int(row.ship[0, USA, CHN].sum() > 0)
    assert checked > 20  # China ships something to the US, within its licence, month after month


def test_a_lasting_licence_keeps_the_us_short() -> None:
    """Held at 0.07 from April 2025 to the end of 2027, the licence keeps the US short of magnets
    for as long as it lasts: re-routing to China cannot take the unlicensed part."""
    out = run_reference(compile_scenario(_us_control(0.07), DS, BASE))
    short = out.unmet[0, :, MAGNET, USA].sum(axis=1) / out.demand[0, :, MAGNET, USA].sum(axis=1)
    assert short[:3].max() == 0.0
    assert short[7:].min() > 0.25  # from August 2025 to December 2027, every month
    assert np.median(short[9:]) > 0.4  # and near half from October 2025


def test_part_of_a_month_after_the_review() -> None:
    """A control from month 4: a review of one month licenses nothing in month 4 and all of month
    5; a quarter of a month licenses three quarters of month 4; 1.01 months 99% of month 5."""
    assert after_review(4, 4, 1.0) == 0.0 and after_review(5, 4, 1.0) == 1.0
    assert float(after_review(4, 4, 0.25)) == 0.75
    assert abs(float(after_review(5, 4, 1.01)) - 0.99) < 1e-12


def test_outputs_are_continuous_in_the_review() -> None:
    """A review of 1.01 months licenses 99% of the share in its second month, not nothing."""
    a = run_reference(compile_scenario(_us_control(0.5, 1.0, 12), DS, BASE))
    b = run_reference(compile_scenario(_us_control(0.5, 1.01, 12), DS, BASE))
    for name in ("imports", "unmet", "inventory"):
        x, y = getattr(a, name), getattr(b, name)
        assert np.abs(x - y).max() <= 0.02 * max(1.0, float(np.abs(x).max())), name


def test_asking_for_more_under_a_licence_does_not_get_more() -> None:
    """Held at 0.3, a licence keeps the US short from late 2025: a licence approves its share of
    the order for end uses and the base working stock, so raising the desired cover (precaution
    under a licence) asks for more but is not licensed more."""
    out = run_reference(compile_scenario(_us_control(0.3), DS, BASE))
    short = out.unmet[0, :, MAGNET, USA].sum(axis=1) / out.demand[0, :, MAGNET, USA].sum(axis=1)
    assert np.median(short[9:]) > 0.1  # October 2025 to December 2027
