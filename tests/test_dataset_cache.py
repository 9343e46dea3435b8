"""The parsed dataset is cached by the content of its files: a second read gives the same tables
without parsing, an edited file or edited parsing code is parsed afresh, callers cannot change
each other's tables, and a damaged cache file is ignored."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import Editor

from reesim.dataset import cache, load_dataset, read_dataset


def test_a_second_read_is_the_same_and_does_not_parse(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REESIM_CACHE_DIR", str(tmp_path / "c"))
    first = load_dataset(data_copy)
    monkeypatch.setattr("reesim.dataset.model._parse", lambda root: pytest.fail("parsed again"))
    again = load_dataset(data_copy)
    assert again.version == first.version
    for name, frame in first.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], frame)
    cache._MEMORY.clear()  # as a new process: from the pickle
    from_disk = load_dataset(data_copy)
    assert (
        from_disk.version == first.version and len(list((tmp_path / "c" / "dataset").glob("*.pickle"))) == 1
    )
    pd.testing.assert_frame_equal(from_disk.mine_production, first.mine_production)


def test_an_edited_file_is_parsed_afresh(data_copy: Path, edit_cell: Editor) -> None:
    before = load_dataset(data_copy)
    edit_cell("mine_production.csv", 2, "quantity", "123456")
    after = load_dataset(data_copy)
    assert after.version != before.version
    assert 123456 in after.mine_production["quantity"].to_numpy()
    assert 123456 not in before.mine_production["quantity"].to_numpy()


def test_edited_parsing_code_changes_the_key(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before = cache.content_key(data_copy, "data")
    parser = tmp_path / "reesim" / "dataset" / "parse.py"
    package = Path(cache.__file__).resolve().parent.parent
    for module in cache.PARSER_MODULES:
        copy = tmp_path / "reesim" / module
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes((package / module).read_bytes())
    monkeypatch.setattr(cache, "__file__", str(tmp_path / "reesim" / "dataset" / "cache.py"))
    assert cache.content_key(data_copy, "data") == before
    parser.write_bytes(parser.read_bytes() + b"\n# a changed parser\n")
    assert cache.content_key(data_copy, "data") != before


def test_callers_get_their_own_tables(data_copy: Path) -> None:
    mine = load_dataset(data_copy)
    mine.mine_production.loc[:, "quantity"] = -1.0
    theirs = load_dataset(data_copy)
    assert (theirs.mine_production["quantity"] >= 0).all()


def test_errors_are_cached_with_the_tables(data_copy: Path, edit_cell: Editor) -> None:
    edit_cell("mine_production.csv", 2, "quantity", "lots")
    for _ in range(2):
        _, problems = read_dataset(data_copy)
        assert any(p.field == "quantity" and p.line == 2 for p in problems)


def test_a_damaged_or_disabled_cache_is_ignored(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "c"
    monkeypatch.setenv("REESIM_CACHE_DIR", str(folder))
    version = load_dataset(data_copy).version
    (pickled,) = (folder / "dataset").glob("*.pickle")
    pickled.write_bytes(b"not a pickle")
    cache._MEMORY.clear()
    assert load_dataset(data_copy).version == version
    monkeypatch.setenv("REESIM_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    cache._MEMORY.clear()
    assert load_dataset(data_copy).version == version
