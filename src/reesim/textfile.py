"""Read a text file, or standard input, that a user hands to reesim: bounded, and only real files.

Scenario files and articles may come from anywhere, including places meant to do harm: a device
that never ends (``/dev/zero``), a pipe that blocks, a folder, a file of gigabytes. Every such
input goes through :func:`read_text` or :func:`read_stdin`, which refuse anything that is not a
regular file before opening it for reading, read at most :data:`MAX_BYTES` plus one byte, refuse
larger input rather than cut it, and refuse text that is not UTF-8, naming the line where the
first bad byte is. Each refusal is an :class:`~reesim.errors.InputError` (exit code 2).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from reesim.errors import InputError, Problem

#: Largest scenario file or article, in bytes.
MAX_BYTES = 1_000_000

#: Open without waiting for a writer (a pipe) and without taking a terminal as controlling one.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def _refuse(name: str, message: str, hint: str, line: int | None = None) -> InputError:
    return InputError([Problem(name, line, None, message, hint)])


def _kind(mode: int) -> str | None:
    """What a file of ``mode`` is, if it is not a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _too_large(name: str, limit: int) -> InputError:
    return _refuse(name, f"larger than {limit:,} bytes", "split it into smaller files")


def read_bytes(path: Path, name: str | None = None, limit: int = MAX_BYTES) -> bytes:
    """The content of the regular file ``path`` (``name`` in messages), at most ``limit`` bytes."""
    name = name or str(path)
    try:
        mode = Path(path).stat().st_mode
    except FileNotFoundError:
        raise _refuse(name, "no such file", "check the path") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise _refuse(name, f"cannot read: {reason}", "check the path") from None
    kind = _kind(mode)
    if kind is not None:
        raise _refuse(name, f"{kind}, not a text file", "give the path of a text file")
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise _refuse(name, f"cannot read: {exc.strerror}", "check the path and its permissions") from None
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno())
        kind = _kind(opened.st_mode)
        if kind is not None:  # replaced between the check and the opening
            raise _refuse(name, f"{kind}, not a text file", "give the path of a text file")
        if opened.st_size > limit:
            raise _too_large(name, limit)
        return _bounded(handle, name, limit)


def _bounded(handle: BinaryIO, name: str, limit: int) -> bytes:
    """At most ``limit`` bytes from ``handle``; an error if there are more."""
    try:
        raw = handle.read(limit + 1)
    except OSError as exc:
        raise _refuse(name, f"cannot read: {exc.strerror}", "check the path") from None
    if raw is None:
        raw = b""
    if len(raw) > limit:
        raise _too_large(name, limit)
    return raw


def decode(raw: bytes, name: str) -> str:
    """``raw`` as UTF-8 text; an error naming the line of the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise _refuse(name, "not UTF-8 text", "save the file as UTF-8", line=line) from None


def read_text(path: Path, name: str | None = None, limit: int = MAX_BYTES) -> str:
    """The UTF-8 text of the regular file ``path``, at most ``limit`` bytes."""
    return decode(read_bytes(path, name, limit), name or str(path))


def read_stdin(name: str = "standard input", limit: int = MAX_BYTES) -> str:
    """Standard input as UTF-8 text, at most ``limit`` bytes."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise _refuse(name, "standard input is closed", "pipe the text into the command")
    return decode(_bounded(stream, name, limit), name)
