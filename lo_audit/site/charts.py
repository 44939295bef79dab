"""Accessible inline SVG charts, each followed by the same numbers as a table.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its
``<desc>`` (which states the numbers in words), inside a ``<figure>`` with the data
table beside it, so that nothing is shown only as a picture. Every label is escaped.
"""

from __future__ import annotations

from itertools import count

from common.markdown import html_text

INK = "#1f2328"
GRID = "#6b7280"
BAR = "#3949ab"
SERIES = {  # colour, dash pattern, marker: never colour alone
    "total": ("#1f2328", "", "circle"),
    "error": ("#b3261e", "6 3", "square"),
    "warning": ("#8a5300", "2 3", "diamond"),
    "notice": ("#1f5fa8", "10 4 2 4", "triangle"),
}
_ids = count(1)


def _table(caption: str, headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f'<th scope="col">{html_text(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + f'<th scope="row">{html_text(r[0])}</th>' + "".join(f"<td>{html_text(c)}</td>" for c in r[1:]) + "</tr>"
        for r in rows
    )
    return (f'<div class="lo-chart__table"><table><caption>{html_text(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def _figure(uid: str, title: str, desc: str, width: int, height: int, inner: str, table: str) -> str:
    svg = (f'<svg role="img" aria-labelledby="{uid}-t {uid}-d" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
           f'<title id="{uid}-t">{html_text(title)}</title><desc id="{uid}-d">{html_text(desc)}</desc>'
           f"{inner}</svg>")
    return f'<figure class="lo-chart">\n{svg}\n{table}\n</figure>\n'


def bar_chart(title: str, items: list[tuple[str, int]], label_header: str = "Group",
              value_header: str = "Findings") -> str:
    """A horizontal bar chart of ``items`` (label, value) with its data table.

    Each label sits above its bar, so the chart stays narrow (360 units) and its text
    stays readable when a phone scales it down."""
    uid = f"chart{next(_ids)}"
    items = list(items) or [("none", 0)]
    top = max(v for _, v in items) or 1
    width, bar_w, row_h = 360, 300, 40
    height = row_h * len(items) + 6
    parts = []
    for i, (label, value) in enumerate(items):
        y = 4 + i * row_h
        w = max(round(bar_w * value / top), 1)
        parts.append(
            f'<text x="0" y="{y + 14}" fill="{INK}">{html_text(label)}</text>'
            f'<rect x="0" y="{y + 20}" width="{w}" height="14" fill="{BAR}"/>'
            f'<text x="{w + 6}" y="{y + 32}" fill="{INK}">{value}</text>'
        )
    desc = "; ".join(f"{label}: {value}" for label, value in items) + "."
    table = _table(title, [label_header, value_header], [[label, value] for label, value in items])
    return _figure(uid, title, desc, width, height, "".join(parts), table)


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "diamond":
        return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} L{x - 5:.1f} {y:.1f} Z" fill="{colour}"/>'
    if kind == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def line_chart(title: str, labels: list[str], series: dict[str, list[int]], label_header: str = "Run") -> str:
    """A line chart: one line per series over ``labels`` (oldest first), with its data table.

    The legend sits under the plot, so the chart is 380 units wide and its 14-unit text
    stays readable on a phone."""
    uid = f"chart{next(_ids)}"
    left, top_pad, plot_w, plot_h = 40, 12, 320, 150
    width, height = left + plot_w + 20, top_pad + plot_h + 30 + 24 * ((len(series) + 1) // 2)
    peak = max([v for values in series.values() for v in values] + [1])
    step = plot_w / max(len(labels) - 1, 1)

    def xy(i: int, v: int) -> tuple[float, float]:
        return left + i * step if len(labels) > 1 else left + plot_w / 2, top_pad + plot_h - plot_h * v / peak

    parts = [f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}" stroke="{GRID}"/>',
             f'<line x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}" stroke="{GRID}"/>',
             f'<text x="{left - 6}" y="{top_pad + 5}" text-anchor="end" fill="{INK}">{peak}</text>',
             f'<text x="{left - 6}" y="{top_pad + plot_h + 5}" text-anchor="end" fill="{INK}">0</text>']
    ends = sorted({0, len(labels) - 1})
    for i in ends:
        x, _ = xy(i, 0)
        anchor = "middle" if len(ends) == 1 else ("start" if i == 0 else "end")
        parts.append(f'<text x="{x:.1f}" y="{top_pad + plot_h + 20}" text-anchor="{anchor}" '
                     f'fill="{INK}">{html_text(labels[i])}</text>')
    for n, (name, values) in enumerate(series.items()):
        colour, dash, marker = SERIES.get(name, (INK, "", "circle"))
        points = [xy(i, v) for i, v in enumerate(values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        parts.extend(_marker(marker, x, y, colour) for x, y in points)
        lx, ly = left + (n % 2) * 160, top_pad + plot_h + 46 + (n // 2) * 24
        parts.append(_marker(marker, lx, ly - 5, colour))
        parts.append(f'<text x="{lx + 12}" y="{ly}" fill="{INK}">{html_text(name)}</text>')
    desc = " ".join(f"{labels[i]}: " + ", ".join(f"{name} {vals[i]}" for name, vals in series.items()) + "."
                    for i in range(len(labels)))
    rows = [[labels[i], *(vals[i] for vals in series.values())] for i in range(len(labels))]
    table = _table(title, [label_header, *series.keys()], rows)
    return _figure(uid, title, desc, width, height, "".join(parts), table)
