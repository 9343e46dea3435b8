"""Parsed datasets kept by the hash of their files, in memory and in the user's cache folder.

Parsing and typing the 22 tables takes about a tenth of a second, and a command may ask for the
dataset several times (the scenario catalogue, the run, the report). :func:`cached_read` parses
a folder once per content: the key is a hash of every CSV file's name and bytes (the schema's
too), of the code that parses them (:data:`PARSER_MODULES`), of the versions of reesim, pandas
and Python, and of the folder as given, so an edited file, edited parsing code, a new release or
another folder is parsed afresh. Within a process the parsed tables are
kept in memory; across processes, pickled in ``<user cache>/reesim/dataset`` (or
``REESIM_CACHE_DIR``, which ``off`` turns off). A cache that cannot be read or written is
ignored; the folder keeps the :data:`KEEP` most recent. Every caller gets its own copy of the
tables, so changing one cannot change another's.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeGuard, TypeVar

T = TypeVar("T")

_MEMORY: dict[str, Any] = {}
#: How many parsed datasets the cache folder keeps (the most recently written).
KEEP = 8
#: The modules whose code decides what a parsed dataset holds (relative to the ``reesim``
#: package): their bytes are part of the key, so a changed parser never reads an old pickle.
PARSER_MODULES = (
    "dataset/model.py",
    "dataset/parse.py",
    "dataset/schema.py",
    "errors.py",
    "textfile.py",
)


def cache_dir() -> Path | None:
    """Where parsed datasets are pickled, or ``None`` when ``REESIM_CACHE_DIR`` is ``off``."""
    chosen = os.environ.get("REESIM_CACHE_DIR", "")
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen) / "dataset"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("reesim")) / "dataset"


def content_key(root: Path, shown: str) -> str:
    """A hash of every CSV file under ``root`` (name and bytes), the parsing code, the library
    versions and how the folder is named (``shown``: problems and file names quote it)."""
    import pandas as pd

    from reesim import __version__

    versions = f"{__version__}|{pd.__version__}|{platform.python_version()}"
    digest = hashlib.sha256(f"{versions}|{root}|{shown}".encode())
    package = Path(__file__).resolve().parent.parent
    for module in PARSER_MODULES:
        digest.update(module.encode() + b"\0" + (package / module).read_bytes() + b"\0")
    for path in sorted(root.rglob("*.csv")):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def cached_read(
    root: Path,
    shown: str,
    parse: Callable[[], T],
    fresh: Callable[[T], T],
    valid: Callable[[object], TypeGuard[T]],
) -> T:
    """``parse()`` of the folder ``root``, or what it gave before for the same content.

    ``fresh`` makes a caller's own copy of a kept result; ``valid`` tells whether what a cache
    file holds is such a result (anything else is parsed afresh)."""
    try:
        key = content_key(root, shown)
    except OSError:
        return parse()
    if key in _MEMORY:
        kept: T = _MEMORY[key]
        return fresh(kept)
    folder = cache_dir()
    found = _load(folder / f"{key}.pickle") if folder else None
    parsed: T
    if found is not None and valid(found):
        parsed = found
    else:
        parsed = parse()
        if folder:
            _save(folder, f"{key}.pickle", parsed)
    _MEMORY[key] = parsed
    return fresh(parsed)


def _load(path: Path) -> object | None:
    try:
        with path.open("rb") as f:
            found: object = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return found


def _save(folder: Path, name: str, parsed: object) -> None:
    """Write atomically (a temporary file renamed), so a reader never sees half a file; keep
    the :data:`KEEP` most recent."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "wb") as f:
            pickle.dump(parsed, f, protocol=pickle.HIGHEST_PROTOCOL)
        Path(temporary).replace(folder / name)
        kept = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in kept[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        return
