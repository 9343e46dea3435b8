"""Strict JSON for every ``--json`` output of the command line.

Python's :mod:`json` writes ``NaN`` and ``Infinity`` by default, which strict parsers (a
browser's ``JSON.parse``, ``jq``) reject. Every command that prints JSON goes through
:func:`dumps`: not-a-number and never are ``null``, NumPy scalars are plain numbers, paths are
strings, and NaN left anywhere fails loudly (``allow_nan=False``) instead of printing
``NaN``. :func:`headline_json` gives the headline with its months as ``YYYY-MM`` labels, where
the headline itself (and the results store, which reads it back) keeps month indices.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import asdict
from pathlib import PurePath
from typing import Any

import numpy as np

from reesim.results.headline import Headline, Spread

#: Headline figures that are months (indices into the horizon; inf or nan: never, or no shortfall).
MONTH_FIGURES = frozenset({"first_shortfall", "peak_month", "stockpile_depleted"})


def strict(value: Any) -> Any:
    """``value`` as plain JSON data: non-finite floats become None, recursively; NumPy scalars
    and arrays become numbers and lists; paths and dates become strings."""
    if isinstance(value, np.ndarray):
        return strict(value.tolist())
    if isinstance(value, np.generic):
        return strict(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict(v) for v in value]
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def dumps(value: Any, indent: int | None = None) -> str:
    """``value`` as strict JSON text (see :func:`strict`)."""
    return json.dumps(strict(value), allow_nan=False, ensure_ascii=False, indent=indent)


def month_label(months: list[str], index: float) -> str | None:
    """The ``YYYY-MM`` label of a month index into ``months`` (None: never, or not a number)."""
    if not math.isfinite(index):
        return None
    return months[min(max(round(index), 0), len(months) - 1)]


def _spread(spread: Spread, months: list[str] | None = None) -> dict[str, Any]:
    values = asdict(spread)
    if months is None:
        return strict(values)  # type: ignore[no-any-return]
    return {k: month_label(months, float(v)) for k, v in values.items()}


def headline_json(head: Headline) -> dict[str, Any]:
    """The headline as strict JSON data: month figures (first shortfall, peak month, stockpile
    used up, the allied chain's independence, the first trade measure) as ``YYYY-MM`` labels
    or null, every other figure a number or null."""
    months = list(head.months)
    rows = []
    for row in head.rows:
        data: dict[str, Any] = {"place": row.place, "item": row.item}
        for name, value in vars(row).items():
            if isinstance(value, Spread):
                data[name] = _spread(value, months if name in MONTH_FIGURES else None)
        data["not_built"] = {k: _spread(v) for k, v in row.not_built.items()}
        rows.append(data)
    out: dict[str, Any] = {
        "months": months,
        "runs": int(head.runs),
        "independence": _spread(head.independence, months),
        "reference": month_label(months, head.reference),
        "probabilities": strict(dict(head.probabilities)),
        "rows": rows,
    }
    if head.central_run is not None:
        central = head.central_run.to_dict()
        for d in central.get("central_vs_median") or []:
            if d["figure"] in MONTH_FIGURES:
                d["central"], d["median"] = (month_label(months, d[k]) for k in ("central", "median"))
        out["central_run"] = strict(central)
    if head.floor_cost is not None:
        out["floor_cost"] = _spread(head.floor_cost)
    if head.stockpile_cost is not None:
        out["stockpile_cost"] = _spread(head.stockpile_cost)
    if head.stands_alone:
        out["stands_alone"] = {st: {k: _spread(v, months) for k, v in items.items()}
                               for st, items in head.stands_alone.items()}  # fmt: skip
    return out
