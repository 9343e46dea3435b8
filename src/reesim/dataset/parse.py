"""Parse one CSV file against its :class:`TableSpec`, collecting every problem at once.

Parsing is lenient on purpose: a bad cell becomes a :class:`~reesim.errors.Problem` (file, line,
field, hint) and an empty value, so ``reesim data check`` can report all defects in one pass
instead of stopping at the first. :func:`reesim.dataset.load_dataset` then refuses to return a
dataset that had any error.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import re
from collections.abc import Collection
from pathlib import Path

import pandas as pd

from reesim.dataset.schema import ELEMENT_SLOT, ColumnSpec, TableSpec
from reesim.errors import InputError, Problem
from reesim.textfile import read_bytes

#: Largest table file read, in bytes (the largest bundled table is a few hundred kB).
MAX_TABLE_BYTES = 50_000_000

#: Column added to every parsed table: the 1-based line of the row in its file (header = line 1).
LINE = "line"

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$", re.ASCII)
_TRUE = {"yes", "true", "1"}
_FALSE = {"no", "false", "0"}

Cell = str | float | None


def did_you_mean(value: str, choices: Collection[str]) -> str:
    """A hint naming the closest allowed value, or listing a few of them."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    shown = sorted(choices)[:12]
    more = ", ..." if len(choices) > 12 else ""
    return f"expected one of {', '.join(shown)}{more}"


def _parse_cell(col: ColumnSpec, raw: str, elements: frozenset[str]) -> tuple[Cell, str | None, str]:
    """Return (value, error message or None, hint) for one raw cell."""
    kind = col.type
    if kind in {"str", "ref"}:
        return raw, None, ""
    if kind in {"int", "float", "year"}:
        try:
            number = float(raw.replace(",", "")) if kind == "float" else float(int(raw))
        except ValueError:
            return None, f"{raw!r} is not a number", "write plain digits like 1200 or 0.35, without units"
        if math.isnan(number) or math.isinf(number):
            return None, f"{raw!r} is not a finite number", "write a finite number"
        if kind == "year" and not 1800 <= number <= 2100:
            return None, f"year {raw} is out of range", "write a four-digit year such as 2024"
        if col.minimum is not None and number < col.minimum:
            return None, f"{raw} is below the minimum {col.minimum:g}", _range_hint(col)
        if col.maximum is not None and number > col.maximum:
            return None, f"{raw} is above the maximum {col.maximum:g}", _range_hint(col)
        return number, None, ""
    if kind == "date":
        if not _DATE.match(raw) or not _real_date(raw):
            return None, f"{raw!r} is not a date", "write YYYY-MM-DD, YYYY-MM or YYYY"
        return raw, None, ""
    if kind == "bool":
        low = raw.lower()
        if low in _TRUE | _FALSE:
            return ("yes" if low in _TRUE else "no"), None, ""
        return None, f"{raw!r} is not yes/no", "write yes or no"
    if kind == "enum":
        if raw in col.values:
            return raw, None, ""
        return None, f"{raw!r} is not an allowed value", did_you_mean(raw, col.values)
    if kind == "element":
        if raw in elements:
            return raw, None, ""
        return None, f"unknown element {raw!r}", did_you_mean(raw, elements)
    parts = [p.strip() for p in raw.split(";") if p.strip()]
    if kind == "codes":
        for part in parts:
            if not _is_code(part, col.values, elements):
                return None, f"unknown {col.name} {part!r}", _code_hint(part, col.values, elements)
        return ";".join(parts), None, ""
    # kind == "elements": a ';'-separated list of symbols
    for part in parts:
        if part not in elements:
            return (
                None,
                f"unknown element {part!r}",
                did_you_mean(part, elements) + " (separate symbols with ';')",
            )
    return ";".join(parts), None, ""


def _is_code(part: str, allowed: tuple[str, ...], elements: frozenset[str]) -> bool:
    """Whether ``part`` is one of ``allowed``, ``{element}`` in them standing for any element symbol."""
    for code in allowed:
        prefix, slot, suffix = code.partition(ELEMENT_SLOT)
        if not slot:
            if part == code:
                return True
        elif (
            len(part) > len(prefix) + len(suffix)
            and part.startswith(prefix)
            and part.endswith(suffix)
            and part[len(prefix) : len(part) - len(suffix)] in elements
        ):
            return True
    return False


def _code_hint(part: str, allowed: tuple[str, ...], elements: frozenset[str]) -> str:
    """The closest code ``allowed`` admits (``{element}`` written out for each element), or the
    allowed codes as the schema writes them."""
    every: set[str] = set()
    for code in allowed:
        every |= {code.replace(ELEMENT_SLOT, e) for e in elements} if ELEMENT_SLOT in code else {code}
    close = difflib.get_close_matches(part, sorted(every), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    shown = ", ".join(c.replace(ELEMENT_SLOT, "<element symbol>") for c in allowed)
    return f"expected {shown} (several separated by ';')"


def _real_date(raw: str) -> bool:
    """Whether ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` names a month and day that exist."""
    parts = [int(p) for p in raw.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def _range_hint(col: ColumnSpec) -> str:
    low = "-inf" if col.minimum is None else f"{col.minimum:g}"
    high = "inf" if col.maximum is None else f"{col.maximum:g}"
    unit = f" {col.unit}" if col.unit else ""
    return f"{col.name} must lie in [{low}, {high}]{unit}"


def parse_table(
    path: Path, spec: TableSpec, elements: frozenset[str], shown_as: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read ``path`` as table ``spec``; return the typed frame and the problems found.

    ``shown_as`` is the file name used in messages. Numeric columns become float64 (NaN when empty),
    other columns Python strings (``""`` when empty). A ``line`` column keeps each row's line.
    """
    problems: list[Problem] = []
    names = [c.name for c in spec.columns]
    if not path.exists():
        problems.append(
            Problem(shown_as, None, None, "file is missing", f"table {spec.name!r} is read from {spec.file}")
        )
        return _empty(spec), problems
    try:
        content = read_bytes(path, shown_as, limit=MAX_TABLE_BYTES)
    except InputError as exc:  # a folder, a device, a file of gigabytes
        problems.extend(exc.problems)
        return _empty(spec), problems
    try:
        text = content.decode("utf-8-sig")  # a byte-order mark, as some spreadsheets write, is skipped
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 text: byte 0x{content[exc.start]:02x} ({exc.reason})"
        problems.append(Problem(shown_as, line, None, message, "save the file as UTF-8"))
        # read on with the byte replaced, so that one bad byte is one error, not one per reference
        text = content.decode("utf-8-sig", errors="replace")
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        rows: list[list[str]] = []
        starts: list[int] = []
        previous = 0
        for fields in reader:
            rows.append(fields)
            starts.append(previous + 1)  # a quoted field may span lines: report where the row starts
            previous = reader.line_num
    except csv.Error as exc:
        problems.append(Problem(shown_as, None, None, f"not a valid CSV file ({exc})", "check quoting"))
        return _empty(spec), problems
    if not rows:
        problems.append(Problem(shown_as, 1, None, "file is empty", f"the header must be: {','.join(names)}"))
        return _empty(spec), problems
    header = [h.strip() for h in rows[0]]
    for name in names:
        if name not in header:
            problems.append(
                Problem(
                    shown_as,
                    1,
                    name,
                    "column is missing from the header",
                    f"the header must be: {','.join(names)}",
                )
            )
    for extra in header:
        if extra not in names:
            problems.append(
                Problem(
                    shown_as,
                    1,
                    extra,
                    "column is not in the schema",
                    did_you_mean(extra, names) + " (or add it to data/schema/columns.csv)",
                    severity="warning",
                )
            )
    index = {h: i for i, h in enumerate(header)}
    records: list[dict[str, Cell | int]] = []
    for line, raw_row in zip(starts[1:], rows[1:], strict=True):
        if not any(cell.strip() for cell in raw_row):
            problems.append(Problem(shown_as, line, None, "blank line", "remove it"))
            continue
        if len(raw_row) != len(header):
            problems.append(
                Problem(
                    shown_as,
                    line,
                    None,
                    f"has {len(raw_row)} fields, the header has {len(header)}",
                    "quote fields that contain commas",
                )
            )
            continue
        record: dict[str, Cell | int] = {LINE: line}
        for col in spec.columns:
            raw = raw_row[index[col.name]].strip() if col.name in index else ""
            if not raw:
                if col.required and col.name in index:
                    problems.append(
                        Problem(shown_as, line, col.name, "is required but empty", col.description)
                    )
                record[col.name] = math.nan if col.type in {"int", "float", "year"} else ""
                continue
            value, error, hint = _parse_cell(col, raw, elements)
            if error is not None:
                problems.append(Problem(shown_as, line, col.name, error, hint))
                value = math.nan if col.type in {"int", "float", "year"} else ""
            record[col.name] = value
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=[LINE, *names])
    return _typed(frame, spec), problems


def _empty(spec: TableSpec) -> pd.DataFrame:
    return _typed(pd.DataFrame(columns=[LINE, *(c.name for c in spec.columns)]), spec)


def _typed(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    out = frame.copy()
    out[LINE] = out[LINE].astype("int64")
    for col in spec.columns:
        if col.type in {"int", "float", "year"}:
            out[col.name] = out[col.name].astype("float64")
        else:
            out[col.name] = out[col.name].astype("object")
    return out
