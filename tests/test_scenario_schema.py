"""The JSON Schema of scenario files names what the validator accepts: the dataset's elements,
places, sectors, facilities, sources and parameters (with their override ranges), months in the
allowed years; every shipped scenario and every kind's example is valid against it, and values
the validator refuses for their name or date are refused by the schema too."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
import yaml

from reesim.dataset import load_dataset
from reesim.instruments.registry import kinds
from reesim.language.fields import FIRST_YEAR, LAST_YEAR
from reesim.results.plain import strict
from reesim.scenarios import scenario_names, shipped_path
from reesim.scenarios.catalog import known_for
from reesim.scenarios.schema import MONTH_PATTERN, scenario_schema

DS = load_dataset()
KNOWN = known_for(DS)
SCHEMA = scenario_schema(DS)
DEFS = SCHEMA["$defs"]
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _consts(name: str) -> list[str]:
    return [o["const"] for o in DEFS[name]["oneOf"]]


def test_the_names_are_the_validators_names() -> None:
    assert _consts("Element") == list(KNOWN.elements)
    assert set(_consts("Country")) | set(_consts("Bloc")) == set(KNOWN.places)
    assert set(_consts("Bloc")) == set(DS.blocs["bloc"].astype(str)) and "eu" in _consts("Bloc")
    assert sorted(_consts("Sector")) == sorted([*KNOWN.sectors, "all"])
    assert set(_consts("Facility")) == set(KNOWN.facilities)
    assert set(_consts("Source")) == set(KNOWN.sources)
    titles = {o["const"]: o["title"] for o in DEFS["Element"]["oneOf"]}
    assert titles["Dy"] == "Dysprosium" and titles["Tb"] == "Terbium"
    assert {o["const"]: o["title"] for o in DEFS["Country"]["oneOf"]}["JPN"] == "Japan"


def test_parameters_state_their_override_ranges() -> None:
    props = SCHEMA["properties"]["parameters"]["properties"]
    assert set(props) == set(KNOWN.parameters)
    number = next(o for o in props["working_stock_months"]["anyOf"] if o.get("type") == "number")
    low, high, unit = KNOWN.parameter_bounds["working_stock_months"]
    stated = (number["minimum"], "maximum" in number, props["working_stock_months"]["unit"])
    assert stated == (low, False, unit)
    assert low == 0.0 and high == float("inf")
    assert SCHEMA["properties"]["parameters"]["additionalProperties"] is False


def test_fields_keep_units_descriptions_and_ranges() -> None:
    spec = DEFS["ExportControlSpec"]["properties"]
    assert spec["exporter"]["$ref"] == "#/$defs/Place" and spec["exporter"]["description"]
    assert spec["elements"]["items"] == {"$ref": "#/$defs/Element"}
    assert spec["start"]["$ref"] == "#/$defs/Month"
    number = next(o for o in spec["approval_share"]["anyOf"] if o.get("type") == "number")
    assert (number["minimum"], number["maximum"], spec["approval_share"]["unit"]) == (0, 1, "fraction")
    assert DEFS["ExportBanSpec"]["title"] == "Export ban" and DEFS["ExportBanSpec"]["x-effect"]
    assert "x-names" not in str(SCHEMA)
    refs = set(re.findall(r"'\$ref': '#/\$defs/(\w+)'", str(SCHEMA)))
    assert refs <= set(DEFS) and {"Element", "Place", "Sector", "Facility", "Source", "Month"} <= refs


@pytest.mark.parametrize(
    ("text", "valid"),
    [(f"{FIRST_YEAR}-01", True), (f"{FIRST_YEAR - 1}-12", False), (f"{LAST_YEAR}-12-31", True),
     (f"{LAST_YEAR + 1}-01", False), ("2025-13", False), ("2025-04-04", True), ("2025-4", False)],
)  # fmt: skip
def test_months_are_those_of_the_allowed_years(text: str, valid: bool) -> None:
    assert bool(re.match(MONTH_PATTERN, text)) is valid


def _plain(text: str) -> Any:
    return strict(yaml.safe_load(text))


@pytest.mark.parametrize("name", scenario_names())
def test_every_shipped_scenario_is_valid_against_the_schema(name: str) -> None:
    path = shipped_path(name)
    assert path is not None
    errors = [e.message for e in VALIDATOR.iter_errors(_plain(path.read_text(encoding="utf-8")))]
    assert errors == []


def test_every_kinds_example_is_valid_and_shown() -> None:
    mapping = SCHEMA["properties"]["instruments"]["items"]["discriminator"]["mapping"]
    for kind in kinds():
        example = _plain(kind.example)[0]
        assert DEFS[mapping[kind.name].rsplit("/", 1)[-1]]["examples"] == [example]
        scenario = {"name": "x", "start": "2025-01", "horizon": "2026-12", "instruments": [example]}
        assert [e.message for e in VALIDATOR.iter_errors(scenario)] == [], kind.name


@pytest.mark.parametrize(
    ("field", "value"),
    [("elements", ["Dyy"]), ("forms", ["ores"]), ("start", "2025-13"), ("start", "1989-12")],
)
def test_names_and_months_the_validator_refuses_are_refused(field: str, value: Any) -> None:
    ban = {"kind": "export_ban", "exporter": "CHN", "forms": ["oxide"], "start": "2025-03", field: value}
    scenario = {"name": "x", "start": "2025-01", "horizon": "2026-12", "instruments": [ban]}
    assert list(VALIDATOR.iter_errors(scenario)) != []
