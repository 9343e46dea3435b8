"""Property tests: the parser turns any cell text into a value or a Problem, never an exception."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import csv_cells

from reesim.dataset.model import bundled_data_dir
from reesim.dataset.parse import parse_table
from reesim.dataset.schema import load_schema

SCHEMA = load_schema(bundled_data_dir() / "schema")
ELEMENTS = frozenset({"La", "Ce", "Nd", "Dy"})
SPEC = SCHEMA.tables["stage_capacity"]
HEADER = [c.name for c in SPEC.columns]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(csv_cells, min_size=len(HEADER), max_size=len(HEADER)), max_size=5))
def test_any_cells_parse_without_exception(tmp_path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *rows])
    path = tmp_path / "t.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    frame, problems = parse_table(path, SPEC, ELEMENTS, "t.csv")
    physical_lines = max(1, len(buffer.getvalue().splitlines()))
    assert len(frame) <= len(rows)
    for p in problems:
        assert p.file == "t.csv"
        assert p.line is None or 1 <= p.line <= physical_lines
    numeric = frame[["capacity", "production"]].to_numpy()
    assert not (numeric < 0).any()


@settings(max_examples=200, deadline=None)
@given(value=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_numbers_round_trip_or_are_rejected_by_range(value: float) -> None:
    from reesim.dataset.parse import _parse_cell

    col = SPEC.column("capacity")
    parsed, error, _ = _parse_cell(col, repr(value), ELEMENTS)
    if value < 0:
        assert parsed is None and error is not None and "minimum" in error
    else:
        assert error is None and parsed == value
