"""Charts as SVG markup, drawn on the server: no CDN, no script, nothing to download.

Pure functions of numbers and labels returning an SVG string (text escaped). Colours are
presentation attributes, not `style=`, so the pages' strict CSP holds.
"""

from __future__ import annotations

import math
from html import escape
from typing import Callable, Sequence

PALETTE = ["#1f6feb", "#1a7f37", "#b35900", "#8250df", "#c62828", "#0e7490", "#6e7781", "#bf8700"]


def _num(value: float) -> float:
    return 0.0 if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _legend(names: Sequence[str], y: float) -> str:
    parts, x = [], 0.0
    for i, name in enumerate(names):
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="12" height="12" rx="2" fill="{PALETTE[i % len(PALETTE)]}"/>'
                     f'<text x="{x + 16:.0f}" y="{y + 10:.0f}" font-size="12">{escape(name)}</text>')
        x += 28 + 7 * len(name)
    return "".join(parts)


def bar_chart(labels: Sequence[str], series: dict[str, Sequence[float]], *, title: str,
              fmt: Callable[[float], str] = lambda v: f"{v:,.0f}", marker: float | None = None,
              marker_label: str = "") -> str:
    """Horizontal bars, stacked when there are several series; `marker` draws a limit line."""
    names = list(series)
    totals = [sum(_num(series[n][i]) for n in names) for i in range(len(labels))]
    top = max(totals + [_num(marker) if marker is not None else 0.0, 1e-9])
    label_w, bar_w, row_h = 150, 520, 24
    height = 40 + row_h * len(labels) + 30
    out = [f'<svg class="chart" role="img" viewBox="0 0 {label_w + bar_w + 90} {height}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    out.append(f'<text x="0" y="16" font-size="14" font-weight="600">{escape(title)}</text>')
    for i, label in enumerate(labels):
        y = 30 + i * row_h
        out.append(f'<text x="{label_w - 8}" y="{y + 15}" font-size="12" text-anchor="end">{escape(str(label))}</text>')
        x = float(label_w)
        for j, name in enumerate(names):
            w = bar_w * _num(series[name][i]) / top
            if w > 0:
                out.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
                           f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(str(label))} · {escape(name)}: '
                           f'{escape(fmt(_num(series[name][i])))}</title></rect>')
            x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + 15}" font-size="12">{escape(fmt(totals[i]))}</text>')
    if marker is not None:
        mx = label_w + bar_w * _num(marker) / top
        out.append(f'<line x1="{mx:.1f}" y1="26" x2="{mx:.1f}" y2="{30 + row_h * len(labels)}" stroke="#c62828" '
                   f'stroke-width="2" stroke-dasharray="4 3"/><text x="{mx + 4:.1f}" y="{36 + row_h * len(labels)}" '
                   f'font-size="11" fill="#c62828">{escape(marker_label)}</text>')
    if len(names) > 1:
        out.append(f'<g transform="translate({label_w},{height - 16})">{_legend(names, 0)}</g>')
    out.append("</svg>")
    return "".join(out)


def line_chart(labels: Sequence[str], series: dict[str, Sequence[float]], *, title: str,
               fmt: Callable[[float], str] = lambda v: f"{v:,.0f}") -> str:
    """Lines over a category axis (days); points carry their value as a tooltip."""
    names = list(series)
    top = max([_num(v) for n in names for v in series[n]] + [1e-9])
    left, width, plot_h = 50, 640, 180
    n = max(len(labels), 1)
    step = width / max(n - 1, 1)
    out = [f'<svg class="chart" role="img" viewBox="0 0 {left + width + 20} {plot_h + 90}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
           f'<text x="0" y="16" font-size="14" font-weight="600">{escape(title)}</text>']
    base = 30 + plot_h
    for k in range(5):
        y = base - plot_h * k / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + width}" y2="{y:.1f}" stroke="#dde3ea"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
                   f'{escape(fmt(top * k / 4))}</text>')
    every = max(1, math.ceil(n / 12))
    for i, label in enumerate(labels):
        if i % every == 0:
            out.append(f'<text x="{left + i * step:.1f}" y="{base + 16}" font-size="11" text-anchor="middle">'
                       f'{escape(str(label))}</text>')
    for j, name in enumerate(names):
        colour = PALETTE[j % len(PALETTE)]
        points = [(left + i * step, base - plot_h * _num(v) / top) for i, v in enumerate(series[name])]
        if points:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for (x, y), label, v in zip(points, labels, series[name]):
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{escape(str(label))} · '
                       f'{escape(name)}: {escape(fmt(_num(v)))}</title></circle>')
    out.append(f'<g transform="translate({left},{base + 34})">{_legend(names, 0)}</g></svg>')
    return "".join(out)


def heat_map(rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[float]], *, title: str,
             fmt: Callable[[float], str] = lambda v: f"{v:,.0f}") -> str:
    """A grid shaded from white to the accent colour by value (e.g. day of week x hour)."""
    top = max([_num(v) for r in values for v in r] + [1e-9])
    cell, left, head = 28, 44, 40
    width, height = left + cell * len(columns) + 10, head + cell * len(rows) + 10
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
           f'<text x="0" y="16" font-size="14" font-weight="600">{escape(title)}</text>']
    for c, name in enumerate(columns):
        out.append(f'<text x="{left + c * cell + cell / 2:.0f}" y="{head - 6}" font-size="10" text-anchor="middle">'
                   f'{escape(str(name))}</text>')
    for r, name in enumerate(rows):
        y = head + r * cell
        out.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4:.0f}" font-size="11" text-anchor="end">'
                   f'{escape(str(name))}</text>')
        for c, v in enumerate(values[r]):
            share = _num(v) / top
            # Blend #ffffff -> #1f6feb by share.
            colour = "#%02x%02x%02x" % (round(255 - (255 - 0x1f) * share), round(255 - (255 - 0x6f) * share),
                                        round(255 - (255 - 0xeb) * share))
            out.append(f'<rect x="{left + c * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" rx="3" '
                       f'fill="{colour}" stroke="#dde3ea"><title>{escape(str(name))} {escape(str(columns[c]))}: '
                       f'{escape(fmt(_num(v)))}</title></rect>')
    out.append("</svg>")
    return "".join(out)
