"""Checks of a scenario's ``parameters:`` overrides against the dataset's parameter table.

Each override must name a parameter of the dataset (with a "did you mean" hint otherwise) and
lie within the values the parameter can take (its sign, and 0-1 for a fraction). The checks read
the file's data as written, so they run beside the field checks and their problems are reported
together with them, even when other fields of the file are wrong.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import TypeAdapter, ValidationError

from reesim.errors import Problem
from reesim.language.fields import AnyNumber, Known, bounds_problem
from reesim.language.numbers import Number
from reesim.scenarios.yamlsafe import Located

_NUMBER: TypeAdapter[Any] = TypeAdapter(AnyNumber)


def at(located: Located, name: str, message: str, hint: str) -> Problem:
    """A problem at the override of parameter ``name``."""
    line, column = located.position(("parameters", name))
    return Problem(located.file, line, f"parameters.{name}", message, hint, column=column)


def parameter_problems(located: Located, known: Known) -> list[Problem]:
    """Unknown parameters and values outside their bounds, located at each override."""
    from reesim.dataset.parse import did_you_mean

    raw = located.data.get("parameters")
    if not isinstance(raw, dict):
        return []  # not a mapping: the field checks say so
    problems: list[Problem] = []
    for key, given in raw.items():
        name = str(key)
        if name not in known.parameters:
            hint = did_you_mean(name, sorted(known.parameters))
            problems.append(at(located, name, f"unknown parameter {name!r}", hint))
            continue
        try:
            value: Number = _NUMBER.validate_python(given)
        except ValidationError:
            continue  # not a number: the field checks say so
        lowest, highest, unit = known.parameter_bounds.get(name, (-math.inf, math.inf, ""))
        why = bounds_problem(value, lowest, highest)
        if why is not None:
            hint = f"{name} is in {unit}" if unit else "see `reesim data show parameters`"
            problems.append(at(located, name, f"{name} {why}", hint))
    return problems
