"""The fuzz suite's time budget: each case must finish within :data:`BUDGET_S` seconds, or it
fails as a hang (a case takes milliseconds; the budget leaves room for a busy machine)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from types import FrameType

import pytest

#: Seconds one case may take before it is failed as a hang.
BUDGET_S = 30


@pytest.fixture(autouse=True)
def time_budget(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the running case once it has taken :data:`BUDGET_S` seconds (an alarm signal, so that
    a loop that never returns is stopped too)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def over(signum: int, frame: FrameType | None) -> None:
        pytest.fail(f"{request.node.name} took more than {BUDGET_S} s: a hang or a blow-up", pytrace=False)

    previous = signal.signal(signal.SIGALRM, over)
    signal.setitimer(signal.ITIMER_REAL, BUDGET_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
