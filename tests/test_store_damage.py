"""Store commands on a damaged run (a table deleted or cut short, the run's folder gone, its list
of tables unreadable): each exits 2 naming the run and what is missing, never an internal
error; the other runs of the store stay readable."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reesim.cli import app
from reesim.store.store import MANIFEST

RUNNER = CliRunner()


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store holding one short baseline run, and the run's id."""
    root = tmp_path_factory.mktemp("stored")
    env = {"REESIM_STORE": str(root / "store" / "runs.duckdb"), "COLUMNS": "200"}
    result = RUNNER.invoke(
        app, ["run", "baseline", "--horizon", "1", "--json", "--out", str(root / "r")], env=env
    )
    assert result.exit_code == 0, result.output
    return root / "store", str(json.loads(result.output)["run_id"])


@pytest.fixture
def copy(stored: tuple[Path, str], tmp_path: Path) -> tuple[Path, str]:
    """A copy of the stored run's store, to damage."""
    store, run_id = stored
    shutil.copytree(store, tmp_path / "store")
    return tmp_path / "store", run_id


def _delete_table(folder: Path) -> str:
    (folder / "series_price_ratio.parquet").unlink()
    return "series_price_ratio.parquet"


def _cut_table(folder: Path) -> str:
    path = folder / "series_unmet.parquet"
    path.write_bytes(path.read_bytes()[:100])
    return "'series_unmet' cannot be read"


def _empty_table(folder: Path) -> str:
    (folder / "central_price.parquet").write_bytes(b"")
    return "'central_price' cannot be read"


def _delete_folder(folder: Path) -> str:
    shutil.rmtree(folder)
    return "its folder of tables is missing"


def _garble_manifest(folder: Path) -> str:
    (folder / MANIFEST).write_text("[not json", encoding="utf-8")
    return "its list of tables cannot be read"


DAMAGES: dict[str, Callable[[Path], str]] = {
    "a table deleted": _delete_table,
    "a table cut short": _cut_table,
    "an empty table": _empty_table,
    "the folder deleted": _delete_folder,
    "the list of tables garbled": _garble_manifest,
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=list(DAMAGES))
@pytest.mark.parametrize(
    "command",
    [("runs", "show"), ("report",), ("runs", "export"), ("compare",)],
    ids=["runs show", "report", "runs export", "compare"],
)
def test_damaged_run_is_an_input_error_naming_it(
    copy: tuple[Path, str], tmp_path: Path, damage: Callable[[Path], str], command: tuple[str, ...]
) -> None:
    store, run_id = copy
    expected = damage(store / "runs" / run_id)
    args = [*command, run_id]
    if command == ("compare",):
        args.append(run_id)
    if command != ("runs", "show"):
        args += ["--out", str(tmp_path / "out")]
    result = RUNNER.invoke(app, args, env={"REESIM_STORE": str(store / "runs.duckdb"), "COLUMNS": "200"})
    assert result.exit_code == 2, result.output
    assert f"run {run_id}" in result.output and expected in result.output, result.output
    assert "internal error" not in result.output and "runs delete" in result.output
    if command == ("runs", "export"):
        assert "tables written" not in result.output


def test_an_intact_run_lists_its_tables(copy: tuple[Path, str]) -> None:
    store, run_id = copy
    listed = json.loads((store / "runs" / run_id / MANIFEST).read_text(encoding="utf-8"))
    assert "series_unmet" in listed and len(listed) == len(list((store / "runs" / run_id).glob("*.parquet")))
    result = RUNNER.invoke(app, ["runs", "show", run_id], env={"REESIM_STORE": str(store / "runs.duckdb")})
    assert result.exit_code == 0 and "series_unmet" in result.output, result.output
