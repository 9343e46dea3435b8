"""The dataset's schema, itself stored as data (like PyPSA's component attribute tables).

Three meta tables under ``data/schema/`` describe the bundled data:

- ``tables.csv``: one row per table (file, description, unique key, whether rows need a source);
- ``columns.csv``: one row per column (type, unit, required, allowed values, range, description);
- ``rules.csv``: consistency rules that ``reesim data check`` applies (sums, world totals, balances).

Keeping the schema as data means the documentation in docs/data.md, the loader and the checks
all read the same definitions, so they cannot drift apart.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from reesim.errors import InputError, Problem

#: Column types the loader understands. ``ref`` columns name ``table.column`` in ``values``;
#: ``codes`` columns hold one or more ``;``-separated codes from ``values``, in which
#: ``{element}`` stands for any element symbol (``{element}_oxide`` allows ``Dy_oxide``).
COLUMN_TYPES = frozenset(
    {"str", "int", "float", "year", "date", "bool", "enum", "element", "elements", "codes", "ref"}
)

#: What ``{element}`` in a ``codes`` column's allowed values stands for.
ELEMENT_SLOT = "{element}"

#: Provenance statuses: every data row says which of these its numbers are.
STATUSES = ("reported", "derived", "assumption")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of one table: its type, unit and meaning."""

    table: str
    name: str
    type: str
    unit: str
    required: bool
    values: tuple[str, ...]
    minimum: float | None
    maximum: float | None
    description: str

    @property
    def ref(self) -> tuple[str, str] | None:
        """``(table, column)`` this column refers to, for ``ref`` columns."""
        if self.type != "ref" or not self.values:
            return None
        table, _, column = self.values[0].partition(".")
        return table, column


@dataclass(frozen=True)
class TableSpec:
    """One bundled table: its file, key and columns, in file order."""

    name: str
    file: str
    description: str
    key: tuple[str, ...]
    sourced: bool
    columns: tuple[ColumnSpec, ...]

    def column(self, name: str) -> ColumnSpec:
        """The spec of column ``name``; KeyError if the table has no such column."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name!r} has no column {name!r}")


@dataclass(frozen=True)
class Rule:
    """A consistency rule checked by ``reesim data check``.

    kinds:
    - ``sum``: within each group (``group_by``), ``value_column`` sums to ``target`` ± ``tolerance``;
    - ``world_total``: within each group, the rows other than ``WLD`` sum to the ``WLD`` row
      within a relative ``tolerance``;
    - ``capacity_covers_production``: ``production`` ≤ ``capacity`` × (1 + ``tolerance``) per row;
    - ``not_above``: per ``group_by`` value, the total of ``value_column`` in ``table`` stays within
      (1 + ``tolerance``) × the total named by ``target`` (``table.column``) in the same group;
    - ``agrees``: each row's ``value_column`` equals ``target`` (``table.column``) in the row of that
      table with the same ``group_by`` values (rows with an empty or unknown key are skipped);
    - ``requires``: a row that fills ``value_column`` also fills the column named by ``target``.
    """

    rule_id: str
    kind: str
    table: str
    value_column: str
    group_by: tuple[str, ...]
    target: str
    tolerance: float
    where: str
    description: str


@dataclass(frozen=True)
class Schema:
    """All table specs and rules, keyed by table name."""

    tables: dict[str, TableSpec]
    rules: tuple[Rule, ...]


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return [
            (i, {k: (v or "").strip() for k, v in row.items() if k}) for i, row in enumerate(reader, start=2)
        ]


def _float_or_none(text: str) -> float | None:
    return float(text) if text else None


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def load_schema(schema_dir: Path) -> Schema:
    """Read ``tables.csv``, ``columns.csv`` and ``rules.csv`` from ``schema_dir``.

    Raises :class:`InputError` naming the file and line of any malformed schema row.
    """
    problems: list[Problem] = []
    columns: dict[str, list[ColumnSpec]] = {}
    col_file = schema_dir / "columns.csv"
    for line, row in _read_rows(col_file):
        if row["type"] not in COLUMN_TYPES:
            problems.append(
                Problem(
                    str(col_file),
                    line,
                    "type",
                    f"unknown column type {row['type']!r}",
                    f"use one of {', '.join(sorted(COLUMN_TYPES))}",
                )
            )
            continue
        try:
            spec = ColumnSpec(
                table=row["table"],
                name=row["column"],
                type=row["type"],
                unit=row["unit"],
                required=row["required"] == "yes",
                values=tuple(v for v in row["values"].split("|") if v),
                minimum=_float_or_none(row["min"]),
                maximum=_float_or_none(row["max"]),
                description=row["description"],
            )
        except ValueError as exc:
            problems.append(
                Problem(str(col_file), line, "min/max", f"not a number: {exc}", "write e.g. 0 or 1.5")
            )
            continue
        columns.setdefault(spec.table, []).append(spec)

    tables: dict[str, TableSpec] = {}
    tab_file = schema_dir / "tables.csv"
    for line, row in _read_rows(tab_file):
        name = row["table"]
        if name not in columns:
            problems.append(
                Problem(
                    str(tab_file),
                    line,
                    "table",
                    f"table {name!r} has no columns in columns.csv",
                    "add its columns to columns.csv",
                )
            )
            continue
        tables[name] = TableSpec(
            name=name,
            file=row["file"],
            description=row["description"],
            key=_split(row["key"]),
            sourced=row["sourced"] == "yes",
            columns=tuple(columns[name]),
        )
    for name in columns.keys() - tables.keys():
        problems.append(
            Problem(
                str(col_file),
                None,
                "table",
                f"columns given for unknown table {name!r}",
                "add the table to tables.csv",
            )
        )

    rules: list[Rule] = []
    rule_file = schema_dir / "rules.csv"
    for line, row in _read_rows(rule_file):
        if row["table"] not in tables:
            problems.append(
                Problem(str(rule_file), line, "table", f"rule on unknown table {row['table']!r}", "")
            )
            continue
        rules.append(
            Rule(
                rule_id=row["rule_id"],
                kind=row["kind"],
                table=row["table"],
                value_column=row["value_column"],
                group_by=_split(row["group_by"]),
                target=row["target"],
                tolerance=float(row["tolerance"] or 0.0),
                where=row["where"],
                description=row["description"],
            )
        )
    if problems:
        raise InputError(problems)
    return Schema(tables=tables, rules=tuple(rules))
