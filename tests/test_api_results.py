"""What ``reesim.run`` hands to users: dates on the month axis, CF units on every variable,
NetCDF and Zarr files that keep both, and a progress bar that changes no number."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import reesim
from reesim.dataset import Dataset
from reesim.engine.run import run as simulate
from reesim.errors import InputError
from reesim.model.baseline import Baseline, build_baseline
from reesim.results.conventions import VARIABLES, month_labels, to_months, with_labels


@pytest.fixture(scope="module")
def base(dataset: Dataset) -> Baseline:
    return build_baseline(dataset)


@pytest.fixture(scope="module")
def result(dataset: Dataset, base: Baseline) -> xr.Dataset:
    return reesim.run("race", horizon=1.5, dataset=dataset, baseline=base, kernel="reference")


def test_months_are_month_start_dates(result: xr.Dataset) -> None:
    month = result["month"]
    assert month.dtype == np.dtype("datetime64[ns]") and result.sizes["month"] == 18
    assert month.values[0] == np.datetime64("2025-01-01", "ns")
    assert month.values[-1] == np.datetime64("2026-06-01", "ns")
    assert month.attrs["standard_name"] == "time" and month.attrs["axis"] == "T"


def test_resample_by_year_sums_the_months(result: xr.Dataset) -> None:
    unmet = result["unmet"].sel(material="magnet").sum(("node", "element")).isel(run=0)
    yearly = unmet.resample(month="YS").sum()
    years = np.array(["2025-01-01", "2026-01-01"], dtype="datetime64[ns]")
    np.testing.assert_array_equal(yearly["month"].values, years)
    np.testing.assert_allclose(yearly.values, [unmet.values[:12].sum(), unmet.values[12:].sum()])


def test_every_variable_has_units_and_a_long_name(result: xr.Dataset) -> None:
    for name, variable in result.data_vars.items():
        assert variable.attrs["units"] == VARIABLES[str(name)][0], name
        assert variable.attrs["long_name"], name
    assert result["price"].attrs["units"] == "USD/kg" and result["inventory"].attrs["units"] == "t"
    assert result["unmet"].attrs["units"] == "t/month"
    assert result.attrs["Conventions"] == "CF-1.8" and "units" not in result.attrs
    assert result.attrs["dataset_version"] and result.attrs["scenario"] == "race"


def test_values_are_the_engines(dataset: Dataset, base: Baseline, result: xr.Dataset) -> None:
    engine = simulate("race", horizon=1.5, dataset=dataset, baseline=base, kernel="reference")
    assert engine["month"].values[0] == "2025-01"
    xr.testing.assert_equal(with_labels(result).drop_attrs(), engine.drop_attrs())


def test_month_labels_round_trip() -> None:
    labels = ["2025-11", "2025-12", "2026-01"]
    dates = to_months(labels)
    assert dates.dtype == np.dtype("datetime64[ns]") and month_labels(dates) == labels
    assert month_labels(labels) == labels and list(to_months(dates)) == list(dates)


@pytest.mark.parametrize("suffix", [".nc", ".zarr"])
def test_saved_file_keeps_values_months_and_units(result: xr.Dataset, tmp_path: Path, suffix: str) -> None:
    if suffix == ".zarr":
        pytest.importorskip("zarr")
    path = reesim.save(result, tmp_path / f"race{suffix}")
    with xr.open_dataset(path, engine="zarr" if suffix == ".zarr" else None) as back:
        xr.testing.assert_identical(back.load(), result)
        assert back["month"].dtype == np.dtype("datetime64[ns]")
        assert back["unmet"].attrs["units"] == "t/month"


def test_to_netcdf_is_xarrays_own(result: xr.Dataset, tmp_path: Path) -> None:
    result.to_netcdf(tmp_path / "race.nc")
    with xr.open_dataset(tmp_path / "race.nc") as back:
        assert back["price"].attrs == result["price"].attrs
        np.testing.assert_array_equal(back["price"].values, result["price"].values)


def test_zarr_without_zarr_says_what_to_install(
    result: xr.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(ImportError, match=r"^writing Zarr needs the zarr package: pip install zarr$"):
        reesim.save(result, tmp_path / "race.zarr")
    assert not (tmp_path / "race.zarr").exists()


def test_unknown_file_kind_is_an_input_error(result: xr.Dataset, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"name the file \.nc"):
        reesim.save(result, tmp_path / "race.csv")


def test_progress_bar_goes_to_standard_error_only(
    dataset: Dataset, base: Baseline, capsys: pytest.CaptureFixture[str]
) -> None:
    def monte_carlo(progress: bool | None) -> xr.Dataset:
        return reesim.run("race", runs=40, seed=2, horizon=0.25, dataset=dataset, baseline=base,
                          kernel="reference", progress=progress)  # fmt: skip

    shown = monte_carlo(True)
    printed = capsys.readouterr()
    assert "simulating race" in printed.err and "40/40" in printed.err and printed.out == ""
    hidden = monte_carlo(False)
    default = monte_carlo(None)  # tests capture standard error: not interactive, no bar
    printed = capsys.readouterr()
    assert printed.err == "" and printed.out == ""
    xr.testing.assert_identical(shown, hidden)
    xr.testing.assert_identical(shown, default)
    assert shown.sizes["run"] == 40 and list(shown["run"].values) == list(range(40))


def test_interactive_in_a_jupyter_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from reesim.api import interactive

    assert not interactive()
    monkeypatch.setitem(sys.modules, "ipykernel", sys)
    assert interactive()


@pytest.mark.slow
def test_processes_give_the_serial_runs(
    dataset: Dataset, base: Baseline, capsys: pytest.CaptureFixture[str]
) -> None:
    """Worker processes start fresh (seconds each), so this test is slow."""
    kw = {"runs": 5, "seed": 3, "horizon": 0.25, "dataset": dataset, "baseline": base, "kernel": "reference"}
    serial = reesim.run("race", **kw)  # type: ignore[arg-type]
    spread = reesim.run("race", executor="processes", workers=2, progress=True, **kw)  # type: ignore[arg-type]
    xr.testing.assert_identical(serial, spread)
    assert "5/5" in capsys.readouterr().err


def test_unknown_executor_is_an_input_error(dataset: Dataset) -> None:
    with pytest.raises(InputError, match="unknown executor 'threads'"):
        reesim.run("race", runs=2, dataset=dataset, executor="threads")


def test_indicators_read_dated_months(dataset: Dataset, base: Baseline, result: xr.Dataset) -> None:
    from reesim.results.indicators import bloc_nodes, lowest_stock_cover, months_until_first_shortfall

    nodes = bloc_nodes(dataset, base, "eu")
    labelled = with_labels(result)
    assert lowest_stock_cover(result, nodes) == lowest_stock_cover(labelled, nodes)
    assert lowest_stock_cover(result, nodes)[1].count("-") == 1
    for after in ("2025-01", "2025-04"):
        assert months_until_first_shortfall(result, nodes, after) == months_until_first_shortfall(
            labelled, nodes, after
        )
