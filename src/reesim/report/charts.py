"""Charts drawn with matplotlib for the comparison, backtest and sensitivity reports.

:func:`svg` turns a figure into inline SVG for an HTML report and :func:`png` writes its PNG
export; :func:`band` draws a P50 line with its P10-P90 band. The run report, which every
``reesim run`` writes, draws its charts without matplotlib (:mod:`reesim.report.run_charts`).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

plt.rcParams.update(
    {
        "svg.fonttype": "path",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "figure.constrained_layout.use": True,
        # labels hold user text (scenario, instrument and project ids): shown as written, never
        # read as TeX math, which fails on a lone "$" or "^"
        "text.parse_math": False,
    }
)


def svg(fig: Figure) -> str:
    """The figure as an inline SVG string (closes the figure)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def png(fig: Figure, path: Path) -> None:
    """Write the figure as PNG (does not close it)."""
    fig.savefig(path, format="png", dpi=110, bbox_inches="tight")


def band(ax: Axes, x: np.ndarray, runs: np.ndarray, colour: Any, label: str) -> None:
    """P50 line, and a P10-P90 band if there are several runs ([run, month])."""
    p10, p50, p90 = np.quantile(runs, [0.1, 0.5, 0.9], axis=0)
    ax.plot(x, p50, color=colour, lw=1.4, label=label)
    if runs.shape[0] > 1:
        ax.fill_between(x, p10, p90, color=colour, alpha=0.2, lw=0)
