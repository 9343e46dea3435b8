"""The bundled dataset loads, passes its checks, and holds figures transcribed exactly."""

from __future__ import annotations

import re

import pytest

from reesim.dataset import Dataset, check_dataset
from reesim.dataset.summary import china_share_of_mining, coverage


def test_bundled_dataset_passes_check() -> None:
    problems = check_dataset()
    errors = [str(p) for p in problems if p.severity == "error"]
    assert errors == []


def _production(ds: Dataset, iso3: str, year: int, edition: str) -> float:
    mp = ds.mine_production
    rows = mp[(mp["iso3"] == iso3) & (mp["year"] == year) & (mp["edition"] == edition)]
    assert len(rows) == 1, f"expected one row for {iso3} {year} {edition}"
    return float(rows["quantity"].iloc[0])


@pytest.mark.parametrize(
    ("iso3", "year", "edition", "tonnes"),
    [
        ("CHN", 2024, "MCS2026", 270_000),
        ("USA", 2024, "MCS2026", 45_500),
        ("AUS", 2024, "MCS2026", 29_000),
        ("MMR", 2024, "MCS2026", 27_000),
        ("WLD", 2024, "MCS2026", 380_000),
        ("USA", 2025, "MCS2026", 51_000),
        ("THA", 2025, "MCS2026", 4_800),
        ("WLD", 2025, "MCS2026", 390_000),
        ("AUS", 2024, "MCS2025", 13_000),
        ("WLD", 2023, "MCS2025", 376_000),
        ("WLD", 2024, "MCS2025", 390_000),
        ("CHN", 2021, "MYB2022", 168_000),
        ("WLD", 2022, "MYB2022", 297_000),
    ],
)
def test_mine_production_transcribed_exactly(
    dataset: Dataset, iso3: str, year: int, edition: str, tonnes: float
) -> None:
    assert _production(dataset, iso3, year, edition) == tonnes


def test_editions_differ_for_australia_2024(dataset: Dataset) -> None:
    # MCS 2026 revised Australia's 2024 output from 13,000 t to 29,000 t; both are kept, by edition.
    assert _production(dataset, "AUS", 2024, "MCS2025") != _production(dataset, "AUS", 2024, "MCS2026")


def test_brazil_reserves_follow_mcs2026_v13_revision(dataset: Dataset) -> None:
    rs = dataset["reserves"]
    row = rs[(rs["iso3"] == "BRA") & (rs["edition"] == "MCS2026")]
    assert float(row["quantity"].iloc[0]) == 11_000_000


def test_china_mines_about_seventy_percent(dataset: Dataset) -> None:
    assert china_share_of_mining(dataset, 2024) == pytest.approx(270_000 / 380_000)
    assert 0.6 < china_share_of_mining(dataset, 2025) < 0.75


def test_usgs_prices_transcribed(dataset: Dataset) -> None:
    prices = dataset["prices"].set_index(["material", "year"])["price"]
    assert prices[("NdPr_oxide", 2024)] == 55
    assert prices[("Dy_oxide", 2024)] == 257
    assert prices[("Tb_oxide", 2025)] == 1010


_FORMULA = re.compile(r"^([A-Z][a-z]?)(\d*)O(\d+)$")
_OXYGEN = 15.999


def test_oxide_to_metal_factor_matches_formula_and_weights(dataset: Dataset) -> None:
    for row in dataset.elements.itertuples(index=False):
        match = _FORMULA.match(str(row.oxide_formula))
        assert match, row.oxide_formula
        symbol, metal_atoms, oxygen_atoms = match.group(1), int(match.group(2) or 1), int(match.group(3))
        assert symbol == row.symbol
        metal = metal_atoms * float(row.atomic_weight)
        assert float(row.oxide_to_metal) == pytest.approx(metal / (metal + oxygen_atoms * _OXYGEN), abs=6e-5)


def test_sixteen_elements_without_promethium(dataset: Dataset) -> None:
    symbols = set(dataset.elements["symbol"])
    assert len(symbols) == 16
    assert "Pm" not in symbols
    groups = dict(zip(dataset.elements["symbol"], dataset.elements["group"], strict=True))
    assert (
        groups["Nd"] == "light"
        and groups["Dy"] == "heavy"
        and groups["Y"] == "heavy"
        and groups["Sc"] == "other"
    )


def test_every_country_maps_to_a_model_node(dataset: Dataset) -> None:
    c = dataset.countries
    nodes = set(c.loc[c["node"] == c["iso3"], "iso3"])
    assert {"CHN", "USA", "JPN", "XEU", "ROW"} <= nodes
    countries = c[c["kind"] == "country"]
    assert set(countries["node"]) <= nodes


def test_every_node_but_row_has_an_m49_region(dataset: Dataset) -> None:
    c = dataset.countries
    regions = dict(zip(c["iso3"], c["region"], strict=True))
    nodes = set(c.loc[c["node"] == c["iso3"], "iso3"])
    assert all(regions[n] for n in nodes - {"ROW"})
    assert regions["ROW"] == "" and regions["WLD"] == "" and regions["OTH"] == ""
    assert all(c.loc[c["kind"] == "country", "region"])
    # M49 as published: Greenland in the Americas, Russia in Europe
    assert (regions["GRL"], regions["RUS"], regions["XEU"], regions["CHN"]) == (
        "Americas",
        "Europe",
        "Europe",
        "Asia",
    )


def test_shipment_lags_are_months_with_ranges(dataset: Dataset) -> None:
    p = dataset.parameters.set_index("name")
    for name, (default, low, high) in {
        "transit_months": (1.0, 0.5, 1.5),
        "transit_months_regional": (0.3, 0.1, 0.5),
    }.items():
        row = p.loc[name]
        assert (row["default"], row["low"], row["high"]) == (default, low, high)
        assert row["unit"] == "months" and row["status"] == "derived"
    names = p.index.tolist()  # after the parameters that were there before them
    assert names.index("operator_delay_correlation") < names.index("transit_months")


def test_coverage_counts_every_row(dataset: Dataset) -> None:
    for cov in coverage(dataset):
        if dataset.spec(cov.table).sourced:
            assert cov.reported + cov.derived + cov.assumption == cov.rows, cov.table


def test_every_sourced_row_cites_a_known_source(dataset: Dataset) -> None:
    known = set(dataset.sources["source_id"])
    for name, spec in dataset.schema.tables.items():
        if spec.sourced:
            for ids in dataset[name]["source_id"]:
                assert ids and set(str(ids).split(";")) <= known, (name, ids)
