"""A Chinese ban on metal exports and an embargo on oxide exports reach different stages.

In the 2024 base year China's metal stage makes what its magnet plants take in plus the metal
China ships abroad (``stage_capacity``: 1,250 t to Japan, from Japan's customs value of HS 2805
imports from China, and 80 t to the US, from USGS), so metal flows from China to the magnet
makers outside China that lack it. Japan's alloy makers turn separated oxide (China's and
Lynas's from Malaysia) into metal themselves, and Viet Nam's and Korea's metal makers sell to the
magnet makers that lack metal.

- A ban on China's metal from March 2025 leaves Japan's alloy makers running above their
  base-year output (spare capacity, ``output_headroom_share``), while the magnet makers that
  bought Chinese metal lose part of their output: Japan's keep about 53% from July 2025 to
  December 2026, the US's about a quarter.
- An embargo on China's oxide from March 2025 cuts the metal makers of Japan and Viet Nam to
  about half (Japan's alloy makers run on Lynas's oxide only), and Japan's magnet makers, which
  need Dy and Tb that only China separated in 2024, make almost nothing.

Without China's metal exports in the base year a metal ban would leave Japan's magnet makers as
they were; the tests fail then.
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
    """China refuses every export of ``materials`` from March 2025 (no policy with none), on the
    base year's demand."""
    controls = (ExportControl(exporter="CHN", materials=materials, start="2025-03"),) if materials else ()
    scenario = Scenario("ban", start="2025-01", months=24, demand_outlook="none", instruments=controls)
    out: xr.Dataset = reesim.run(scenario, dataset=DS, kernel="reference").isel(run=0)
    return out


def _kept(run: xr.Dataset, material: str, node: str) -> float:
    """Mean output July 2025 - December 2026 over the mean of January-February 2025."""
    months = [str(m)[:7] for m in run["month"].values]
    out = run["production"].sel(material=material, node=node).sum("element").to_numpy()
    later = float(np.mean(out[months.index("2025-07") : months.index("2026-12") + 1]))
    return later / float(np.mean(out[:2]))


@pytest.fixture(scope="module")
def no_policy() -> xr.Dataset:
    return _run(())


@pytest.fixture(scope="module")
def metal_ban() -> xr.Dataset:
    return _run(("metal",))


@pytest.fixture(scope="module")
def oxide_embargo() -> xr.Dataset:
    return _run(("oxide",))


def test_china_exports_metal_in_the_base_year() -> None:
    chn = DIMS.node("CHN")
    exports = BASE.trade[METAL, :, chn].sum(axis=1) * MONTHS  # t REO-equivalent a year, by importer
    exports[chn] = 0.0
    metal_t = exports * BASE.diagnostics["metal_per_oxide"]
    # the metal China ships beyond its magnet plants' need: 1,250 + 80 = 1,330 t of metal
    assert metal_t.sum() == pytest.approx(1_330, abs=5)
    assert float(BASE.trade[METAL, chn].sum() - BASE.trade[METAL, chn, chn].sum()) == 0.0  # it imports none
    # the pool sends it to the nodes whose magnet makers lack metal
    assert {DIMS.nodes[i] for i in np.flatnonzero(metal_t > 1)} == {"JPN", "USA", "THA", "ROW"}
    assert metal_t[DIMS.node("JPN")] == pytest.approx(762, abs=5)
    jpn_in = BASE.trade[METAL, DIMS.node("JPN")].sum(axis=1)
    # Japan's metal imports: China 29.6% and Viet Nam 59.8% of the 2024 value (GTAIC)
    assert jpn_in[chn] / jpn_in.sum() == pytest.approx(0.296, abs=0.03)


def test_no_policy_run_keeps_the_base_year(no_policy: xr.Dataset) -> None:
    for node in ("JPN", "VNM"):
        for material in ("metal", "magnet"):
            assert _kept(no_policy, material, node) == pytest.approx(1.0, abs=1e-9)


def test_a_metal_ban_reaches_japans_magnet_makers(metal_ban: xr.Dataset) -> None:
    assert _kept(metal_ban, "magnet", "JPN") == pytest.approx(0.532, abs=0.02)
    assert _kept(metal_ban, "magnet", "USA") < 0.5
    assert _kept(metal_ban, "metal", "JPN") == pytest.approx(1.10, abs=0.02)


def test_an_oxide_embargo_cuts_the_metal_and_magnet_makers_outside_china(oxide_embargo: xr.Dataset) -> None:
    assert _kept(oxide_embargo, "metal", "JPN") == pytest.approx(0.478, abs=0.02)
    assert _kept(oxide_embargo, "metal", "VNM") == pytest.approx(0.493, abs=0.02)
    assert _kept(oxide_embargo, "magnet", "JPN") < 0.02


def test_the_two_bans_differ_in_the_expected_directions(
    metal_ban: xr.Dataset, oxide_embargo: xr.Dataset
) -> None:
    metal, oxide = metal_ban, oxide_embargo
    # Japan's alloy makers: run on under the metal ban, cut by the oxide embargo
    assert _kept(metal, "metal", "JPN") > 1.0 and _kept(oxide, "metal", "JPN") < 0.8
    # Japan's magnet makers: short of Chinese metal under the metal ban, of everything under the oxide one
    assert _kept(metal, "magnet", "JPN") > 0.5 and _kept(oxide, "magnet", "JPN") < 0.05
