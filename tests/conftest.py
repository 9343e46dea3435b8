"""Shared fixtures: the bundled dataset, and editable copies of its folder for defect tests.

Property tests draw the same examples on every run (hypothesis profile ``repeatable``), so the
suite gives the same verdict on every machine; ``REESIM_HYPOTHESIS=explore`` draws new ones.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from reesim.dataset import Dataset, bundled_data_dir, load_dataset

settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("REESIM_HYPOTHESIS", "repeatable"))


#: Terminal size variables a pytest-xdist worker process finds set (80 x 24) whatever the run's own
#: environment: a console created with COLUMNS set keeps that width, so wide tables would fold.
TERMINAL_SIZE = ("COLUMNS", "LINES")


_session_store: list[str] = []


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """(pytest-xdist, in the controlling process) Tell each worker this run's terminal size
    variables (unset ones as None) and whether the store is the session's own."""
    node.workerinput["terminal_size"] = {name: os.environ.get(name) for name in TERMINAL_SIZE}
    node.workerinput["session_store"] = os.environ.get("REESIM_STORE") in _session_store


def pytest_configure(config: pytest.Config) -> None:
    """Runs stored by tests go to a store of this session (of each test worker), never to the
    user's own store. A worker's environment has the run's own terminal size variables, as a
    serial run has."""
    given = getattr(config, "workerinput", {})
    if "REESIM_STORE" not in os.environ or given.get("session_store"):
        _session_store.append(str(Path(tempfile.mkdtemp(prefix="reesim-tests-")) / "runs.duckdb"))
        os.environ["REESIM_STORE"] = _session_store[-1]
    for name, value in given.get("terminal_size", {}).items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Parsed datasets are cached in a folder of the session's, not the user's cache folder."""
    before = os.environ.get("REESIM_CACHE_DIR")
    folder = tmp_path_factory.mktemp("cache")
    os.environ["REESIM_CACHE_DIR"] = str(folder)
    yield folder
    if before is None:
        del os.environ["REESIM_CACHE_DIR"]
    else:
        os.environ["REESIM_CACHE_DIR"] = before


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The bundled dataset, loaded once per test session."""
    return load_dataset()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled data folder that a test may damage."""
    target = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


Editor = Callable[[str, int, str, str], None]


@pytest.fixture
def edit_cell(data_copy: Path) -> Editor:
    """Set ``column`` on file line ``line`` (header = line 1) of ``file`` in the copy to ``value``."""

    def edit(file: str, line: int, column: str, value: str) -> None:
        path = data_copy / file
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        col = rows[0].index(column)
        rows[line - 1][col] = value
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)

    return edit


def find_line(data_dir: Path, file: str, **match: str) -> int:
    """The file line (header = 1) of the first row whose columns equal ``match``."""
    with (data_dir / file).open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if all(row[k] == v for k, v in match.items()):
                return line
    raise LookupError(f"no row {match} in {file}")
