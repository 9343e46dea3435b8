"""The run report's charts, drawn with matplotlib (no browser needed).

Each function returns a matplotlib Figure; :func:`svg` turns it into inline SVG for the HTML
report and :func:`png` writes the PNG export. Series come from :mod:`reesim.results.series`
(every run: P50 lines with P10-P90 bands when there are several runs) and, for flows and
prices, from the full outputs of the central run.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from reesim.results.series import MAGNETS

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
COLOURS = {
    "demand": "#333333",
    "met": "#3b6ea5",
    "unmet": "#c0392b",
    "china": "#c0392b",
    "outside": "#3b6ea5",
}
PLACES_SHOWN = ("USA", "EU", "Japan", "Korea")


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


def _x(s: xr.Dataset) -> np.ndarray:
    return np.array([np.datetime64(str(m)) for m in s["month"].values])


def band(ax: Axes, x: np.ndarray, runs: np.ndarray, colour: Any, label: str) -> None:
    """P50 line, and a P10-P90 band if there are several runs ([run, month])."""
    p10, p50, p90 = np.quantile(runs, [0.1, 0.5, 0.9], axis=0)
    ax.plot(x, p50, color=colour, lw=1.4, label=label)
    if runs.shape[0] > 1:
        ax.fill_between(x, p10, p90, color=colour, alpha=0.2, lw=0)


def _markers(ax: Axes, events: list[tuple[str, str]]) -> None:
    """Dashed vertical lines at event months; each distinct label is named once, in the legend."""
    styles = {"controls start": ("#c0392b", "--"), "suspension ends": ("#8e44ad", ":")}
    named: set[str] = set()
    for month, text in events:
        when: Any = np.datetime64(month[:7])
        colour, style = styles.get(text, ("#888888", "--"))
        ax.axvline(when, color=colour, ls=style, lw=0.9, label=None if text in named else text)
        named.add(text)


def timeline(bars: list[tuple[str, str, str, str, list[tuple[str, str]]]], start: str, end: str) -> Figure:
    """Instruments as bars over the horizon: (label, kind, first month, last month, suspensions)."""
    fig, ax = plt.subplots(figsize=(9, 0.35 * max(len(bars), 2) + 0.8))
    kinds = sorted({b[1] for b in bars})
    cmap = plt.get_cmap("tab10")
    palette = {kind: cmap(i % 10) for i, kind in enumerate(kinds)}
    lo: Any = np.datetime64(start[:7])
    hi: Any = np.datetime64(end[:7])

    def within(month: str) -> Any:  # bars are cut at the horizon, so labels stay inside the chart
        return min(max(np.datetime64(month[:7]), lo), hi)

    for i, (label, kind, a, b, gaps) in enumerate(bars):
        x0, x1 = within(a), within(b)
        if np.datetime64(a[:7]) > hi:  # starts after the horizon: a label at its right edge
            ax.text(hi, i, f"{label} (from {a[:7]}, after the horizon) ", va="center", ha="right", fontsize=7)
            continue
        ax.barh(i, (x1 - x0).astype(int), left=x0, color=palette[kind], height=0.6)
        for g0, g1 in gaps:
            y0, y1 = within(g0), within(g1 or b)
            ax.barh(
                i, (y1 - y0).astype(int), left=y0, color="white", edgecolor="#999", hatch="///", height=0.6
            )
        ax.text(x0, i, f" {label}" + (" (suspended: hatched)" if gaps else ""), va="center", fontsize=7)
    ax.set_yticks(range(len(bars)), [b[1] for b in bars], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(lo, hi)
    ax.set_title("Instruments over the horizon")
    return fig


def magnet_balance(s: xr.Dataset) -> Figure:
    """Magnets per place: demand, demand met and shortfall (t REO-eq/month)."""
    fig, axes = plt.subplots(1, len(PLACES_SHOWN), figsize=(11, 2.8), sharex=True)
    x = _x(s)
    for ax, place in zip(axes, PLACES_SHOWN, strict=True):
        d = s["demand"].sel(place=place, item=MAGNETS).values
        u = s["unmet"].sel(place=place, item=MAGNETS).values
        band(ax, x, d, COLOURS["demand"], "demand")
        band(ax, x, d - u, COLOURS["met"], "met")
        band(ax, x, u, COLOURS["unmet"], "shortfall")
        ax.set_title(place)
        ax.set_ylim(bottom=0)
        ax.tick_params(axis="x", labelrotation=45)
    axes[0].set_ylabel("t REO-eq / month")
    axes[0].legend(fontsize=7, frameon=False)
    fig.suptitle("Magnets: demand, demand met and shortfall")
    return fig


def element_shortfall(s: xr.Dataset, elements: list[str]) -> Figure:
    """Unmet share of final demand per controlled element, per place (P50, P10-P90)."""
    fig, axes = plt.subplots(1, len(PLACES_SHOWN), figsize=(11, 2.8), sharex=True, sharey=True)
    x = _x(s)
    share = (s["unmet"] / s["demand"].where(s["demand"] > 0)).fillna(0.0)
    cmap = plt.get_cmap("tab20")
    for ax, place in zip(axes, PLACES_SHOWN, strict=True):
        for j, element in enumerate(elements):
            band(ax, x, 100 * share.sel(place=place, item=element).values, cmap(j % 20), element)
        ax.set_title(place)
        ax.tick_params(axis="x", labelrotation=45)
    axes[0].set_ylabel("% of demand unmet")
    axes[-1].legend(fontsize=6, frameon=False, ncol=2)
    fig.suptitle("Shortfall of the controlled elements (all final uses)")
    return fig


REGIONS = ("China", "outside China")


def region_flows(central: xr.Dataset, month: str) -> dict[str, np.ndarray]:
    """Per material: flows [maker region, user region] into the next stage (magnets: final use).

    Each user region's input is split by where its supply was made: China's exports go outside,
    its imports come from outside, the rest stays where it was made (t REO-eq/month).
    """
    r = central.sel(month=month).isel(run=0)
    out: dict[str, np.ndarray] = {}
    for material in ("concentrate", "oxide", "metal", "magnet"):
        m = r.sel(material=material)
        made_c = float(m["production"].sel(node="CHN"))
        made_o = float(m["production"].sum()) - made_c
        exp_c = float(m["exports"].sel(node="CHN"))
        imp_c = float(m["imports"].sel(node="CHN"))
        # supply of each user region by maker region: rows maker (China, outside), columns user
        supply = np.array([[max(made_c - exp_c, 0.0), exp_c], [imp_c, max(made_o - imp_c, 0.0)]])
        use = m["consumption"] if material == "magnet" else m["feed"]
        used = np.array([float(use.sel(node="CHN")), float(use.sum()) - float(use.sel(node="CHN"))])
        shares = supply / np.maximum(supply.sum(axis=0, keepdims=True), 1e-300)
        out[material] = shares * used[None, :]
    return out


def _ribbon(
    ax: Axes, x0: float, x1: float, y0: tuple[float, float], y1: tuple[float, float], colour: Any
) -> None:
    """A smooth band from (x0, y0 bottom..top) to (x1, y1 bottom..top)."""
    t = np.linspace(0, 1, 40)
    s = 3 * t**2 - 2 * t**3
    x = x0 + (x1 - x0) * t
    ax.fill_between(
        x, y0[0] + (y1[0] - y0[0]) * s, y0[1] + (y1[1] - y0[1]) * s, color=colour, alpha=0.45, lw=0
    )


def flows(central: xr.Dataset, month: str) -> Figure:
    """A flow map from mines to magnet users: at each stage, what China and outside China make,
    and ribbons for where it goes next; the first month against ``month``."""
    stages = ["mining", "separation", "metal", "magnets", "magnet users"]
    materials = ["concentrate", "oxide", "metal", "magnet"]
    fig, axes = plt.subplots(2, 1, figsize=(10, 6.4))
    first = str(central["month"].values[0])
    colour = (COLOURS["china"], COLOURS["outside"])
    for ax, when in zip(axes, (first, month), strict=True):
        f = region_flows(central, when)
        r = central.sel(month=when).isel(run=0)
        china = [float(r["production"].sel(material=k, node="CHN")) for k in materials]
        world = [float(r["production"].sel(material=k).sum()) for k in materials]
        made = [np.array([c, w - c]) for c, w in zip(china, world, strict=True)]
        made.append(f["magnet"].sum(axis=0))  # final use of magnets by region
        gap = 0.08 * max(float(m.sum()) for m in made)
        for col, amounts in enumerate(made):
            for region in range(2):
                bottom = 0.0 if region == 0 else amounts[0] + gap
                ax.bar(col, amounts[region], bottom=bottom, width=0.1, color=colour[region])
        for col, material in enumerate(materials):
            out_pos = [0.0, made[col][0] + gap]
            in_pos = [0.0, made[col + 1][0] + gap]
            for a in range(2):
                for b in range(2):
                    w = float(f[material][a, b])
                    if w > 0:
                        ends = (out_pos[a], out_pos[a] + w), (in_pos[b], in_pos[b] + w)
                        _ribbon(ax, col + 0.05, col + 0.95, *ends, colour[a])
                        out_pos[a] += w
                        in_pos[b] += w
        ax.set_xticks(range(len(stages)), stages)
        ax.set_ylabel("t REO-eq / month")
        ax.set_title(f"{when}  (lower boxes: China, upper: outside China; ribbons coloured by where made)")
    fig.suptitle("Where rare earths flow, from mines to magnet users")
    return fig


def race(s: xr.Dataset, events: list[tuple[str, str]]) -> Figure:
    """Production outside China by stage against use outside China (the race chart)."""
    stages = list(s["stage"].values)
    fig, axes = plt.subplots(1, len(stages), figsize=(11, 2.8), sharex=True)
    x = _x(s)
    for ax, stage in zip(axes, stages, strict=True):
        band(ax, x, s["production_outside"].sel(stage=stage).values, COLOURS["outside"], "made outside China")
        band(ax, x, s["use_outside"].sel(stage=stage).values, COLOURS["demand"], "used outside China")
        ax.set_title(str(stage))
        ax.set_ylim(bottom=0)
        ax.tick_params(axis="x", labelrotation=45)
        _markers(ax, events)
    axes[0].set_ylabel("t REO-eq / month")
    axes[0].legend(fontsize=7, frameon=False)
    fig.suptitle("The race: capacity outside China against demand outside China")
    return fig


def stockpiles(s: xr.Dataset) -> Figure:
    """Strategic stockpiles held per place (t REO-eq) and, beside them, what strategic stocks
    released to each place (t REO-eq per month): to its users in a shortage, from its own
    stockpiles or its allies', and scheduled releases into its holder's supply. A release to an
    ally shows as the holder's stock falling and the ally receiving. Series stored without
    releases show the stocks only."""
    panels = ("stockpile", "released") if "released" in s else ("stockpile",)
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels) + 2, 2.8), sharex=True, squeeze=False)
    x = _x(s)
    places = list(s["place"].values)
    titles = {"stockpile": ("Strategic stockpiles held", "t REO-eq"),
              "released": ("Released from strategic stocks to", "t REO-eq / month")}  # fmt: skip
    for ax, name in zip(axes[0], panels, strict=True):
        for place in places:
            values = s[name].sel(place=place).values
            if values.max() > 0 and place != "outside China":
                band(ax, x, values, plt.get_cmap("tab10")(places.index(place)), str(place))
        if not ax.lines:
            empty = "no strategic stockpiles in this scenario" if name == "stockpile" else "nothing released"
            ax.text(0.5, 0.5, empty, ha="center", transform=ax.transAxes)
        else:
            ax.legend(fontsize=7, frameon=False)
        title, unit = titles[name]
        ax.set_title(title)
        ax.set_ylabel(unit)
        ax.tick_params(axis="x", labelrotation=45)
    return fig


def prices(central: xr.Dataset, s: xr.Dataset) -> Figure:
    """Magnet and NdPr oxide prices in and outside China, relative to the base year."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 2.8), sharex=True)
    x = _x(s)
    for ax, (material, elements, title) in zip(
        axes,
        (("magnet", ["Nd", "Pr", "Dy", "Tb"], "magnets"), ("oxide", ["Nd", "Pr"], "NdPr oxide")),
        strict=True,
    ):
        p = central["price"].sel(material=material, element=elements).isel(run=0).mean("element")
        for market, colour in (("china", COLOURS["china"]), ("outside", COLOURS["outside"])):
            series = p.sel(market=market).values
            ax.plot(
                x,
                series / series[0],
                color=colour,
                label=f"{market} China" if market == "china" else "outside China",
            )
        ax.set_title(f"{title} (central run)")
        ax.tick_params(axis="x", labelrotation=45)
    axes[0].set_ylabel("price / base-year price")
    axes[0].legend(fontsize=7, frameon=False)
    return fig


def projects(central: xr.Dataset, nameplates: dict[str, float]) -> Figure:
    """Each project's output over its nameplate (central run): ramps, idling and closures."""
    fig, ax = plt.subplots(figsize=(10, 3.2))
    x = _x(central)
    for name in central["project"].values:
        plate = nameplates.get(str(name), 0.0)
        if plate <= 0:
            continue
        series = central["project_output"].isel(run=0).sel(project=name).values / plate
        ax.plot(x, series, label=str(name), linewidth=1.2)
    ax.set_ylabel("output / nameplate")
    ax.set_ylim(-0.02, 1.05)
    ax.legend(fontsize=6, frameon=False, ncol=3, loc="upper left")
    ax.tick_params(axis="x", labelrotation=45)
    return fig


def not_built(s: xr.Dataset) -> Figure:
    """End products not built for lack of magnets over the horizon, per place (P50, P10-P90)."""
    products = list(s["product"].values) if "product" in s.coords else []
    fig, axes = plt.subplots(1, max(len(products), 1), figsize=(11, 2.6))
    axes = np.atleast_1d(axes)
    for ax, product in zip(axes, products, strict=False):
        totals = (
            s["units_not_built"].sel(product=product, place=list(PLACES_SHOWN)).sum("month").values
        )  # [R, P]
        p10, p50, p90 = np.quantile(totals, [0.1, 0.5, 0.9], axis=0)
        pos = np.arange(len(PLACES_SHOWN))
        ax.bar(pos, p50, color=COLOURS["unmet"], yerr=[p50 - p10, p90 - p50] if totals.shape[0] > 1 else None)
        ax.set_xticks(pos, PLACES_SHOWN, fontsize=8)
        ax.set_title(str(product).replace("_", " "))
    if not products:
        axes[0].text(0.5, 0.5, "no product intensities in the dataset", ha="center")
    fig.suptitle("End products not built for lack of magnets (units over the horizon)")
    return fig
