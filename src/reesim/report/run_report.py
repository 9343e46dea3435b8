"""The report of one run: a self-contained HTML file a newcomer can read, and SVGs of its charts.

Sections: what the scenario is (in words, and its instruments as a timeline); the headline
table with a guide to reading it; magnets and controlled elements per place; where material
flows; the race of capacity outside China against demand; stockpiles; prices; the projects'
fates and what price floors cost; what strategic stockpiles paid; end products not built; and
the sources and assumptions behind the numbers. Charts are inline SVG written by
:mod:`reesim.report.run_charts` (no scripts, no network, no plotting library: the whole report
takes a fraction of a second), and each is also written as an SVG file beside the report, for
slides and documents.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import xarray as xr

from reesim import __version__
from reesim.dataset.model import Dataset
from reesim.engine.batch import Batch
from reesim.model.scenario import CapacityProject, ExportControl
from reesim.report import run_charts as charts
from reesim.report.headline_html import STYLE, central_note, headline_table, reading_guide
from reesim.report.svgplot import Figure
from reesim.results.headline import Headline
from reesim.results.projects import fates, floor_cost_by_year, stockpile_cost_by_year
from reesim.scenarios.spec import CapacityProjectSpec, ExportBanSpec, ExportControlSpec


def _esc(text: object) -> str:
    return html.escape(str(text))


def controlled_elements(batch: Batch) -> list[str]:
    """Elements named by the scenario's export controls (in the model's element order)."""
    named = {e for i in batch.scenario.instruments if isinstance(i, ExportControl) for e in i.elements}
    return [str(e) for e in batch.series["item"].values if e in named]


def events(batch: Batch) -> list[tuple[str, str]]:
    """(month, label) markers: controls starting, suspensions ending."""
    out: dict[str, str] = {}
    for inst in batch.resolved.instruments if batch.resolved else []:
        if isinstance(inst, ExportControlSpec | ExportBanSpec) and "technology" not in inst.forms:
            out.setdefault(inst.start[:7], "controls start")
            for period in inst.suspended:
                if period.to:
                    out.setdefault(period.to[:7], "suspension ends")
    return sorted(out.items())


def timeline_bars(batch: Batch) -> list[tuple[str, str, str, str, list[tuple[str, str]]]]:
    """One bar per instrument: (label, kind, first month, last month, suspended periods)."""
    horizon = str(batch.series["month"].values[-1])
    projects = {p.name: p for p in batch.scenario.instruments if isinstance(p, CapacityProject)}
    bars = []
    for inst in batch.resolved.instruments if batch.resolved else []:
        start = getattr(inst, "start", None) or horizon
        label = inst.id or inst.kind
        if isinstance(inst, CapacityProjectSpec):
            label = f"{label} ({inst.facility or inst.node})"
            built = projects.get(inst.id or inst.facility or "")
            if built is not None:  # output starts after the delay
                start = _plus_months(built.start, built.delay_months)
        gaps = [(p.from_, p.to or horizon) for p in getattr(inst, "suspended", [])]
        bars.append((label, str(inst.kind), str(start), str(inst.end or horizon), gaps))
    return bars


def _plus_months(month: str, months: float) -> str:
    y, m = (int(p) for p in month.split("-")[:2])
    k = y * 12 + m - 1 + round(months)
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def element_names(ds: Dataset) -> dict[str, str]:
    """Element symbols to "europium (Eu)": a symbol beside a place (Eu beside the EU) misleads."""
    table = ds.elements
    return {str(s): f"{str(n).lower()} ({s})" for s, n in zip(table["symbol"], table["name"], strict=True)}


def _figure(name: str, fig: Figure, caption: str, chart_dir: Path) -> str:
    """The chart inline in a captioned figure; also written to ``chart_dir/<name>.svg``."""
    drawn = fig.svg(f"c-{name}")
    (chart_dir / f"{name}.svg").write_text(drawn, encoding="utf-8")
    return f'<figure class="chart" id="chart-{name}">{drawn}<figcaption>{caption}</figcaption></figure>'


def _sources(batch: Batch, ds: Dataset) -> str:
    resolved = batch.resolved
    instruments = resolved.instruments if resolved else []
    cited = [*(resolved.sources if resolved else []), *(s for i in instruments for s in i.sources)]
    ids = list(dict.fromkeys(cited))
    table = ds.sources.set_index("source_id")
    items = []
    for sid in ids:
        if sid in table.index:
            row = table.loc[sid]
            url = _esc(row["url"])
            items.append(f"<li><b>{_esc(sid)}</b>: {_esc(row['publisher'])}, <i>{_esc(row['title'])}</i> "
                         f'({_esc(row["year"])}) <a href="{url}">{url}</a></li>')  # fmt: skip
    notes = [
        f"<li><b>{_esc(i.id or i.kind)}</b>: {_esc(i.note.strip())}</li>"
        for i in (resolved.instruments if resolved else [])
        if i.note
    ]
    params = "".join(f"<li>{_esc(k)} = {_esc(v)}</li>" for k, v in batch.scenario.parameters.items())
    return (
        "<h2>Sources and assumptions</h2>"
        f"<p>The scenario cites {len(ids)} sources; the base year stands on the bundled dataset (version "
        f"{_esc(ds.version)}), every row of which carries its source and a status (reported, derived or "
        "assumption): see <code>reesim data list</code> and docs/data.md.</p>"
        f"<h3>Sources of the scenario</h3><ul>{''.join(items) or '<li>none</li>'}</ul>"
        f"<h3>What each instrument represents</h3><ul>{''.join(notes) or '<li>no notes</li>'}</ul>"
        f"<h3>Parameters changed from the dataset defaults</h3><ul>{params or '<li>none</li>'}</ul>"
    )


def _projects(batch: Batch, chart_dir: Path) -> str:
    """The projects' fates, a chart of their output and what the price floors cost (central run)."""
    central = batch.central
    if "project_output" not in central or central.sizes.get("project", 0) == 0:
        return ""
    table = fates(central, batch.scenario)
    rows = "".join(
        f"<tr><td>{_esc(f.project)}</td><td>{f.planned}</td><td>{f.started or '-'}</td>"
        f"<td>{_esc(f.fate)}</td><td>{f.idle_months}</td><td>{f.last_share:.0%}</td></tr>"
        for f in table
    )
    plates = {
        p.name: float(np.median(np.atleast_1d(p.nameplate))) / 12.0
        for p in batch.scenario.instruments
        if isinstance(p, CapacityProject)
    }
    cost = floor_cost_by_year(central)
    paid = _usd_million_by_year([(str(y), float(v) / 1e6) for y, v in cost.items() if v > 0])
    floor_html = (
        f"<p>The price floors paid covered producers USD {cost.sum() / 1e6:,.1f} million over the horizon "
        f"(the difference between the floor and the outside-China market price on their output).</p>{paid}"
        if cost.sum() > 0
        else "<p>No price floor paid anything: the market price stayed above every floor, or the scenario "
        "has none.</p>"
    )
    return (
        "<h2>Projects and price floors</h2>"
        "<p>Each project is financed when the revenue it expects (the expected price, or a floor or "
        "offtake that covers it) pays its operating cost and its private capex; otherwise it waits and "
        "is cancelled; once built, it idles while its expected revenue is below its operating cost. "
        "<i>Idle months</i>: months after its start at less than half its ramped capacity; <i>last</i>: "
        "output in the last month over its nameplate.</p>"
        "<table><tr><th>project</th><th>planned start</th><th>first output</th><th>fate</th>"
        f"<th>idle months</th><th>last</th></tr>{rows}</table>"
        + _figure(
            "projects",
            charts.projects(central, plates),
            "Output of each project over its nameplate (central run).",
            chart_dir,
        )
        + floor_html
    )


def _stockpile_cost(batch: Batch) -> str:
    """What strategic stockpiles paid for their purchases, by year (central run); empty when they
    bought nothing."""
    cost = stockpile_cost_by_year(batch.central)
    if not cost.sum() > 0:
        return ""
    paid = _usd_million_by_year([(str(y), float(v) / 1e6) for y, v in cost.items() if round(v / 1e6, 1) != 0])
    return (
        "<h2>What strategic stockpiles paid</h2>"
        f"<p>Strategic stockpiles paid USD {cost.sum() / 1e6:,.1f} million for their purchases over the "
        "horizon (central run): what they bought each month, at that month's price in the market where "
        f"they are held (China, or outside China).</p>{paid}"
    )


def _usd_million_by_year(rows: list[tuple[str, float]]) -> str:
    """A table of USD million per calendar year, one row per ``(year, USD million)``."""
    cells = "".join(f"<tr><td>{y}</td><td>{v:,.1f}</td></tr>" for y, v in rows)
    return f"<table><tr><th>year</th><th>USD million</th></tr>{cells}</table>"


def sectors_table(s: xr.Dataset, threshold: float) -> str:
    """Each final-use sector's magnet shortfall per place where some sector is short: its deepest
    monthly unmet share and the months above ``threshold`` (plants stopped), medians over runs;
    empty for series without sectors."""
    if "sector_unmet" not in s:
        return ""
    wants, lacks = s["sector_demand"], s["sector_unmet"]
    share = (lacks / wants.where(wants > 0)).fillna(0.0)
    peak = share.max("month").median("run")
    stopped = (share > threshold).sum("month").median("run")
    lost = lacks.sum("month").median("run")
    sectors = [str(j) for j in s["sector"].values]
    rows = []
    for place in [str(p) for p in s["place"].values]:
        if float(peak.sel(place=place).max()) <= threshold:
            continue
        at = [{"place": place, "sector": j} for j in sectors]
        cells = "".join(
            f"<td>{100 * float(peak.sel(c)):.0f}% · {float(stopped.sel(c)):.0f} mo · "
            f"{float(lost.sel(c)):,.0f} t</td>"
            for c in at
        )
        rows.append(f"<tr><td>{_esc(place)}</td>{cells}</tr>")
    if not rows:
        return "<p>No final-use sector is short anywhere.</p>"
    head = "".join(f"<th>{_esc(j)}</th>" for j in sectors)
    return (f"<table><tr><th>place</th>{head}</tr>{''.join(rows)}</table>"
            f'<p class="muted">Per sector: the deepest monthly share of its magnet demand unmet, the '
            f"months with more than {100 * threshold:.0f}% unmet (plants stopped) and the magnets not "
            "received over the horizon (t REO-equivalent); medians over runs. Each sector holds its own "
            "stock: carmakers weeks of their use, defence months.</p>")  # fmt: skip


def run_report_html(batch: Batch, head: Headline, ds: Dataset, run_id: str, chart_dir: Path) -> str:
    """The report as HTML; chart SVGs are written to ``chart_dir``."""
    chart_dir.mkdir(parents=True, exist_ok=True)
    s = batch.series
    title = batch.resolved.title if batch.resolved and batch.resolved.title else batch.scenario.name
    description = batch.scenario.description or (batch.resolved.description if batch.resolved else "")
    months = [str(m) for m in s["month"].values]
    share = (s["unmet"].sel(place="outside China", item="magnets") / s["demand"].sel(place="outside China",
             item="magnets")).mean("run")  # fmt: skip
    worst = months[int(share.values.argmax())] if float(share.max()) > 0 else months[-1]
    elements = controlled_elements(batch) or ["Nd", "Dy", "Tb"]
    runs_note = (
        f"{batch.runs} runs drawn from the scenario's distributions (lines: median; bands: P10-P90)"
        if batch.sampled
        else "one run, each uncertain number at its median (or its stated central value)"
    )
    parts = [
        f"<h1>{_esc(title)}</h1>",
        f'<p class="muted">Scenario <b>{_esc(batch.scenario.name)}</b> · run {_esc(run_id)} · {months[0]} to '
        f"{months[-1]} · {_esc(runs_note)} · seed {batch.seed} · reesim {__version__} · data "
        f"{_esc(ds.version)}</p>",
        f"<p>{_esc(description.strip())}</p>",
        "<h2>Headline</h2>",
        reading_guide(head),
        headline_table(head),
        central_note(head),
        "<h2>The scenario's instruments</h2>",
        _figure(
            "timeline",
            charts.timeline(timeline_bars(batch), months[0], months[-1]),
            "Each bar is one instrument of the scenario, from its start to its end (or the horizon).",
            chart_dir,
        ),
        "<h2>Magnets</h2>",
        _figure(
            "magnets",
            charts.magnet_balance(s),
            "Final demand for magnets (their rare-earth content, t REO-equivalent per month), the part "
            "met, and the shortfall, per place.",
            chart_dir,
        ),
        "<h2>Controlled elements</h2>",
        _figure(
            "elements",
            charts.element_shortfall(s, elements, element_names(ds)),
            "Share of each controlled element's final demand (all uses) that goes unmet.",
            chart_dir,
        ),
        "<h2>Where material flows</h2>",
        _figure(
            "flows",
            charts.flows(batch.central, worst),
            "Bars: what China (lower, red) and the rest of the world (upper, blue) make at each stage. "
            "Ribbons: the input of the next stage (and, after magnets, final use) by where it was made, from "
            f"China's exports and imports. The first month against {worst} (the month of the deepest magnet "
            "shortfall outside China, or the last month). Oxide for uses other than magnets leaves at "
            "separation.",
            chart_dir,
        ),
        "<h2>The race</h2>",
        _figure(
            "race",
            charts.race(s, events(batch)),
            "Production outside China at each stage against what is used outside China at that stage. "
            "The chain outside China stands alone when every blue line is above the black one; dashed "
            "lines mark controls starting and suspensions ending.",
            chart_dir,
        ),
        "<h2>Stockpiles</h2>",
        _figure(
            "stockpiles",
            charts.stockpiles(s),
            "Left: strategic stocks held by each place (t REO-equivalent). Right: what strategic stocks "
            "released to each place (t REO-equivalent per month): to its users in a shortage, from its own "
            "stockpiles or from allies' (the holder's stock falls, the ally receives), and scheduled "
            "releases into the holder's supply.",
            chart_dir,
        ),
        "<h2>Prices</h2>",
        _figure(
            "prices",
            charts.prices(batch.central, s),
            "Prices relative to the base year, in China and outside China (central run).",
            chart_dir,
        ),
        _projects(batch, chart_dir),
        _stockpile_cost(batch),
        "<h2>Final-use sectors</h2>" if "sector_unmet" in s else "",
        sectors_table(s, float(s.attrs.get("plant_stop_shortfall", ds.parameter("plant_stop_shortfall")))),
        "<h2>End products not built</h2>",
        _figure(
            "not_built",
            charts.not_built(s),
            "Units of end products that the magnet shortfall leaves unbuilt over the horizon, per place "
            "(sector shares and intensities from the dataset).",
            chart_dir,
        ),
        _sources(batch, ds),
    ]
    body = "\n".join(parts)
    head_html = f'<meta charset="utf-8"><title>{_esc(title)} - reesim</title><style>{STYLE}</style>'
    return f'<!DOCTYPE html><html lang="en"><head>{head_html}</head><body>{body}</body></html>'


def write_run_report(batch: Batch, head: Headline, ds: Dataset, run_id: str, out_dir: Path) -> Path:
    """Write ``<scenario>-<run id>.html`` and its chart SVGs to ``out_dir``; return the HTML path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{batch.scenario.name}-{run_id}"
    path = out_dir / f"{stem}.html"
    path.write_text(run_report_html(batch, head, ds, run_id, out_dir / f"{stem}-charts"), encoding="utf-8")
    return path
