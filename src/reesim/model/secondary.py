"""China's secondary oxide supply in the base year: the part the sources name, per element.

The base year adds to China's oxide output whatever reported magnet output needs beyond the
mined profiles (:func:`reesim.model.baseline.build_baseline`). Part of that gap has a source:
the oxide China's recyclers recover from magnet scrap, reported per element (``secondary_oxide``,
t REO per year). A reported quantity names the gap only up to the gap in its elements (a row
for ``Nd;Pr`` names up to the Nd and Pr gaps together); the rest of the gap is unexplained and
reported as a diagnostic.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from reesim.dataset.model import Dataset
from reesim.errors import InputError, Problem
from reesim.model.dims import Dims

Array = NDArray[np.float64]


def named_secondary(ds: Dataset, dims: Dims, gap: Array, iso3: str, year: int) -> Array:
    """[E] t REO per year of ``gap`` (the secondary supply, t REO per year per element) that the
    ``secondary_oxide`` rows of ``iso3`` and ``year`` name.

    A row covering several elements names up to their summed gap, split in proportion to each
    element's gap. A symbol that is not an element of the model is bad input.
    """
    table = ds["secondary_oxide"]
    rows = table[(table["iso3"] == iso3) & (table["year"] == year)]
    named = np.zeros(dims.n_elements)
    for line, elements, quantity in zip(rows["line"], rows["elements"], rows["quantity"], strict=True):
        symbols = str(elements).split(";")
        unknown = [s for s in symbols if s not in dims.elements]
        if unknown:
            problem = Problem("secondary_oxide.csv", int(line), "elements", f"unknown element(s) {unknown}",
                              "element symbols as in elements.csv, ';'-separated")  # fmt: skip
            raise InputError([problem])
        index = [dims.element(s) for s in symbols]
        left = np.maximum(gap[index] - named[index], 0.0)
        total = float(left.sum())
        if total > 0:
            named[index] += left * min(float(quantity), total) / total
    return named
