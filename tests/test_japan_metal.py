"""Japan's and Vietnam's metal and alloy stage, and Japan's magnet makers under a full embargo.

Japan's alloy makers and the Vietnamese metal makers that supply Japan's magnet plants are
metal-stage rows of their own in ``stage_capacity``, so in the base year Japan turns separated
oxide (China's and Lynas's from Malaysia) into metal itself instead of buying all its metal from
the rest of the world.

Under ``full-embargo`` (China ships nothing to the US and its allies from December 2026, nor
goods with 0.1% or more Chinese content) Japan's magnet plants live on what Japan's own metal
stage makes of Lynas's oxide, light (Nd, Pr) from Kuantan's light circuit and heavy (Dy, Tb)
from its heavy circuit. Magnets are made in Leontief proportions, so the heavy elements bind:
with the reference kernel Japan keeps about 14% of its base-year magnet output on average over
2027-2030 (about 4% without its own metal stage, whatever the heavy circuit does, and about 5%
with the metal stage but no heavy circuit). The test's bound, 10%, leaves room for small data
revisions but fails if either the metal stage or the heavy rare earth route goes missing.
"""

from __future__ import annotations

import numpy as np
import pytest

import reesim
from reesim.dataset import load_dataset
from reesim.model.baseline import MONTHS, build_baseline, stage_values

DS = load_dataset()
BASE = build_baseline(DS)
DIMS = BASE.dims
METAL, OXIDE, MAGNET = 2, 1, 3


def _metal_row(iso: str) -> float:
    sc = DS["stage_capacity"]
    row = sc[(sc["iso3"] == iso) & (sc["stage"] == "metal")]
    assert len(row) == 1, f"one metal row for {iso}"
    return float(row["production"].iloc[0])


def test_japan_and_vietnam_metal_rows_hold_the_sourced_amounts() -> None:
    assert _metal_row("JPN") == pytest.approx(1705)
    assert _metal_row("VNM") == pytest.approx(3207)
    # The rows sum to the metal the world's magnet plants take in (335,449 t of magnets x 0.31 / 0.9),
    # China's being its own plants' need plus its exports to Japan and the US.
    assert stage_values(DS, DIMS, ("metal",)).sum() == pytest.approx(115_544, abs=1)
    assert _metal_row("CHN") == pytest.approx(106_881 + 1_250 + 80)


@pytest.mark.parametrize("iso", ["JPN", "VNM"])
def test_japan_and_vietnam_make_metal_in_the_base_year_in_their_share(iso: str) -> None:
    share = stage_values(DS, DIMS, ("metal",))
    n = DIMS.node(iso)
    made = BASE.production[METAL, n].sum()
    assert made > 0
    assert made / BASE.production[METAL].sum() == pytest.approx(share[n] / share.sum())


def test_japan_buys_oxide_from_china_and_lynas_malaysia_for_its_metal() -> None:
    jpn = DIMS.node("JPN")
    oxide_in = BASE.trade[OXIDE, jpn].sum(axis=1) * MONTHS  # t REO per year by exporter
    assert oxide_in[DIMS.node("CHN")] > 0
    assert oxide_in[DIMS.node("MYS")] > 1000
    assert BASE.feed[METAL - 1, jpn].sum() > 0  # oxide fed to Japan's metal stage


def test_japan_keeps_magnet_output_under_a_full_embargo() -> None:
    run = reesim.run("full-embargo", dataset=DS, kernel="reference").isel(run=0)
    months = [str(m)[:7] for m in run["month"].values]
    magnets = run["production"].sel(material="magnet", node="JPN").sum("element").to_numpy()
    base = float(np.mean(magnets[:3]))
    later = float(np.mean(magnets[months.index("2027-01") : months.index("2030-12") + 1]))
    # the base year's output, grown with demand in the first months (under 1%)
    assert base == pytest.approx(BASE.production[MAGNET, DIMS.node("JPN")].sum(), rel=0.01)
    assert later >= 0.10 * base
    mys_oxide = run["production"].sel(material="oxide", node="MYS").sum("element").to_numpy()
    assert float(np.mean(mys_oxide[months.index("2027-01") :])) > 0.9 * float(np.mean(mys_oxide[:3]))
