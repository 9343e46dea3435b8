"""The headline table as HTML, with a guide to reading it (shared by run and comparison reports)."""

from __future__ import annotations

import html
import math
from pathlib import Path

from reesim.results.central import STATEMENT, margin_text, value_text
from reesim.results.headline import ALL_STAGES, Headline, Row, Spread
from reesim.results.labels import product_name

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#222;line-height:1.45;
padding:0 1rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.85rem}
td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;white-space:nowrap}.range{color:#666;font-size:.8rem}h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem}
.muted{color:#666;font-size:.85rem}li{overflow-wrap:anywhere}figure{margin:1rem 0}
figure svg{max-width:100%;height:auto}figcaption{color:#555;font-size:.85rem}
.short{color:#c0392b;font-weight:600}.guide{background:#f5f7fa;padding:.6rem 1rem;font-size:.85rem}
.central{border-left:4px solid #3b6ea5;padding:.4rem 1rem;font-size:.9rem}
.central.differs{border-left-color:#c0392b;background:#fdf3f2}
"""


def write_page(path: Path, title: str, body: str) -> Path:
    """Write a self-contained HTML page (the reports' style, no scripts) and return its path."""
    meta = f'<meta charset="utf-8"><title>{html.escape(title)}</title><style>{STYLE}</style>'
    path.write_text(
        f'<!DOCTYPE html><html lang="en"><head>{meta}</head><body>{body}</body></html>', encoding="utf-8"
    )
    return path


def month_text(head: Headline, spread: Spread) -> str:
    """``2027-02`` or ``2027-02 (2026-12 to 2027-05)`` over runs; ``none`` if not in the horizon."""
    mid = head.label(spread.p50)
    if head.runs == 1 or spread.p10 == spread.p90 or math.isnan(spread.p50):
        return mid if not math.isnan(spread.p50) else "-"
    return f"{mid} ({head.label(spread.p10)} to {head.label(spread.p90)})"


def number_text(spread: Spread, fmt: str = "{:,.0f}", scale: float = 1.0) -> str:
    """A figure, with its P10-P90 range when runs differ."""
    if math.isnan(spread.p50):
        return "-"
    mid = fmt.format(spread.p50 * scale)
    if spread.p10 == spread.p90:
        return mid
    return f"{mid} ({fmt.format(spread.p10 * scale)}-{fmt.format(spread.p90 * scale)})"


def first_text(head: Headline, spread: Spread) -> str:
    """The first shortfall month, with the months since the scenario's first trade measure."""
    text = month_text(head, spread)
    after = head.months_after(spread.p50)
    return f"{text} (+{after:.0f} mo)" if math.isfinite(after) and text not in {"-", "none"} else text


def cells(head: Headline, row: Row) -> list[str]:
    """The table cells of one row, as text."""
    products = ", ".join(
        f"{number_text(v)} {product_name(k)}" for k, v in row.not_built.items() if v.p90 > 0.5
    )
    return [
        row.place,
        row.item,
        first_text(head, row.first_shortfall),
        number_text(row.peak_shortfall, "{:.1f}%", 100.0),
        month_text(head, row.peak_month),
        number_text(row.cumulative_unmet_t),
        number_text(row.lowest_cover_months, "{:.2f}"),
        month_text(head, row.stockpile_depleted),
        number_text(row.price_multiple, "{:.2f}x"),
        number_text(row.plants_stopped, "{:.0f}"),
        products or "-",
    ]


COLUMNS = (
    "place", "item", "first shortfall", "peak shortfall", "peak in", "unmet (t, total)",
    "lowest stock (months)", "stockpile used up", "price outside China (peak multiple)",
    "plants stopped (sector-months)", "not built",
)  # fmt: skip


def _figure_cell(text: str) -> str:
    """A figure and, on a line of its own, its range: "839 (82-2,634)" as two lines, so that a
    table of ranges fits the page."""
    mid, sep, spread = text.partition(" (")
    shown = html.escape(mid)
    return f'{shown}<br><span class="range">({html.escape(spread)}</span>' if sep else shown


def headline_table(head: Headline, max_element_rows: int = 4) -> str:
    """Magnet rows for every place, then its worst-hit elements."""
    rows = []
    for place in dict.fromkeys(r.place for r in head.rows):
        own = [r for r in head.rows if r.place == place]
        elements = sorted((r for r in own if r.item != "magnets"), key=lambda r: -r.peak_shortfall.p50)
        for row in [r for r in own if r.item == "magnets"] + elements[:max_element_rows]:
            texts = cells(head, row)
            short = ' class="short"' if row.peak_shortfall.p50 > 0.005 else ""
            tds = "".join(  # a figure on one line, its P10-P90 range below; products not built wrap
                f'<td class="n">{_figure_cell(t)}</td>'
                if 3 <= i < len(texts) - 1
                else f"<td{short if i == 2 else ''}>{html.escape(t)}</td>"
                for i, t in enumerate(texts)
            )
            rows.append(f"<tr>{tds}</tr>")
    head_cells = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    indep = month_text(head, head.independence)
    indep = indep if indep not in {"-", "none"} else "not within the horizon"
    chances = "".join(
        f"<li>{html.escape(k)}: <b>{v:.0%}</b> of {head.runs} runs</li>"
        for k, v in head.probabilities.items()
    )
    chances = f"<p><b>Chances over the runs</b></p><ul>{chances}</ul>" if chances else ""
    paid = head.floor_cost
    floors = (
        f"<p><b>Price floors paid producers</b> (public cost over the horizon): "
        f"USD {html.escape(number_text(paid, '{:,.1f}', 1e-6))} million.</p>"
        if paid is not None and paid.p90 > 0
        else ""
    )
    bought = head.stockpile_cost
    if bought is not None and bought.p90 > 0:
        floors += (
            f"<p><b>Strategic stockpiles paid for their purchases</b> (over the horizon, at the market price "
            f"where they are held): USD {html.escape(number_text(bought, '{:,.1f}', 1e-6))} million.</p>"
        )
    return (
        f"<table><thead><tr>{head_cells}</tr></thead><tbody>{''.join(rows)}</tbody></table>{chances}"
        f"<p><b>Chain outside China stands alone</b> (production covers use at every stage for the rest "
        f"of the horizon): {html.escape(indep)}.</p>{stands_alone_table(head)}{floors}"
    )


#: Readable names of the magnet grades (codes of ``reesim.model.baseline.GRADES``).
GRADE_NAMES = {
    "ndfeb_ev_gbd": "sintered NdFeB, high coercivity (traction motors, wind; Tb by diffusion)",
    "ndfeb_n42": "sintered NdFeB with Dy (industrial motors)",
    "ndfeb_std": "sintered NdFeB without heavy rare earths",
    "ndfeb_bonded": "bonded NdFeB",
    "smco_2_17": "samarium-cobalt",
}


def stands_alone_table(head: Headline) -> str:
    """When production outside China comes to cover use there for good, at each stage and at
    every stage together, for each magnet grade and each rare earth the grades contain (a grade
    once every rare earth in it does; months as in :func:`month_text`)."""
    alone = head.stands_alone
    if not alone:
        return ""
    stages = list(alone)

    def when(spread: Spread | None) -> str:
        text = "-" if spread is None else month_text(head, spread)
        return "never" if text in {"-", "none"} else text.replace("none", "never")

    def row(name: str, code: str) -> str:
        tds = "".join(f"<td>{html.escape(when(alone[st].get(code)))}</td>" for st in stages)
        return f"<tr><td>{html.escape(name)}</td>{tds}</tr>"

    items = alone[stages[0]]
    rows = [row(name, code) for code, name in GRADE_NAMES.items() if code in items]
    rows += [row(e, e) for e in _MAGNET_ELEMENTS if e in items]
    heads = "".join(f"<th>{html.escape('every stage' if st == ALL_STAGES else st)}</th>" for st in stages)
    return (
        "<p><b>Stands alone by magnet grade and element</b>: the month from which production outside "
        "China covers use there for the rest of the horizon (never: not within it); a grade once every "
        "rare earth in it does.</p>"
        f"<table><thead><tr><th>magnet grade or element</th>{heads}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


_MAGNET_ELEMENTS = ("Pr", "Nd", "Sm", "Gd", "Tb", "Dy")


def reading_guide(head: Headline) -> str:
    """A short guide to the columns, for a newcomer."""
    spread = "Figures are medians over runs, with the P10-P90 range in brackets. " if head.runs > 1 else ""
    return (
        '<div class="guide"><b>How to read this.</b> Each row is a place and what it runs short of: '
        "<i>magnets</i> (their rare-earth content) or one element over all its final uses. "
        "<i>First shortfall</i> is the first month in which more than 0.5% of demand goes unmet (with "
        "the months since the scenario's first trade measure); "
        "<i>peak shortfall</i> is the largest unmet share in any month; <i>unmet</i> adds up the tonnes "
        "(REO-equivalent) not delivered; <i>lowest stock</i> is the smallest working stock of magnets, in "
        "months of demand (an aggregate model can show no shortfall while stocks nearly run out); "
        "<i>stockpile used up</i> is when a strategic stockpile is drawn down; <i>price</i> is the highest "
        f"price outside China relative to the base year. {spread}Quantities are monthly model flows "
        "calibrated on 2024 data; read them as orders of magnitude and compare scenarios.</div>"
    )


def central_note(head: Headline) -> str:
    """What the single (central) run is and, over Monte Carlo runs, the margin it is held to
    and every headline figure on which it departs from the median of the runs (empty for a
    headline without this check)."""
    check = head.central_run
    if check is None:
        return ""
    statement = html.escape(STATEMENT)
    if not check.compared:
        return f'<div class="central" id="central-run"><p>{statement}</p></div>'
    margins = html.escape(", ".join(margin_text(f, m) for f, m in check.margins.items()))
    if not check.differences:
        return (f'<div class="central" id="central-run"><p>{statement} The charts of flows and prices '
                f"show it. Compared with the median of the {check.runs} runs, it is within {margins} "
                "on every row of the table.</p></div>")  # fmt: skip
    rows = "".join(
        f"<tr><td>{html.escape(d.place)}</td><td>{html.escape(d.item)}</td>"
        f"<td>{html.escape(d.figure.replace('_', ' '))}</td>"
        f'<td class="n">{html.escape(value_text(d.figure, d.central))}</td>'
        f'<td class="n">{html.escape(value_text(d.figure, d.median))}</td></tr>'
        for d in check.differences
    )
    return (
        f'<div class="central differs" id="central-run"><p>{statement} The charts of flows and prices '
        f"show it. <b>It differs from the median of the {check.runs} runs by more than {margins}</b> "
        "on the figures below: a single run of this scenario (<code>--runs 1</code>) does not show the "
        "typical outcome there; read the medians in the table.</p>"
        "<table><thead><tr><th>place</th><th>item</th><th>figure</th><th>central run</th>"
        f"<th>median of the runs</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )
