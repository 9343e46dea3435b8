"""Tables of the command line that stay readable at any terminal width, and their CSV form.

A command that prints a table builds a :class:`Grid`: a title, column names and rows of plain
text. In the terminal, :func:`print_grid` splits the columns over as many tables as the width
needs, so that no cell is squeezed below its longest word (or, for short cells, below its whole
text) and nothing is dropped: the key columns, which say what a row is, repeat in every part, and
long text wraps at word boundaries. At 80 columns a wide table becomes two or three narrower
ones; at 160 it is one. ``--format csv`` prints the same rows for spreadsheets and pipes;
``--format json`` prints the command's JSON document (the one ``--json`` prints).
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

#: Cells up to this many characters stay on one line; longer text wraps, but not below this width
#: (or its longest word, if longer), so a wrapped column never turns into a ribbon of syllables.
WRAP_AT = 20


class Format(StrEnum):
    """How a command prints its table: for the terminal, as CSV, or as one JSON document."""

    table = "table"
    csv = "csv"
    json = "json"


FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="table (terminal), csv or json (the same as --json).")
]


def chosen(fmt: Format, as_json: bool) -> Format:
    """The format asked for: ``--json`` is short for ``--format json``."""
    return Format.json if as_json else fmt


@dataclass
class Grid:
    """A table as plain text: ``keys`` leading columns identify a row and repeat in every part
    when the table is split; ``right`` holds the indexes of right-aligned (numeric) columns."""

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    keys: int = 1
    right: frozenset[int] = frozenset()
    styles: list[str | None] = field(default_factory=list)
    caption: str | None = None

    def add(self, cells: Sequence[object], style: str | None = None) -> None:
        """Append a row (each cell shown as ``str``)."""
        self.rows.append([str(c) for c in cells])
        self.styles.append(style)


def _min_width(texts: Sequence[str]) -> int:
    """The narrowest a column may get: its longest cell if short, else :data:`WRAP_AT` or its
    longest word."""
    longest = max((len(t) for t in texts), default=1)
    word = max((len(w) for t in texts for w in t.split()), default=1)
    return max(1, min(longest, max(word, WRAP_AT)))


def _table(grid: Grid, shown: list[int], title: str | None, caption: str | None) -> Table:
    table = Table(title=title, caption=caption, show_lines=False)
    for i in shown:
        texts = [grid.columns[i], *(row[i] for row in grid.rows)]
        table.add_column(
            escape(grid.columns[i]),
            justify="right" if i in grid.right else "left",
            overflow="fold",
            no_wrap=i < grid.keys,
            min_width=_min_width(texts),
        )
    for row, style in zip(grid.rows, grid.styles or [None] * len(grid.rows), strict=True):
        table.add_row(*(escape(row[i]) for i in shown), style=style)
    return table


def _fits(grid: Grid, shown: list[int], width: int) -> bool:
    """Whether the columns ``shown`` fit in ``width`` at their narrowest (each column takes its
    width, two of padding and one of border; one more closes the table)."""
    need = 1
    for i in shown:
        texts = [grid.columns[i], *(row[i] for row in grid.rows)]
        need += 3 + (max(len(t) for t in texts) if i < grid.keys else _min_width(texts))
    return need <= width


def parts(grid: Grid, console: Console) -> list[Table]:
    """The grid as one table if it fits the console, else as several, each with the key columns
    and as many of the others, in order, as fit."""
    keys = list(range(min(grid.keys, len(grid.columns))))
    rest = list(range(len(keys), len(grid.columns)))
    groups: list[list[int]] = []
    current: list[int] = []
    for i in rest:
        if current and not _fits(grid, keys + current + [i], console.width):
            groups.append(current)
            current = []
        current.append(i)
    groups.append(current)
    tables = []
    for n, group in enumerate(groups):
        title = grid.title if len(groups) == 1 else f"{grid.title} ({n + 1} of {len(groups)})"
        caption = grid.caption if n == len(groups) - 1 else None
        tables.append(_table(grid, keys + group, escape(title), caption))
    return tables


def csv_text(grid: Grid) -> str:
    """The grid as CSV: a header of the column names, then the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(grid.columns)
    writer.writerows(grid.rows)
    return buffer.getvalue()


def print_grid(grid: Grid, console: Console, fmt: Format = Format.table) -> None:
    """Print ``grid`` as terminal tables fitted to ``console`` or, with ``fmt`` csv, as CSV on
    standard output (``fmt`` json is the command's own document, printed by the command)."""
    if fmt is Format.csv:
        sys.stdout.write(csv_text(grid))
        return
    for table in parts(grid, console):
        console.print(table)
