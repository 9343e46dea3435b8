"""The JSON Schema of scenario files, with the dataset's names in it.

pydantic writes the schema from :class:`~reesim.scenarios.spec.ScenarioFile`: every field's title,
description, unit (``unit``) and range (``minimum``, ``maximum``). The field types that name
something in the dataset (elements, places, sectors, facilities, sources) or a month carry a mark
(``x-names``, :class:`~reesim.language.fields.Named`); :func:`scenario_schema` replaces each mark
by a reference to a definition listing the allowed names with a readable title each
(``{"const": "Dy", "title": "Dysprosium"}``). The names come from the same
:class:`~reesim.language.fields.Known` the validators check against, so the schema and the
validator cannot disagree. Each instrument kind's definition also states what it does in the
engine (``x-effect``) and an example (``examples``), from the registry of kinds.

Editors use it for completion (``reesim schema``); the dashboard's scenario builder generates its
forms from it (``/api/schema``).
"""

from __future__ import annotations

from typing import Any

from reesim.dataset.model import Dataset
from reesim.language.fields import FIRST_YEAR, LAST_YEAR, Known

#: A month or a day in the years a scenario may name, FIRST_YEAR to LAST_YEAR (a test holds the
#: pattern to them; the validator also checks that the day exists).
MONTH_PATTERN = r"^(199[0-9]|20[0-9]{2}|2100)-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$"


def _names(title: str, description: str, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """A definition allowing the values of ``pairs``, each with its title."""
    choices = [{"const": value, "title": label} for value, label in pairs]
    return {"title": title, "description": description, "type": "string", "oneOf": choices}


def _labels(frame: Any, key: str, label: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in zip(frame[key], frame[label], strict=True)}


def _name_defs(known: Known, ds: Dataset) -> dict[str, dict[str, Any]]:
    """The definitions the marks point to: each set of names with their titles."""
    country = _labels(ds["countries"], "iso3", "name")
    element = _labels(ds.elements, "symbol", "name")
    facility = _labels(ds["facilities"], "facility_id", "name")
    sources = ds.sources
    source = {str(i): f"{p}: {t}" for i, p, t in zip(sources["source_id"], sources["publisher"],
                                                     sources["title"], strict=True)}  # fmt: skip
    members: dict[str, list[str]] = {}
    for bloc, iso3 in zip(ds.blocs["bloc"].astype(str), ds.blocs["iso3"].astype(str), strict=True):
        members.setdefault(bloc, []).append(iso3)
    products: dict[str, list[str]] = {}
    for sector, product in zip(ds["end_products"]["sector"], ds["end_products"]["product"], strict=True):
        products.setdefault(str(sector), []).extend([str(product)] if product else [])
    blocs = sorted(p for p in known.places if p in members)
    places = sorted(p for p in known.places if p not in members)
    sectors = [
        (s, f"{s} ({', '.join(products[s])})" if products.get(s) else s) for s in sorted(known.sectors)
    ]
    own_bloc = {"title": "Bloc of this scenario", "type": "string", "pattern": r"^[A-Za-z0-9_-]+$",
                "description": "A bloc defined in the scenario's own `blocs`"}  # fmt: skip
    place = ["Country", "Bloc", "OwnBloc"]
    return {
        "Element": _names("Element", "A rare earth element by its symbol",
                          [(e, element.get(e, e)) for e in known.elements]),
        "Country": _names("Country", "An ISO3 country code or a model node",
                          [(c, country.get(c, c)) for c in places]),
        "Bloc": _names("Bloc", "A bloc of the dataset's blocs table (its members in brackets)",
                       [(b, f"{b} ({', '.join(members[b])})") for b in blocs]),
        "OwnBloc": own_bloc,
        "Place": {"title": "Place", "description": "A country, a model node or a bloc",
                  "anyOf": [{"$ref": f"#/$defs/{name}"} for name in place]},
        "Sector": _names("Sector", "A sector of the end_products table, or all",
                         [*sectors, ("all", "all sectors")]),
        "Facility": _names("Facility", "A facility of the dataset's facilities table",
                           [(f, facility.get(f, f)) for f in sorted(known.facilities)]),
        "Source": _names("Source", "A source of the dataset's sources table",
                         [(s, source.get(s, s)) for s in sorted(known.sources)]),
        "Month": {"title": "Month", "type": "string", "format": "month", "pattern": MONTH_PATTERN,
                  "description": f"YYYY-MM or YYYY-MM-DD, from {FIRST_YEAR} to {LAST_YEAR}; "
                  "the model steps monthly"},
    }  # fmt: skip


def _replace_marks(node: Any) -> Any:
    """``node`` with every ``x-names`` mark made a ``$ref`` (keeping title, description, unit)."""
    if isinstance(node, list):
        return [_replace_marks(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _replace_marks(v) for k, v in node.items()}
    name = out.pop("x-names", None)
    if name is not None:
        out.pop("type", None)
        out = {"$ref": f"#/$defs/{name}", **out}
    return out


def _parameters(known: Known, ds: Dataset, raw: dict[str, Any]) -> dict[str, Any]:
    """``parameters`` with one property per dataset parameter: its unit, description and the
    range an override may take (the validator's :func:`~reesim.language.fields.parameter_bounds`)."""
    table = ds["parameters"].set_index("name")
    number = raw["additionalProperties"]
    props: dict[str, Any] = {}
    for name in sorted(known.parameters):
        low, high, unit = known.parameter_bounds.get(name, (float("-inf"), float("inf"), ""))
        bounds = {k: v for k, v in (("minimum", low), ("maximum", high)) if abs(v) != float("inf")}
        options = [{**o, **bounds} if o.get("type") == "number" else o for o in number["anyOf"]]
        known_row = name in table.index
        props[name] = {"anyOf": options, "title": name, "unit": unit,
                       "description": str(table.at[name, "description"]) if known_row else "",
                       "default": float(str(table.at[name, "default"])) if known_row else None}  # fmt: skip
    return {**raw, "properties": props, "additionalProperties": False}


def scenario_schema(ds: Dataset | None = None) -> dict[str, Any]:
    """The JSON Schema of scenario files with the names of ``ds`` (the bundled dataset by default)."""
    from reesim.dataset.model import load_dataset
    from reesim.instruments.registry import kinds
    from reesim.scenarios.catalog import known_for
    from reesim.scenarios.spec import ScenarioFile

    ds = ds or load_dataset()
    known = known_for(ds)
    schema: dict[str, Any] = _replace_marks(ScenarioFile.model_json_schema(by_alias=True))
    defs = schema.setdefault("$defs", {})
    defs.update(_name_defs(known, ds))
    schema["properties"]["parameters"] = _parameters(known, ds, schema["properties"]["parameters"])
    mapping = schema["properties"]["instruments"]["items"]["discriminator"]["mapping"]
    for kind in kinds():
        spec = defs[mapping[kind.name].rsplit("/", 1)[-1]]
        spec["title"] = kind.name.replace("_", " ").capitalize()
        spec["x-effect"] = kind.description
        spec["examples"] = [_example(kind.example)]
    return schema


def _example(text: str) -> Any:
    """A kind's YAML example (a list of one item) as plain data."""
    import yaml

    from reesim.results.plain import strict

    return strict(yaml.safe_load(text)[0])
