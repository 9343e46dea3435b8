"""The bundled market parameters keep every admissibility rule of the fit (docs/validation.md, *What
was calibrated on what*), with the figures the docs give; and a rule that does not hold is named."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.strategies import BASE, DS

from reesim.backtest.rules import Rules, check_rules


@pytest.fixture(scope="module")
def rules() -> Rules:
    return check_rules(DS, BASE)


def test_the_bundled_parameters_keep_every_rule(rules: Rules) -> None:
    assert rules.failed == []
    assert rules.swings["race"] == pytest.approx(1.784, abs=0.01)
    assert rules.swings["full-embargo"] == pytest.approx(1.090, abs=0.01)
    small, large = rules.us_unmet_t
    assert small == pytest.approx(12_186, rel=0.005) and large == pytest.approx(11_398, rel=0.005)
    assert 1.0 - large / small == pytest.approx(0.065, abs=0.003)
    assert rules.us_magnets_unmet_t[0] - rules.us_magnets_unmet_t[1] == pytest.approx(827, abs=10)
    assert rules.quota_us["us_imports"] == (True, pytest.approx(0.94, abs=0.01))
    assert rules.quota_us["us_unit_value"] == (True, pytest.approx(1.52, abs=0.01))
    assert rules.exports_april_may == pytest.approx((0.329, 0.307), abs=0.002)
    assert rules.busan_error == pytest.approx(0.177, abs=0.002)
    assert rules.stoppages_short_2025 == {"USA": True, "EU": True}


def test_each_broken_rule_is_named(rules: Rules) -> None:
    broken = replace(
        rules,
        swings={"race": 2.5, "full-embargo": 1.0},
        us_unmet_t=(100.0, 99.0),
        us_magnets_unmet_t=(50.0, 40.0),
        quota_us={"us_imports": (False, 1.0), "us_unit_value": (True, 2.3)},
        exports_april_may=(0.1, 0.5),
        busan_error=0.3,
        stoppages_short_2025={"USA": False, "EU": True},
    )
    failed = broken.failed
    assert len(failed) == 8, failed
    assert failed[0] == "race: one-swing 2.500 > 1.9"
    assert any("US unmet 100 -> 99 t" in f for f in failed)
    assert any(f.startswith("quota-2010 us_imports") for f in failed)
    assert any(f.startswith("quota-2010 us_unit_value") for f in failed)
    assert any(f.startswith("april-2025 exports 0.100") for f in failed)
    assert failed[-1] == "no month short in 2025 in USA"
