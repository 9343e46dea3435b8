"""Generate the instrument kinds table and the field reference of ``docs/scenarios.md`` from the
scenario models and the registry of instrument kinds (:mod:`reesim.instruments`): each kind's
description, fields and example.

Run ``python -m reesim.scenarios.docs --write docs/scenarios.md`` after changing a model or a kind;
a test checks the document is current and that every kind's example validates.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from reesim.instruments.registry import kinds
from reesim.instruments.stockpile import ScheduledRelease
from reesim.scenarios.spec import ApprovalStep, Period, ScenarioFile

BEGIN, END = "<!-- BEGIN GENERATED FIELDS -->", "<!-- END GENERATED FIELDS -->"
KINDS_BEGIN, KINDS_END = "<!-- BEGIN GENERATED KINDS -->", "<!-- END GENERATED KINDS -->"

#: One example per instrument kind, from the registry (each is validated by the tests).
EXAMPLES: dict[str, str] = {kind.name: kind.example for kind in kinds()}


_DISTS = {"Normal", "LogNormal", "Triangular", "Uniform", "Discrete"}


def _bounds(options: list[dict[str, Any]]) -> str:
    """The allowed range of a number field, as the JSON Schema states it (`` 0-1``, `` >= 0``)."""
    number = next((o for o in options if o.get("type") == "number"), {})
    low, high = number.get("minimum"), number.get("maximum")
    if low is not None and high is not None:
        return f", {low:g} to {high:g}"
    if low is not None:
        return f", at least {low:g}"
    return ""


def _schema_type(prop: dict[str, Any]) -> str:
    """A short type name from a JSON Schema property."""
    if "$ref" in prop:
        name = str(prop["$ref"]).rsplit("/", 1)[-1]
        return "distribution" if name in _DISTS else name
    if "enum" in prop:
        return " / ".join(f"`{v}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    options = prop.get("anyOf") or prop.get("oneOf")
    if options:
        names = [_schema_type(o) for o in options]
        if "number" in names and any(n == "distribution" for n in names):
            names = [n for n in names if n not in {"number", "distribution"}]
            names.insert(0, "number or distribution" + _bounds(options))
        return " or ".join(dict.fromkeys(n for n in names if n != "null")) + (
            " (optional)" if "null" in names else ""
        )
    kind = str(prop.get("type", ""))
    if kind == "array":
        return f"list of {_schema_type(prop.get('items', {}))}"
    if kind == "object":
        values = prop.get("additionalProperties")
        return f"mapping to {_schema_type(values)}" if isinstance(values, dict) else "mapping"
    return {"string": "text", "number": "number", "integer": "integer", "boolean": "true/false"}.get(
        kind, kind
    )


def _table(model: type[BaseModel]) -> list[str]:
    props = model.model_json_schema(by_alias=True)["properties"]
    rows = ["| field | type | unit | default | description |", "|---|---|---|---|---|"]
    for name, info in model.model_fields.items():
        if name == "kind":
            continue
        shown = info.alias or name
        prop = props[shown]
        default = "required" if info.is_required() else f"`{prop.get('default')!r}`".replace("None", "none")
        kind = _schema_type(prop).replace("|", "/")
        if name == "instruments":
            kind = "list of instruments (below)"
        rows.append(f"| `{shown}` | {kind} | {prop.get('unit', '')} | {default} | {info.description or ''} |")
    return rows


def generated() -> str:
    """The generated block: the scenario file's fields, then each instrument's fields and example."""
    out = [BEGIN, "", "### The scenario file", "", *_table(ScenarioFile), ""]
    for helper in (Period, ApprovalStep, ScheduledRelease):
        out += [f"`{helper.__name__}`: {(helper.__doc__ or '').strip()}", "", *_table(helper), ""]
    for kind in kinds():
        out += [f"### `{kind.name}`", "", (kind.spec.__doc__ or "").strip(), "", *_table(kind.spec), ""]
        out += ["```yaml", kind.example, "```", ""]
    return "\n".join([*out, END])


def kinds_table() -> str:
    """The generated table of what each instrument kind does in the engine."""
    rows = ["| kind | effect in the engine |", "|---|---|"]
    rows += [f"| `{kind.name}` | {kind.description} |" for kind in kinds()]
    return "\n".join([KINDS_BEGIN, "", *rows, "", KINDS_END])


def _replace(document: str, begin: str, end: str, block: str) -> str:
    head, found, rest = document.partition(begin)
    if not found:
        return document
    _, _, tail = rest.partition(end)
    return head + block + tail


def render(document: str) -> str:
    """``document`` with its generated blocks (kinds table, field reference) replaced by current ones."""
    return _replace(_replace(document, KINDS_BEGIN, KINDS_END, kinds_table()), BEGIN, END, generated())


def main(argv: list[str] | None = None) -> int:
    """``--write PATH`` refreshes the generated blocks of PATH; otherwise print the field reference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args(argv)
    if args.write is None:
        sys.stdout.write(generated() + "\n")
        return 0
    args.write.write_text(render(args.write.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
