"""Optional parts: without their libraries the core still runs a scenario and writes its report,
and asking for a missing part is one line naming the ``pip install`` to run, exit code 2.

The libraries are hidden from a new process by a finder placed first on its import path, so
no test needs a second environment or the network."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reesim.extras import EXTRAS, MissingExtraError, missing, require

#: Runs the command line in a process where the modules named in argv[1] are not found, as if
#: they were not installed (the finder of installed modules is told to skip them).
HIDING = """
import sys
from importlib.machinery import PathFinder
hidden = set(sys.argv[1].split(","))
class Hidden(PathFinder):
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name.split(".")[0] in hidden:
            return None
        return super().find_spec(name, path, target)
sys.meta_path[sys.meta_path.index(PathFinder)] = Hidden
from reesim.cli import main
sys.argv = ["reesim", *sys.argv[2:]]
main()
"""
EVERY_EXTRA = sorted({module for modules, _ in EXTRAS.values() for module in modules})


def reesim_without(hidden: list[str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "COLUMNS": "200", "REESIM_STORE": str(cwd / "runs.duckdb"),
           "PYTHONPATH": ":".join(sys.path)}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-c", HIDING, ",".join(hidden), *args], cwd=cwd, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=600, check=False, env=env,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["serve"], "dashboard"),
        (["check", "-"], "check"),
        (["run", "baseline", "--runs", "2", "--executor", "dask"], "distributed"),
    ],
    ids=["serve", "check", "dask"],
)
def test_a_missing_extra_names_its_install_in_one_line(tmp_path: Path, args: list[str], extra: str) -> None:
    done = reesim_without(EVERY_EXTRA, *args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"pip install 'reesim[{extra}]'" in lines[0]
    assert "is not installed" in lines[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "reports").exists()


@pytest.mark.slow
def test_the_core_runs_and_reports_without_any_extra(tmp_path: Path) -> None:
    done = reesim_without(EVERY_EXTRA, "run", "baseline", "--horizon", "1", "--out", "r", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Report written to" in done.stdout
    assert len(list((tmp_path / "r").glob("baseline-*.html"))) == 1


def test_require_passes_or_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    assert missing("dashboard") is None  # the test environment installs every extra
    require("check")
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # an import of it now fails
    assert missing("dashboard") == "uvicorn"
    with pytest.raises(MissingExtraError) as caught:
        require("dashboard")
    assert (
        str(caught.value) == "the dashboard (reesim serve) needs 'uvicorn': pip install 'reesim[dashboard]'"
    )
    assert caught.value.problems[0].hint == "pip install 'reesim[dashboard]'"
