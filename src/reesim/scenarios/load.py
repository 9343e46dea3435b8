"""Load scenario files: parse safely, validate, follow ``extends``, and report every error at once.

Each error names the file, line, column and field, with a hint. Errors from pydantic are
mapped to positions through :class:`~reesim.scenarios.yamlsafe.Located`. Inheritance merges
field by field: the child's fields replace the parent's; ``sources`` are joined; ``blocs`` and
``parameters`` are merged by key; an instrument with the ``id`` of an inherited one replaces it
in place, ``remove:`` drops inherited ones, and other instruments are appended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reesim.errors import InputError, Problem, by_position
from reesim.language.fields import Known
from reesim.language.numbers import Number
from reesim.scenarios.bundled import scenario_names
from reesim.scenarios.parameters import parameter_problems
from reesim.scenarios.parents import Refused, Shipped, find_parent
from reesim.scenarios.spec import (
    CapacityProjectSpec,
    InstrumentSpec,
    InvestmentProgrammeSpec,
    OfftakeSpec,
    ScenarioFile,
)
from reesim.scenarios.suggest import allowed_fields, field_hint
from reesim.scenarios.yamlsafe import Located, YamlError, read_yaml
from reesim.textfile import read_text

Loc = tuple[str | int, ...]


@dataclass
class Resolved:
    """A scenario after ``extends``: plain validated specs, plus where each came from."""

    name: str
    title: str
    description: str
    sources: list[str]
    start: str
    horizon: str
    blocs: dict[str, list[str]]
    parameters: dict[str, Number]
    instruments: list[InstrumentSpec]
    demand_outlook: str | None
    price_year: int | None
    origins: list[tuple[Located, Loc]]  # per instrument: the file and its path in that file
    files: list[str] = field(default_factory=list)  # the chain, child first
    top: Located | None = None  # the child file

    def where(self, index: int, *path: str | int) -> tuple[str, int | None, int | None]:
        """File, line and column of instrument ``index`` (or a field inside it)."""
        located, loc = self.origins[index]
        return (located.file, *located.position((*loc, *path)))

    def problem(self, index: int | None, path: Loc, message: str, hint: str = "") -> Problem:
        """A :class:`Problem` located at instrument ``index``'s ``path`` (or the top file's)."""
        if index is None:
            top = self.top
            file, line, col = (top.file, *top.position(path)) if top else (self.name, None, None)
            name = _field_name(path)
        else:
            file, line, col = self.where(index, *path)
            name = _field_name((*self.origins[index][1], *path))
        return Problem(file, line, name, message, hint, column=col)


def _field_name(loc: Loc) -> str:
    out = ""
    for item in loc:
        out += f"[{item}]" if isinstance(item, int) else (f".{item}" if out else str(item))
    return out


def _data_loc(data: Any, loc: Loc) -> Loc:
    """``loc`` without items that are not keys or indices of ``data`` (pydantic's union tags)."""
    out: list[str | int] = []
    node = data
    for item in loc:
        if isinstance(node, dict) and str(item) in node:
            node = node[str(item)]
            out.append(str(item))
        elif isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node):
            node = node[item]
            out.append(item)
    return tuple(out)


_HINTS = {
    "missing": "add this field",
    "extra_forbidden": "remove it or check its spelling (see `reesim schema`)",
    "float_parsing": "give a number, or a distribution such as {dist: uniform, low: 0, high: 1}",
    "float_type": "give a number",
    "list_type": "give a list, e.g. [Dy, Tb]",
    "string_type": "give a text value",
    "bool_parsing": "give true or false",
    "union_tag_invalid": "see docs/scenarios.md for the instrument kinds",
    "union_tag_not_found": "add kind: (e.g. kind: export_control)",
    "string_pattern_mismatch": "use lower case letters, digits, - and _",
    "value_error": "see the forms of numbers and distributions in docs/scenarios.md",
    "greater_than": "give a larger number",
    "greater_than_equal": "give a larger number",
    "less_than": "give a smaller number",
    "less_than_equal": "give a smaller number",
    "dict_type": "give a mapping, e.g. {dist: uniform, low: 0, high: 1}",
    "int_parsing": "give a whole number",
    "int_type": "give a whole number",
}
#: The hint of an error whose kind has none of its own.
_DEFAULT_HINT = "see this field in docs/scenarios.md (or `reesim schema`)"


#: Error types that a value failing one member of a union produces next to the real error.
_UNION_NOISE = frozenset(
    {"literal_error", "string_type", "list_type", "float_type", "float_parsing", "dict_type", "model_type",
     "model_attributes_type", "is_instance_of", "none_required"}
)  # fmt: skip


def problems_from(exc: ValidationError, located: Located) -> list[Problem]:
    """One :class:`Problem` per pydantic error, located in the file; union noise left out."""
    found: list[tuple[Loc, Loc, str, str, str]] = []  # (position loc, field loc, type, message, hint)
    for err in exc.errors():
        raw = tuple(err["loc"])
        loc = _data_loc(located.data, raw)
        field = loc
        if err["type"] in {"extra_forbidden", "missing"}:
            parent = _data_loc(located.data, raw[:-1])
            field = (*parent, raw[-1])
            loc = field if err["type"] == "extra_forbidden" else parent
        hint = str((err.get("ctx") or {}).get("hint", "")) or _HINTS.get(err["type"], _DEFAULT_HINT)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = f"unknown field {raw[-1]!r}"
            hint = field_hint(str(raw[-1]), allowed_fields(ScenarioFile, raw[:-1]))
        elif err["type"] == "missing":
            message = f"missing field {raw[-1]!r}"
        elif err["type"] == "union_tag_invalid":
            ctx = err.get("ctx") or {}
            tags = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
            message = f"unknown kind {ctx.get('tag')!r}"
            hint = _suggest(str(ctx.get("tag")), tags)
        found.append((loc, field, err["type"], message, hint))
    out: list[Problem] = []
    seen: set[Loc] = set()
    # where a value fails every member of a union at the same field, the member's own error
    # (a distribution's) says more than "not a number": it comes first (the sort is stable)
    found.sort(key=lambda f: f[2] in _UNION_NOISE)
    for loc, field, kind, message, hint in found:
        deeper = any(other[: len(field)] == field and len(other) > len(field) for _, other, *_ in found)
        if field in seen or (kind in _UNION_NOISE and deeper):
            continue  # a value failing every member of a union: keep the most specific error
        seen.add(field)
        line, col = located.position(loc)
        out.append(Problem(located.file, line, _field_name(field) or None, message, hint, column=col))
    return out


def read_located(path: Path, display: str | None = None) -> Located:
    """Read one file safely into located plain data (a mapping); InputError otherwise. Only a
    regular file of at most :data:`~reesim.textfile.MAX_BYTES` is read (see :mod:`reesim.textfile`)."""
    name = display or str(path)
    return parse_located(read_text(path, name), name)


def parse_located(text: str, name: str) -> Located:
    """Parse scenario text (named ``name`` in messages) safely into located plain data (a mapping)."""
    try:
        located = read_yaml(text, name)
    except YamlError as exc:
        raise InputError([exc.problem]) from None
    if not isinstance(located.data, dict):
        hint = "start with `name: my-scenario`"
        raise InputError([Problem(name, 1, None, "a scenario file is a mapping", hint, column=1)])
    return located


def validate(located: Located, known: Known) -> ScenarioFile:
    """Validate located data as a scenario file; InputError lists every problem with its position
    (fields and parameter overrides together), in the order of the file's lines."""
    blocs = located.data.get("blocs")
    if isinstance(blocs, dict):
        own = {str(k): tuple(map(str, v)) for k, v in blocs.items() if isinstance(v, list)}
        known = known.with_blocs(own)
    problems: list[Problem] = []
    spec: ScenarioFile | None = None
    try:
        spec = ScenarioFile.model_validate(located.data, context={"known": known})
    except ValidationError as exc:
        problems = problems_from(exc, located)
    problems += parameter_problems(located, known)
    if problems or spec is None:
        raise InputError(by_position(problems))
    return spec


def at(located: Located, loc: Loc, message: str, hint: str = "") -> Problem:
    """A problem at ``loc`` in ``located``'s file, named by its field path."""
    line, col = located.position(loc)
    return Problem(located.file, line, _field_name(loc) or None, message, hint, column=col)


def _suggest(name: str, options: Any) -> str:
    from reesim.dataset.parse import did_you_mean

    return did_you_mean(name, sorted(options))


def resolve_file(
    path: Path, known: Known, shipped: Shipped, chain: tuple[Path, ...] = (), display: str | None = None
) -> Resolved:
    """Read ``path`` and everything it extends; ``shipped(name)`` finds a shipped scenario's path."""
    return resolve_located(read_located(path, display), path, known, shipped, chain)


def resolve_located(
    located: Located, path: Path | None, known: Known, shipped: Shipped, chain: tuple[Path, ...] = ()
) -> Resolved:
    """Resolve already-read data as if it were the file ``path``: its ``extends`` may name shipped
    scenarios and files in its folder (:mod:`~reesim.scenarios.parents`). ``path`` None: text
    that is not a file, which may extend shipped scenarios only."""
    raw = located.data.get("extends")
    names = raw if isinstance(raw, list) else [raw] if raw is not None else []
    parents: list[Resolved] = []
    here = (path.resolve(),) if path is not None else ()
    for j, name in enumerate(names):
        if not isinstance(name, str):
            continue  # validation reports it
        loc: Loc = ("extends", j) if isinstance(raw, list) else ("extends",)
        target = find_parent(name, path, shipped)
        if isinstance(target, Refused):
            raise InputError([at(located, loc, target.message, target.hint)])
        if target is None:
            raise InputError(
                [at(located, loc, f"unknown scenario {name!r}", _suggest(name, scenario_names()))]
            )
        if target.resolve() in {p.resolve() for p in (*chain, *here)}:
            cycle = " -> ".join(p.name for p in (*chain, *here, target))
            hint = "a scenario must not extend itself, directly or through others"
            raise InputError([at(located, loc, f"extends forms a cycle: {cycle}", hint)])
        parents.append(resolve_file(target, known, shipped, (*chain, *here)))
    inherited = {k: tuple(v) for p in parents for k, v in p.blocs.items()}
    spec = validate(located, known.with_blocs(inherited))
    parent = parents[0] if parents else None
    for other in parents[1:]:
        assert parent is not None
        parent = _overlay(parent, other)
    return merge(parent, located, spec)


def _overlay(base: Resolved, top: Resolved) -> Resolved:
    """``top`` applied over ``base`` (both already resolved): for ``extends: [a, b]``."""
    pairs = list(zip(base.instruments, base.origins, strict=True))
    for inst, origin in zip(top.instruments, top.origins, strict=True):
        slot = next((n for n, (old, _) in enumerate(pairs) if inst.id and old.id == inst.id), None)
        if slot is None:
            pairs.append((inst, origin))
        else:
            pairs[slot] = (inst, origin)
    return Resolved(
        name=top.name, title=top.title, description=top.description,
        sources=list(dict.fromkeys([*base.sources, *top.sources])), start=top.start, horizon=top.horizon,
        blocs={**base.blocs, **top.blocs}, parameters={**base.parameters, **top.parameters},
        demand_outlook=top.demand_outlook if top.demand_outlook is not None else base.demand_outlook,
        price_year=top.price_year if top.price_year is not None else base.price_year,
        instruments=[i for i, _ in pairs], origins=[o for _, o in pairs], files=[*top.files, *base.files],
        top=top.top,
    )  # fmt: skip


def merge(parent: Resolved | None, located: Located, spec: ScenarioFile) -> Resolved:
    """Apply ``spec`` (read from ``located``) on top of ``parent``."""
    problems: list[Problem] = []
    own: list[tuple[InstrumentSpec, tuple[Located, Loc]]] = [
        (inst, (located, ("instruments", i))) for i, inst in enumerate(spec.instruments)
    ]
    if parent is None:
        merged = own
        base_sources: list[str] = []
    else:
        ids = {inst.id: n for n, inst in enumerate(parent.instruments) if inst.id}
        for i, rid in enumerate(spec.remove):
            if rid not in ids:
                hint = _suggest(rid, ids) if ids else "the parent has no instruments with ids"
                problems.append(at(located, ("remove", i), f"no inherited instrument with id {rid!r}", hint))
        merged = [
            (inst, origin)
            for inst, origin in zip(parent.instruments, parent.origins, strict=True)
            if inst.id not in spec.remove or inst.id is None
        ]
        for inst, origin in own:
            slot = next((n for n, (old, _) in enumerate(merged) if inst.id and old.id == inst.id), None)
            if slot is None:
                merged.append((inst, origin))
            else:
                merged[slot] = (inst, origin)
        base_sources = parent.sources
    fields = spec.model_fields_set
    start = spec.start if "start" in fields or parent is None else parent.start
    horizon = spec.horizon if "horizon" in fields or parent is None else parent.horizon
    for key, value in (("start", start), ("horizon", horizon)):
        if value is None:
            problems.append(
                Problem(located.file, 1, key, f"no {key} (and none inherited)", f"add {key}: YYYY-MM")
            )
    if start and horizon:
        from reesim.language.fields import MAX_HORIZON_MONTHS, before, parse_date

        where = ("horizon",) if "horizon" in fields else ("start",)
        (y0, m0), (y1, m1) = parse_date(start), parse_date(horizon)
        months = (y1 - y0) * 12 + m1 - m0 + 1
        if before(horizon, start):
            problems.append(
                at(located, where, f"horizon {horizon} is before start {start}", "give a later horizon")
            )
        elif months > MAX_HORIZON_MONTHS:
            problems.append(at(located, where, f"{start} to {horizon} is {months:,} months",
                               f"simulate at most {MAX_HORIZON_MONTHS // 12} years"))  # fmt: skip
    if parent is None and spec.remove:
        message = "remove drops inherited instruments, but nothing is inherited"
        problems.append(
            at(located, ("remove",), message, "add extends: (the scenario to build on) or delete remove")
        )
    if start is None or horizon is None:
        raise InputError(by_position(problems))
    resolved = Resolved(
        name=spec.name,
        title=spec.title if spec.title or parent is None else parent.title,
        description=spec.description if spec.description or parent is None else parent.description,
        sources=list(dict.fromkeys([*base_sources, *spec.sources])),
        start=start,
        horizon=horizon,
        blocs={**(parent.blocs if parent else {}), **spec.blocs},
        parameters={**(parent.parameters if parent else {}), **spec.parameters},
        demand_outlook=spec.demand_outlook
        if spec.demand_outlook is not None or parent is None
        else parent.demand_outlook,
        price_year=spec.price_year if spec.price_year is not None or parent is None else parent.price_year,
        instruments=[inst for inst, _ in merged],
        origins=[origin for _, origin in merged],
        files=[located.file, *(parent.files if parent else [])],
        top=located,
    )
    problems += reference_problems(resolved)
    if problems:
        raise InputError(by_position(problems))
    return resolved


def reference_problems(resolved: Resolved) -> list[Problem]:
    """Duplicate ids; offtakes and programmes must name capacity projects of the scenario."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    projects = {i.id for i in resolved.instruments if isinstance(i, CapacityProjectSpec) and i.id}
    for n, inst in enumerate(resolved.instruments):
        if inst.id:
            if inst.id in seen:
                problems.append(
                    resolved.problem(n, ("id",), f"duplicate instrument id {inst.id!r}", "make ids unique")
                )
            seen[inst.id] = n
        refs: list[tuple[Loc, str]] = []
        if isinstance(inst, OfftakeSpec):
            refs = [(("project",), inst.project)]
        elif isinstance(inst, InvestmentProgrammeSpec):
            refs = [(("projects", j), p) for j, p in enumerate(inst.projects)]
        for path, ref in refs:
            if ref not in projects:
                hint = (
                    _suggest(ref, projects)
                    if projects
                    else "give the capacity_project an id: and use it here"
                )
                problems.append(resolved.problem(n, path, f"no capacity_project with id {ref!r}", hint))
    return problems
