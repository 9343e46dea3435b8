"""The scenarios shipped inside the package, and turning any scenario reference into one.

A scenario reference is a shipped scenario's name (``april-2025``), a path to a YAML file, a
:class:`~reesim.scenarios.load.Resolved` scenario or an engine
:class:`~reesim.model.scenario.Scenario`. :func:`resolve` accepts all of them, so every command
and :func:`reesim.run` do too.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from reesim.dataset.model import Dataset, load_dataset
from reesim.errors import InputError, Problem
from reesim.language.fields import Known
from reesim.model.dims import Dims
from reesim.model.scenario import Scenario
from reesim.scenarios.bundled import scenario_names, shipped_path
from reesim.scenarios.load import Resolved, parse_located, resolve_file, resolve_located


@lru_cache(maxsize=4)
def _known_cached(data_dir: str, version: str) -> Known:
    return known_names(load_dataset(Path(data_dir)))


def known_for(ds: Dataset) -> Known:
    """The names of ``ds`` (cached per data folder and version)."""
    return _known_cached(str(ds.data_dir), ds.version)


def known_names(ds: Dataset) -> Known:
    """The element, place, sector, facility, source and parameter names of ``ds``."""
    from reesim.language.fields import parameter_bounds

    dims = Dims.from_dataset(ds)
    table = ds["parameters"]
    bounds = {
        str(name): (*parameter_bounds(low, high, str(unit)), str(unit))
        for name, low, high, unit in zip(
            table["name"], table["low"].astype(float), table["high"].astype(float), table["unit"], strict=True
        )
    }
    places = {*dims.nodes, *dims.node_of_country, *ds.blocs["bloc"].astype(str)}
    return Known(
        elements=dims.elements,
        places=frozenset(places),
        sectors=frozenset(ds["end_products"]["sector"].astype(str)),
        facilities=frozenset(ds["facilities"]["facility_id"].astype(str)),
        sources=frozenset(ds.sources["source_id"].astype(str)),
        parameters=frozenset(table["name"].astype(str)),
        parameter_bounds=bounds,
    )


def _is_path(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref or Path(ref).is_file()


def load(ref: str | Path, ds: Dataset | None = None) -> Resolved:
    """Read a shipped scenario by name, or a scenario file by path, following ``extends``."""
    ds = ds or load_dataset()
    known = known_for(ds)
    if isinstance(ref, Path) or _is_path(ref):
        path = Path(ref)
        return resolve_file(path, known, shipped_path, display=str(ref))
    path_ = shipped_path(ref)
    if path_ is None:
        from reesim.dataset.parse import did_you_mean

        raise InputError(
            [Problem("scenario", None, None, f"no shipped scenario or file named {ref!r}",
                     did_you_mean(ref, scenario_names()) + " (`reesim scenarios list` shows them)")]
        )  # fmt: skip
    return resolve_file(path_, known, shipped_path, display=f"{ref}.yaml")


def load_text(text: str, name: str = "scenario.yaml", ds: Dataset | None = None) -> Resolved:
    """Read scenario YAML given as text (an editor's buffer); ``extends`` may name shipped
    scenarios only, as the text has no folder of its own."""
    ds = ds or load_dataset()
    return resolve_located(parse_located(text, name), None, known_for(ds), shipped_path)


def resolve(ref: str | Path | Resolved | Scenario, ds: Dataset | None = None) -> Scenario:
    """The engine scenario for any scenario reference (central values for distributions)."""
    if isinstance(ref, Scenario):
        return ref
    from reesim.scenarios.convert import to_model

    ds = ds or load_dataset()
    resolved = ref if isinstance(ref, Resolved) else load(ref, ds)
    return to_model(resolved, ds)
