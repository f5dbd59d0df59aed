"""Charts as inline SVG: drawn here, in the page itself, so a report needs no script, no
font and no network to show them. Every text in a chart is escaped."""

from __future__ import annotations

from collections import Counter
from html import escape

from markupsafe import Markup

from ..analysis.compliance import STATUSES
from ..analysis.wording import STATUS_COLOURS, status_words

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH = 22, 10, 260, 440


def status_bars(counts: dict[str, Counter]) -> Markup:
    """A horizontal stacked bar per trust: its trainee requirements by status, with a legend."""
    rows = list(counts.items())
    legend_y = len(rows) * (BAR_HEIGHT + GAP) + 8
    height = legend_y + 26 * ((len(STATUSES) + 3) // 4) + 6
    width = LABEL_WIDTH + BAR_WIDTH + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}"><title>Requirement statuses per trust</title>']
    most = max([sum(c.values()) for _name, c in rows] + [1])
    for i, (name, c) in enumerate(rows):
        y = i * (BAR_HEIGHT + GAP)
        label = name if len(name) <= 38 else name[:36] + "…"
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        x: float = LABEL_WIDTH
        for s in STATUSES:
            if not c[s]:
                continue
            w = BAR_WIDTH * c[s] / most
            fill, ink = STATUS_COLOURS[s]
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_HEIGHT}" fill="#{fill}" '
                         f'stroke="#{ink}" stroke-width="0.5"><title>{escape(status_words(s))}: {c[s]}</title></rect>')
            if w >= 18:
                parts.append(f'<text x="{x + w / 2:.1f}" y="{y + 15}" text-anchor="middle" fill="#{ink}">{c[s]}</text>')
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15}">{sum(c.values())}</text>')
    for k, s in enumerate(STATUSES):
        lx, ly = LABEL_WIDTH + (k % 4) * 115, legend_y + (k // 4) * 26
        fill, ink = STATUS_COLOURS[s]
        parts.append(f'<rect x="{lx}" y="{ly}" width="14" height="14" fill="#{fill}" stroke="#{ink}"/>'
                     f'<text x="{lx + 19}" y="{ly + 12}">{escape(status_words(s))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def lines(labels: list[str], series: dict[str, list[int]], title: str) -> Markup:
    """A small line chart: one line per series over the labels (e.g. rotations)."""
    width, height, left, bottom, top = 640, 260, 50, 40, 20
    colours = ["#9C0006", "#C65911", "#1F4E78", "#548235"]
    most = max([v for vals in series.values() for v in vals] + [1])
    n = max(len(labels), 2)
    def px(i: int) -> float:
        return left + (width - left - 140) * i / (n - 1)
    def py(v: float) -> float:
        return top + (height - top - bottom) * (1 - v / most)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}"><title>{escape(title)}</title>',
             f'<line x1="{left}" y1="{py(0)}" x2="{px(n - 1)}" y2="{py(0)}" stroke="#888"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{py(0)}" stroke="#888"/>',
             f'<text x="{left - 6}" y="{py(most) + 4}" text-anchor="end">{most}</text>',
             f'<text x="{left - 6}" y="{py(0) + 4}" text-anchor="end">0</text>']
    parts.append(f'<text x="{(left + px(n - 1)) / 2:.1f}" y="{height - 4}" text-anchor="middle">rotation</text>')
    for i, label in enumerate(labels):
        parts.append(f'<text x="{px(i):.1f}" y="{height - bottom + 18}" text-anchor="middle">{escape(label)}</text>')
    for k, (name, vals) in enumerate(series.items()):
        colour = colours[k % len(colours)]
        points = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(vals))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        parts += [f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="3.5" fill="{colour}"><title>{escape(name)}: {v}'
                  f'</title></circle>' for i, v in enumerate(vals)]
        parts.append(f'<rect x="{width - 130}" y="{top + 22 * k}" width="14" height="4" fill="{colour}"/>'
                     f'<text x="{width - 110}" y="{top + 22 * k + 6}">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
