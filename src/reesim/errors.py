"""Errors for bad input: each names the file, the line and the field, and gives a hint.

reesim never shows a traceback for bad input. Code that reads user or bundled data raises
:class:`InputError` (one problem) or :class:`InputErrors` (several, reported at once); the
command line turns them into a message and exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``line`` is 1-based and counts the header as line 1, so it matches what an editor shows.
    ``line`` is ``None`` for problems about a whole file or a group of rows; ``column`` (1-based)
    is given for files where it helps, such as scenario YAML.
    """

    file: str
    line: int | None
    field: str | None
    message: str
    hint: str = ""
    severity: str = "error"
    column: int | None = None

    @property
    def location(self) -> str:
        """``file:line:column``, ``file:line`` or just ``file``, the way compilers print it."""
        if self.line is None:
            return self.file
        return (
            f"{self.file}:{self.line}:{self.column}"
            if self.column is not None
            else f"{self.file}:{self.line}"
        )

    def __str__(self) -> str:
        where = self.location
        field = f" field '{self.field}'" if self.field else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}:{field} {self.message}{hint}"


class InputError(Exception):
    """Bad input: one or more :class:`Problem` found while reading files."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = f"{len(problems)} problem(s) in the input" if len(problems) != 1 else "a problem in the input"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in problems))


def by_position(problems: list[Problem]) -> list[Problem]:
    """``problems`` in the order a reader meets them: files in the order they first appear, and
    within a file by line and column (problems about the whole file first). The sort is stable,
    so problems at the same place keep their order."""
    files: dict[str, int] = {}
    for p in problems:
        files.setdefault(p.file, len(files))
    return sorted(problems, key=lambda p: (files[p.file], p.line or 0, p.column or 0))
