"""Generate the field reference of ``docs/scenarios.md`` from the scenario models.

Run ``python -m reesim.scenarios.docs --write docs/scenarios.md`` after changing a model; a test
checks the document is current and that every example below validates.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from reesim.scenarios.spec import INSTRUMENT_KINDS, ApprovalStep, Period, ScenarioFile

BEGIN, END = "<!-- BEGIN GENERATED FIELDS -->", "<!-- END GENERATED FIELDS -->"

#: One example per instrument kind (each is validated by the tests).
EXAMPLES: dict[str, str] = {
    "export_control": """\
- kind: export_control
  id: april-licences
  exporter: CHN
  elements: [Sm, Gd, Tb, Dy, Lu, Sc, Y]
  forms: [oxide, metal, magnet]
  exempt: [USA]
  start: 2025-04-04
  approval:
    - {from: 2025-04, share: 0.26, review_months: {dist: triangular, low: 1, mode: 1, high: 2}}
    - {from: 2025-07, share: 0.9}
  suspended: [{from: 2025-11-10, to: 2026-11-10}]""",
    "export_ban": """\
- kind: export_ban
  exporter: CHN
  forms: [ore, oxide, metal]
  destinations: [JPN]
  start: 2010-09-21
  end: 2010-11-20""",
    "export_quota": """\
- kind: export_quota
  exporter: CHN
  forms: [ore, oxide, metal]
  tonnes_per_yr: 15952
  start: 2010-07
  end: 2011-01""",
    "tariff": """\
- kind: tariff
  importers: [USA]
  exporter: CHN
  forms: [magnet]
  rate: 0.25
  start: 2026-01""",
    "price_floor": """\
- kind: price_floor
  material: oxide
  elements: [Nd, Pr]
  level_usd_per_kg: 110
  guarantor: US Department of Defense
  start: 2025-10
  end: 2035-10""",
    "offtake": """\
- kind: offtake
  project: mp-10x
  buyer: US Department of Defense
  start: 2028-01""",
    "stockpile": """\
- kind: stockpile
  holder: USA
  material: oxide
  elements: [Nd, Pr]
  target_t: 1800
  purchase_t_per_yr: 900
  release_shortfall: 0.1
  start: 2026-02""",
    "capacity_project": """\
- kind: capacity_project
  id: mp-10x
  facility: mp_10x           # from the dataset: country, stage, nameplate, start
  delay_months: {dist: triangular, low: 0, mode: 12, high: 36}
- kind: capacity_project
  id: new-separation
  node: AUS
  stage: separation
  nameplate_t_per_yr: {dist: normal, mean: 5000, sd: 1000}
  start: 2027-01
  ramp_months: 24
  capex_usd: 500000000
  opex_usd_per_kg: 40""",
    "investment_programme": """\
- kind: investment_programme
  budget_usd: 2000000000
  projects: [new-separation]
  rule: in_order
  start: 2025-10""",
    "demand_change": """\
- kind: demand_change
  sector: ev_traction
  region: [eu]
  growth_pct_per_yr: 8
  shock: -0.1
  start: 2027-01""",
    "substitution": """\
- kind: substitution
  sector: ev_traction
  share: 0.3
  lag_months: 36
  start: 2026-01""",
    "recycling": """\
- kind: recycling
  region: [eu, JPN]
  rate: 0.02
  start: 2027-01""",
}


_DISTS = {"Normal", "LogNormal", "Triangular", "Uniform", "Discrete"}


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
            names.insert(0, "number or distribution")
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
    for helper in (Period, ApprovalStep):
        out += [f"`{helper.__name__}`: {(helper.__doc__ or '').strip()}", "", *_table(helper), ""]
    for model in INSTRUMENT_KINDS:
        kind = model.model_fields["kind"].annotation.__args__[0]  # type: ignore[union-attr]
        out += [f"### `{kind}`", "", (model.__doc__ or "").strip(), "", *_table(model), ""]
        out += ["```yaml", EXAMPLES[kind], "```", ""]
    return "\n".join([*out, END])


def render(document: str) -> str:
    """``document`` with its generated block replaced by the current one."""
    head, _, rest = document.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return head + generated() + tail


def main(argv: list[str] | None = None) -> int:
    """``--write PATH`` refreshes the generated block of PATH; otherwise print it."""
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
