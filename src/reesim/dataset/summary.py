"""Summaries of the dataset for ``reesim data list`` and the quick start.

Coverage says, per table, how many rows it has, which years and countries it spans, and how
many rows are reported, derived or assumed, so a reader sees at once how solid each table is.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reesim.dataset.model import Dataset

_YEAR_COLUMNS = ("year", "date", "start")
_PLACE_COLUMNS = ("iso3", "region", "importer", "node")


@dataclass(frozen=True)
class Coverage:
    """Row counts and coverage of one table."""

    table: str
    rows: int
    years: str
    places: int
    reported: int
    derived: int
    assumption: int
    description: str


def _years(frame: pd.DataFrame) -> str:
    for col in _YEAR_COLUMNS:
        if col in frame.columns:
            values = [str(v)[:4] for v in frame[col] if str(v) not in {"", "nan"}]
            if values:
                return f"{min(values)}-{max(values)}" if min(values) != max(values) else min(values)
    return ""


def _places(frame: pd.DataFrame) -> int:
    for col in _PLACE_COLUMNS:
        if col in frame.columns:
            return int(frame[col].replace("", pd.NA).dropna().nunique())
    return 0


def coverage(ds: Dataset) -> list[Coverage]:
    """One :class:`Coverage` per table, in schema order."""
    out = []
    for name, spec in ds.schema.tables.items():
        frame = ds[name]
        status = frame["status"].value_counts() if "status" in frame.columns else pd.Series(dtype="int64")
        out.append(
            Coverage(
                table=name,
                rows=len(frame),
                years=_years(frame),
                places=_places(frame),
                reported=int(status.get("reported", 0)),
                derived=int(status.get("derived", 0)),
                assumption=int(status.get("assumption", 0)),
                description=spec.description,
            )
        )
    return out


def china_share_of_mining(ds: Dataset, year: int = 2024, edition: str = "MCS2026") -> float:
    """China's share of world mine production (fraction), from the named edition's world total."""
    mp = ds.mine_production
    rows = mp[(mp["year"] == year) & (mp["edition"] == edition)]
    world = rows.loc[rows["iso3"] == "WLD", "quantity"]
    china = rows.loc[rows["iso3"] == "CHN", "quantity"]
    if world.empty or china.empty:
        raise KeyError(f"no world or China mine production for {year} in edition {edition}")
    return float(china.iloc[0]) / float(world.iloc[0])
