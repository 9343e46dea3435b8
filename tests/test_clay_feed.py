"""The ionic-clay feed table is read as t REO per route, and routes go before the world pool."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from reesim.dataset import Dataset
from reesim.errors import InputError
from reesim.model.clay_feed import clay_tonnes, route_first
from reesim.model.dims import Dims
from reesim.model.secondary import named_secondary


def test_base_year_routes_take_t_reo_rows_or_gross_rows_at_the_reo_content(dataset: Dataset) -> None:
    """2024: Myanmar's reported 27,000 t REO; Laos' 11,594 t gross at 0.5 t REO per t gross; the
    nine-month and all-origin rows are cross-checks and do not count."""
    assert dataset.parameter("clay_feed_reo_per_gross") == 0.5
    assert clay_tonnes(dataset, 2024) == {("LAO", "CHN"): pytest.approx(5_797.0), ("MMR", "CHN"): 27_000.0}


def test_routes_come_after_own_supply_and_before_the_pool() -> None:
    """Node 0 needs 10 and mines 4; node 1 mines 5 and routes up to 8 to node 0; node 2 mines 3.
    Node 0 takes its own 4, then 5 from node 1 (all it has), leaving 1 to the pool and 3 spare."""
    need, have = np.array([10.0, 0.0, 0.0]), np.array([4.0, 5.0, 3.0])
    routes = np.zeros((3, 3))
    routes[0, 1] = 8.0
    flows, need_left, have_left = route_first(need, have, routes)
    assert flows[0, 1] == pytest.approx(5.0)
    assert flows.sum() == pytest.approx(5.0)
    assert need_left == pytest.approx([1.0, 0.0, 0.0])
    assert have_left == pytest.approx([0.0, 0.0, 3.0])


def test_routes_are_cut_to_what_the_importer_needs() -> None:
    """Two exporters route 6 each to a node that needs 3: each route is cut to 1.5."""
    need, have = np.array([3.0, 0.0, 0.0]), np.array([0.0, 6.0, 6.0])
    routes = np.zeros((3, 3))
    routes[0, 1] = routes[0, 2] = 6.0
    flows, need_left, have_left = route_first(need, have, routes)
    assert flows[0, 1:] == pytest.approx([1.5, 1.5])
    assert need_left == pytest.approx([0.0, 0.0, 0.0])
    assert have_left == pytest.approx([0.0, 4.5, 4.5])


def test_named_secondary_names_up_to_the_gap_of_its_elements(dataset: Dataset) -> None:
    """China's 2024 scrap oxide (26,504 t PrNd, 160 t Tb, 710 t Dy ...) names a gap of 60 t Nd,
    20 t Pr and 500 t Tb only up to those gaps; Dy, with no gap, names nothing."""
    dims = Dims.from_dataset(dataset)
    gap = np.zeros(dims.n_elements)
    gap[dims.element("Nd")], gap[dims.element("Pr")], gap[dims.element("Tb")] = 60.0, 20.0, 500.0
    named = named_secondary(dataset, dims, gap, "CHN", 2024)
    assert named[dims.element("Nd")] == pytest.approx(60.0)
    assert named[dims.element("Pr")] == pytest.approx(20.0)
    assert named[dims.element("Tb")] == pytest.approx(160.0)
    assert named.sum() == pytest.approx(240.0)


def test_scrap_pr_nd_agrees_with_the_recycling_stage(dataset: Dataset) -> None:
    """The PrNd row of China's 2024 scrap oxide is the recycling stage's 2024 output."""
    table, stages = dataset["secondary_oxide"], dataset["stage_capacity"]
    prnd = table[(table["iso3"] == "CHN") & (table["year"] == 2024) & (table["elements"] == "Nd;Pr")]
    stage = stages[(stages["iso3"] == "CHN") & (stages["stage"] == "recycling") & (stages["year"] == 2024)]
    assert float(prnd["quantity"].iloc[0]) == float(stage["production"].iloc[0]) == 26_504.0


def test_an_unknown_element_in_the_scrap_table_names_file_line_and_field(dataset: Dataset) -> None:
    """A typo in ``secondary_oxide.elements`` is bad input, not a silently smaller named part."""
    dims = Dims.from_dataset(dataset)
    table = dataset["secondary_oxide"].copy()
    table.loc[table.index[0], "elements"] = "Nd;Px"
    bad = dataclasses.replace(dataset, tables={**dataset.tables, "secondary_oxide": table})
    with pytest.raises(InputError, match=r"secondary_oxide.csv:2: field 'elements' unknown element"):
        named_secondary(bad, dims, np.ones(dims.n_elements), "CHN", 2024)
