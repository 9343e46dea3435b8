"""A Chinese ban on metal exports and an embargo on oxide exports, as the base year has them.

The 2024 base year splits the metal the world's magnet plants take in by the ``metal`` rows of
``stage_capacity``: China's (an assumption, 90% of the world's metal) is below its share of magnet
making, and Korea's counts tonnes of NdFeB alloy as metal, so China exports no metal and imports
some from Korea, Viet Nam and the rest of the world. Japan's 2024 imports of rare-earth metal
came 29.6% from China by value (``gtaic_2025_japan_2805``).

- An embargo on China's oxide from March 2025 cuts the metal makers outside China (Japan's alloy
  makers run on Lynas's oxide only), and Japan's magnet makers, which need Dy and Tb that only
  China separated in 2024, make almost nothing.
- A ban on China's metal alone changes nothing outside China: a known miss (docs/validation.md,
  What it gets wrong), pinned by a strict expected failure.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import reesim
from reesim.dataset import load_dataset
from reesim.model.baseline import MONTHS, build_baseline
from reesim.model.scenario import ExportControl, Scenario

DS = load_dataset()
BASE = build_baseline(DS)
DIMS = BASE.dims
METAL = 2


def _run(materials: tuple[str, ...]) -> xr.Dataset:
    """China refuses every export of ``materials`` from March 2025, on the base year's demand."""
    control = ExportControl(exporter="CHN", materials=materials, start="2025-03")
    scenario = Scenario("ban", start="2025-01", months=24, demand_outlook="none", instruments=(control,))
    out: xr.Dataset = reesim.run(scenario, dataset=DS, kernel="reference").isel(run=0)
    return out


def _kept(run: xr.Dataset, material: str, node: str) -> float:
    """Mean output July 2025 - December 2026 over the mean of January-February 2025."""
    months = [str(m)[:7] for m in run["month"].values]
    out = run["production"].sel(material=material, node=node).sum("element").to_numpy()
    later = float(np.mean(out[months.index("2025-07") : months.index("2026-12") + 1]))
    return later / float(np.mean(out[:2]))


@pytest.fixture(scope="module")
def oxide_embargo() -> xr.Dataset:
    return _run(("oxide",))


@pytest.fixture(scope="module")
def metal_ban() -> xr.Dataset:
    return _run(("metal",))


def test_china_exports_no_metal_and_imports_some_in_the_base_year() -> None:
    chn = DIMS.node("CHN")
    per_oxide = BASE.diagnostics["metal_per_oxide"]
    assert float(BASE.trade[METAL, :, chn].sum()) == 0.0
    imported = float(BASE.trade[METAL, chn].sum()) * MONTHS * per_oxide  # t of metal a year
    assert imported == pytest.approx(2_892, abs=5)


def test_an_oxide_embargo_cuts_the_metal_and_magnet_makers_outside_china(oxide_embargo: xr.Dataset) -> None:
    assert _kept(oxide_embargo, "metal", "JPN") == pytest.approx(0.149, abs=0.02)
    assert _kept(oxide_embargo, "metal", "VNM") == pytest.approx(0.148, abs=0.02)
    assert _kept(oxide_embargo, "magnet", "JPN") < 0.05


def test_a_metal_ban_leaves_japan_as_it_was(metal_ban: xr.Dataset) -> None:
    for material in ("metal", "magnet"):
        assert _kept(metal_ban, material, "JPN") == pytest.approx(1.0, abs=1e-6)


@pytest.mark.xfail(
    strict=True,
    reason="known miss (docs/validation.md, What it gets wrong): the base year gives China no metal "
    "exports, so a ban on China's metal does not reach the magnet makers outside China",
)
def test_a_metal_ban_reaches_japans_magnet_makers(metal_ban: xr.Dataset) -> None:
    assert _kept(metal_ban, "magnet", "JPN") < 0.9
