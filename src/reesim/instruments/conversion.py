"""What the kinds' converters share while a resolved scenario becomes engine instruments.

:func:`reesim.scenarios.convert.to_model` makes one :class:`Conversion` per scenario and hands it to
each instrument's converter in turn. A converter reads its spec, takes numbers through
:meth:`Conversion.num` (so Monte Carlo can substitute draws, keyed ``"<instrument index>.<field>"``,
in the order the converters ask for them), expands places, and adds engine instruments with
:meth:`Conversion.add`; problems only the dataset can reveal are collected, located in the files,
and raised together at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from reesim.dataset.model import Dataset
from reesim.errors import Problem
from reesim.language.fields import parse_date
from reesim.language.numbers import Number


class Resolved(Protocol):
    """What a conversion reads of the resolved scenario (:class:`reesim.scenarios.load.Resolved`):
    its own blocs, its start and horizon (YYYY-MM), its instruments' specs and where in its files
    an instrument's field is."""

    blocs: dict[str, list[str]]
    start: str
    horizon: str

    @property
    def instruments(self) -> Sequence[Any]:
        """The specs of its instruments, in order."""

    def problem(
        self, index: int | None, path: tuple[str | int, ...], message: str, hint: str = ""
    ) -> Problem:
        """A problem located at instrument ``index``'s field ``path``."""


#: How numbers are chosen: (number, "instrument-index.field") -> value (Monte Carlo: one per run).
Pick = Callable[[Number, str], float]
#: Scenario-file forms and materials -> engine materials.
MATERIAL = {"ore": "concentrate", "oxide": "oxide", "metal": "metal", "magnet": "magnet"}


def month_number(value: str) -> int:
    """Months since year 0 of a ``YYYY-MM`` or ``YYYY-MM-DD`` date (January of year 0 is 0)."""
    y, mo = parse_date(value)
    return y * 12 + mo - 1


def month_label(month: int) -> str:
    """The ``YYYY-MM`` label of a :func:`month_number`."""
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


class Conversion:
    """One scenario's conversion under way: the engine instruments so far (``out``), the position in
    ``out`` of each capacity project with an id (``projects``) and the problems found."""

    def __init__(self, resolved: Resolved, ds: Dataset, pick: Pick) -> None:
        self.r, self.ds, self.pick = resolved, ds, pick
        self.problems: list[Problem] = []
        self.out: list[Any] = []
        self.projects: dict[str, int] = {}
        self.country_blocs = set(ds.blocs["bloc"].astype(str))

    def num(self, n: int, name: str, value: Number) -> float:
        """The value of instrument ``n``'s number ``name`` (a float, or per-run values)."""
        return self.pick(value, f"{n}.{name}")

    def places(self, names: list[str]) -> tuple[str, ...]:
        """Countries and blocs with the scenario's own blocs expanded to their members, in order."""
        out: list[str] = []
        for name in names:
            out.extend(self.r.blocs.get(name, [name]))
        return tuple(dict.fromkeys(out))

    def one_place(self, n: int, field: str, name: str) -> str:
        """``name``, with a problem noted if it is a bloc where one country is needed."""
        if name in self.r.blocs or name in self.country_blocs:
            self.report(n, (field,), f"{name!r} is a bloc; {field} must be one country", "give one country")
        return name

    def report(self, n: int, path: tuple[str | int, ...], message: str, hint: str = "") -> None:
        """Note a problem at instrument ``n``'s field ``path`` (located in its file)."""
        self.problems.append(self.r.problem(n, path, message, hint))

    def no_end(self, n: int, end: str | None, what: str) -> None:
        """Note a problem where ``end`` is given to a kind that stays in force to the horizon
        (``what`` says why, e.g. "a substitution, once designed in, stays")."""
        if end is not None:
            self.report(n, ("end",), f"end has no effect here: {what}", "remove end")

    def add(self, *items: Any) -> None:
        """Add engine instruments."""
        self.out.extend(items)

    def add_project(self, project_id: str | None, project: Any) -> None:
        """Add a capacity project that offtakes and programmes may refer to by ``project_id``."""
        if project_id:
            self.projects[project_id] = len(self.out)
        self.out.append(project)
