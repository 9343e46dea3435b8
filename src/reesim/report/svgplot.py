"""Charts written as SVG text, with no plotting library: panels of lines, bands, bars and notes.

The run report draws its charts with this module rather than matplotlib because a figure here
costs milliseconds where matplotlib's layout and text measuring cost about half a second, and
because the SVG it writes is plain: no scripts, no fonts turned into paths, one file that any
browser shows offline and that scales to the page (its width is the page's, up to its own).

A :class:`Figure` holds a title, a legend and :class:`Panel` s in a grid. A panel is drawn in
data coordinates: x is a month index (see :func:`month_ticks`) or a category position, y a
value; its y range fits what it holds unless set, and its ticks are round numbers.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Pixels: a panel's margins (left for the y ticks and label, bottom for the x ticks).
LEFT, RIGHT, TOP, BOTTOM = 62, 12, 24, 34
#: Pixels: the figure's title row and each legend row.
TITLE_H, LEGEND_H = 26, 18
#: Average width of a character of the 11 px legend and tick font, to lay text out without measuring.
CHAR_W = 6.4


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _n(value: float) -> str:
    """A coordinate with one decimal, as SVG text."""
    return f"{value:.1f}"


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten) covering ``lo`` to ``hi``."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    k = 0
    while first + k * step <= hi + step * 1e-9:
        ticks.append(first + k * step)
        k += 1
    return ticks


def tick_text(value: float, step: float) -> str:
    """A tick label with as many decimals as the step needs, thousands separated."""
    decimals = 0 if step >= 1 or step <= 0 else min(math.ceil(-math.log10(step) - 1e-9) + 1, 6)
    if decimals and abs(step * 10**decimals - round(step * 10 ** (decimals - 1)) * 10) < 1e-6:
        decimals -= 1
    text = f"{value:,.{decimals}f}"
    return "0" if text.strip("-0.,") == "" else text


def month_ticks(months: Sequence[str], most: int = 6) -> list[tuple[float, str]]:
    """Ticks at the Januaries of a run of ``YYYY-MM`` months, labelled with the whole year; at most
    ``most`` of them (every second, fifth year...). Horizons within one year tick their quarters."""
    jan = [(float(i), m[:4]) for i, m in enumerate(months) if m[5:7] == "01"]
    if len(jan) < 2:
        return [(float(i), m[:7]) for i, m in enumerate(months) if m[5:7] in ("01", "04", "07", "10")]
    step = next(s for s in (1, 2, 5, 10, 20, 50) if math.ceil(len(jan) / s) <= most)
    return [t for t in jan if int(t[1]) % step == 0] if step > 1 else jan


Values = Sequence[float] | np.ndarray


@dataclass(frozen=True)
class Frame:
    """Where a panel's plot area is (pixels) and how data coordinates map into it."""

    #: data to pixels, for a number or an array of them
    px: Callable[[Any], Any]
    py: Callable[[Any], Any]
    left: float
    top: float
    width: float
    height: float
    #: the id of the figure's hatch pattern
    hatch: str


@dataclass
class Panel:
    """One set of axes: marks in data coordinates, drawn by :class:`Figure`."""

    title: str = ""
    ylabel: str = ""
    xticks: list[tuple[float, str]] = field(default_factory=list)
    yticks: list[tuple[float, str]] | None = None
    xlim: tuple[float, float] | None = None
    ylim: tuple[float | None, float | None] = (None, None)
    #: y grows downwards (category rows listed from the top)
    inverted: bool = False
    #: pixels left of the plot area, for the y tick labels and the y label
    left: float = LEFT
    _points: list[tuple[float, float]] = field(default_factory=list)
    _draw: list[Callable[[Frame], str]] = field(default_factory=list)

    def _extent(self, x: Values, y: Values) -> None:
        xs = np.asarray(x, dtype=float)
        ys = np.asarray(y, dtype=float)
        good = np.isfinite(xs) & np.isfinite(ys)
        if good.any():
            self._points += [
                (float(xs[good].min()), float(ys[good].min())),
                (float(xs[good].max()), float(ys[good].max())),
            ]

    def line(self, x: Values, y: Values, colour: str, width: float = 1.6, dash: str = "") -> None:
        """A polyline through (x, y); missing values break it."""
        xs, ys = np.asarray(x, float), np.asarray(y, float)
        self._extent(xs, ys)
        self._draw.append(lambda f: _polyline(xs, ys, f, colour, width, dash))

    def band(self, x: Values, lo: Values, hi: Values, colour: str, opacity: float = 0.2) -> None:
        """A filled area between ``lo`` and ``hi`` over x."""
        xs, los, his = np.asarray(x, float), np.asarray(lo, float), np.asarray(hi, float)
        self._extent(xs, los)
        self._extent(xs, his)
        self._draw.append(lambda f: _area(xs, los, his, f, colour, opacity))

    def bar(
        self,
        x: float,
        height: float,
        colour: str,
        width: float = 0.6,
        bottom: float = 0.0,
        err: tuple[float, float] | None = None,
    ) -> None:
        """A vertical bar centred on x from ``bottom`` up by ``height``; ``err`` a (low, high) whisker."""
        top = bottom + height if err is None else max(bottom + height, err[1])
        self._extent([x - width / 2, x + width / 2], [bottom, top])

        def draw(f: Frame) -> str:
            text = _rect(
                f.px(x - width / 2), f.py(bottom + height), f.px(x + width / 2), f.py(bottom), colour
            )
            if err is not None:
                text += f'<path d="M{_n(f.px(x))} {_n(f.py(err[0]))}V{_n(f.py(err[1]))}" stroke="#333"/>'
            return text

        self._draw.append(draw)

    def hbar(
        self, y: float, x0: float, x1: float, colour: str, height: float = 0.6, hatched: bool = False
    ) -> None:
        """A horizontal bar on row y from x0 to x1; hatched bars are white with grey stripes."""
        self._extent([x0, x1], [y - height / 2, y + height / 2])

        def draw(f: Frame) -> str:
            fill = f"url(#{f.hatch})" if hatched else colour
            extra = ' stroke="#999"' if hatched else ""
            return _rect(f.px(x0), f.py(y - height / 2), f.px(x1), f.py(y + height / 2), fill, extra)

        self._draw.append(draw)

    def vline(self, x: float, colour: str, dash: str = "5 3") -> None:
        """A vertical rule at x across the panel."""
        self._draw.append(
            lambda f: (
                f'<path d="M{_n(f.px(x))} {_n(f.top)}v{_n(f.height)}" stroke="{colour}" '
                f'stroke-dasharray="{dash}"/>'
            )
        )

    def text(self, x: float, y: float, text: str, anchor: str = "start", size: float = 10) -> None:
        """Text at (x, y) in data coordinates, vertically centred."""
        self._draw.append(
            lambda f: (
                f'<text x="{_n(f.px(x))}" y="{_n(f.py(y) + 3.5)}" text-anchor="{anchor}" '
                f'font-size="{size}">{_e(text)}</text>'
            )
        )

    def note(self, text: str) -> None:
        """A sentence in the middle of the panel, for a panel with nothing to show."""
        self._draw.append(
            lambda f: (
                f'<text x="{_n(f.left + f.width / 2)}" y="{_n(f.top + f.height / 2)}" '
                f'text-anchor="middle" fill="#666">{_e(text)}</text>'
            )
        )

    def _limits(self) -> tuple[float, float, float, float]:
        pts = self._points or [(0.0, 0.0), (1.0, 1.0)]
        x0, x1 = self.xlim or (min(p[0] for p in pts), max(p[0] for p in pts))
        y0 = self.ylim[0] if self.ylim[0] is not None else min(*(p[1] for p in pts), 0.0)
        y1 = self.ylim[1] if self.ylim[1] is not None else max(p[1] for p in pts)
        if y1 <= y0:
            y1 = y0 + 1.0
        elif self.ylim[1] is None and self.yticks is None:
            y1 += (y1 - y0) * 0.05
        return x0, (x1 if x1 > x0 else x0 + 1.0), y0, y1

    def svg(self, left: float, top: float, width: float, height: float, uid: str, hatch: str = "") -> str:
        """The panel drawn into the box (pixels) of the figure; ``hatch`` is the id of its hatch pattern."""
        x0, x1, y0, y1 = self._limits()
        pw, ph = width - self.left - RIGHT, height - TOP - BOTTOM
        ox, oy = left + self.left, top + TOP

        def px(x: float) -> float:
            return ox + (x - x0) / (x1 - x0) * pw

        def py(y: float) -> float:
            frac = (y - y0) / (y1 - y0)
            return oy + (frac if self.inverted else 1 - frac) * ph

        out = [
            f'<text x="{_n(ox + pw / 2)}" y="{_n(top + 15)}" text-anchor="middle" '
            f'font-size="12">{_e(self.title)}</text>'
        ]
        if self.yticks is None:
            values = nice_ticks(y0, y1)
            step = values[1] - values[0] if len(values) > 1 else 1.0
            yticks = [(v, tick_text(v, step)) for v in values]
        else:
            yticks = self.yticks
        for v, label in yticks:
            y = py(v)
            out.append(
                f'<path d="M{_n(ox)} {_n(y)}h{_n(pw)}" stroke="#e4e4e4"/>'
                f'<text x="{_n(ox - 4)}" y="{_n(y + 3.5)}" text-anchor="end">{_e(label)}</text>'
            )
        for v, label in self.xticks:
            x = px(v)
            out.append(
                f'<path d="M{_n(x)} {_n(oy + ph)}v4" stroke="#555"/>'
                f'<text x="{_n(x)}" y="{_n(oy + ph + 15)}" text-anchor="middle">{_e(label)}</text>'
            )
        out.append(f'<path d="M{_n(ox)} {_n(oy)}V{_n(oy + ph)}H{_n(ox + pw)}" stroke="#555" fill="none"/>')
        if self.ylabel:
            cy = oy + ph / 2
            out.append(
                f'<text transform="translate({_n(left + 12)} {_n(cy)}) rotate(-90)" '
                f'text-anchor="middle">{_e(self.ylabel)}</text>'
            )
        frame = Frame(px, py, ox, oy, pw, ph, hatch)
        body = [draw(frame) for draw in self._draw]
        clip = f"{uid}-clip"
        out.append(
            f'<clipPath id="{clip}"><rect x="{_n(ox)}" y="{_n(oy - 2)}" width="{_n(pw)}" '
            f'height="{_n(ph + 4)}"/></clipPath><g clip-path="url(#{clip})">{"".join(body)}</g>'
        )
        return "".join(out)


def _runs(good: np.ndarray) -> list[tuple[int, int]]:
    """Index ranges [a, b) where ``good`` holds."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], good.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _rect(x0: float, y0: float, x1: float, y1: float, fill: str, extra: str = "") -> str:
    """A rectangle between two corners (pixels), in any order."""
    return (
        f'<rect x="{_n(min(x0, x1))}" y="{_n(min(y0, y1))}" width="{_n(abs(x1 - x0))}" '
        f'height="{_n(abs(y1 - y0))}" fill="{fill}"{extra}/>'
    )


def _xy(x: np.ndarray, y: np.ndarray, f: Frame) -> list[str]:
    """Data points as ``x,y`` pixel pairs."""
    return [f"{u:.1f},{v:.1f}" for u, v in zip(f.px(x).tolist(), f.py(y).tolist(), strict=True)]


def _polyline(x: np.ndarray, y: np.ndarray, f: Frame, colour: str, width: float, dash: str) -> str:
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    parts = []
    for a, b in _runs(np.isfinite(x) & np.isfinite(y)):
        parts.append(
            f'<polyline points="{" ".join(_xy(x[a:b], y[a:b], f))}" fill="none" stroke="{colour}" '
            f'stroke-width="{width}" stroke-linejoin="round"{dashed}/>'
        )
    return "".join(parts)


def _area(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, f: Frame, colour: str, opacity: float) -> str:
    parts = []
    for a, b in _runs(np.isfinite(x) & np.isfinite(lo) & np.isfinite(hi)):
        ring = _xy(x[a:b], hi[a:b], f) + _xy(x[a:b], lo[a:b], f)[::-1]
        parts.append(f'<path d="M{" L".join(ring)}Z" fill="{colour}" fill-opacity="{opacity}"/>')
    return "".join(parts)


@dataclass
class Figure:
    """Panels in a grid under a title and a legend; :meth:`svg` writes it."""

    title: str
    panels: list[Panel]
    cols: int = 0
    width: float = 1000.0
    panel_height: float = 200.0
    #: (label, colour, style): style "line", "band", "dash" or "box"
    legend: list[tuple[str, str, str]] = field(default_factory=list)

    def _legend_rows(self) -> list[list[tuple[str, str, str]]]:
        rows: list[list[tuple[str, str, str]]] = [[]]
        used = 0.0
        for item in self.legend:
            w = 34 + CHAR_W * len(item[0])
            if rows[-1] and used + w > self.width - 20:
                rows.append([])
                used = 0.0
            rows[-1].append(item)
            used += w
        return rows if self.legend else []

    def svg(self, uid: str) -> str:
        """The figure as one ``<svg>`` element; ``uid`` keeps its clip and pattern ids unique."""
        cols = self.cols or max(len(self.panels), 1)
        rows_n = math.ceil(len(self.panels) / cols) if self.panels else 0
        legend = self._legend_rows()
        head = TITLE_H + LEGEND_H * len(legend) + 4
        height = head + rows_n * self.panel_height
        pw = self.width / cols
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(self.width)} {_n(height)}" '
            f'width="{_n(self.width)}" height="{_n(height)}" font-family="system-ui,sans-serif" '
            f'font-size="11" fill="#222" role="img" aria-label="{_e(self.title)}">'
            f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="white"/>'
            f'<path d="M0 0v6" stroke="#999" stroke-width="1.5"/></pattern></defs>'
            f'<text x="{_n(self.width / 2)}" y="17" text-anchor="middle" font-size="14" '
            f'font-weight="600">{_e(self.title)}</text>'
        ]
        for r, items in enumerate(legend):
            used = sum(34 + CHAR_W * len(i[0]) for i in items)
            x = max((self.width - used) / 2, 4.0)
            y = TITLE_H + LEGEND_H * r + 9
            for label, colour, style in items:
                out.append(
                    _swatch(x, y, colour, style)
                    + f'<text x="{_n(x + 24)}" y="{_n(y + 4)}">{_e(label)}</text>'
                )
                x += 34 + CHAR_W * len(label)
        for i, panel in enumerate(self.panels):
            r, c = divmod(i, cols)
            box = (c * pw, head + r * self.panel_height, pw, self.panel_height)
            out.append(panel.svg(*box, uid=f"{uid}-{i}", hatch=f"{uid}-hatch"))
        out.append("</svg>")
        return "".join(out)


def _swatch(x: float, y: float, colour: str, style: str) -> str:
    """A legend's sample of a line, band, dashed rule or box, 20 px wide, centred on y."""
    if style == "box":
        return f'<rect x="{_n(x)}" y="{_n(y - 5)}" width="20" height="10" fill="{colour}"/>'
    if style == "band":
        return (
            f'<rect x="{_n(x)}" y="{_n(y - 5)}" width="20" height="10" fill="{colour}" '
            f'fill-opacity="0.2"/><path d="M{_n(x)} {_n(y)}h20" stroke="{colour}" stroke-width="1.6"/>'
        )
    dash = ' stroke-dasharray="4 2"' if style == "dash" else ""
    return f'<path d="M{_n(x)} {_n(y)}h20" stroke="{colour}" stroke-width="2"{dash}/>'
