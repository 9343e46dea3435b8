"""Draft a scenario file from the dated events an article describes.

China's export controls, bans and quotas become instruments (controls use the dataset's
default licence approval share and review delay, marked as assumptions); a suspension named
after them suspends them from its month. The draft starts in January of the first event's year
and runs three years; it is validated with the scenario language before it is returned.

A measure the article mentions more than once (same kind, month and elements) becomes one
instrument. At most :data:`MAX_MEASURES` instruments are drafted, the earliest; the description
says how many more the article names.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from reesim.check.extract import Claim
from reesim.dataset.model import Dataset

_TRADE = {"export_control", "export_ban"}

#: Most instruments in a drafted scenario.
MAX_MEASURES = 50


def draft(claims: list[Claim], name: str, ds: Dataset, source: str) -> str | None:
    """The scenario YAML text, or None when the article names no dated trade measure."""
    events = [c for c in claims if c.kind == "event" and (not c.places or "CHN" in c.places)]
    measures = [c for c in events if c.event in _TRADE]
    if not measures:
        return None
    suspensions = sorted(str(c.value) for c in events if c.event == "suspension")
    first = min(str(c.value) for c in measures)
    once: dict[tuple[str, str, tuple[str, ...]], Claim] = {}
    for c in measures:
        once.setdefault((c.event, str(c.value), tuple(c.elements)), c)
    unique = sorted(once.values(), key=lambda c: str(c.value))
    instruments: list[dict[str, Any]] = []
    for n, c in enumerate(unique[:MAX_MEASURES]):
        inst: dict[str, Any] = {
            "kind": c.event,
            "id": f"measure-{n + 1}",
            "note": f"From the article: {c.sentence}",
            "exporter": "CHN",
            "forms": ["oxide", "metal", "magnet"],
            "start": str(c.value),
        }
        if c.elements:
            inst["elements"] = list(c.elements)
        if c.event == "export_control":
            inst["approval_share"] = ds.parameter("licence_approval_share")
            inst["review_months"] = ds.parameter("licence_review_months")
            inst["note"] += " (approval share and review delay: dataset defaults, an assumption)"
        later = [s for s in suspensions if s > str(c.value)]
        if later:
            inst["suspended"] = [{"from": later[0]}]
        instruments.append(inst)
    year = int(first[:4])
    description = (
        "Drafted by `reesim check` from a news article: review every instrument before relying on it."
    )
    if len(unique) > MAX_MEASURES:
        description += f" The article names {len(unique) - MAX_MEASURES} later measures, left out here."
    slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "article"
    data = {
        "name": f"article-{slug}"[:60],
        "title": f"Events described in {source}",
        "description": description,
        "start": f"{year}-01",
        "horizon": f"{year + 2}-12",
        "instruments": instruments,
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
