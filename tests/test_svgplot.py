"""Charts written as SVG text: round ticks, labels with the decimals they need, missing values
breaking lines, user text escaped, ids unique per figure, and a figure that parses as XML."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from reesim.report.svgplot import Figure, Panel, nice_ticks, tick_text

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("lo", "hi", "ticks"),
    [
        (0.0, 10.0, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]),
        (0.0, 1_234.0, [0.0, 250.0, 500.0, 750.0, 1_000.0]),
        (0.0, 0.07, [0.0, 0.02, 0.04, 0.06]),
        (-3.0, 3.0, [-2.0, 0.0, 2.0]),
    ],
)
def test_ticks_are_round_and_cover_the_range(lo: float, hi: float, ticks: list[float]) -> None:
    found = nice_ticks(lo, hi)
    assert found == pytest.approx(ticks)
    assert nice_ticks(1.0, 1.0) == [1.0] and nice_ticks(0.0, math.nan) == [0.0]


def test_tick_labels_have_the_decimals_their_step_needs() -> None:
    assert tick_text(250_000.0, 250_000.0) == "250,000"
    assert tick_text(0.5, 0.5) == "0.5"
    assert tick_text(0.04, 0.02) == "0.04"
    assert tick_text(1.0, 0.25) == "1.00"
    assert tick_text(-0.0, 1.0) == "0"


def test_a_figure_is_valid_svg_with_lines_broken_at_missing_values() -> None:
    p = Panel(title="a <b> & c", xticks=[(0.0, "2025")])
    p.line([0, 1, 2, 3, 4], [1.0, 2.0, np.nan, 3.0, 4.0], "#123456")
    p.band([0, 1, 2], [0.0, 0.5, 1.0], [1.0, 1.5, 2.0], "#123456")
    p.hbar(0.0, 1.0, 3.0, "white", hatched=True)
    drawn = Figure("t", [p, Panel()], legend=[("x", "#123456", "line")]).svg("u")
    root = ET.fromstring(drawn)
    assert root.tag == f"{SVG}svg"
    assert len(root.findall(f".//{SVG}polyline")) == 2  # the gap splits the line in two
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "a <b> & c" in texts and "x" in texts and "2025" in texts
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)) and "u-hatch" in ids
    assert 'fill="url(#u-hatch)"' in drawn
