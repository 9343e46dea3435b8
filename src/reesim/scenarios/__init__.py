"""The scenario language: YAML files validated by pydantic, shipped scenarios, and resolution of
any scenario reference (name, path or object) into the engine's scenario."""

from reesim.scenarios.bundled import scenario_names, shipped_path
from reesim.scenarios.catalog import load, resolve

__all__ = ["load", "resolve", "scenario_names", "shipped_path"]
