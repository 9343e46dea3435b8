"""The fast kernel runs as plain Python with Numba's JIT turned off (for a debugger or a
coverage tool) and gives the compiled kernel's numbers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import reesim

pytestmark = [pytest.mark.compile, pytest.mark.slow]

SCRIPT = """
import sys
import reesim
result = reesim.run("april-2025")
result[["production", "imports", "exports", "unmet", "inventory", "transit", "price"]].to_netcdf(sys.argv[1])
"""


def test_fast_kernel_without_jit_equals_the_compiled_one(tmp_path: Path) -> None:
    path = tmp_path / "nojit.nc"
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(path)], env=env, capture_output=True, text=True,
                          timeout=600, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Compiling" not in done.stderr  # nothing is compiled with the JIT off
    compiled = reesim.run("april-2025")
    with xr.open_dataset(path) as plain:
        for name in plain.data_vars:
            a, b = compiled[name].values, plain[name].values
            scale = max(1.0, float(np.abs(a).max()))
            assert np.abs(a - b).max() <= 1e-9 * scale, name
        for name in ("production", "imports", "inventory", "transit", "price"):
            assert np.abs(plain[name].values).max() > 0, f"{name} is all zero: nothing was compared"
