"""Which scenarios a scenario file may build on (``extends``), and where they are.

A scenario may extend a shipped scenario, by name, or a scenario file in its own folder (or a
folder inside it), by a path relative to it. Nothing else: not an absolute path, not a path
that leads out of the folder (``../``, or a link pointing elsewhere). A scenario file handed to
reesim by someone else then cannot make reesim read, or say anything about, other files of the
machine. Scenario text that is not a file (the dashboard's editor) may extend shipped scenarios
only. The rule is checked on the text of the path before any file is looked at, so a refused
path gets the same answer whether it exists or not.

The user may name further folders whose files any scenario may extend, by an absolute path or
one relative to the extending file (``reesim --extends-from DIR ...``, or the environment
variable ``REESIM_EXTENDS_FROM``): :func:`extends_from` sets them for the current context.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from reesim.scenarios.bundled import scenario_names

#: Finds a shipped scenario's file by name.
Shipped = Callable[[str], Path | None]


#: Folders the user named whose files any scenario may extend (resolved, absolute).
_EXTRA: ContextVar[tuple[Path, ...]] = ContextVar("extends_from", default=())


def allow_folders(folders: Iterable[Path]) -> None:
    """Let scenarios of the current context extend files in ``folders`` too (the command line's
    ``--extends-from``); each must be an existing folder."""
    _EXTRA.set(tuple(Path(f).resolve() for f in folders))


@contextmanager
def extends_from(folders: Iterable[Path]) -> Iterator[None]:
    """Within the block, scenarios may extend files in ``folders`` too."""
    token = _EXTRA.set(tuple(Path(f).resolve() for f in folders))
    try:
        yield
    finally:
        _EXTRA.reset(token)


def allowed_folders() -> tuple[Path, ...]:
    """The folders named with :func:`allow_folders` or :func:`extends_from`."""
    return _EXTRA.get()


@dataclass(frozen=True)
class Refused:
    """Why an ``extends`` entry is not followed, and what to write instead."""

    message: str
    hint: str


def is_path(name: str) -> bool:
    """Whether an ``extends`` entry names a file rather than a shipped scenario."""
    return name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name


def _escapes(name: str) -> bool:
    """Whether the path ``name`` is absolute or climbs out of the folder it is relative to."""
    for flavour in (PurePosixPath, PureWindowsPath):
        pure = flavour(name)
        if pure.is_absolute() or pure.drive or pure.root:
            return True
    return os.path.normpath(name.replace("\\", "/")).split("/")[0] == ".."


def find_parent(name: str, child: Path | None, shipped: Shipped) -> Path | Refused | None:
    """The file that ``extends: name`` in the file ``child`` names, a refusal, or None if the
    allowed file or shipped scenario does not exist. ``child`` None: scenario text that is not a
    file, which may extend shipped scenarios only."""
    if not is_path(name):
        return shipped(name)
    if child is None:
        return Refused(
            f"extends may name a shipped scenario only here, not the file {name!r}",
            "use one of: " + ", ".join(scenario_names()),
        )
    extra = allowed_folders()
    if extra:
        target = (child.parent.resolve() / name).resolve()
        if any(target.is_relative_to(f) for f in extra):
            return target if target.is_file() else None
    hint = "copy the scenario you build on next to this file, or name its folder with --extends-from"
    if _escapes(name):
        return Refused(
            f"extends may name a shipped scenario or a file in this scenario's folder, not {name!r}", hint
        )
    folder = child.parent.resolve()
    target = (folder / name).resolve()
    if not target.is_relative_to(folder):
        return Refused(
            f"extends may name a file in this scenario's folder only; {name!r} leads out of it", hint
        )
    return target if target.is_file() else None
