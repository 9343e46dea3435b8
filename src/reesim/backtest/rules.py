"""The admissibility rules the market parameters are fitted under (docs/validation.md, *What was
calibrated on what*), as one check.

The price criteria choose among parameter sets; these rules decide which sets may be chosen at
all. Each compares a central run (every uncertain number at its median, reference kernel) with a
bound:

- the outside-China oxide prices of Nd, Pr, Dy, Tb, La and Ce, each over its base-year price, in
  ``race`` and ``full-embargo`` travel at most 1.9 and 1.5 times as far as one rise and one fall
  (:func:`reesim.backtest.criteria.one_swing`): the scenarios' prices must not cycle on their own;
- in ``race`` under a full embargo, the US stockpiles ten times larger (target, purchases and
  initial holding) lower the US's cumulative unmet demand by at least 5% and its magnets' by at
  least 500 t (t REO-equivalent): a larger stockpile must help its holder;
- ``quota-2010``'s US imports and unit value move in the observed direction and within a factor
  of 2 of the observed size;
- China's magnet exports in April and May 2025 (``april-2025``) are 30-80% below the run
  without the licences; ``busan-truce``'s exports have an out-of-sample error under 0.25;
- each observed plant stoppage of 2025 (US, EU) has a simulated month short in 2025.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from reesim.backtest.criteria import one_swing
from reesim.backtest.fit import run_case, stoppages
from reesim.dataset.model import Dataset
from reesim.kernel.state import Outputs
from reesim.model.baseline import Baseline
from reesim.model.compile import Inputs
from reesim.model.dims import MAGNET, OXIDE
from reesim.model.scenario import Scenario, Stockpile

#: Elements whose outside-China oxide price must not cycle, and each scenario's swing limit.
SWING_ELEMENTS = ("Nd", "Pr", "Dy", "Tb", "La", "Ce")
SWING_LIMITS = {"race": 1.9, "full-embargo": 1.5}
#: The stockpile rule: the factor, the least relative and the least magnet fall of US unmet demand.
PILE_FACTOR, PILE_SHARE, PILE_MAGNETS_T = 10.0, 0.05, 500.0
#: China's magnet exports in April and May 2025, as an index over the run without the licences.
EXPORTS_BAND = (0.2, 0.7)
BUSAN_ERROR = 0.25
OUTSIDE = 1  # the outside-China market of the kernel's price output


@dataclass(frozen=True)
class Rules:
    """What the rules measured and whether each holds."""

    swings: dict[str, float]  # scenario -> the largest one-swing measure of its six prices
    us_unmet_t: tuple[float, float]  # race under a full embargo: US stockpiles x1, x10 (t REO-eq)
    us_magnets_unmet_t: tuple[float, float]
    quota_us: dict[str, tuple[bool, float]]  # series -> (direction right, size ratio)
    exports_april_may: tuple[float, float]
    busan_error: float
    stoppages_short_2025: dict[str, bool]  # place -> a simulated month short in 2025

    @property
    def failed(self) -> list[str]:
        """The rules that do not hold, in words (empty: every rule holds)."""
        out = [f"{name}: one-swing {value:.3f} > {SWING_LIMITS[name]}"
               for name, value in self.swings.items() if value > SWING_LIMITS[name]]  # fmt: skip
        small, large = self.us_unmet_t
        if not large < (1.0 - PILE_SHARE) * small:
            out.append(f"stockpile x{PILE_FACTOR:g}: US unmet {small:,.0f} -> {large:,.0f} t")
        if not self.us_magnets_unmet_t[1] < self.us_magnets_unmet_t[0] - PILE_MAGNETS_T:
            out.append(f"stockpile x{PILE_FACTOR:g}: US magnets unmet {self.us_magnets_unmet_t}")
        for key, (right, size) in self.quota_us.items():
            if not (right and 0.5 <= size <= 2.0):
                out.append(f"quota-2010 {key}: direction {right}, size ratio {size:.2f}")
        low, high = EXPORTS_BAND
        out += [f"april-2025 exports {v:.3f} outside {EXPORTS_BAND}" for v in self.exports_april_may
                if not low <= v <= high]  # fmt: skip
        if not self.busan_error < BUSAN_ERROR:
            out.append(f"busan-truce error {self.busan_error:.3f}")
        out += [
            f"no month short in 2025 in {place}" for place, ok in self.stoppages_short_2025.items() if not ok
        ]
        return out


def _run(scenario: Scenario, ds: Dataset, base: Baseline) -> tuple[Inputs, Outputs]:
    from reesim.kernel.reference import run_reference
    from reesim.model.compile import compile_scenario

    inputs = compile_scenario(scenario, ds, base)
    return inputs, run_reference(inputs)


def swing(scenario: Scenario, ds: Dataset, base: Baseline) -> float:
    """The largest one-swing measure of the outside-China oxide prices of :data:`SWING_ELEMENTS`,
    each over its base-year price (1: one rise and one fall, or none)."""
    inputs, out = _run(scenario, ds, base)
    months = list(inputs.months)
    worst = 0.0
    for element in SWING_ELEMENTS:
        e = base.dims.element(element)
        path = pd.Series(out.price[0, :, OXIDE, OUTSIDE, e] / base.prices[OXIDE, e], index=months)
        measured = one_swing(path, SWING_LIMITS.get(scenario.name, 1.5)).simulated
        worst = max(worst, float(measured) if isinstance(measured, float) else 0.0)
    return worst


def scaled_stockpiles(scenario: Scenario, factor: float, holder: str = "USA") -> Scenario:
    """``scenario`` with ``holder``'s stockpiles' target, purchases and initial holding times
    ``factor``."""

    def scale(i: object) -> object:
        if not (isinstance(i, Stockpile) and i.holder == holder):
            return i
        return replace(i, target=i.target * factor, purchase_per_yr=i.purchase_per_yr * factor,
                       initial=i.initial * factor)  # fmt: skip

    return replace(scenario, instruments=tuple(scale(i) for i in scenario.instruments))  # type: ignore[misc]


def check_rules(ds: Dataset, base: Baseline) -> Rules:
    """Measure every rule on the dataset's default parameters (a few seconds per scenario)."""
    from reesim.scenarios import resolve

    swings = {name: swing(resolve(name, ds), ds, base) for name in SWING_LIMITS}
    race, embargo = resolve("race", ds), resolve("full-embargo", ds)
    both = replace(race, instruments=race.instruments + embargo.instruments)
    us = base.dims.node("USA")
    outs = [_run(scaled_stockpiles(both, f), ds, base)[1] for f in (1.0, PILE_FACTOR)]
    unmet = (float(outs[0].unmet[0, :, :, us].sum()), float(outs[1].unmet[0, :, :, us].sum()))
    magnets = (float(outs[0].unmet[0, :, MAGNET, us].sum()), float(outs[1].unmet[0, :, MAGNET, us].sum()))
    fits = {f"{f.case}/{f.key}": f for name in ("quota-2010", "april-2025", "busan-truce")
            for f in run_case(name, ds, base)}  # fmt: skip
    quota = {key: (fits[f"quota-2010/{key}"].direction_ok, float(fits[f"quota-2010/{key}"].size_ratio))
             for key in ("us_imports", "us_unit_value")}  # fmt: skip
    exports = fits["april-2025/china_magnet_exports"]
    by_month = dict(zip(exports.periods, exports.simulated, strict=True))
    busan = fits["busan-truce/china_magnet_exports"].error_out_of_sample
    stops = {
        s.place: bool(s.simulated and s.simulated.startswith("2025"))
        for s in stoppages("april-2025", ds, base)
    }
    return Rules(
        swings=swings,
        us_unmet_t=unmet,
        us_magnets_unmet_t=magnets,
        quota_us=quota,
        exports_april_may=(float(by_month["2025-04"]), float(by_month["2025-05"])),
        busan_error=float(busan) if busan is not None else float(np.inf),
        stoppages_short_2025=stops,
    )
