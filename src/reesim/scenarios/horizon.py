"""Warnings for instruments that fall outside the months a run simulates.

An instrument that starts after the run's last month, or ends (its ``end`` is exclusive) by the
run's first month, is valid but lies outside what is simulated: most often a typo in a year, a
horizon cut short (``--horizon``), or a parent scenario's measure that a child's period leaves
out. (A capacity project that starts after the horizon may still be financed, and brought
forward, within it, so "no effect" would not always be true.) It is not an error, so the run goes
ahead; :func:`outside_horizon` names it, its dates and the run's period, located in the file, for
the command line to print as a warning.
"""

from __future__ import annotations

from dataclasses import replace

from reesim.errors import Problem
from reesim.language.fields import before
from reesim.scenarios.load import Resolved


def _name(resolved: Resolved, index: int) -> str:
    inst = resolved.instruments[index]
    return f"{inst.kind} {inst.id!r}" if inst.id else f"{inst.kind} (instrument {index + 1})"


def outside_horizon(resolved: Resolved) -> list[Problem]:
    """One warning per instrument of ``resolved`` that starts after its horizon or ends by its start."""
    period = f"{resolved.start} to {resolved.horizon}"
    hint = "fix its dates, lengthen the run (horizon: or --horizon), or remove it"
    found: list[Problem] = []
    for n, inst in enumerate(resolved.instruments):
        name = _name(resolved, n)
        # a capacity project without start: takes its facility's, which the dataset gives
        if inst.start is not None and before(resolved.horizon, inst.start):
            message = f"{name} starts {inst.start}, after the run ends (it simulates {period})"
            found.append(replace(resolved.problem(n, ("start",), message, hint), severity="warning"))
        elif inst.end is not None and not before(resolved.start, inst.end):
            message = f"{name} ends {inst.end}, before the run starts (it simulates {period})"
            found.append(replace(resolved.problem(n, ("end",), message, hint), severity="warning"))
    return found
