"""The table of instrument kinds: every kind the scenario language, the conversion, the compile
step and the generated docs know, in the order the docs list them.

A kind is one module holding its spec, its conversion and its compile step, registered here by its
:class:`~reesim.instruments.base.Instrument` record. :func:`register` adds a kind at run time (and
rebuilds the scenario-file model so that files may use it); :func:`unregister` removes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reesim.instruments import (
    capacity_project,
    demand_change,
    export_ban,
    export_control,
    export_quota,
    import_ban,
    investment_programme,
    offtake,
    output_cap,
    price_floor,
    recycling,
    stockpile,
    substitution,
    tariff,
)
from reesim.instruments.base import Instrument, SpecBase
from reesim.model.builder import Builder

Kind = Instrument[Any, Any]

_KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        export_control.KIND, export_ban.KIND, export_quota.KIND, output_cap.KIND, tariff.KIND,
        import_ban.KIND, price_floor.KIND, offtake.KIND, stockpile.KIND, capacity_project.KIND,
        investment_programme.KIND, demand_change.KIND, substitution.KIND, recycling.KIND,
    )
}  # fmt: skip


def kinds() -> tuple[Kind, ...]:
    """Every registered kind, in registration order."""
    return tuple(_KINDS.values())


def kind_of(spec: SpecBase) -> Kind:
    """The kind of a validated scenario-file instrument."""
    for kind in _KINDS.values():
        if type(spec) is kind.spec:
            return kind
    raise TypeError(f"{type(spec).__name__} is not a registered instrument kind")


def compile_steps() -> dict[type, Callable[[Builder, Any], None]]:
    """Engine instrument class -> the compile step of the kinds whose model it is."""
    steps: dict[type, Callable[[Builder, Any], None]] = {}
    for kind in _KINDS.values():
        if kind.model is None or kind.compile is None:
            continue  # a kind that acts on other kinds' engine instruments
        if steps.setdefault(kind.model, kind.compile) is not kind.compile:
            raise TypeError(f"{kind.model.__name__} has two compile steps")
    return steps


def register(kind: Kind) -> None:
    """Add ``kind``: scenario files, the JSON Schema, the docs, conversion and compile then know it."""
    if kind.name in _KINDS:
        raise ValueError(f"instrument kind {kind.name!r} is already registered")
    _KINDS[kind.name] = kind
    _refresh()


def unregister(name: str) -> Kind:
    """Remove the kind ``name`` (registered with :func:`register`) and return its record."""
    kind = _KINDS.pop(name)
    _refresh()
    return kind


#: Called after a kind is registered or removed: the scenario file model adds its own
#: (:func:`reesim.scenarios.spec.refresh`), so that the registry need not know who reads it.
listeners: list[Callable[[], None]] = []


def _refresh() -> None:
    for listener in listeners:
        listener()
