"""Price backtests: the criteria on synthetic series, the observed prices as bundled, and the
criteria of the shipped cases (docs/validation.md, "Price backtests").

``test_price_backtests_pass`` asserts that every criterion passes; it is a strict expected
failure that lists the known misses, so it fails the day they all pass.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from reesim.backtest.cases import CASES
from reesim.backtest.criteria import (
    as_json,
    direction,
    fall_by,
    flat_within,
    mean_near,
    months_between,
    one_swing,
    peak_size,
    peak_timing,
    rise_in,
    strict,
    within_factor,
)
from reesim.backtest.observed import price_history
from reesim.backtest.prices import (
    AUGUST_TO_DECEMBER,
    PRICE_CHECKS,
    observed_china_index,
    observed_ndpr_mean,
    observed_rise,
    price_criteria,
    simulated_price,
)
from reesim.cli import app
from reesim.dataset import load_dataset
from reesim.model.baseline import build_baseline

DS = load_dataset()
BASE = build_baseline(DS)


def months(first: str, n: int) -> list[str]:
    """``n`` month labels from ``first``."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    for k in range(n):
        y, m = divmod(month - 1 + k, 12)
        out.append(f"{year + y}-{m + 1:02d}")
    return out


def episode(peak_month: str, peak: float, later: float) -> pd.Series:
    """A synthetic monthly index 2010-2014: 1 until the peak month, ``peak`` then, ``later``
    through 2014 and halfway between in the months after the peak until 2014."""
    labels = months("2010-01", 60)
    values = []
    for label in labels:
        if label < peak_month:
            values.append(1.0)
        elif label == peak_month:
            values.append(peak)
        elif label < "2014-01":
            values.append((peak + later) / 2)
        else:
            values.append(later)
    return pd.Series(values, index=labels)


# --- criteria on synthetic series -------------------------------------------------------------


def test_peak_four_months_late_misses_timing_three_passes() -> None:
    assert peak_timing("2011-07", episode("2011-11", 20.0, 3.0)).passed is False
    assert peak_timing("2011-07", episode("2011-10", 20.0, 3.0)).passed is True
    assert peak_timing("2011-07", episode("2011-03", 20.0, 3.0)).passed is False
    early = peak_timing("2011-07", episode("2011-04", 20.0, 3.0))
    assert early.passed is True and early.simulated == "2011-04" and early.note == "-3 months"
    assert months_between("2011-07", "2012-01") == 6


def test_rise_three_times_too_small_misses_size() -> None:
    assert peak_size(30.0, episode("2011-07", 10.0, 3.0)).passed is False
    assert peak_size(30.0, episode("2011-07", 15.0, 3.0)).passed is True
    assert peak_size(30.0, episode("2011-07", 60.0, 3.0)).passed is True
    assert peak_size(30.0, episode("2011-07", 61.0, 3.0)).passed is False
    assert peak_size(30.0, episode("2011-07", 10.0, 3.0)).simulated == pytest.approx(10.0)


def test_fall_by_2014_compares_mean_over_peak() -> None:
    sim = episode("2011-07", 20.0, 2.0)  # 2014 mean over peak: 0.1
    ok = fall_by(0.1, sim, "2014")
    assert ok.passed is True and ok.simulated == pytest.approx(0.1)
    assert fall_by(0.04, sim, "2014").passed is False  # fell 2.5x less than observed
    assert fall_by(0.25, sim, "2014").passed is False  # fell 2.5x more than observed
    assert fall_by(0.1, sim, "2016").passed is None  # year not simulated


def test_direction_needs_a_rise_above_flat() -> None:
    flat = pd.Series([1.0, 1.01, 1.0], index=months("2010-01", 3))
    assert direction(flat).passed is False
    assert direction(episode("2011-07", 1.5, 1.1)).passed is True


def test_an_undated_observed_peak_gives_no_timing_verdict() -> None:
    crit = peak_timing(None, episode("2011-07", 5.0, 2.0))
    assert crit.passed is None and crit.verdict == "no data"


def test_rise_in_a_month() -> None:
    sim = pd.Series([1.0, 1.0], index=["2025-04", "2025-05"])
    assert rise_in(3.0, sim, "2025-05").passed is False  # flat against a tripling
    assert rise_in(3.0, sim * 2.0, "2025-05").passed is True
    assert rise_in(3.0, sim, "2025-06").passed is None


def test_flat_within_every_month() -> None:
    labels = months("2025-04", 9)
    ok = pd.Series([1.0, 1.1, 0.9, 1.2, 0.8, 1.0, 1.0, 1.0, 1.0], index=labels)
    assert flat_within(ok, labels).passed is True
    one_out = ok.copy()
    one_out["2025-09"] = 0.75
    crit = flat_within(one_out, labels, observed={"2025-05": 1.0, "2025-12": 0.8})
    assert crit.passed is False and crit.simulated == pytest.approx(0.75)
    assert crit.observed == pytest.approx(0.8)
    assert flat_within(ok, ["2026-01"]).passed is None


def test_mean_near_within_a_band() -> None:
    labels = list(AUGUST_TO_DECEMBER)
    assert mean_near(120.0, pd.Series(140.0, index=labels), labels).passed is True  # +17%
    assert mean_near(120.0, pd.Series(155.0, index=labels), labels).passed is False  # +29%
    assert mean_near(120.0, pd.Series(95.0, index=labels), labels).passed is True  # -21%
    assert mean_near(None, pd.Series(110.0, index=labels), labels).passed is None


def test_one_swing_passes_a_rise_and_fall_and_misses_cycles() -> None:
    """One rise to 20 and a fall to 5 passes; the same path with two extra spikes to 10 misses
    (its moves in logs add up to more than 1.5 times one rise and one fall); a flat path misses."""
    hump = episode("2011-06", 20.0, 5.0)
    assert one_swing(hump).passed is True
    assert one_swing(hump).simulated == pytest.approx(1.0)
    cycles = hump.copy()
    cycles["2012-06"] = cycles["2013-06"] = 10.0
    cycles["2012-05"] = cycles["2013-05"] = 1.0
    judged = one_swing(cycles)
    assert judged.passed is False and judged.simulated > 1.5
    assert one_swing(pd.Series([1.0] * 12, index=months("2010-01", 12))).passed is False


def test_within_factor_bounds() -> None:
    assert within_factor(2.0, 1.0, 2.0) and within_factor(0.5, 1.0, 2.0)
    assert not within_factor(2.01, 1.0, 2.0) and not within_factor(0.0, 1.0, 2.0)
    assert not within_factor(math.nan, 1.0, 2.0)


def test_strict_replaces_non_finite_numbers() -> None:
    doc = strict({"a": math.nan, "b": [1.0, math.inf, "x"], "c": (None, 2)})
    assert doc == {"a": None, "b": [1.0, None, "x"], "c": [None, 2]}
    crit = as_json(peak_timing(None, episode("2011-07", 5.0, 2.0)))
    assert crit["verdict"] == "no data" and json.loads(json.dumps(strict(crit), allow_nan=False))


# --- observed prices as bundled ----------------------------------------------------------------


def test_2009_2014_observed_prices_are_the_bundled_figures() -> None:
    dy = price_history(DS, "Dy")
    assert dy.base == pytest.approx(115.67) and dy.later == pytest.approx(395.0)  # Lynas 2009, USGS 2014
    assert (dy.peak_month, dy.peak, dy.peak_dated) == ("2011-07", pytest.approx(3500.0), True)
    assert dy.monthly["2011-12"] == pytest.approx(1410.0 / 115.67)  # USGS year-end 1,400-1,420
    ce = price_history(DS, "Ce")
    assert (ce.base, ce.peak_month, ce.peak, ce.later) == (pytest.approx(3.88), "2011-08", 170.0, 5.0)
    assert ce.peak_ratio == pytest.approx(170.0 / 3.88) and ce.fall == pytest.approx(5.0 / 170.0)
    nd = price_history(DS, "Nd")
    assert nd.base == pytest.approx(19.12) and nd.later == pytest.approx(63.0)
    assert not nd.peak_dated and (nd.peak_month, nd.peak) == ("2011-10", 260.0)  # highest quote only
    series = CASES["prices-2009-2014"].series[1].observed(DS).values
    assert series["2011-07"] == pytest.approx(3500.0 / 115.67)
    assert "2009" not in series.index and "2014" not in series.index  # averages are not quotes


def test_2025_observed_prices_are_the_bundled_figures() -> None:
    assert observed_rise(DS, "Dy", "2025-05", "2025-04") == pytest.approx(850.0 / 280.0)  # Argus Europe
    assert observed_rise(DS, "Tb", "2025-05", "2025-04") == pytest.approx(3000.0 / 965.0)
    dy = observed_china_index(DS, "Dy", "2025-04")
    assert dy["2025-05"] == 1.0  # SMM "stable", an index row
    assert dy["2025-12"] == pytest.approx(1_355_000 / 1_690_000)
    assert observed_china_index(DS, "Tb", "2025-04")["2025-12"] == pytest.approx(6_040_000 / 7_075_000)
    # Argus Europe NdPr and Nd (September), SMM Nd FOB China and CIF Rotterdam (December)
    assert observed_ndpr_mean(DS, AUGUST_TO_DECEMBER) == pytest.approx((83.75 + 92.5 + 126.0 + 175.0) / 4)


# --- the shipped cases -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def criteria() -> dict[str, list]:
    return {name: price_criteria(name, DS, BASE) for name in PRICE_CHECKS}


def test_every_declared_check_gives_its_criteria(criteria: dict[str, list]) -> None:
    history = criteria["prices-2009-2014"]
    assert [c.name for c in history[:5]] == ["direction", "peak timing", "peak size", "fall", "one swing"]
    assert {c.series for c in history} == {"Nd oxide outside China", "Dy oxide outside China",
                                           "Ce oxide outside China"}  # fmt: skip
    april = criteria["april-2025"]
    assert [c.name for c in april] == ["rise", "rise", "flat", "flat", "near"]
    timing = {c.series: c for c in history if c.name == "peak timing"}
    assert timing["Dy oxide outside China"].observed == "2011-07"
    assert timing["Nd oxide outside China"].passed is None  # no dated Nd peak
    for crit in history + april:
        assert crit.verdict in {"pass", "miss", "no data"}
        json.dumps(strict(as_json(crit)), allow_nan=False)


def test_quota_prices_peak_in_2011_and_fall_after(criteria: dict[str, list]) -> None:
    """docs/validation.md: with the quotas scaled to the base year and the case priced at 2009,
    China's magnets free under the quotas, their licence rent on China's ore, oxide and metal
    exports, final demand outside China a third lower from 2012 and importers' precaution
    against the quotas fading as they stand, Nd oxide outside China rises to 6.3 times its 2009
    price in May 2011, eases, and peaks again in January 2012 at 7.2 times (observed at least
    13.6; docs/validation.md, What it gets wrong); it keeps 0.14 of that peak over 2014 (observed
    0.24); Dy peaks in October 2011, three months after the
    observed July, at 7.4 times (observed 30) and keeps 0.10 of its peak over 2014 (observed
    0.11); the same rent per kg lifts cheap Ce oxide 26 times (observed 44) in May 2011, three
    months before the record, and it keeps 0.030 of that over 2014 (observed 0.029); China's Dy
    and Tb prices stay within 20% of flat in 2025."""
    found = {(c.series, c.name): c for cs in criteria.values() for c in cs}
    nd_size = found["Nd oxide outside China", "peak size"]
    assert nd_size.passed and 6.8 < nd_size.simulated < 7.5
    assert found["Nd oxide outside China", "peak timing"].simulated == "2012-01"
    nd_fall = found["Nd oxide outside China", "fall"]
    assert nd_fall.passed and 0.125 < nd_fall.simulated < 0.155
    assert found["Nd oxide outside China", "one swing"].passed
    dy_timing = found["Dy oxide outside China", "peak timing"]
    assert dy_timing.passed and dy_timing.simulated == "2011-10"
    dy_size = found["Dy oxide outside China", "peak size"]
    assert not dy_size.passed and 6.9 < dy_size.simulated < 7.9
    dy_fall = found["Dy oxide outside China", "fall"]
    assert dy_fall.passed and 0.09 < dy_fall.simulated < 0.11
    ce_size = found["Ce oxide outside China", "peak size"]
    assert ce_size.passed and 24.5 < ce_size.simulated < 27.5  # below the backstop (50)
    ce_timing = found["Ce oxide outside China", "peak timing"]
    assert ce_timing.passed and ce_timing.simulated == "2011-05"
    ce_fall = found["Ce oxide outside China", "fall"]
    assert ce_fall.passed and 0.027 < ce_fall.simulated < 0.033
    assert found["Ce oxide outside China", "one swing"].passed
    assert found["Dy oxide in China", "flat"].passed and found["Tb oxide in China", "flat"].passed
    assert sum(c.passed is True for cs in criteria.values() for c in cs) == 17


def test_ndpr_outside_china_is_chinas_price_rising_less_than_observed() -> None:
    """docs/validation.md: in `april-2025` NdPr outside China is China's price (they differ by
    at most about a cent in any month) and China's NdPr rises 7-12% from April to each month of
    August-December, where SMM's domestic quote rose 19-32% over its 10 April level."""
    from reesim.backtest.fit import simulate

    with_policy, _ = simulate("april-2025", DS, BASE)
    mix = {"Nd": 0.75, "Pr": 0.25}
    outside = sum(simulated_price(with_policy, el, "outside") * w for el, w in mix.items())
    china = sum(simulated_price(with_policy, el, "china") * w for el, w in mix.items())
    assert float((outside - china).abs().max()) < 0.011
    assert all(1.06 < china[m] / china["2025-04"] < 1.13 for m in AUGUST_TO_DECEMBER)
    observed = observed_china_index(DS, "Nd;Pr", "2025-04")
    assert all(1.18 < observed[m] < 1.33 for m in AUGUST_TO_DECEMBER)


@pytest.mark.xfail(strict=True, reason="known misses (docs/validation.md, price backtests): the size of the "
                   "Dy peak (7.4 times its 2009 price against 30) and NdPr outside China near the floor "
                   "($62/kg against $119/kg)")  # fmt: skip
def test_price_backtests_pass(criteria: dict[str, list]) -> None:
    missed = [f"{c.case}/{c.series}/{c.name}: obs {c.observed}, sim {c.simulated}"
              for found in criteria.values() for c in found if c.passed is False]  # fmt: skip
    assert not missed, "\n".join(missed)


def test_backtest_command_shows_price_criteria(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["backtest", "prices-2009-2014", "--out", str(tmp_path)], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    assert "Price criteria" in result.output and "peak timing" in result.output
    assert "Price criteria" in (tmp_path / "backtest.html").read_text(encoding="utf-8")


def test_backtest_json_is_strict_and_has_criteria() -> None:
    result = CliRunner().invoke(app, ["backtest", "april-2025", "--json"])
    assert result.exit_code == 0, result.output

    def refuse(token: str) -> None:
        raise ValueError(f"non-standard JSON constant {token}")

    doc = json.loads(result.output, parse_constant=refuse)
    assert [c["name"] for c in doc["criteria"]] == ["rise", "rise", "flat", "flat", "near"]
    assert {c["verdict"] for c in doc["criteria"]} <= {"pass", "miss", "no data"}
    assert doc["series"] and doc["stoppages"]
