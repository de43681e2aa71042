"""Charts as inline SVG written in Python: grouped bars and lines, Chinese labels, no script, no network.

A series is a name and one value per category (None where the report prints nothing: no bar, a gap in the line).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 150, 20, 40
PALETTE = ("#3b6ea8", "#e0823d", "#5a9e5a", "#c0504d", "#8064a2", "#4bacc6", "#9b7b3c", "#7f7f7f")
FONT = "font-family=\"'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif\""

Series = tuple[str, Sequence[float | None]]


def _ceiling(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5, 5 × a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** len(str(int(value))) / 10
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _frame(title: str, top: float, unit: str) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
             f'height="{HEIGHT}" role="img" aria-label="{escape(title)}" {FONT} font-size="12">']
    for i in range(5):
        y = TOP + plot_h * i / 4
        value = top * (4 - i) / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value:,.0f}</text>')
    parts.append(f'<text x="8" y="{TOP - 6}" font-size="11">{escape(unit)}</text>')
    return parts


def _legend(series: Sequence[Series]) -> list[str]:
    parts = []
    for i, (name, _) in enumerate(series):
        y = TOP + 16 * i
        parts.append(f'<rect x="{WIDTH - RIGHT + 12}" y="{y}" width="10" height="10" '
                     f'fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(f'<text x="{WIDTH - RIGHT + 26}" y="{y + 9}">{escape(name[:10])}</text>')
    return parts


def _top(series: Sequence[Series]) -> float:
    return _ceiling(max([v for _, values in series for v in values if v is not None] or [0]))


def bar_chart(title: str, categories: Sequence[str], series: Sequence[Series], unit: str = "万元") -> str:
    """Grouped bars: one group per category (a year), one bar per series, the value above each bar."""
    top = _top(series)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group = plot_w / max(len(categories), 1)
    bar = min(40.0, group * 0.8 / max(len(series), 1))
    parts = _frame(title, top, unit)
    for c, category in enumerate(categories):
        x0 = LEFT + group * c + (group - bar * len(series)) / 2
        for s, (name, values) in enumerate(series):
            value = values[c]
            if value is None:
                continue
            h = plot_h * max(value, 0) / top
            x, y = x0 + bar * s, TOP + plot_h - h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                         f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(name)} {escape(category)}: '
                         f'{value:,.2f}</title></rect>')
            if len(series) * len(categories) <= 12:
                parts.append(f'<text x="{x + bar / 2 - 1:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                             f'font-size="10">{value:,.0f}</text>')
        parts.append(f'<text x="{LEFT + group * (c + 0.5):.1f}" y="{HEIGHT - BOTTOM + 16}" '
                     f'text-anchor="middle">{escape(category)}</text>')
    return "\n".join(parts + _legend(series) + ["</svg>"])


def line_chart(title: str, categories: Sequence[str], series: Sequence[Series], unit: str = "万元") -> str:
    """Lines with a dot per value; a None breaks the line."""
    top = _top(series)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(categories), 1)
    parts = _frame(title, top, unit)
    for c, category in enumerate(categories):
        parts.append(f'<text x="{LEFT + step * (c + 0.5):.1f}" y="{HEIGHT - BOTTOM + 16}" '
                     f'text-anchor="middle">{escape(category)}</text>')
    for s, (name, values) in enumerate(series):
        color = PALETTE[s % len(PALETTE)]
        points: list[str] = []
        for c, value in enumerate(list(values) + [None]):
            if value is None:
                if len(points) > 1:
                    parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" '
                                 f'points="{" ".join(points)}"/>')
                points = []
                continue
            x, y = LEFT + step * (c + 0.5), TOP + plot_h * (1 - max(value, 0) / top)
            points.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}"><title>{escape(name)} '
                         f'{escape(categories[c])}: {value:,.2f}</title></circle>')
            parts.append(f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="10">{value:,.0f}</text>')
    return "\n".join(parts + _legend(series) + ["</svg>"])


def score_chart(title: str, labels: Sequence[str], values: Sequence[float | None], top: float = 100.0,
                unit: str = "分") -> str:
    """Horizontal bars, one per label (a project), on a fixed scale 0…``top``; the score at each bar's end. A label
    without a score gets no bar and says so."""
    row, label_w, plot_w = 22, 300, WIDTH - 300 - 60
    height = TOP + row * max(len(labels), 1) + BOTTOM
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
             f'height="{height}" role="img" aria-label="{escape(title)}" {FONT} font-size="12">']
    for i in range(5):
        x = label_w + plot_w * i / 4
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{height - BOTTOM}" stroke="#ddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - BOTTOM + 16}" text-anchor="middle">{top * i / 4:,.0f}</text>')
    parts.append(f'<text x="{WIDTH - 50}" y="{height - BOTTOM + 16}" font-size="11">{escape(unit)}</text>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + row * i
        short = label if len(label) <= 22 else label[:21] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end"><title>{escape(label)}</title>'
                     f"{escape(short)}</text>")
        if value is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 15}" fill="#777">no score 未评分</text>')
            continue
        w = plot_w * min(max(value, 0), top) / top
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{PALETTE[0]}">'
                     f"<title>{escape(label)}: {value:,.2f}</title></rect>")
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="11">{value:,.2f}</text>')
    return "\n".join(parts + ["</svg>"])
