"""The scenario files shipped inside the package: their folder, their names and their paths.

Kept apart from :mod:`reesim.scenarios.catalog` so that reading a scenario file
(:mod:`reesim.scenarios.load`, which names the shipped scenarios in its hints) and resolving a
scenario reference (the catalog, which reads files) depend on it without depending on each other.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def shipped_dir() -> Path:
    """Folder of the shipped scenario files."""
    return Path(str(resources.files("reesim") / "scenarios" / "shipped"))


def scenario_names() -> list[str]:
    """Names of the shipped scenarios, sorted."""
    return sorted(p.stem for p in shipped_dir().glob("*.yaml"))


def shipped_path(name: str) -> Path | None:
    """Path of shipped scenario ``name``, or None."""
    path = shipped_dir() / f"{name}.yaml"
    return path if path.is_file() else None
