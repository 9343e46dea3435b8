"""``reesim data check`` fails, naming the file, line and field, on each kind of defect.

Each test damages one cell of a private copy of the bundled data and asserts the finding.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from tests.conftest import Editor, find_line

from reesim.dataset import check_dataset, load_dataset
from reesim.errors import InputError, Problem


def _errors(data_dir: Path) -> list[Problem]:
    return [p for p in check_dataset(data_dir) if p.severity == "error"]


def _only(problems: list[Problem], file: str) -> Problem:
    hits = [p for p in problems if p.file.endswith(file)]
    assert len(hits) == 1, [str(p) for p in problems]
    return hits[0]


def test_copy_is_clean(data_copy: Path) -> None:
    assert _errors(data_copy) == []


def test_missing_source(data_copy: Path, edit_cell: Editor) -> None:
    line = find_line(data_copy, "mine_production.csv", iso3="CHN", year="2024", edition="MCS2026")
    edit_cell("mine_production.csv", line, "source_id", "")
    p = _only(_errors(data_copy), "mine_production.csv")
    assert (p.line, p.field) == (line, "source_id")
    assert "required" in p.message


def test_unknown_source_gets_did_you_mean(data_copy: Path, edit_cell: Editor) -> None:
    edit_cell("prices.csv", 3, "source_id", "usgs_mcs2062")
    p = _only(_errors(data_copy), "prices.csv")
    assert (p.line, p.field) == (3, "source_id")
    assert "usgs_mcs2026" in p.hint


def test_bad_status_value(data_copy: Path, edit_cell: Editor) -> None:
    edit_cell("elements.csv", 5, "status", "reportd")
    p = _only(_errors(data_copy), "elements.csv")
    assert (p.line, p.field) == (5, "status")
    assert "reported" in p.hint


def test_unknown_region(data_copy: Path, edit_cell: Editor) -> None:
    line = find_line(data_copy, "countries.csv", iso3="GRL")
    edit_cell("countries.csv", line, "region", "America")
    p = _only(_errors(data_copy), "countries.csv")
    assert (p.line, p.field) == (line, "region")
    assert "'Americas'" in p.hint


def test_derived_row_without_note(data_copy: Path, edit_cell: Editor) -> None:
    edit_cell("elements.csv", 4, "note", "")
    p = _only(_errors(data_copy), "elements.csv")
    assert (p.line, p.field) == (4, "note")
    assert "derived" in p.message


def test_share_outside_unit_interval(data_copy: Path, edit_cell: Editor) -> None:
    line = 2
    edit_cell("country_deposits.csv", line, "share", "1.7")
    problems = [p for p in _errors(data_copy) if p.file.endswith("country_deposits.csv")]
    assert any(p.line == line and p.field == "share" and "maximum" in p.message for p in problems)


def test_shares_that_do_not_sum_to_one(data_copy: Path, edit_cell: Editor) -> None:
    line = find_line(data_copy, "country_deposits.csv", iso3="USA")
    edit_cell("country_deposits.csv", line, "share", "0.6")
    p = _only(_errors(data_copy), "country_deposits.csv")
    assert p.line == line and p.field == "share"
    assert "iso3=USA" in p.message and "sums to 0.6" in p.message


def test_country_sum_far_from_world_total(data_copy: Path, edit_cell: Editor) -> None:
    line = find_line(data_copy, "mine_production.csv", iso3="CHN", year="2025", edition="MCS2026")
    edit_cell("mine_production.csv", line, "quantity", "370000")
    p = _only(_errors(data_copy), "mine_production.csv")
    world = find_line(data_copy, "mine_production.csv", iso3="WLD", year="2025", edition="MCS2026")
    assert p.line == world and p.field == "quantity"
    assert "world total is 390,000" in p.message and "year=2025" in p.message


def test_production_above_capacity(data_copy: Path, edit_cell: Editor) -> None:
    with (data_copy / "stage_capacity.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    line = next(i for i, r in enumerate(rows, start=2) if r["production"])
    edit_cell("stage_capacity.csv", line, "capacity", "1")
    problems = [p for p in _errors(data_copy) if p.file.endswith("stage_capacity.csv")]
    assert any(p.line == line and "exceeds capacity" in p.message for p in problems)


def test_unknown_element_suggests_the_right_one(data_copy: Path, edit_cell: Editor) -> None:
    edit_cell("element_profiles.csv", 2, "element", "Dyy")
    problems = [p for p in _errors(data_copy) if p.file.endswith("element_profiles.csv") and p.line == 2]
    assert problems and problems[0].field == "element"
    assert "'Dy'" in problems[0].hint


def test_unknown_country_code(data_copy: Path, edit_cell: Editor) -> None:
    edit_cell("mine_production.csv", 2, "iso3", "XXA")
    problems = [p for p in _errors(data_copy) if p.file.endswith("mine_production.csv") and p.line == 2]
    assert any(p.field == "iso3" and "unknown iso3 'XXA'" in p.message for p in problems)


def test_duplicate_key(data_copy: Path) -> None:
    path = data_copy / "elements.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    p = _only(_errors(data_copy), "elements.csv")
    assert p.line == len(lines) + 1 and "duplicate key" in p.message


def test_text_where_a_number_belongs(data_copy: Path, edit_cell: Editor) -> None:
    edit_cell("reserves.csv", 2, "quantity", "about 5 Mt")
    p = _only(_errors(data_copy), "reserves.csv")
    assert (p.line, p.field) == (2, "quantity") and "not a number" in p.message


def test_invalid_unit(data_copy: Path, edit_cell: Editor) -> None:
    edit_cell("prices.csv", 2, "unit", "usd_per_lb")
    p = _only(_errors(data_copy), "prices.csv")
    assert (p.line, p.field) == (2, "unit") and "usd_per_kg" in p.hint


def test_missing_column(data_copy: Path) -> None:
    path = data_copy / "reserves.csv"
    text = path.read_text(encoding="utf-8").replace("quantity", "qty", 1)
    path.write_text(text, encoding="utf-8")
    problems = [p for p in _errors(data_copy) if p.file.endswith("reserves.csv")]
    assert any(p.line == 1 and p.field == "quantity" and "missing" in p.message for p in problems)


def test_missing_file(data_copy: Path) -> None:
    (data_copy / "events.csv").unlink()
    p = _only(_errors(data_copy), "events.csv")
    assert p.line is None and "missing" in p.message


def test_row_with_wrong_field_count(data_copy: Path) -> None:
    path = data_copy / "countries.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("ZZZ,Nowhere,country\n")
    lines = len(path.read_text(encoding="utf-8").splitlines())
    p = _only(_errors(data_copy), "countries.csv")
    assert p.line == lines and "fields" in p.message and "quote" in p.hint


def test_load_dataset_refuses_defective_data(data_copy: Path, edit_cell: Editor) -> None:
    edit_cell("reserves.csv", 2, "quantity", "-5")
    with pytest.raises(InputError) as info:
        load_dataset(data_copy)
    assert "reserves.csv:2" in str(info.value) and "below the minimum" in str(info.value)


@pytest.mark.parametrize("file", ["parameters.csv", "prices.csv"])
def test_a_table_with_only_its_header_is_refused(data_copy: Path, file: str) -> None:
    path = data_copy / file
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    p = _only(_errors(data_copy), file)
    assert (p.line, p.message) == (2, "the table has no rows")


def test_an_impossible_date_is_refused(data_copy: Path, edit_cell: Editor) -> None:
    edit_cell("events.csv", 2, "date", "2010-13-45")
    p = _only(_errors(data_copy), "events.csv")
    assert (p.line, p.field) == (2, "date") and "'2010-13-45' is not a date" in p.message


def test_a_default_outside_its_range_and_low_above_high(data_copy: Path, edit_cell: Editor) -> None:
    line = find_line(data_copy, "parameters.csv", name="working_stock_months")
    edit_cell("parameters.csv", line, "default", "9")
    p = _only(_errors(data_copy), "parameters.csv")
    assert (p.line, p.field) == (line, "default") and "outside its range 1-4" in p.message
    edit_cell("parameters.csv", line, "default", "2")
    edit_cell("parameters.csv", line, "low", "5")
    p = _only(_errors(data_copy), "parameters.csv")
    assert (p.line, p.field) == (line, "low") and "low 5 is above high 4" in p.message


def test_a_byte_order_mark_is_read_as_nothing(data_copy: Path) -> None:
    path = data_copy / "prices.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert _errors(data_copy) == []


def test_a_byte_that_is_not_utf8_is_named_with_its_line(data_copy: Path) -> None:
    path = data_copy / "countries.csv"
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b"Republic", b"R\xe9public", 1)  # a Latin-1 e-acute in line 5
    path.write_bytes(b"\n".join(lines))
    p = _only(_errors(data_copy), "countries.csv")
    assert p.line == 5 and "not UTF-8 text: byte 0xe9" in p.message


def test_unknown_element_in_a_magnet_bill_of_materials(data_copy: Path, edit_cell: Editor) -> None:
    edit_cell("magnet_bom.csv", 2, "element", "Nx")
    p = _only(_errors(data_copy), "magnet_bom.csv")
    assert (p.line, p.field) == (2, "element")
    assert "'Nx'" in p.message and "expected one of" in p.hint


@pytest.mark.parametrize(
    ("file", "column", "value", "hint"),
    [
        ("demand.csv", "material", "magnet_ndfe", "did you mean 'magnet_ndfeb'?"),
        ("demand.csv", "material", "Nd;Px", "expected <element symbol>, magnet_ndfeb, reo_total"),
        ("intensities.csv", "material", "unobtainium", "expected <element symbol>, magnet_ndfeb, reo_total"),
        ("prices.csv", "material", "Dy_oxyde", "did you mean 'Dy_oxide'?"),
        ("prices.csv", "material", "Xx_oxide", "did you mean 'Y_oxide'?"),
        ("price_markets.csv", "material", "Tb_ore", "did you mean 'Tb_oxide'?"),
        ("stockpiles.csv", "material", "gold", "expected <element symbol>, magnet_ndfeb"),
        ("events.csv", "forms", "oxide;powder", "expected ore, oxide, metal, magnet, technology"),
        ("end_products.csv", "sector", "windd", "did you mean 'wind'?"),
        ("end_products.csv", "product", "bev_carr", "did you mean 'bev_car'?"),
        ("prices.csv", "basis", "cif", "expected one of fob, fob_china"),
    ],
)
def test_an_unknown_material_or_code_is_refused_at_its_line(
    data_copy: Path, edit_cell: Editor, file: str, column: str, value: str, hint: str
) -> None:
    edit_cell(file, 3, column, value)
    p = _only(_errors(data_copy), file)
    assert (p.line, p.field) == (3, column)
    assert repr(value.rsplit(";", maxsplit=1)[-1]) in p.message
    assert hint in p.hint


def test_element_lists_and_element_codes_are_accepted(data_copy: Path, edit_cell: Editor) -> None:
    edit_cell("demand.csv", 3, "material", "Dy;Tb")
    edit_cell("stockpiles.csv", 3, "material", "Sm")
    edit_cell("prices.csv", 3, "material", "Lu_metal")
    assert _errors(data_copy) == []
