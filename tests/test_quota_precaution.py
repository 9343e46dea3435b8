"""Precaution that fades under a standing export quota: an importer guards against the share of
its use a binding quota holds back only as far as it does not yet expect it (what it expects
follows that share over ``precaution_quota_fade_months``); licences and bans are guarded against
in full (reference kernel; the fast kernel agrees step by step in test_kernel_steps.py and on
the whole quota case in test_quota_rent.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from tests.strategies import BASE, DS

from reesim.kernel.reference import month_steps, run_reference
from reesim.kernel.state import Outputs
from reesim.model.compile import Inputs, compile_scenario
from reesim.model.dims import MATERIALS, OXIDE
from reesim.scenarios import resolve

JPN = BASE.dims.node("JPN")
CE = BASE.dims.elements.index("Ce")


def _with(inputs: Inputs, **values: float) -> Inputs:
    return replace(inputs, params={**inputs.params, **{k: np.array([v]) for k, v in values.items()}})


def _guard_and_expected(inputs: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """Japan's desired-cover multiple for Ce oxide and the quota's hold-back it expects, by month."""
    shape = (1, len(inputs.months), len(MATERIALS), BASE.dims.n_nodes, BASE.dims.n_elements)
    guard, seen = [], []
    for _, _, name, state, _ in month_steps(inputs, 1, Outputs.zeros(*shape)):
        if name == "prices":
            guard.append(float(state.guard[0, OXIDE, JPN, CE]))
            seen.append(float(state.quota_seen[0, JPN, CE]))
    return np.array(guard), np.array(seen)


def test_importers_run_down_the_cover_they_built_as_the_quotas_stand() -> None:
    """Under the 2010-2014 quotas (and the halt to Japan of 2010) Japan raises its cover for Ce
    oxide, to the most allowed (3 times the base), while the new quotas hold its asks back, and
    runs it down as it comes to expect them: over 2012 it is 1.42 times the base cover, back at
    the base from May, where a fade too slow to matter keeps it 1.97 times; by 2013 it is back
    at the base. What it expects stays within [0, 1]."""
    inputs = compile_scenario(resolve("quota-2010", DS), DS, BASE)
    months = list(inputs.months)
    guard, seen = _guard_and_expected(inputs)
    slow, _ = _guard_and_expected(_with(inputs, precaution_quota_fade_months=1e9))
    assert guard.max() > 2.5 and months[int(guard.argmax())] < "2012-01"
    year = {y: [i for i, m in enumerate(months) if m.startswith(y)] for y in ("2012", "2013", "2014")}
    assert 1.35 < guard[year["2012"]].mean() < 1.5 and slow[year["2012"]].mean() > 1.9
    assert np.allclose(guard[year["2012"][4:]], 1.0)
    assert np.allclose(guard[year["2013"] + year["2014"]], 1.0)
    assert seen.max() > 0.3 and (seen >= 0.0).all() and (seen <= 1.0).all()


def test_without_a_quota_the_fade_changes_nothing() -> None:
    """The April 2025 licences hold asks back, but no quota does: the importers' cover, and so
    every price, is the same whatever the fade's time."""
    inputs = compile_scenario(replace(resolve("april-2025", DS), months=12), DS, BASE)
    fast, slow = (run_reference(_with(inputs, precaution_quota_fade_months=m)) for m in (1.0, 60.0))
    assert np.array_equal(fast.price, slow.price) and np.array_equal(fast.unmet, slow.unmet)
