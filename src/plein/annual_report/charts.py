"""Server-rendered SVG bar charts for the trends, without any script.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (linked with ``aria-labelledby``) that says
in words what the bars show; the page puts a table with the same numbers right below it, so nobody depends on the
picture. Colours are presentation attributes, not inline styles, so the strict CSP holds. WeasyPrint draws the same
SVG in the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 24, 40
BAR_COLOUR = "#1f5c8a"  # contrast 7:1 on white
CURRENT_COLOUR = "#0b3d5c"
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#c8c8c8"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    labels: list[str]
    values: list[int | float | None]
    svg: SafeString


def _nice_max(value: float) -> float:
    """A round top for the axis, so that the four grid steps are whole numbers for counts."""
    if value <= 4:
        return 4
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000, 100000):
        if value <= step * 4:
            return step * 4
    return value


def _fmt(value) -> str:
    if value is None:
        return _("n/a")
    return number_format(
        value, decimal_pos=2 if isinstance(value, float) and not value.is_integer() else None, force_grouping=True
    )


def describe(title: str, labels: list[str], values: list) -> str:
    """The chart in words, for screen readers and for anyone who cannot see the bars."""
    parts = [f"{label}: {_fmt(value)}" for label, value in zip(labels, values, strict=True)]
    known = [(label, v) for label, v in zip(labels, values, strict=True) if v is not None]
    text = _("%(title)s per year. %(values)s.") % {"title": title, "values": "; ".join(parts)}
    if len(known) >= 2:
        first, last = known[0], known[-1]
        if last[1] > first[1]:
            trend = _("Higher than in %(year)s.") % {"year": first[0]}
        elif last[1] < first[1]:
            trend = _("Lower than in %(year)s.") % {"year": first[0]}
        else:
            trend = _("The same as in %(year)s.") % {"year": first[0]}
        text += " " + trend
    return text


def bar_chart(chart_id: str, title: str, labels: list[str], values: list) -> Chart:
    """A bar per label; the last bar (the report's year) is darker. ``None`` draws no bar and says "n/a"."""
    description = describe(title, labels, values)
    top = _nice_max(max([v for v in values if v is not None] or [0]))
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_w / max(len(labels), 1)
    bar_w = slot * 0.6
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ar-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="Noto Sans, DejaVu Sans, sans-serif" font-size="13">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for i in range(5):
        value = top * i / 4
        y = MARGIN_TOP + plot_h - plot_h * i / 4
        out.append(
            f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y:.1f}" stroke="{GRID_COLOUR}" '
            f'stroke-width="1" aria-hidden="true"/>'
        )
        out.append(
            f'<text x="{MARGIN_LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT_COLOUR}" aria-hidden="true">'
            f"{escape(_fmt(int(value) if float(value).is_integer() else value))}</text>"
        )
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = MARGIN_LEFT + slot * i + (slot - bar_w) / 2
        centre = x + bar_w / 2
        last = i == len(labels) - 1
        if value is not None and value > 0:
            h = plot_h * value / top
            y = MARGIN_TOP + plot_h - h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{CURRENT_COLOUR if last else BAR_COLOUR}" aria-hidden="true"/>'
            )
        else:
            y = MARGIN_TOP + plot_h
        out.append(
            f'<text x="{centre:.1f}" y="{y - 6:.1f}" text-anchor="middle" fill="{TEXT_COLOUR}" font-weight="bold" '
            f'aria-hidden="true">{escape(_fmt(value))}</text>'
        )
        out.append(
            f'<text x="{centre:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 20}" text-anchor="middle" fill="{TEXT_COLOUR}" '
            f'aria-hidden="true">{escape(label)}</text>'
        )
    out.append(
        f'<line x1="{MARGIN_LEFT}" y1="{MARGIN_TOP + plot_h}" x2="{WIDTH - MARGIN_RIGHT}" y2="{MARGIN_TOP + plot_h}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="1" aria-hidden="true"/>'
    )
    out.append("</svg>")
    return Chart(chart_id, title, description, labels, list(values), mark_safe("".join(out)))  # noqa: S308 - escaped above
