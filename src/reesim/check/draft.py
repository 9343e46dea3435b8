"""Draft a scenario file from the dated events an article describes.

China's export controls, bans and quotas become instruments (controls use the dataset's
default licence approval share and review delay, marked as assumptions); a suspension named
after them suspends them from its month. The draft starts in January of the first event's year
and runs three years; it is validated with the scenario language before it is returned.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from reesim.check.extract import Claim
from reesim.dataset.model import Dataset

_TRADE = {"export_control", "export_ban"}


def draft(claims: list[Claim], name: str, ds: Dataset, source: str) -> str | None:
    """The scenario YAML text, or None when the article names no dated trade measure."""
    events = [c for c in claims if c.kind == "event" and (not c.places or "CHN" in c.places)]
    measures = [c for c in events if c.event in _TRADE]
    if not measures:
        return None
    suspensions = sorted(str(c.value) for c in events if c.event == "suspension")
    first = min(str(c.value) for c in measures)
    instruments: list[dict[str, Any]] = []
    for n, c in enumerate(sorted(measures, key=lambda c: str(c.value))):
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
    slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "article"
    data = {
        "name": f"article-{slug}"[:60],
        "title": f"Events described in {source}",
        "description": "Drafted by `reesim check` from a news article: review every instrument before "
        "relying on it.",
        "start": f"{year}-01",
        "horizon": f"{year + 2}-12",
        "instruments": instruments,
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
