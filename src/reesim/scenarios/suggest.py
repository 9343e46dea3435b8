"""Which field names a place in a scenario file allows, for "did you mean" hints.

A misspelt field (``approvl``, ``mod`` in a triangular distribution) is refused by the
scenario's pydantic models, whose error says only that the field is unknown.
:func:`allowed_fields` walks the same models along the error's location (fields, list items,
dict values, the instrument chosen by its ``kind`` and the distribution by its ``dist``) to the
mapping that holds the unknown name, and :func:`field_hint` turns the closest allowed names into
the hint the loader prints.
"""

from __future__ import annotations

import difflib
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

#: How close a name must be to an allowed one to be suggested (difflib's ratio).
CUTOFF = 0.6


def _unwrap(node: Any) -> Any:
    while get_origin(node) is Annotated:
        node = get_args(node)[0]
    return node


def _members(node: Any) -> tuple[Any, ...]:
    """The members of a union (``X | None`` and unions inside unions included), else ``(node,)``."""
    node = _unwrap(node)
    if get_origin(node) in (Union, types.UnionType):
        return tuple(m for arg in get_args(node) for m in _members(arg))
    return (node,)


#: Fields whose literal value tells the members of a union apart: an instrument's ``kind``, a
#: distribution's ``dist``.
TAGS = ("kind", "dist")


def _tag(model: type[BaseModel]) -> str | None:
    """The literal ``kind`` or ``dist`` of a model (None for models without one)."""
    for name in TAGS:
        field = model.model_fields.get(name)
        if field is not None and get_origin(field.annotation) is Literal:
            return str(get_args(field.annotation)[0])
    return None


def _field(model: type[BaseModel], name: str) -> Any:
    for key, info in model.model_fields.items():
        if name in (key, info.alias):
            return info.annotation
    return None


def _step(node: Any, item: str | int) -> Any:
    """The type found at ``item`` inside a value of type ``node`` (None if there is none)."""
    for member in _members(_unwrap(node)):
        if isinstance(member, type) and issubclass(member, BaseModel):
            if isinstance(item, str) and (found := _field(member, item)) is not None:
                return found
            if isinstance(item, str) and _tag(member) == item:
                return member  # pydantic names the member chosen by ``kind:`` or ``dist:``
            continue
        origin, args = get_origin(member), get_args(member)
        if origin is list and isinstance(item, int) and args:
            return args[0]
        if origin is dict and isinstance(item, str) and len(args) == 2:
            return args[1]
    return None


def allowed_fields(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The field names (as written in files: aliases) of the mapping at ``loc`` in ``model``;
    empty if ``loc`` leads nowhere that is a model."""
    node: Any = model
    for item in loc:
        if isinstance(item, str) and "[" in item:
            continue  # pydantic's name of a union or validator (``tagged-union[...]``), not data
        node = _step(node, item)
        if node is None:
            return []
    names: list[str] = []
    for member in _members(_unwrap(node)):
        if isinstance(member, type) and issubclass(member, BaseModel):
            names += [info.alias or key for key, info in member.model_fields.items()]
    return names


def field_hint(name: str, allowed: list[str]) -> str:
    """``did you mean `x`?`` for the allowed name closest to ``name``, else the allowed names."""
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=CUTOFF)
    if close:
        return f"did you mean {close[0]!r}?"
    if allowed:
        return f"remove it or use one of {', '.join(sorted(allowed))}"
    return "remove it or check its spelling (see `reesim schema`)"
