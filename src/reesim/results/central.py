"""The central run against the Monte Carlo median: does the single run tell the typical outcome?

The central run sets every uncertain number of the scenario to its distribution's median (or to
the ``central:`` the scenario states; :mod:`reesim.language.numbers`), and every engine parameter
to its dataset default. Its outcome need not be the median outcome over Monte Carlo runs: the
model is not linear (a licence review one month longer can empty a stock that a shorter one
leaves just above zero), and the engine parameters' ranges are skewed around their defaults. A
run of one is what ``make run`` shows, so where it differs from the median of the runs by more
than a margin, the headline says so.

Margins (:data:`MARGINS`) are absolute, per figure. Peak shortfall: 5 percentage points of demand.
The headline is read as orders of magnitude (the report says so), and the command-line table
lists an element's row from a 5% peak on; a central run within 5 points of the median tells the
same story. The margin is fixed rather than the runs' P10-P90 half-width because the half-width
grows with the uncertainty: in ``race`` (EU magnets: P10 0%, P90 24%) a central run of 0% against
a median of 8% would pass, while in a narrow spread any rounding would be flagged. The median of
N runs is itself uncertain (``race``'s EU magnets in the first year, over seeds 1 to 8: 3.9% to
7.1% with 200 runs, 0% to 10% with 48), so with few runs a difference near the margin can come
and go with the seed.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from reesim.results.series import MAGNETS

#: Largest difference between the central run and the Monte Carlo median not reported, per
#: figure of a headline row (peak shortfall: share of demand, 0.05 = 5 percentage points).
MARGINS: dict[str, float] = {"peak_shortfall": 0.05}

#: What the central run is, in words (report, command line, JSON).
STATEMENT = (
    "The single (central) run uses each uncertain number's median (or the central value the "
    "scenario states) and the dataset's default for each engine parameter."
)

#: Per-run figures as :func:`reesim.results.headline.run_figures` gives them: "place|item|figure"
#: -> one value per run (restated here: the headline module imports this one).
Figures = dict[str, np.ndarray]


@dataclass(frozen=True)
class Difference:
    """A headline figure on which the central run and the Monte Carlo median differ by more
    than ``margin`` (same unit as the figure: a share of demand for peak shortfall)."""

    place: str
    item: str
    figure: str
    central: float
    median: float
    margin: float


@dataclass(frozen=True)
class CentralCheck:
    """What the central run is and, with Monte Carlo runs, where it departs from their median.

    ``runs`` is the number of Monte Carlo runs compared with (1: a single run, nothing compared).
    """

    runs: int
    margins: dict[str, float] = field(default_factory=lambda: dict(MARGINS))
    differences: list[Difference] = field(default_factory=list)

    @property
    def compared(self) -> bool:
        """Whether there were Monte Carlo runs to compare the central run with."""
        return self.runs > 1

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON and the results store; ``central_vs_median`` is null for one run."""
        return {
            "values": "median",
            "statement": STATEMENT,
            "runs": self.runs,
            "margins": dict(self.margins),
            "central_vs_median": [asdict(d) for d in self.differences] if self.compared else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CentralCheck:
        """The inverse of :meth:`to_dict` (null numbers, JSON's infinity, read back as inf)."""

        def number(value: Any) -> float:
            return math.inf if value is None else float(value)

        differences = [
            Difference(
                d["place"], d["item"], d["figure"], number(d["central"]), number(d["median"]), d["margin"]
            )
            for d in data.get("central_vs_median") or []
        ]
        margins = {str(k): float(v) for k, v in data.get("margins", {}).items()}
        return cls(int(data["runs"]), margins, differences)


def median(values: np.ndarray) -> float:
    """The median over runs as the headline takes it (P50, inverted CDF, missing values
    skipped; nan when every value is missing)."""
    finite = values[~np.isnan(values)]
    if finite.size == 0:
        return math.nan
    return float(np.quantile(finite, 0.5, method="inverted_cdf"))


def central_vs_median(
    central: Figures, runs: Figures, margins: dict[str, float] | None = None
) -> list[Difference]:
    """Every figure named in ``margins`` (default :data:`MARGINS`) on which the central run
    (``central``: one value per key) and the median of ``runs`` differ by more than its margin,
    for every place and item of ``central``; largest difference first (magnets first among equals).

    A figure missing in either (nan) is not compared; infinities (a month that never comes)
    differ from any finite value and equal each other.
    """
    margins = MARGINS if margins is None else margins
    out = []
    for key, values in central.items():
        parts = key.split("|")
        if len(parts) != 3 or parts[2] not in margins or key not in runs:
            continue
        place, item, figure = parts
        mid, one = median(runs[key]), float(np.asarray(values, dtype=float).reshape(-1)[0])
        if math.isnan(mid) or math.isnan(one) or one == mid:
            continue
        if abs(one - mid) > margins[figure]:
            out.append(Difference(place, item, figure, one, mid, margins[figure]))
    return sorted(out, key=lambda d: (-round(abs(d.central - d.median), 9), d.item != MAGNETS))


def check(central: Figures, runs: Figures, margins: dict[str, float] | None = None) -> CentralCheck:
    """The :class:`CentralCheck` of a batch: ``runs`` holds one value per run of each figure
    (compared with ``central`` when there is more than one run)."""
    margins = dict(MARGINS if margins is None else margins)
    count = max((int(v.size) for v in runs.values()), default=1)
    if count <= 1:
        return CentralCheck(runs=count, margins=margins)
    return CentralCheck(count, margins, central_vs_median(central, runs, margins))


#: How each compared figure reads: (name, value format, margin scale, margin unit).
_WORDS: dict[str, tuple[str, str, float, str]] = {
    "peak_shortfall": ("peak shortfall", "{:.1%}", 100.0, "percentage points"),
}


def _words(figure: str) -> tuple[str, str, float, str]:
    return _WORDS.get(figure, (figure.replace("_", " "), "{:g}", 1.0, ""))


def value_text(figure: str, value: float) -> str:
    """A compared figure's value in words (``8.3%`` for a peak shortfall of 0.083)."""
    return _words(figure)[1].format(value) if math.isfinite(value) else "none"


def margin_text(figure: str, margin: float) -> str:
    """A margin in words: ``5 percentage points of peak shortfall``."""
    name, _, scale, unit = _words(figure)
    return f"{margin * scale:g} {unit} of {name}".replace("  ", " ")


def lines(result: CentralCheck) -> list[str]:
    """The check in plain sentences: the statement, then (with Monte Carlo runs) the margins and
    every figure beyond them."""
    out = [STATEMENT]
    if not result.compared:
        return out
    margins = ", ".join(margin_text(f, m) for f, m in result.margins.items())
    if not result.differences:
        out.append(f"It is within {margins} of the median of the {result.runs} runs on every row.")
        return out
    out.append(f"It differs from the median of the {result.runs} runs by more than {margins} on:")
    for d in result.differences:
        name = _words(d.figure)[0]
        out.append(f"  {d.place} {d.item}, {name}: central {value_text(d.figure, d.central)}, "
                   f"median {value_text(d.figure, d.median)}")  # fmt: skip
    return out
