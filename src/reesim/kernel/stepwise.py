"""The fast kernel's month, one named step at a time, from Python.

:func:`fast_steps` calls the fast kernel's step functions in the order of
:func:`reesim.kernel.fast_kernel.kernel` for one group of lanes and yields the state after
each, as :func:`reesim.kernel.reference.month_steps` does for the reference kernel; a test
compares the two step by step, so a disagreement names the step where it starts. With
``NUMBA_DISABLE_JIT=1`` the steps are plain Python: set a breakpoint in any of them, or in the
loop below, and step through a month.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from reesim.kernel import bundles
from reesim.kernel.fast import _compact_buffers
from reesim.kernel.fast_kernel import _write
from reesim.kernel.fast_market import prices
from reesim.kernel.fast_month import final_demand, limits, positions, rules, supply
from reesim.kernel.fast_respond import respond
from reesim.kernel.fast_settle import clear, keep, settle, stage
from reesim.kernel.fast_state import State, lane_params, new_now, new_scratch, new_state
from reesim.kernel.fast_trade import trade
from reesim.kernel.lanes import lane_count
from reesim.kernel.state import Outputs
from reesim.kernel.transit import transit
from reesim.model.compile import Inputs
from reesim.model.dims import MATERIALS


def fast_steps(inputs: Inputs, runs: int) -> Iterator[tuple[int, int, str, State, Any, Any]]:
    """Simulate ``runs`` runs (one group: at most the lane count) and yield ``(month, material,
    step, state, now, scratch)`` after every step (material -1 for the month's own steps)."""
    lanes = (0,) * lane_count(runs)
    if runs > len(lanes):
        raise ValueError(f"one group holds {len(lanes)} runs, not {runs}")
    n_n, t_n = inputs.base.dims.n_nodes, len(inputs.months)
    e_n, p_n, j_n = inputs.base.dims.n_elements, inputs.proj_node.size, len(inputs.sectors.names)
    out = Outputs.zeros(runs, t_n, len(MATERIALS), n_n, e_n, projects=p_n, sectors=j_n)
    b = bundles.build(inputs, runs, out, _compact_buffers(runs, 1, 1, 1, 1), np.zeros((1, n_n)), False)
    s, ctl, lim, proj, paths = b.s, b.ctl, b.lim, b.proj, b.paths
    rl = np.array([min(q, runs - 1) for q in range(len(lanes))], dtype=np.int64)
    with np.errstate(all="ignore"):
        par = lane_params(b.params, rl)
        state, now, scr = (
            new_state(lanes, rl, s, lim, proj, paths, par),
            new_now(lanes, s, ctl),
            new_scratch(lanes, s, b.series),
        )
        for t in range(t_n):
            rules(lanes, t, rl, ctl, now)
            yield t, -1, "rules", state, now, scr
            limits(lanes, t, rl, lim, par, state, now)
            yield t, -1, "limits", state, now, scr
            supply(lanes, t, rl, s, lim, proj, paths, par, state, now, scr)
            yield t, -1, "supply", state, now, scr
            final_demand(lanes, t, rl, s, paths, par, state, scr)
            yield t, -1, "final_demand", state, now, scr
            for k in range(len(s.yields)):
                positions(lanes, k, t, s, par, state, now, scr)
                yield t, k, "positions", state, now, scr
                trade(lanes, k, s, par, state, now, scr)
                yield t, k, "trade", state, now, scr
                if s.lagged:
                    transit(lanes, k, t, s, state, scr)
                yield t, k, "transit", state, now, scr
                settle(lanes, k, s, par, state, scr)
                yield t, k, "settle", state, now, scr
                stage(lanes, k, t, rl, s, paths, state, scr)
                yield t, k, "stage", state, now, scr
                keep(lanes, k, s, state, scr)
                yield t, k, "keep", state, now, scr
                respond(lanes, k, s, par, state, now, scr)
                yield t, k, "respond", state, now, scr
                _write(lanes, 0, runs, k, t, s, state, scr, b.full)
                clear(lanes, scr)
            prices(lanes, s, par, state, scr)
            yield t, -1, "prices", state, now, scr
