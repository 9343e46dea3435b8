"""Consistency checks behind ``reesim data check``.

Each check returns :class:`~reesim.errors.Problem` findings that name the file, the line and the
field, with a hint. Checks cover: parse errors (types, units, ranges), provenance (every row has
a known source and a status, derived and assumed rows say how or why), references between tables,
duplicate keys, and the rules in ``data/schema/rules.csv`` (shares that must sum to one, country
sums against world totals, capacity that must cover production, columns that must agree with
another table's, cells that another cell requires).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from reesim.dataset.model import Dataset, read_dataset
from reesim.dataset.parse import LINE, did_you_mean
from reesim.dataset.schema import Rule
from reesim.errors import Problem

WORLD = "WLD"


def check_dataset(data_dir: Path | None = None) -> list[Problem]:
    """Parse and check the dataset in ``data_dir`` (default: bundled); return every finding.

    An empty list (or warnings only) means the data passed.
    """
    dataset, problems = read_dataset(data_dir)
    unread = {p.file for p in problems if p.severity == "error" and p.line in (None, 1)}
    problems.extend(p for p in check_rows(dataset) if p.file not in unread)  # not read: said already
    for check in (check_ranges, check_provenance, check_references, check_keys, check_rules):
        problems.extend(check(dataset))
    return problems


def check_rows(ds: Dataset) -> list[Problem]:
    """Every table has rows: the model reads each of them (a header alone would fail a run)."""
    return [
        Problem(ds.files[name], 2, None, "the table has no rows", "restore its rows (the model needs them)")
        for name in ds.schema.tables
        if len(ds[name]) == 0 and name in ds.files
    ]


def check_ranges(ds: Dataset) -> list[Problem]:
    """In tables with ``low`` and ``high`` columns, low is at most high and a ``default`` (or
    ``value``) lies between them."""
    out: list[Problem] = []
    for name in ds.schema.tables:
        frame = ds[name]
        if not {"low", "high"} <= set(frame.columns):
            continue
        centre = next((c for c in ("default", "value") if c in frame.columns), None)
        for row in frame.to_dict("records"):
            low, high, line = row["low"], row["high"], int(row[LINE])
            if pd.isna(low) or pd.isna(high):
                continue
            if low > high:
                out.append(Problem(ds.files[name], line, "low", f"low {low:g} is above high {high:g}",
                                   "swap them"))  # fmt: skip
            elif centre is not None and not pd.isna(row[centre]) and not low <= row[centre] <= high:
                out.append(Problem(ds.files[name], line, centre,
                                   f"{centre} {row[centre]:g} is outside its range {low:g}-{high:g}",
                                   f"give a {centre} within the range, or widen the range"))  # fmt: skip
    return out


def check_provenance(ds: Dataset) -> list[Problem]:
    """Every row of a sourced table cites a known source, and says how derived or why assumed."""
    known = set(ds.sources["source_id"])
    out: list[Problem] = []
    src = ds.sources
    for line, sid, year, url in zip(src[LINE], src["source_id"], src["year"], src["url"], strict=True):
        if sid == "reesim_assumption":
            continue
        missing = [name for name, value in (("year", year), ("url", url)) if value == "" or pd.isna(value)]
        if missing:
            out.append(
                Problem(
                    ds.files["sources"],
                    int(line),
                    ",".join(missing),
                    "source lacks " + " and ".join(missing),
                    "add the publication year and public address if they can be found",
                    severity="warning",
                )
            )
    for name, spec in ds.schema.tables.items():
        if not spec.sourced:
            continue
        frame, file = ds[name], ds.files[name]
        for row in frame.itertuples(index=False):
            line = int(getattr(row, LINE))
            for source in (s for s in str(row.source_id).split(";") if s):
                if source not in known:
                    out.append(
                        Problem(
                            file,
                            line,
                            "source_id",
                            f"unknown source {source!r}",
                            did_you_mean(source, known) + " (sources are defined in sources.csv)",
                        )
                    )
            status = str(row.status)
            if status in {"derived", "assumption"} and not str(row.note):
                what = "how it was derived" if status == "derived" else "why this value is assumed"
                out.append(
                    Problem(file, line, "note", f"a row with status {status!r} needs a note", f"say {what}")
                )
    return out


def check_references(ds: Dataset) -> list[Problem]:
    """Values of ``ref`` columns exist in the table and column they refer to."""
    out: list[Problem] = []
    for name, spec in ds.schema.tables.items():
        for col in spec.columns:
            if col.type != "ref" or col.name == "source_id":
                continue
            allowed: set[str] = set()
            for target in col.values:
                table, _, column = target.partition(".")
                allowed |= {str(v) for v in ds[table][column] if v}
            frame, file = ds[name], ds.files[name]
            for line, value in zip(frame[LINE], frame[col.name], strict=True):
                for part in str(value).split(";") if value else []:
                    if part not in allowed:
                        out.append(
                            Problem(
                                file,
                                int(line),
                                col.name,
                                f"unknown {col.name} {part!r}",
                                did_you_mean(part, allowed) + f" (defined in {' or '.join(col.values)})",
                            )
                        )
    return out


def check_keys(ds: Dataset) -> list[Problem]:
    """No two rows share a table's key."""
    out: list[Problem] = []
    for name, spec in ds.schema.tables.items():
        if not spec.key:
            continue
        frame, file = ds[name], ds.files[name]
        dup = frame[frame.duplicated(list(spec.key), keep="first")]
        for row in dup.itertuples(index=False):
            key = ", ".join(f"{k}={getattr(row, k)}" for k in spec.key)
            out.append(
                Problem(
                    file,
                    int(getattr(row, LINE)),
                    ",".join(spec.key),
                    f"duplicate key ({key})",
                    "each key may appear once; merge or remove one of the rows",
                )
            )
    return out


def _where(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """Filter rows by a clause like ``stage=separation_light|separation_heavy;unit=share``."""
    mask = pd.Series(True, index=frame.index)
    for clause in (c for c in where.split(";") if c.strip()):
        column, _, values = clause.partition("=")
        mask &= frame[column.strip()].astype(str).isin([v.strip() for v in values.split("|")])
    return frame[mask]


def _groups(frame: pd.DataFrame, by: Iterable[str]) -> Iterable[tuple[str, pd.DataFrame]]:
    cols = list(by)
    if not cols:
        yield "all rows", frame
        return
    for key, group in frame.groupby(cols, sort=True, dropna=False):
        values = key if isinstance(key, tuple) else (key,)
        yield ", ".join(f"{c}={v}" for c, v in zip(cols, values, strict=True)), group


def _rule_sum(ds: Dataset, rule: Rule) -> list[Problem]:
    frame, file = _where(ds[rule.table], rule.where), ds.files[rule.table]
    target = float(rule.target)
    out = []
    for label, group in _groups(frame, rule.group_by):
        total = float(group[rule.value_column].sum())
        if abs(total - target) > rule.tolerance:
            out.append(
                Problem(
                    file,
                    int(group[LINE].min()),
                    rule.value_column,
                    f"{rule.value_column} sums to {total:.4g} for {label}, not {target:g} "
                    f"(tolerance {rule.tolerance:g}, lines {_lines(group)})",
                    f"{rule.description}; fix the shares or add a remainder row",
                )
            )
    return out


def _rule_world_total(ds: Dataset, rule: Rule) -> list[Problem]:
    frame, file = _where(ds[rule.table], rule.where), ds.files[rule.table]
    code = rule.target
    out = []
    for label, group in _groups(frame, rule.group_by):
        world = group[group[code] == WORLD]
        parts = group[group[code] != WORLD]
        if world.empty:
            continue
        total, parts_sum = float(world[rule.value_column].sum()), float(parts[rule.value_column].sum())
        if total > 0 and abs(parts_sum - total) / total > rule.tolerance:
            out.append(
                Problem(
                    file,
                    int(world[LINE].iloc[0]),
                    rule.value_column,
                    f"countries sum to {parts_sum:,.0f} but the world total is {total:,.0f} for {label} "
                    f"({abs(parts_sum - total) / total:.1%} apart; tolerance {rule.tolerance:.0%})",
                    f"{rule.description}; check the country rows (lines {_lines(parts)})",
                )
            )
    return out


def _rule_capacity(ds: Dataset, rule: Rule) -> list[Problem]:
    frame, file = _where(ds[rule.table], rule.where), ds.files[rule.table]
    out = []
    ok = frame["capacity"].notna() & frame[rule.value_column].notna()
    rows = frame[ok]
    for line, produced, capacity in zip(
        rows[LINE].tolist(), rows[rule.value_column].tolist(), rows["capacity"].tolist(), strict=True
    ):
        if produced > capacity * (1 + rule.tolerance):
            out.append(
                Problem(
                    file,
                    int(line),
                    rule.value_column,
                    f"{rule.value_column} {produced:,.0f} exceeds capacity {capacity:,.0f}",
                    rule.description,
                )
            )
    return out


def _rule_not_above(ds: Dataset, rule: Rule) -> list[Problem]:
    frame, file = _where(ds[rule.table], rule.where), ds.files[rule.table]
    table, _, rest = rule.target.partition(".")
    column, _, where = rest.partition(":")
    other = _where(ds[table], where)
    out = []
    for label, group in _groups(frame, rule.group_by):
        sel = other
        for col in rule.group_by:
            sel = sel[sel[col] == group[col].iloc[0]]
        if sel.empty:
            continue
        total, limit = float(group[rule.value_column].sum()), float(sel[column].sum())
        if total > limit * (1 + rule.tolerance):
            out.append(
                Problem(
                    file,
                    int(group[LINE].min()),
                    rule.value_column,
                    f"{rule.value_column} totals {total:,.0f} for {label}, above {table}.{column} "
                    f"{limit:,.0f} (tolerance {rule.tolerance:.0%})",
                    rule.description,
                )
            )
    return out


def _filled(value: object) -> bool:
    return not (value is None or value == "" or (isinstance(value, float) and pd.isna(value)))


def _rule_agrees(ds: Dataset, rule: Rule) -> list[Problem]:
    frame, file = _where(ds[rule.table], rule.where), ds.files[rule.table]
    table, _, column = rule.target.partition(".")
    other = ds[table]
    keys = list(rule.group_by)
    lookup = {
        tuple(str(v) for v in key): str(value)
        for *key, value in zip(*(other[k] for k in keys), other[column], strict=True)
    }
    out = []
    for row in frame.itertuples(index=False):
        key = tuple(str(getattr(row, k)) for k in keys)
        value = str(getattr(row, rule.value_column))
        if "" in key or key not in lookup or value == lookup[key]:
            continue
        label = ", ".join(f"{k}={v}" for k, v in zip(keys, key, strict=True))
        out.append(
            Problem(
                file,
                int(getattr(row, LINE)),
                rule.value_column,
                f"{rule.value_column} {value!r} differs from {table}.{column} {lookup[key]!r} for {label}",
                f"{rule.description}; write {lookup[key]!r}",
            )
        )
    return out


def _rule_requires(ds: Dataset, rule: Rule) -> list[Problem]:
    frame, file = _where(ds[rule.table], rule.where), ds.files[rule.table]
    out = []
    for line, given, needed in zip(frame[LINE], frame[rule.value_column], frame[rule.target], strict=True):
        if _filled(given) and not _filled(needed):
            out.append(
                Problem(
                    file,
                    int(line),
                    rule.target,
                    f"is empty although {rule.value_column} is given",
                    rule.description,
                )
            )
    return out


_RULES: dict[str, Callable[[Dataset, Rule], list[Problem]]] = {
    "sum": _rule_sum,
    "world_total": _rule_world_total,
    "capacity_covers_production": _rule_capacity,
    "not_above": _rule_not_above,
    "agrees": _rule_agrees,
    "requires": _rule_requires,
}


def check_rules(ds: Dataset) -> list[Problem]:
    """Apply every rule in ``rules.csv``."""
    out: list[Problem] = []
    for rule in ds.schema.rules:
        run = _RULES.get(rule.kind)
        if run is None:
            out.append(
                Problem(
                    "schema/rules.csv",
                    None,
                    "kind",
                    f"unknown rule kind {rule.kind!r}",
                    did_you_mean(rule.kind, list(_RULES)),
                )
            )
            continue
        out.extend(run(ds, rule))
    return out


def _lines(group: pd.DataFrame) -> str:
    lines = sorted(int(v) for v in group[LINE])
    if len(lines) > 6:
        return f"{lines[0]}-{lines[-1]}"
    return ", ".join(str(v) for v in lines)
