"""Shared pieces of the command line: the consoles and the error handling every command uses."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console, ConsoleDimensions
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from reesim.errors import InputError, Problem

#: Columns of a console that writes where no terminal is (a file or pipe, and none of the
#: standard streams a terminal) and COLUMNS is not set: Rich would take 80 and fold wide tables,
#: such as a Monte Carlo headline, into columns a few characters wide.
UNATTENDED_WIDTH = 160


def _has_terminal() -> bool:
    for fd in (0, 1, 2):
        try:
            os.get_terminal_size(fd)
        except (AttributeError, ValueError, OSError):
            continue
        return True
    return False


class WideConsole(Console):
    """A Rich console that is :data:`UNATTENDED_WIDTH` columns wide when no terminal tells its
    width and COLUMNS is not set (a log file, a pipe, a scheduled job); otherwise as Rich sizes
    it (the terminal's width, or COLUMNS)."""

    @property
    def size(self) -> ConsoleDimensions:
        dims: ConsoleDimensions = Console.size.fget(self)  # type: ignore[attr-defined]
        if self._width is not None or "COLUMNS" in self._environ or _has_terminal():
            return dims
        return ConsoleDimensions(max(dims.width, UNATTENDED_WIDTH), dims.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]


out = WideConsole()
err = WideConsole(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def output_folder(path: Path, option: str = "--out") -> Path:
    """``path`` made ready to write reports into, checked before any work is done: an existing
    file, or a folder that cannot be made or written, is an InputError (exit 2) naming ``option``."""
    hint = f"give {option} a folder reesim may write in"
    if path.exists() and not path.is_dir():
        raise InputError([Problem(str(path), None, option, "exists and is not a folder", hint)])
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            [Problem(str(path), None, option, f"cannot make the folder: {exc.strerror}", hint)]
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise InputError([Problem(str(path), None, option, "the folder is not writable", hint)])
    return path


def print_problems(problems: list[Problem]) -> None:
    """Each problem on its own line; the text of the input (which may hold ``[...]``) is shown as
    written, never read as console markup."""
    for p in problems:
        colour = "red" if p.severity == "error" else "yellow"
        err.print(f"[{colour}]{p.severity}[/{colour}] {escape(str(p))}", highlight=False, soft_wrap=True)


def friendly(func: F) -> F:
    """Turn bad input into exit code 2 with a clear message, and crashes into exit code 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            print_problems(exc.problems)
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130) from None
        except Exception as exc:
            err.print(f"[red]internal error:[/red] {type(exc).__name__}: {escape(str(exc))}")
            err.print("This is a bug in reesim; please report it with the command you ran.")
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def runs_progress() -> Progress:
    """A transient progress bar counting runs (use as a context manager)."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} runs"),
    )
    return Progress(*columns, TimeElapsedColumn(), transient=True, console=out)
