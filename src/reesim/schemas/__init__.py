"""JSON Schemas of what the command line prints with ``--json``, shipped with the package.

Each ``--json`` output has one file, ``reesim/schemas/json/<name>.json`` (draft 2020-12), named
after its command (``run``, ``runs-list``, ``runs-show``, ``data-list``, ...; :data:`NAMES`).
``reesim schema NAME`` prints one; :func:`load` reads one from Python. They are built by
:mod:`reesim.schemas.outputs`.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from reesim.errors import InputError, Problem

#: The outputs that have a schema, in the order the docs list them.
NAMES = (
    "run", "compare", "runs-list", "runs-show", "data-list", "data-show", "scenarios-list",
    "sensitivity", "backtest", "calibrate", "check",
)  # fmt: skip


def text(name: str) -> str:
    """The shipped schema file of output ``name``; InputError (with the names) for another name."""
    if name not in NAMES:
        from reesim.dataset.parse import did_you_mean

        hint = did_you_mean(name, NAMES)
        if not hint.startswith("expected"):
            hint += f" (outputs: {', '.join(NAMES)})"
        raise InputError([Problem("NAME", None, name, "is not a command with a --json output", hint)])
    return (resources.files(__name__) / "json" / f"{name}.json").read_text(encoding="utf-8")


def load(name: str) -> dict[str, Any]:
    """The JSON Schema of output ``name`` as a dict."""
    schema: dict[str, Any] = json.loads(text(name))
    return schema
