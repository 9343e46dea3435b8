"""The kernels read parameters by name and take few arguments: no ``par[`` indexing anywhere in
``reesim/kernel/`` and no function there with more than 15 parameters."""

from __future__ import annotations

import ast
from pathlib import Path

import reesim

KERNEL = Path(reesim.__file__).parent / "kernel"


def test_no_parameter_read_by_position() -> None:
    found = [f"{path.name}:{n}" for path in sorted(KERNEL.glob("*.py"))
             for n, line in enumerate(path.read_text().splitlines(), 1) if "par[" in line]  # fmt: skip
    assert found == []


def test_no_kernel_function_takes_more_than_15_parameters() -> None:
    counted, wide = 0, []
    for path in sorted(KERNEL.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                a = node.args
                n = len(a.posonlyargs) + len(a.args) + len(a.kwonlyargs) + bool(a.vararg) + bool(a.kwarg)
                counted += 1
                if n > 15:
                    wide.append(f"{path.name}:{node.name} ({n})")
    assert counted > 50  # the kernels' functions were found
    assert wide == []
