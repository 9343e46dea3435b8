"""The typed baseline dataset: one object holding every bundled table.

:func:`read_dataset` parses every table and returns the problems found; :func:`load_dataset`
returns a :class:`Dataset` and raises :class:`~reesim.errors.InputError` if any table had an error.
Tables are plain pandas DataFrames (one row per CSV row plus ``line``), in the spirit of
PyPSA's component tables: the data stays inspectable, and labels become integer indices only
later, in the model's compile step.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TypeGuard

import pandas as pd

from reesim.dataset.parse import parse_table
from reesim.dataset.schema import Schema, TableSpec, load_schema
from reesim.errors import InputError, Problem

#: Order in which tables are read; ``elements`` first because other tables' element columns need it.
FIRST = "elements"


def bundled_data_dir() -> Path:
    """The folder of CSV files shipped inside the package."""
    return Path(str(resources.files("reesim") / "data"))


@dataclass(frozen=True)
class Dataset:
    """Every bundled table, typed, with the schema that describes it.

    Access a table by attribute (``ds.mine_production``) or by name (``ds["mine_production"]``).
    ``version`` is a short hash of the files' bytes, stored with every run for reproducibility.
    """

    schema: Schema
    tables: dict[str, pd.DataFrame]
    data_dir: Path
    version: str
    files: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(f"no table {name!r}; tables are: {', '.join(self.tables)}") from None

    def spec(self, name: str) -> TableSpec:
        """The schema entry of table ``name``."""
        return self.schema.tables[name]

    # Typed accessors for the tables the model uses most.
    @property
    def sources(self) -> pd.DataFrame:
        """Publications cited by the other tables (publisher, title, year, address)."""
        return self.tables["sources"]

    @property
    def countries(self) -> pd.DataFrame:
        """Countries and the model node each belongs to."""
        return self.tables["countries"]

    @property
    def blocs(self) -> pd.DataFrame:
        """Bloc memberships that scenarios can name."""
        return self.tables["blocs"]

    @property
    def elements(self) -> pd.DataFrame:
        """The 16 rare earths other than Pm, with oxide-to-metal factors."""
        return self.tables["elements"]

    @property
    def mine_production(self) -> pd.DataFrame:
        """Mine production by country and year, t REO, with the publication edition."""
        return self.tables["mine_production"]

    @property
    def parameters(self) -> pd.DataFrame:
        """Model parameters: default, range, unit and rationale."""
        return self.tables["parameters"]

    def parameter(self, name: str) -> float:
        """The default value of parameter ``name``."""
        defaults = self.parameter_defaults()
        if name not in defaults:
            raise KeyError(f"no parameter {name!r} in parameters.csv")
        return defaults[name]

    def parameter_defaults(self) -> dict[str, float]:
        """Every parameter's default value by name (computed once per dataset)."""
        cached: dict[str, float] | None = self.__dict__.get("_defaults")
        if cached is None:
            table = self.parameters
            cached = {str(n): float(v) for n, v in zip(table["name"], table["default"], strict=True)}
            object.__setattr__(self, "_defaults", cached)
        return cached


def _display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_dataset(data_dir: Path | None = None) -> tuple[Dataset, list[Problem]]:
    """Parse every table in ``data_dir`` (default: the bundled data); return it with all problems.

    Never raises for bad data rows: each defect is a :class:`Problem`. Raises
    :class:`InputError` only if the schema itself cannot be read. A folder whose files were
    parsed before (same bytes) is read from :mod:`reesim.dataset.cache`.
    """
    from reesim.dataset.cache import cached_read

    root = data_dir if data_dir is not None else bundled_data_dir()
    if not root.is_dir():
        raise InputError(
            [Problem(str(root), None, None, "is not a folder", "give the folder holding the CSV tables")]
        )
    return cached_read(root, _display_name(root / "x"), lambda: _parse(root), _fresh, _is_parsed)


def _fresh(parsed: tuple[Dataset, list[Problem]]) -> tuple[Dataset, list[Problem]]:
    """A caller's own copy of a cached dataset: its tables copied, so changing one cannot
    change another caller's."""
    dataset, problems = parsed
    tables = {name: frame.copy() for name, frame in dataset.tables.items()}
    return dataclasses.replace(dataset, tables=tables), list(problems)


def _is_parsed(found: object) -> TypeGuard[tuple[Dataset, list[Problem]]]:
    return isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], Dataset)


def _parse(root: Path) -> tuple[Dataset, list[Problem]]:
    schema = load_schema(root / "schema")
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    digest = hashlib.sha256()
    order = [FIRST, *(name for name in schema.tables if name != FIRST)]
    elements: frozenset[str] = frozenset()
    for name in order:
        spec = schema.tables[name]
        path = root / spec.file
        shown = _display_name(path)
        files[name] = shown
        if path.exists():
            digest.update(path.read_bytes())
        frame, found = parse_table(path, spec, elements, shown)
        problems.extend(found)
        tables[name] = frame
        if name == FIRST:
            elements = frozenset(str(s) for s in frame["symbol"] if s)
    dataset = Dataset(
        schema=schema, tables=tables, data_dir=root, version=digest.hexdigest()[:12], files=files
    )
    return dataset, problems


def load_dataset(data_dir: Path | str | None = None) -> Dataset:
    """Load the dataset, raising :class:`InputError` listing every parse error found.

    Consistency findings (sums, balances) are not errors here; run :func:`check_dataset` for those.
    """
    dataset, problems = read_dataset(Path(data_dir) if data_dir is not None else None)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    return dataset
