"""The market calibration: how parameter sets rank, the summed log error of the criteria, the
parameter copies it runs on, bad starts named with their field and hint, and a short search that
stays in the ranges, never loses rank and repeats with its seed."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from tests.strategies import DS
from typer.testing import CliRunner

from reesim.backtest import calibrate
from reesim.backtest.calibrate import (
    MARKET_PARAMETERS,
    Rank,
    check_start,
    criteria_of,
    log_error,
    ranges,
    rank,
    search,
    with_values,
)
from reesim.backtest.criteria import Criterion
from reesim.cli import app
from reesim.dataset.model import Dataset
from reesim.errors import InputError


def _c(
    name: str, observed: float | str | None, simulated: float | str | None, passed: bool | None
) -> Criterion:
    return Criterion("case", "series", name, "rule", observed, simulated, passed)


def test_log_error_follows_the_documented_measure() -> None:
    """|log(simulated / observed)| for sizes, falls, rises and levels; months apart over twelve for
    peak timing; the excess over the band for the flat and one-swing rules; 1 for a wrong
    direction; nothing where there is no observation."""
    assert log_error(_c("peak size", 30.0, 7.5, False)) == pytest.approx(math.log(4.0))
    assert log_error(_c("fall", 0.1, 0.2, True)) == pytest.approx(math.log(2.0))
    assert log_error(_c("near", 119.0, 59.5, False)) == pytest.approx(math.log(2.0))
    assert log_error(_c("peak timing", "2011-07", "2011-10", True)) == pytest.approx(0.25)
    assert log_error(_c("peak timing", "2011-08", "2011-05", True)) == pytest.approx(0.25)
    assert log_error(_c("flat", 0.8, 1.3, False)) == pytest.approx(0.1)
    assert log_error(_c("flat", 0.8, 1.1, True)) == 0.0
    assert log_error(_c("one swing", 1.5, 1.8, False)) == pytest.approx(0.3)
    assert log_error(_c("direction", "rise", 0.9, False)) == 1.0
    assert log_error(_c("peak timing", None, "2012-01", None)) == 0.0


def test_sets_rank_by_criteria_passed_then_by_the_smaller_error() -> None:
    assert Rank(17, 5.0) >= Rank(16, 1.0)
    assert Rank(17, 4.0) >= Rank(17, 5.0)
    assert not Rank(17, 6.0) >= Rank(17, 5.0)
    assert not Rank(16, 0.0) >= Rank(17, 9.0)
    criteria = [
        _c("peak size", 30.0, 15.0, True),
        _c("fall", 0.1, 0.5, False),
        _c("peak timing", None, None, None),
    ]
    assert rank(criteria) == Rank(1, pytest.approx(math.log(2.0) + math.log(5.0)))


def test_a_copy_with_other_values_uses_them_and_is_told_apart() -> None:
    changed = with_values(DS, {"price_adjust_months": 2.0})
    assert changed.parameter("price_adjust_months") == 2.0
    assert DS.parameter("price_adjust_months") != 2.0
    assert changed.version != DS.version
    low, high = ranges(DS)["demand_price_elasticity"]
    assert low < high < 0  # a negative parameter's range, low to high


def test_values_outside_their_range_name_the_line_of_parameters_csv() -> None:
    line = int(DS.parameters.loc[DS.parameters["name"] == "price_adjust_months", "line"].iloc[0])
    with pytest.raises(InputError, match=rf"parameters.csv:{line}: field 'default' price_adjust_months = 9"):
        with_values(DS, {"price_adjust_months": 9.0})
    with pytest.raises(InputError, match=r"did you mean 'price_adjust_months'"):
        with_values(DS, {"price_adjst_months": 2.0})


def test_a_start_outside_the_searched_parameters_is_bad_input() -> None:
    with pytest.raises(InputError, match=r"field 'price_adjst_months' not among the parameters searched"):
        search(DS, 1, start={"price_adjst_months": 2.0}, names=("price_adjust_months",))


def test_a_bad_start_names_the_file_the_field_and_a_hint() -> None:
    with pytest.raises(InputError) as caught:
        check_start(DS, {"price_adjust_months": 9.0, "price_adjst_months": 2.0}, "start.json")
    text = str(caught.value)
    assert "start.json: field 'price_adjust_months' 9 is outside the range 1 to 3" in text
    assert "field 'price_adjst_months' not a market parameter" in text
    assert "did you mean 'price_adjust_months'" in text


def _toy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A toy fit of one parameter: the error is |log(price_adjust_months / 2.9)|, least where the
    rules fail (above 2.5 months)."""

    def criteria(ds: Dataset) -> list[Criterion]:
        return [_c("peak size", 2.9, ds.parameter("price_adjust_months"), True)]

    def failed(ds: Dataset) -> list[str]:
        return ["too slow"] if ds.parameter("price_adjust_months") > 2.5 else []

    monkeypatch.setattr(calibrate, "criteria_of", criteria)
    monkeypatch.setattr(calibrate, "rules_failed", failed)


def test_a_start_that_breaks_the_rules_is_left_for_one_that_keeps_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _toy(monkeypatch)
    found = search(DS, 60, seed=1, start={"price_adjust_months": 2.9}, names=("price_adjust_months",))
    assert found.rules_failed == []
    assert found.values["price_adjust_months"] <= 2.5
    assert found.values["price_adjust_months"] == pytest.approx(2.5, abs=0.05)


def test_a_search_under_the_rules_never_leaves_them(monkeypatch: pytest.MonkeyPatch) -> None:
    _toy(monkeypatch)
    seen: list[float] = []
    start = {"price_adjust_months": 2.45}
    found = search(
        DS, 40, seed=2, start=start, names=("price_adjust_months",), progress=lambda i, t, b: seen.append(i)
    )
    assert found.rules_failed == [] and found.values["price_adjust_months"] <= 2.5
    assert len(seen) == 40
    free = search(DS, 40, seed=2, start=start, rules=False, names=("price_adjust_months",))
    assert free.rules_failed is None and free.values["price_adjust_months"] == pytest.approx(2.9, abs=0.05)


@pytest.mark.slow
def test_a_short_search_stays_in_range_keeps_its_rank_and_repeats() -> None:
    start = rank(criteria_of(DS))
    seen: list[int] = []
    first = search(DS, 2, seed=3, rules=False, progress=lambda i, tried, best: seen.append(i))
    again = search(DS, 2, seed=3, rules=False)
    assert seen == [1, 2]
    assert first.rank >= start
    assert first.values == again.values
    assert first.rules_failed is None
    bounds = ranges(DS)
    for name in MARKET_PARAMETERS:
        assert bounds[name][0] <= first.values[name] <= bounds[name][1], name
    assert rank(criteria_of(with_values(DS, first.values))) == first.rank


@pytest.mark.slow
def test_the_command_prints_and_saves_the_best_values(tmp_path: Path) -> None:
    saved = tmp_path / "best.json"
    result = CliRunner().invoke(
        app, ["calibrate", "--iterations", "1", "--no-rules", "--json", "--save", str(saved)]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["tried"] == 1 and doc["rules_failed"] is None
    assert doc["passed"] >= 17  # the bundled values pass 17 of the 19 criteria with an observation
    assert json.loads(saved.read_text()) == doc["values"]
    assert set(doc["values"]) == set(MARKET_PARAMETERS)


def test_a_save_file_in_a_missing_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "best.json"
    result = CliRunner().invoke(app, ["calibrate", "--iterations", "1", "--save", str(target)])
    assert result.exit_code == 2
    assert "its folder does not exist" in result.output
