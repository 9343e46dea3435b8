"""A self-contained HTML summary of the dataset, written by the quick start.

It shows what the engine will stand on: table coverage, 2024 mine production by country as an
inline SVG bar chart, and the sources cited. No scripts, no network: it opens anywhere.
"""

from __future__ import annotations

import html
import math
from collections.abc import Hashable, Mapping
from pathlib import Path

from reesim.dataset.model import Dataset
from reesim.dataset.summary import china_share_of_mining, coverage

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
td,th{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:left}
td.n{text-align:right}h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
.muted{color:#666;font-size:.85rem}li{overflow-wrap:anywhere}
"""


def _bar_chart(items: list[tuple[str, float]], unit: str, width: int = 760) -> str:
    """A horizontal bar chart as inline SVG; ``items`` are (label, value) pairs."""
    if not items:
        return "<p>No data.</p>"
    top = max(v for _, v in items) or 1.0
    row = 22
    label_w = 12 + 7 * max(len(label) for label, _ in items)  # about 7 px per character at 12 px
    height = row * len(items) + 10
    bars = []
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        w = (width - label_w - 110) * value / top
        name, amount = html.escape(label), f"{value:,.0f} {html.escape(unit)}"
        bars.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{name}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="#3b6ea5"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12">{amount}</text>'
        )
    return (
        f'<svg role="img" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{"".join(bars)}</svg>'
    )


def dataset_report_html(ds: Dataset, year: int = 2024, edition: str = "MCS2026") -> str:
    """The report as an HTML string."""
    mp = ds.mine_production
    rows = mp[
        (mp["year"] == year) & (mp["edition"] == edition) & ~mp["iso3"].isin(["WLD"]) & (mp["quantity"] > 0)
    ]
    names = dict(zip(ds.countries["iso3"], ds.countries["name"], strict=True))
    items = sorted(
        ((names.get(c, c), float(q)) for c, q in zip(rows["iso3"], rows["quantity"], strict=True)),
        key=lambda kv: -kv[1],
    )
    share = china_share_of_mining(ds, year, edition)
    cov = "".join(
        f"<tr><td>{c.table}</td><td class=n>{c.rows}</td><td>{c.years}</td><td class=n>{c.reported}</td>"
        f"<td class=n>{c.derived}</td><td class=n>{c.assumption}</td>"
        f"<td>{html.escape(c.description)}</td></tr>"
        for c in coverage(ds)
    )
    src = "".join(_source_item(r) for r in ds.sources.to_dict("records"))
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>reesim dataset {ds.version}</title><style>{_STYLE}</style></head><body>
<h1>reesim baseline dataset</h1>
<p class=muted>Dataset version {ds.version}. Every number carries a source and a status
(reported, derived or assumption); run <code>reesim data show TABLE</code> to see them.</p>
<h2>Rare-earth mine production, {year} ({edition})</h2>
<p>China mined {share:.0%} of the world's rare-earth oxide in {year} by this edition's figures.</p>
{_bar_chart(items, "t REO")}
<h2>Tables</h2>
<table><tr><th>table</th><th>rows</th><th>years</th><th>reported</th><th>derived</th><th>assumed</th><th>what</th></tr>
{cov}</table>
<h2>Sources</h2><ul>{src}</ul>
</body></html>
"""


def _source_item(row: Mapping[Hashable, object]) -> str:
    year = row["year"]
    when = f" ({int(year)})" if isinstance(year, float) and not math.isnan(year) else ""
    sid, publisher, title, url = (
        html.escape(str(row[k])) for k in ("source_id", "publisher", "title", "url")
    )
    return f"<li><b>{sid}</b>: {publisher}, <i>{title}</i>{when}. {url}</li>"


def write_dataset_report(ds: Dataset, out_dir: Path) -> Path:
    """Write ``dataset.html`` into ``out_dir`` (created if needed) and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "dataset.html"
    path.write_text(dataset_report_html(ds), encoding="utf-8")
    return path
