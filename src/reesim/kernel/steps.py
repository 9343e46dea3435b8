"""The named steps of a simulated month, the same in both kernels.

Each step is a function of that name in :mod:`reesim.kernel.reference` and in the fast kernel's
modules (the module is given here). A mechanism lives in one step of each kernel, and
``tests/test_kernel_steps.py`` compares the two kernels' state after every step, so a
disagreement names the step where it starts.
"""

from __future__ import annotations

#: (step, once per month or per material, fast kernel module, what it does)
STEPS: tuple[tuple[str, str, str, str], ...] = (
    ("rules", "month", "fast_month", "licensed share of each export control in force"),
    ("limits", "month", "fast_month", "export quotas in force and strategic purchases"),
    (
        "supply",
        "month",
        "fast_month",
        "projects financed and running, existing plants running, floor payments, planned stage inputs, "
        "mine output",
    ),
    ("final_demand", "month", "fast_month", "base demand x scenario index x price response x substitution"),
    ("positions", "material", "fast_month", "what each node has, uses, can spare and asks of others"),
    (
        "trade",
        "material",
        "fast_trade",
        "licensed requests filled by tier, then re-routing; the share of what was asked of China that "
        "no control held back",
    ),
    ("transit", "material", "transit", "shipments put on their way; arrivals of the month"),
    (
        "settle",
        "material",
        "fast_settle",
        "uses met, stockpile releases, shortage months, China-origin shares",
    ),
    ("stage", "material", "fast_settle", "what the next stage consumes and makes, recycling"),
    ("keep", "material", "fast_settle", "working stock left at the end of the month"),
    ("respond", "material", "fast_respond", "producers' output moves toward the orders they could not fill"),
    (
        "prices",
        "month",
        "fast_market",
        "prices toward the level cover, expectations and the unmet share imply, arbitrage, expected "
        "prices, desired cover, substitution",
    ),
)

#: The names alone, in order.
NAMES: tuple[str, ...] = tuple(step[0] for step in STEPS)
