"""Factories for small, documented scenarios used by the quick start, the examples and the tests.

In the spirit of linopy's ``examples`` module: each function returns a ready :class:`Scenario`.
Analysts write and run the YAML scenarios of :mod:`reesim.scenarios`; these factories serve code.
"""

from __future__ import annotations

from reesim.model.scenario import ExportControl, Scenario

#: The seven elements China put under licence on 4 April 2025 (MOFCOM/GAC Announcement No. 18).
APRIL_2025_ELEMENTS = ("Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y")
CONTROLLED_FORMS = ("oxide", "metal", "magnet")

#: Approval shares derived from China's magnet exports (``china_exports``) against a normal month:
#: all destinations: May 2025 1,238 t vs May 2024 4,811 t (0.26), June 3,188 t vs 5,150 t (0.62),
#: July 5,577 t vs 5,278 t (about 1; 0.9 kept for licences still refused);
#: the US: May 2025 46 t vs May 2024 689 t (0.07), June 353 t vs the 2024 monthly mean of
#: 7,444 t / 12 = 620 t (0.57).
APRIL_2025_APPROVALS = (("2025-04", "2025-06", 0.26), ("2025-06", "2025-07", 0.62), ("2025-07", None, 0.9))
APRIL_2025_US_APPROVALS = (("2025-04", "2025-06", 0.07), ("2025-06", "2025-07", 0.57), ("2025-07", None, 0.9))


def baseline(start: str = "2025-01", months: int = 24) -> Scenario:
    """No policy change after the 2024 base year."""
    return Scenario("baseline", start=start, months=months, description="No policy change after 2024.")


def april_2025(start: str = "2025-01", months: int = 24, working_stock_months: float = 1.5) -> Scenario:
    """China's licences on seven heavy rare earths (and magnets containing them) from April 2025.

    Licences cover oxides, metals and magnets; the approval share steps up as observed in China's
    customs data, with the US's lower share in May and June 2025 given separately. Working stocks
    are set to 1.5 months (the parameter's range is 1-4), since
    carmakers outside China reported weeks, not months, of magnet stock in mid-2025.
    """
    return Scenario(
        "april-2025",
        start=start,
        months=months,
        description="Licences on seven heavy rare earths (and magnets containing them) from 4 April 2025.",
        instruments=tuple(
            ExportControl(exporter="CHN", materials=CONTROLLED_FORMS, elements=APRIL_2025_ELEMENTS,
                          start=first, end=last, approval_share=share, exempt=("USA",))
            for first, last, share in APRIL_2025_APPROVALS
        ) + tuple(
            ExportControl(exporter="CHN", materials=CONTROLLED_FORMS, elements=APRIL_2025_ELEMENTS,
                          start=first, end=last, approval_share=share, destinations=("USA",))
            for first, last, share in APRIL_2025_US_APPROVALS
        ),
        parameters={"working_stock_months": working_stock_months},
    )  # fmt: skip
