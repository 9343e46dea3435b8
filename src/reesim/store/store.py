"""The results store: one DuckDB file of run records, and a folder of Parquet files per run.

A record keeps what is needed to reproduce and explain a run: the resolved scenario (after
``extends``), the seed, the number of runs, the dataset version, the versions of reesim,
Python, numpy, pandas, xarray and numba, timings and the headline indicators. Monthly series
(and, on request, the full outputs of the central run) are Parquet files in ``runs/<id>/`` next
to the database, with ``tables.json`` listing them. A run whose folder or tables are missing or
unreadable is reported, with its id and what is missing, as an input error.

No half-written runs: Parquet files are written to a temporary folder that is renamed into
place, and only then is the record inserted in one transaction; folders without a record
(an interrupted run) are ignored, and removed when the store is opened once they are an hour
old. DuckDB lets one process write at a time, so every operation opens the database briefly
and retries while another process holds it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import xarray as xr

from reesim.errors import InputError, Problem

T = TypeVar("T")

#: The file in a run's folder listing the tables stored, so a missing one is noticed.
MANIFEST = "tables.json"

#: Seconds after which a run folder without a record is a leftover of an interrupted run.
STALE_S = 3600.0

#: Seconds to keep retrying while another process holds the database.
LOCK_TIMEOUT_S = 60.0
#: Seconds to keep retrying while the file does not read as a database: another process may be
#: creating it. A file that stays unreadable is damaged or not a results store.
DAMAGED_GRACE_S = 2.0

_SCHEMA = """
create table if not exists runs (
    id varchar primary key,
    created timestamp,
    scenario varchar,
    title varchar,
    runs integer,
    seed bigint,
    months integer,
    dataset_version varchar,
    package_version varchar,
    scenario_json varchar,
    timings_json varchar,
    headline_json varchar,
    report varchar,
    has_full boolean,
    environment_json varchar,
    report_error varchar
);
alter table runs add column if not exists environment_json varchar;
alter table runs add column if not exists report_error varchar;
"""


def default_store_path() -> Path:
    """``REESIM_STORE`` if set, else ``runs.duckdb`` in the user's data directory."""
    env = os.environ.get("REESIM_STORE")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("reesim")) / "runs.duckdb"


@dataclass(frozen=True)
class RunRecord:
    """What the store keeps about one run (series and outputs are separate files)."""

    id: str
    created: str
    scenario: str
    title: str
    runs: int
    seed: int
    months: int
    dataset_version: str
    package_version: str
    scenario_json: str
    timings_json: str
    headline_json: str
    report: str = ""
    has_full: bool = False
    environment_json: str = "{}"
    #: Why the run's report could not be written ("" when it was, or is not yet): the run is
    #: stored all the same, and ``reesim report ID`` writes the report again.
    report_error: str = ""

    @property
    def environment(self) -> dict[str, str]:
        """The versions of Python and of the numerical libraries the run was made with (empty for
        runs stored before records kept them)."""
        data: dict[str, str] = json.loads(self.environment_json or "{}")
        return data

    @property
    def headline(self) -> dict[str, Any]:
        """The headline indicators as plain data."""
        data: dict[str, Any] = json.loads(self.headline_json)
        return data


def environment() -> dict[str, str]:
    """The versions of Python, numpy, pandas, xarray and numba: the numbers of a run may change
    with them, so every record keeps them next to reesim's and the dataset's versions."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in ("numpy", "pandas", "xarray", "numba"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def new_id() -> str:
    """A short random run id (8 hex digits)."""
    return secrets.token_hex(4)


class Store:
    """Run records in DuckDB at ``path``; Parquet files under ``path.parent / 'runs'``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.bulk = self.path.parent / "runs"
        try:
            self.bulk.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            hint = "give a writable folder with --store or REESIM_STORE"
            raise InputError(
                [Problem(str(self.path), None, "--store", f"cannot create the store: {exc}", hint)]
            ) from None
        known = self._retry(_create)  # one connection: each costs tens of ms
        self.clean(older_than_s=STALE_S, young_tmp=False, known=known)

    # --- database access with retries -----------------------------------------------------------

    @contextmanager
    def _connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        con = duckdb.connect(str(self.path), read_only=read_only)
        try:
            yield con
        finally:
            con.close()

    def _retry(self, action: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``action`` on a fresh connection, retrying while another process holds the file
        (up to :data:`LOCK_TIMEOUT_S`) and, for :data:`DAMAGED_GRACE_S`, while it does not read
        as a database (another process may be creating it); then an InputError."""
        start = time.monotonic()
        delay = 0.02
        while True:
            try:
                with self._connect() as con:
                    return action(con)
            except duckdb.IOException as exc:
                waited = time.monotonic() - start
                if "lock" not in str(exc).lower():
                    if waited > DAMAGED_GRACE_S:
                        raise _unreadable(self.path, exc) from None
                elif waited > LOCK_TIMEOUT_S:
                    hint = "another reesim process holds it; try again"
                    problem = Problem(str(self.path), None, None, f"the results store is busy: {exc}", hint)
                    raise InputError([problem]) from None
            except (duckdb.SerializationException, duckdb.InternalException, duckdb.CatalogException) as exc:
                raise _unreadable(self.path, exc) from None
            except duckdb.Error as exc:
                if type(exc) is not duckdb.Error or "corrupt" not in str(exc).lower():
                    raise  # a bug of reesim's, not a damaged file
                if time.monotonic() - start > DAMAGED_GRACE_S:
                    raise _unreadable(self.path, exc) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    # --- writing ----------------------------------------------------------------------------------

    def save(
        self, record: RunRecord, tables: dict[str, pd.DataFrame], report: Callable[[], object] | None = None
    ) -> RunRecord:
        """Write ``tables`` as Parquet and insert ``record``: all or nothing.

        ``report``, if given, is called between the two (it writes the run's report) and what it
        returns is recorded as the report's path by the same insert. If it fails, the run is
        stored without a report and its error raised."""
        tmp = self.bulk / f".tmp-{record.id}-{os.getpid()}"
        final = self.bulk / record.id
        tmp.mkdir(parents=True)
        try:
            for name, frame in tables.items():
                frame.to_parquet(tmp / f"{name}.parquet", index=False)
            (tmp / MANIFEST).write_text(json.dumps(sorted(tables)), encoding="utf-8")
            tmp.rename(final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        failure: BaseException | None = None
        if report is not None:
            try:
                record = replace(record, report=str(report()))
            except BaseException as exc:
                failure = exc
        try:
            values = asdict(record)
            cols = ", ".join(values)
            marks = ", ".join("?" for _ in values)
            self._retry(
                lambda con: con.execute(f"insert into runs ({cols}) values ({marks})", list(values.values()))
            )
        except BaseException:
            shutil.rmtree(final, ignore_errors=True)
            raise
        if failure is not None:
            raise failure
        return record

    def set_report(self, run_id: str, report: str, error: str = "") -> None:
        """Remember where the run's report was written, or (``report`` empty) why it could not be."""
        self._retry(
            lambda con: con.execute(
                "update runs set report = ?, report_error = ? where id = ?", [report, error or None, run_id]
            )
        )

    def delete(self, run_id: str) -> str:
        """Delete a run (record and files); returns its full id."""
        full = self.resolve_id(run_id)
        self._retry(lambda con: con.execute("delete from runs where id = ?", [full]))
        shutil.rmtree(self.bulk / full, ignore_errors=True)
        return full

    def clean(
        self, older_than_s: float = STALE_S, young_tmp: bool = True, known: set[str] | None = None
    ) -> list[str]:
        """Remove folders left by interrupted runs (no record) and untouched for ``older_than_s``
        seconds, and temporary ``.tmp-*`` folders (with ``young_tmp``, also recent ones: only
        when no other process may be writing); returns their names. Opening a store cleans
        what is stale, so leftovers of a killed run do not stay forever. ``known``: the ids of the
        stored runs, when already read."""
        if not any(True for _ in self.bulk.iterdir()):
            return []
        if known is None:
            known = set(self.list_runs()["id"]) if self.path.exists() else set()
        removed = []
        for folder in self.bulk.iterdir():
            name = folder.name
            try:
                stale = time.time() - folder.stat().st_mtime > older_than_s
            except OSError:
                continue  # removed meanwhile by another process
            temporary = name.startswith(".tmp-") and (young_tmp or stale)
            if folder.is_dir() and name not in known and (temporary or stale):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(name)
        return removed

    # --- reading ----------------------------------------------------------------------------------

    def list_runs(self) -> pd.DataFrame:
        """All runs, newest first (without the large JSON columns)."""
        query = (
            "select id, created, scenario, title, runs, seed, months, report, report_error from runs "
            "order by created desc"
        )
        frame: pd.DataFrame = self._retry(lambda con: con.execute(query).df())
        return frame

    def resolve_id(self, run_id: str) -> str:
        """The full id of a run given its id or a unique prefix; InputError otherwise (for a
        prefix several ids share, naming them)."""
        ids = [str(i) for i in self.list_runs()["id"]]
        matches = [i for i in ids if i.startswith(run_id)] if run_id else []
        if len(matches) == 1:
            return matches[0]
        if not matches:
            hint = "`reesim runs list` shows the ids"
            raise InputError([Problem(str(self.path), None, "ID", f"no single run with id {run_id!r}", hint)])
        shown = ", ".join(matches[:10]) + (f" and {len(matches) - 10} more" if len(matches) > 10 else "")
        message = f"{len(matches)} runs have ids starting {run_id!r}"
        hint = f"give more of the id: it matches {shown}"
        raise InputError([Problem(str(self.path), None, "ID", message, hint)])

    def get(self, run_id: str) -> RunRecord:
        """The record of a run."""
        full = self.resolve_id(run_id)
        row = self._retry(lambda con: con.execute("select * from runs where id = ?", [full]).df())
        data = row.iloc[0].to_dict()
        data["created"] = str(data["created"])
        data["report"] = data["report"] or ""
        data["environment_json"] = data.get("environment_json") or "{}"
        data["report_error"] = data.get("report_error") or ""
        return RunRecord(**{str(k): (v.item() if hasattr(v, "item") else v) for k, v in data.items()})

    def table(self, run_id: str, name: str) -> pd.DataFrame:
        """One stored Parquet table of a run; a missing or unreadable file is an InputError
        naming the run and the file."""
        full = self.resolve_id(run_id)
        path = self.bulk / full / f"{name}.parquet"
        if not path.exists():
            self._folder(full)
            raise InputError([Problem(str(path), None, None, f"run {full} has no {name!r} table",
                                      "full outputs are kept only with --full")])  # fmt: skip
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise damaged(full, path, f"its table {name!r} cannot be read ({exc})") from None

    def tables(self, run_id: str) -> list[str]:
        """Names of the stored tables of a run; InputError if the run's folder is gone or a table
        its :data:`MANIFEST` lists is missing."""
        full = self.resolve_id(run_id)
        folder = self._folder(full)
        found = sorted(p.stem for p in folder.glob("*.parquet"))
        try:
            listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return found  # a run stored before runs listed their tables
        except (OSError, ValueError):
            raise damaged(full, folder / MANIFEST, "its list of tables cannot be read") from None
        missing = sorted(set(map(str, listed)) - set(found)) if isinstance(listed, list) else ["?"]
        if missing:
            shown = ", ".join(f"{m}.parquet" for m in missing[:5]) + (" ..." if len(missing) > 5 else "")
            raise damaged(full, folder, f"{len(missing)} of its tables are missing: {shown}")
        return found

    def _folder(self, full: str) -> Path:
        """The folder of the run ``full``; InputError if it is missing."""
        folder = self.bulk / full
        if not folder.is_dir():
            raise damaged(full, folder, "its folder of tables is missing")
        return folder


def _create(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Create the runs table if missing; the ids of the stored runs."""
    con.execute(_SCHEMA)
    return {str(row[0]) for row in con.execute("select id from runs").fetchall()}


def _unreadable(path: Path, exc: Exception) -> InputError:
    """The error for a store file that is not a DuckDB database reesim can use (corrupt, empty,
    another program's file): told apart from a store another process holds."""
    hint = "move the file aside (runs stored in it cannot be read) or give another --store"
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    message = f"not a results store reesim can read: {reason}"
    return InputError([Problem(str(path), None, None, message, hint)])


def damaged(run_id: str, path: Path, what: str) -> InputError:
    """The error for a stored run whose files are missing or damaged."""
    hint = f"the run cannot be read back: delete it with `reesim runs delete {run_id}` and run it again"
    return InputError([Problem(str(path), None, None, f"run {run_id}: {what}", hint)])


def to_tables(data: xr.Dataset) -> dict[str, pd.DataFrame]:
    """One long table per variable (its dimensions as columns, then ``value``)."""
    return {str(name): data[name].to_dataframe(name="value").reset_index() for name in data.data_vars}


def from_tables(tables: dict[str, pd.DataFrame], attrs: dict[str, Any] | None = None) -> xr.Dataset:
    """The inverse of :func:`to_tables`."""
    arrays = {}
    for name, frame in tables.items():
        dims = [c for c in frame.columns if c != "value"]
        arrays[name] = frame.set_index(dims)["value"].to_xarray()
    out = xr.Dataset(arrays)
    out.attrs = dict(attrs or {})
    return out
