"""The JSON Schema (draft 2020-12) of every ``--json`` output of the command line, built here
and shipped as files in ``reesim/schemas/json/``.

The pieces several outputs share (a P10/P50/P90 spread, a month label, the headline, what the
central run is) are written once below; each shipped file is self-contained, so a user's
validator needs no reference resolution. The schemas are strict: every object lists its
properties and refuses others (``additionalProperties: false``) unless its keys are data (the
products of ``not_built``, the columns of a dataset table), months are ``YYYY-MM`` labels,
numbers are JSON numbers (no NaN or Infinity exists in JSON; ``null`` stands for them), and
counts are integers. After changing an output, change its schema here and run
``python -m reesim.schemas.outputs --write``; a test keeps the files in step with this module
and validates every command's real output against its file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

Schema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"

MONTH: Schema = {"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": "a month, YYYY-MM"}
MONTH_OR_NULL: Schema = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}$"}
NUMBER_OR_NULL: Schema = {"type": ["number", "null"]}
TEXT: Schema = {"type": "string"}
TEXT_OR_NULL: Schema = {"type": ["string", "null"]}
COUNT: Schema = {"type": "integer", "minimum": 0}
RUN_ID: Schema = {"type": "string", "pattern": "^[0-9a-f]{8}$", "description": "a stored run's id"}
TIMESTAMP: Schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$"}


def obj(properties: dict[str, Schema], optional: tuple[str, ...] = (), **extra: Any) -> Schema:
    """An object with exactly ``properties`` (all required but ``optional``), nothing else."""
    required = [name for name in properties if name not in optional]
    return {"type": "object", "properties": properties, "required": required,
            "additionalProperties": False, **extra}  # fmt: skip


def array(items: Schema, **extra: Any) -> Schema:
    """A list of ``items``."""
    return {"type": "array", "items": items, **extra}


def mapping(values: Schema, **extra: Any) -> Schema:
    """An object whose keys are data (names of products, columns, ...) and values ``values``."""
    return {"type": "object", "additionalProperties": values, **extra}


def spread(value: Schema = NUMBER_OR_NULL, description: str = "") -> Schema:
    """P10, P50 and P90 over the runs (all three equal for one run)."""
    out = obj({"p10": value, "p50": value, "p90": value})
    return {**out, "description": description} if description else out


# --- the headline (reesim run, runs show, compare) ---------------------------------------------

ROW = obj(
    {
        "place": TEXT,
        "item": {"type": "string", "description": "magnets, or an element symbol"},
        "first_shortfall": spread(MONTH_OR_NULL, "first month with over 0.5% of demand unmet (null: never)"),
        "peak_shortfall": spread(description="largest unmet share of demand in any month (0-1)"),
        "peak_month": spread(MONTH_OR_NULL, "month of the peak (null: no shortfall)"),
        "cumulative_unmet_t": spread(description="t REO-equivalent of final demand not met"),
        "lowest_cover_months": spread(description="smallest working stock of magnets, months of demand"),
        "stockpile_depleted": spread(MONTH_OR_NULL, "month a strategic stockpile falls to 1% of its peak"),
        "price_multiple": spread(description="highest price outside China over the base year's"),
        "plants_stopped": spread(
            description="sector-months with more of a final-use sector's magnet demand unmet than the "
            "plant_stop_shortfall parameter (magnets; null: not computed)"
        ),
        "not_built": mapping(spread(), description="end products not built, per product (units)"),
    },
    optional=("plants_stopped",),
)

INDICATORS = obj(
    {
        "months": array(MONTH, minItems=1, description="the months simulated"),
        "runs": {**COUNT, "minimum": 1},
        "independence": spread(MONTH_OR_NULL, "month from which the chain outside China stands alone"),
        "reference": {**MONTH_OR_NULL, "description": "month of the first trade measure (null: none)"},
        "probabilities": mapping({"type": "number", "minimum": 0, "maximum": 1},
                                 description="chances of outcomes over the runs (empty for one run)"),
        "rows": array(ROW),
        "floor_cost": spread(description="what price floors paid their producers over the horizon, USD"),
        "stockpile_cost": spread(
            description="what strategic stockpiles paid for their purchases over the horizon, USD (absent: "
            "not computed, as in series stored without it)"
        ),
        "stands_alone": mapping(
            mapping(spread(MONTH_OR_NULL)),
            description="month from which production outside China covers use there for the rest of the "
            "horizon (null: not within it), per stage ('all': every stage) and per element and magnet grade",
        ),
    },
    optional=("floor_cost", "stockpile_cost", "stands_alone"),
)  # fmt: skip

DIFFERENCE = obj(
    {
        "place": TEXT,
        "item": TEXT,
        "figure": TEXT,
        "central": {"type": ["number", "string", "null"], "pattern": r"^\d{4}-\d{2}$"},
        "median": {"type": ["number", "string", "null"], "pattern": r"^\d{4}-\d{2}$"},
        "margin": {"type": "number"},
    }
)

CENTRAL_RUN = {
    **obj(
        {
            "values": {"const": "median"},
            "statement": TEXT,
            "runs": {**COUNT, "minimum": 1},
            "margins": mapping({"type": "number"}),
            "central_vs_median": {"oneOf": [array(DIFFERENCE), {"type": "null"}],
                                  "description": "figures beyond their margin (null for a single run)"},
        }
    ),
    "type": ["object", "null"],
}  # fmt: skip

RUN_PROPERTIES: dict[str, Schema] = {
    "run_id": RUN_ID,
    "scenario": TEXT,
    "seed": COUNT,
    "runs": {**COUNT, "minimum": 1},
    "report": {**TEXT_OR_NULL, "description": "the HTML report (null: none written)"},
    "report_error": {**TEXT_OR_NULL, "description": "why the report could not be written (null: it was)"},
    "central_run": CENTRAL_RUN,
    "indicators": INDICATORS,
}

# --- each command's output ---------------------------------------------------------------------

RUNS_SHOW_PROPERTIES: dict[str, Schema] = {
    "run_id": RUN_ID,
    "scenario": TEXT,
    "title": TEXT,
    "created": TIMESTAMP,
    "runs": {**COUNT, "minimum": 1},
    "seed": COUNT,
    "months": {**COUNT, "minimum": 1},
    "package_version": TEXT,
    "dataset_version": TEXT,
    "environment": mapping(TEXT, description="versions of Python and the libraries the run used"),
    "timings": mapping({"type": ["number", "string"]}, description="seconds per step, and the kernel"),
    "tables": array(TEXT),
    "report": TEXT_OR_NULL,
    "report_error": {**TEXT_OR_NULL, "description": "why the report could not be written (null: it was)"},
    "central_run": CENTRAL_RUN,
    "indicators": INDICATORS,
}

STORED_RUN = obj(
    {"id": RUN_ID, "created": TIMESTAMP, "scenario": TEXT, "title": TEXT, "runs": {**COUNT, "minimum": 1},
     "seed": COUNT, "months": {**COUNT, "minimum": 1}, "report": TEXT_OR_NULL, "report_error": TEXT_OR_NULL}
)  # fmt: skip

COVERAGE = obj(
    {"table": TEXT, "rows": COUNT, "years": TEXT, "places": COUNT, "reported": COUNT, "derived": COUNT,
     "assumption": COUNT, "description": TEXT}
)  # fmt: skip

SOURCE = obj({"source_id": TEXT, "publisher": TEXT, "title": TEXT, "year": TEXT, "url": TEXT})

CELL: Schema = {"type": ["string", "number", "boolean", "null"]}

SCENARIO = obj(
    {"name": TEXT, "title": TEXT, "start": MONTH, "horizon": MONTH, "instruments": COUNT,
     "builds_on": array(TEXT, description="the scenarios it extends, nearest first")}
)  # fmt: skip

_FACTOR = {"factor": TEXT, "low": {"type": "number"}, "high": {"type": "number"},
           "indicator_at_low": NUMBER_OR_NULL, "indicator_at_high": NUMBER_OR_NULL}  # fmt: skip
FACTOR: Schema = {
    "oneOf": [
        obj({**_FACTOR, "mu_star": NUMBER_OR_NULL, "sigma": NUMBER_OR_NULL}, description="Morris"),
        obj({**_FACTOR, "S1": NUMBER_OR_NULL, "ST": NUMBER_OR_NULL}, description="Sobol"),
    ]
}

PERIOD: Schema = {"type": "string", "pattern": r"^\d{4}(-\d{2})?$", "description": "a year or a month"}
MOVE: Schema = {"type": "array", "prefixItems": [PERIOD, NUMBER_OR_NULL], "items": False,
                "minItems": 2, "description": "period and index of the extreme"}  # fmt: skip
SERIES_FIT = obj(
    {
        "case": TEXT, "key": TEXT, "label": TEXT, "periods": array(PERIOD),
        "observed": array(NUMBER_OR_NULL), "simulated": array(NUMBER_OR_NULL), "calibrated": array(PERIOD),
        "reference": TEXT, "sources": array(TEXT),
        "direction_observed": {"enum": [-1, 0, 1]}, "direction_simulated": {"enum": [-1, 0, 1]},
        "move_observed": MOVE, "move_simulated": MOVE, "timing_error": {"type": "integer"},
        "size_ratio": NUMBER_OR_NULL, "error_out_of_sample": NUMBER_OR_NULL,
    }
)  # fmt: skip
CRITERION = obj(
    {"case": TEXT, "series": TEXT, "name": TEXT, "rule": TEXT,
     "observed": {"type": ["number", "string", "null"]}, "simulated": {"type": ["number", "string", "null"]},
     "passed": {"type": ["boolean", "null"]}, "note": TEXT, "verdict": {"enum": ["pass", "miss", "no data"]}}
)  # fmt: skip
STOPPAGE = obj(
    {"case": TEXT, "place": TEXT, "observed": MONTH, "what": TEXT, "source_id": TEXT,
     "simulated": MONTH_OR_NULL, "lowest_cover_months": NUMBER_OR_NULL,
     "sectors_short": array(TEXT, description="final-use sectors short in the observed month"),
     "cover_then_months": NUMBER_OR_NULL}
)  # fmt: skip

CLAIM = obj(
    {
        "sentence": TEXT,
        "span": {"type": "string", "description": "the part of the sentence the claim was read from"},
        "kind": {"enum": ["share", "money", "price", "quantity", "change", "rank", "event", "duration"]},
        "value": {"type": ["number", "string"], "pattern": r"^(\d{4}-\d{2}(-\d{2})?)?$",
                  "description": "a fraction, USD, USD/kg, tonnes, months or a rank; for an event its "
                  "month (empty when the article gives none)"},
        "unit": TEXT,
        "verdict": {"enum": ["supported", "partly supported", "contradicted", "not covered"]},
        "figure": TEXT,
        "source": TEXT,
        "context": obj({"qualifier": {"enum": ["over", "about", "under", ""]}, "places": array(TEXT),
                        "elements": array(TEXT), "stage": TEXT, "event": TEXT, "topic": TEXT,
                        "names": array(TEXT), "until": TEXT, "destinations": array(TEXT)}),
    }
)  # fmt: skip

#: Output name -> (the command that prints it, the schema of what it prints).
OUTPUTS: dict[str, tuple[str, Schema]] = {
    "run": ("reesim run SCENARIO --json", obj(RUN_PROPERTIES)),
    "compare": ("reesim compare A B ... --json", obj({
        "report": {**TEXT, "description": "the comparison report written"},
        "runs": array(obj({**RUN_PROPERTIES, "title": TEXT}), minItems=2,
                      description="each scenario's run, in the order given"),
    })),
    "runs-list": ("reesim runs list --json", obj({"store": TEXT, "runs": array(STORED_RUN)})),
    "runs-show": ("reesim runs show ID --json", obj(RUNS_SHOW_PROPERTIES)),
    "data-list": ("reesim data list --json", obj({"version": TEXT, "tables": array(COVERAGE)})),
    "data-show": ("reesim data show TABLE --format json", obj({
        "table": TEXT,
        "rows": array(mapping(CELL, propertyNames={"pattern": "^[a-z][a-z0-9_]*$"}),
                      description="the table's rows, by column (years and counts as integers)"),
        "sources": array(SOURCE),
    })),
    "scenarios-list": ("reesim scenarios list --json", obj({"scenarios": array(SCENARIO)})),
    "sensitivity": ("reesim sensitivity SCENARIO --indicator NAME --json", obj({
        "indicator": TEXT, "method": {"enum": ["morris", "sobol"]}, "runs": COUNT,
        "factors": array(FACTOR, description="most influential first"),
    })),
    "backtest": ("reesim backtest --json", obj({
        "series": array(SERIES_FIT), "criteria": array(CRITERION), "stoppages": array(STOPPAGE),
    })),
    "calibrate": ("reesim calibrate --json", obj({
        "passed": {**COUNT, "description": "price criteria passed by the best set found"},
        "log_error": {"type": "number", "description": "its summed log error over the criteria"},
        "criteria": COUNT, "tried": COUNT, "kept": {**COUNT, "description": "moves kept"},
        "rules_failed": {"type": ["array", "null"], "items": TEXT,
                         "description": "the fit's rules that fail on it; null if not checked"},
        "values": mapping({"type": "number"}, description="the best set: market parameter -> value"),
    })),
    "check": ("reesim check ARTICLE --json", obj({
        "language": {"enum": ["zh", "en"]},
        "date": {"type": "string", "description": "the article's date as far as known, and how it was found"},
        "how": {"enum": ["option", "dateline", "inferred", "unknown"]},
        "claims": array(CLAIM),
        "scenario": {**TEXT_OR_NULL, "description": "the drafted scenario (YAML), null if none"},
    })),
}  # fmt: skip


def schema(name: str) -> Schema:
    """The complete JSON Schema document of output ``name`` (a key of :data:`OUTPUTS`)."""
    command, body = OUTPUTS[name]
    return {"$schema": DRAFT, "title": f"reesim {name} output", "description": f"What `{command}` prints.",
            **body}  # fmt: skip


def text(name: str) -> str:
    """The shipped file's text for output ``name``."""
    return json.dumps(schema(name), indent=2, ensure_ascii=False) + "\n"


def write(folder: Path) -> list[Path]:
    """Write every output's schema to ``folder/<name>.json``."""
    paths = []
    for name in OUTPUTS:
        path = folder / f"{name}.json"
        path.write_text(text(name), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m reesim.schemas.outputs --write")
    for written in write(Path(__file__).parent / "json"):
        print(written)
