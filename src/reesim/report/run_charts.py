"""The run report's charts, written as SVG by :mod:`reesim.report.svgplot` (no plotting library).

Each function returns a :class:`~reesim.report.svgplot.Figure`. Series come from
:mod:`reesim.results.series` (every run: P50 lines with P10-P90 bands when there are several
runs) and, for flows and prices, from the full outputs of the central run. Months are on the x
axis as their index from the first month, ticked at whole years.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from reesim.report.svgplot import CHAR_W, Figure, Panel, month_ticks
from reesim.results.labels import product_name
from reesim.results.series import MAGNETS

COLOURS = {
    "demand": "#333333",
    "met": "#3b6ea5",
    "unmet": "#c0392b",
    "china": "#c0392b",
    "outside": "#3b6ea5",
}
#: Distinct colours for lines of many places, elements or projects (matplotlib's tab10).
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
PLACES_SHOWN = ("USA", "EU", "Japan", "Korea")
MARKERS = {"controls start": ("#c0392b", "5 3"), "suspension ends": ("#8e44ad", "2 2")}


def colour(i: int) -> str:
    """The i-th colour of :data:`PALETTE`, cycling."""
    return PALETTE[i % len(PALETTE)]


def months_of(s: xr.Dataset) -> list[str]:
    """The ``YYYY-MM`` months of a dataset with a month coordinate."""
    return [str(m)[:7] for m in s["month"].values]


def index_of(month: str, first: str) -> float:
    """Months from ``first`` to ``month`` (both ``YYYY-MM...``)."""
    y, m = int(month[:4]), int(month[5:7])
    y0, m0 = int(first[:4]), int(first[5:7])
    return float((y - y0) * 12 + m - m0)


def _panel(months: list[str], title: str = "", ylabel: str = "") -> Panel:
    return Panel(
        title=title,
        ylabel=ylabel,
        xticks=month_ticks(months, most=4 if len(months) > 36 else 6),
        xlim=(0.0, float(max(len(months) - 1, 1))),
    )


def band(panel: Panel, runs: np.ndarray, colour_: str) -> float:
    """P50 line, and a P10-P90 band if there are several runs ([run, month]); returns the peak."""
    x = np.arange(runs.shape[1], dtype=float)
    if runs.shape[0] > 1:
        p10, p50, p90 = np.quantile(runs, [0.1, 0.5, 0.9], axis=0)
        panel.band(x, p10, p90, colour_)
    else:
        p50 = runs[0]
    panel.line(x, p50, colour_)
    return float(np.nanmax(runs)) if runs.size else 0.0


def timeline(bars: list[tuple[str, str, str, str, list[tuple[str, str]]]], start: str, end: str) -> Figure:
    """Instruments as bars over the horizon: (label, kind, first month, last month, suspensions)."""
    months = [f"{k // 12:04d}-{k % 12 + 1:02d}" for k in range(_k(start), _k(end) + 1)]
    hi = float(len(months) - 1)
    kinds = sorted({b[1] for b in bars})
    names = [kind.replace("_", " ") for kind in (b[1] for b in bars)]
    p = _panel(months)
    p.left = 12 + CHAR_W * max((len(n) for n in names), default=4)
    p.inverted = True
    p.yticks = [(float(i), n) for i, n in enumerate(names)]
    p.ylim = (-0.6, max(len(bars), 2) - 0.4)

    def within(month: str) -> float:  # bars are cut at the horizon, so labels stay inside the chart
        return min(max(index_of(month, start), 0.0), hi)

    for i, (label, kind, a, b, gaps) in enumerate(bars):
        if index_of(a, start) > hi:  # starts after the horizon: a label at its right edge
            p.text(hi, i, f"{label} (from {a[:7]}, after the horizon) ", anchor="end", size=9)
            continue
        x0, x1 = within(a), within(b)
        p.hbar(i, x0, x1, colour(kinds.index(kind)))
        for g0, g1 in gaps:
            p.hbar(i, within(g0), within(g1 or b), "white", hatched=True)
        anchor = "end" if x0 > 0.6 * hi else "start"
        p.text(
            x1 if anchor == "end" else x0,
            i,
            f" {label}" + (" (suspended: hatched) " if gaps else " "),
            anchor=anchor,
            size=9,
        )
    return Figure("Instruments over the horizon", [p], panel_height=26 * max(len(bars), 2) + 60)


def _k(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def magnet_balance(s: xr.Dataset) -> Figure:
    """Magnets per place: demand, demand met and shortfall (t REO-eq/month)."""
    months = months_of(s)
    panels = []
    for i, place in enumerate(PLACES_SHOWN):
        p = _panel(months, place, "t REO-eq / month" if i == 0 else "")
        d = s["demand"].sel(place=place, item=MAGNETS).values
        u = s["unmet"].sel(place=place, item=MAGNETS).values
        band(p, d, COLOURS["demand"])
        band(p, d - u, COLOURS["met"])
        band(p, u, COLOURS["unmet"])
        panels.append(p)
    legend = [
        ("demand", COLOURS["demand"], "line"),
        ("met", COLOURS["met"], "line"),
        ("shortfall", COLOURS["unmet"], "line"),
    ]
    return Figure("Magnets: demand, demand met and shortfall", panels, legend=legend)


def element_shortfall(s: xr.Dataset, elements: list[str], names: dict[str, str] | None = None) -> Figure:
    """Unmet share of final demand per controlled element, per place (P50, P10-P90); a place
    with no shortfall says so instead of an empty chart."""
    months = months_of(s)
    share = (s["unmet"] / s["demand"].where(s["demand"] > 0)).fillna(0.0)
    top = float(100 * share.sel(place=list(PLACES_SHOWN), item=elements).max()) if elements else 0.0
    panels = []
    for i, place in enumerate(PLACES_SHOWN):
        p = _panel(months, place, "% of demand unmet" if i == 0 else "")
        p.ylim = (0.0, max(top * 1.05, 1.0))
        peak = 0.0
        for j, element in enumerate(elements):
            peak = max(peak, band(p, 100 * share.sel(place=place, item=element).values, colour(j)))
        if peak <= 0:
            p.note("no shortfall")
        panels.append(p)
    names = names or {}
    legend = [(names.get(e, e), colour(j), "line") for j, e in enumerate(elements)]
    return Figure("Shortfall of the controlled elements (all final uses)", panels, legend=legend)


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


def _ribbon(p: Panel, x0: float, x1: float, y0: tuple[float, float], y1: tuple[float, float], c: str) -> None:
    """A smooth band from (x0, y0 bottom..top) to (x1, y1 bottom..top)."""
    t = np.linspace(0, 1, 40)
    s = 3 * t**2 - 2 * t**3
    x = x0 + (x1 - x0) * t
    p.band(x, y0[0] + (y1[0] - y0[0]) * s, y0[1] + (y1[1] - y0[1]) * s, c, opacity=0.45)


def flows(central: xr.Dataset, month: str) -> Figure:
    """A flow map from mines to magnet users: at each stage, what China and outside China make,
    and ribbons for where it goes next; the first month against ``month``."""
    stages = ["mining", "separation", "metal", "magnets", "magnet users"]
    materials = ["concentrate", "oxide", "metal", "magnet"]
    first = str(central["month"].values[0])
    region_colour = (COLOURS["china"], COLOURS["outside"])
    panels = []
    for when in (first, month):
        p = Panel(
            title=f"{str(when)[:7]}  (lower boxes: China, upper: outside China)",
            ylabel="t REO-eq / month",
            xticks=[(float(i), s) for i, s in enumerate(stages)],
            xlim=(-0.3, len(stages) - 0.7),
        )
        f = region_flows(central, when)
        r = central.sel(month=when).isel(run=0)
        china = [float(r["production"].sel(material=k, node="CHN")) for k in materials]
        world = [float(r["production"].sel(material=k).sum()) for k in materials]
        made = [np.array([c, w - c]) for c, w in zip(china, world, strict=True)]
        made.append(f["magnet"].sum(axis=0))  # final use of magnets by region
        gap = 0.08 * max(float(m.sum()) for m in made)
        for col, amounts in enumerate(made):
            for region in range(2):
                bottom = 0.0 if region == 0 else float(amounts[0]) + gap
                p.bar(col, float(amounts[region]), region_colour[region], width=0.1, bottom=bottom)
        for col, material in enumerate(materials):
            out_pos = [0.0, float(made[col][0]) + gap]
            in_pos = [0.0, float(made[col + 1][0]) + gap]
            for a in range(2):
                for b in range(2):
                    w = float(f[material][a, b])
                    if w > 0:
                        ends = (out_pos[a], out_pos[a] + w), (in_pos[b], in_pos[b] + w)
                        _ribbon(p, col + 0.05, col + 0.95, *ends, region_colour[a])
                        out_pos[a] += w
                        in_pos[b] += w
        panels.append(p)
    legend = [("made in China", COLOURS["china"], "box"), ("made outside China", COLOURS["outside"], "box")]
    return Figure(
        "Where rare earths flow, from mines to magnet users", panels, cols=1, panel_height=250, legend=legend
    )


def race(s: xr.Dataset, events: list[tuple[str, str]]) -> Figure:
    """Production outside China by stage against use outside China (the race chart)."""
    months = months_of(s)
    panels = []
    for i, stage in enumerate(s["stage"].values):
        p = _panel(months, str(stage), "t REO-eq / month" if i == 0 else "")
        band(p, s["production_outside"].sel(stage=stage).values, COLOURS["outside"])
        band(p, s["use_outside"].sel(stage=stage).values, COLOURS["demand"])
        for month, text in events:
            c, dash = MARKERS.get(text, ("#888888", "5 3"))
            p.vline(index_of(month, months[0]), c, dash)
        panels.append(p)
    legend = [
        ("made outside China", COLOURS["outside"], "line"),
        ("used outside China", COLOURS["demand"], "line"),
    ]
    legend += [
        (text, *MARKERS.get(text, ("#888888", ""))[:1], "dash")
        for text in dict.fromkeys(t for _, t in events)
    ]
    return Figure("The race: capacity outside China against demand outside China", panels, legend=legend)


def stockpiles(s: xr.Dataset) -> Figure:
    """Strategic stockpiles held per place (t REO-eq) and, beside them, what strategic stocks
    released to each place (t REO-eq per month): to its users in a shortage, from its own
    stockpiles or its allies', and scheduled releases into its holder's supply. A release to an
    ally shows as the holder's stock falling and the ally receiving. Series stored without
    releases show the stocks only."""
    names = ("stockpile", "released") if "released" in s else ("stockpile",)
    months = months_of(s)
    places = [str(p) for p in s["place"].values]
    titles = {
        "stockpile": ("Strategic stockpiles held", "t REO-eq"),
        "released": ("Released from strategic stocks to", "t REO-eq / month"),
    }
    panels, shown = [], []
    for name in names:
        title, unit = titles[name]
        p = _panel(months, title, unit)
        drawn = False
        for place in places:
            values = s[name].sel(place=place).values
            if values.max() > 0 and place != "outside China":
                band(p, values, colour(places.index(place)))
                shown.append(place)
                drawn = True
        if not drawn:
            p.note("no strategic stockpiles in this scenario" if name == "stockpile" else "nothing released")
        panels.append(p)
    legend = [(place, colour(places.index(place)), "line") for place in dict.fromkeys(shown)]
    return Figure("Strategic stockpiles", panels, legend=legend)


def prices(central: xr.Dataset, s: xr.Dataset) -> Figure:
    """Magnet and NdPr oxide prices in and outside China, relative to the base year."""
    months = months_of(s)
    panels = []
    for i, (material, elements, title) in enumerate(
        (("magnet", ["Nd", "Pr", "Dy", "Tb"], "magnets"), ("oxide", ["Nd", "Pr"], "NdPr oxide"))
    ):
        p = _panel(months, f"{title} (central run)", "price / base-year price" if i == 0 else "")
        price = central["price"].sel(material=material, element=elements).isel(run=0).mean("element")
        for market in ("china", "outside"):
            series = price.sel(market=market).values
            p.line(np.arange(len(series), dtype=float), series / series[0], COLOURS[market])
        panels.append(p)
    legend = [("in China", COLOURS["china"], "line"), ("outside China", COLOURS["outside"], "line")]
    return Figure("Prices relative to the base year", panels, legend=legend)


def projects(central: xr.Dataset, nameplates: dict[str, float]) -> Figure:
    """Each project's output over its nameplate (central run): ramps, idling and closures."""
    months = months_of(central)
    p = _panel(months, "", "output / nameplate")
    p.ylim = (-0.02, 1.05)
    legend: list[tuple[str, str, str]] = []
    for name in central["project"].values:
        plate = nameplates.get(str(name), 0.0)
        if plate <= 0:
            continue
        series = central["project_output"].isel(run=0).sel(project=name).values / plate
        c = colour(len(legend))
        p.line(np.arange(len(series), dtype=float), series, c, width=1.3)
        legend.append((str(name), c, "line"))
    if not legend:
        p.note("no project with a nameplate")
    return Figure("Output of each project over its nameplate", [p], panel_height=240, legend=legend)


def not_built(s: xr.Dataset) -> Figure:
    """End products not built for lack of magnets over the horizon, per place (P50, P10-P90)."""
    products = [str(p) for p in s["product"].values] if "product" in s.coords else []
    panels = []
    for product in products:
        p = Panel(
            title=product_name(product),
            xticks=[(float(i), place) for i, place in enumerate(PLACES_SHOWN)],
            xlim=(-0.6, len(PLACES_SHOWN) - 0.4),
        )
        totals = s["units_not_built"].sel(product=product, place=list(PLACES_SHOWN)).sum("month").values
        p10, p50, p90 = np.quantile(totals, [0.1, 0.5, 0.9], axis=0)
        for i in range(len(PLACES_SHOWN)):
            err = (float(p10[i]), float(p90[i])) if totals.shape[0] > 1 else None
            p.bar(i, float(p50[i]), COLOURS["unmet"], err=err)
        if float(np.max(p90, initial=0.0)) <= 0:
            p.note("none: no shortfall")
        panels.append(p)
    if not panels:
        p = Panel()
        p.note("no product intensities in the dataset")
        panels.append(p)
    return Figure("End products not built for lack of magnets (units over the horizon)", panels)
