"""Server-rendered SVG charts: no JavaScript library, no inline style (the CSP forbids it).

Every shape carries CSS classes (`chart-*`, styled in static/css/app.css). Labels arrive
already translated (the caller runs them through gettext), so a chart reads the same in
both languages. Each chart has a text alternative: <title> and <desc> referenced by
aria-labelledby on the <svg role="img">, and the caller shows the same figures as a
visually hidden table or a summary sentence beside it (see `Chart.rows`).

The result is Markup, safe to put straight into a template: every text is escaped here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 260
# Room for the axis labels: left for the y ticks, bottom for the x labels.
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


@dataclass
class Chart:
    """An SVG and the figures it draws, for the visually hidden table beside it."""

    svg: Markup
    rows: list[tuple[str, str]] = field(default_factory=list)  # (label, value) as displayed

    def __html__(self) -> str:
        return str(self.svg)


def _num(value: float) -> str:
    """Coordinates with at most two decimals (stable output, small documents)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _open(chart_id: str, title: str, description: str, css_class: str) -> list[str]:
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'preserveAspectRatio="xMidYMid meet">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
    ]


def _y_axis(max_value: float, ticks: list[float], label_for) -> list[str]:
    parts = ['<g class="chart-axis chart-y-axis" aria-hidden="true">']
    for tick in ticks:
        y = TOP + PLOT_H - (tick / max_value) * PLOT_H if max_value else TOP + PLOT_H
        parts.append(f'<line class="chart-grid" x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{_num(y)}" y2="{_num(y)}"/>')
        parts.append(f'<text class="chart-tick" x="{LEFT - 6}" y="{_num(y + 4)}" text-anchor="end">'
                     f'{escape(label_for(tick))}</text>')
    parts.append(f'<line class="chart-axis-line" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + PLOT_H}"/>')
    parts.append(f'<line class="chart-axis-line" x1="{LEFT}" x2="{LEFT + PLOT_W}" '
                 f'y1="{TOP + PLOT_H}" y2="{TOP + PLOT_H}"/>')
    parts.append("</g>")
    return parts


def bar_height(count: int, max_count: int) -> float:
    """The drawn height of a bar: proportional to its count, the tallest filling the plot."""
    return round(PLOT_H * count / max_count, 2) if max_count else 0.0


def _count_ticks(max_count: int) -> list[int]:
    if max_count <= 0:
        return [0]
    step = max(1, -(-max_count // 4))  # about four grid lines, whole numbers
    return list(range(0, max_count + 1, step)) + ([max_count] if max_count % step else [])


def histogram(chart_id: str, title: str, description: str, bucket_labels: list[str],
              counts: list[int], count_label) -> Chart:
    """Vertical bars, one per bucket (e.g. members by percent in 10-point buckets).

    `count_label(n)` formats a count for the hidden table and the bars' tooltips (translated
    by the caller, e.g. ngettext "%(num)d member").
    """
    if len(bucket_labels) != len(counts):
        raise ValueError("one label per bucket")
    top = max(counts, default=0)
    parts = _open(chart_id, title, description, "chart-histogram")
    parts += _y_axis(top, _count_ticks(top), lambda t: str(int(t)))
    slot = PLOT_W / max(1, len(counts))
    gap = min(6.0, slot * 0.2)
    parts.append('<g class="chart-bars">')
    for index, (label, count) in enumerate(zip(bucket_labels, counts, strict=True)):
        height = bar_height(count, top)
        x = LEFT + index * slot + gap / 2
        y = TOP + PLOT_H - height
        parts.append(f'<rect class="chart-bar" x="{_num(x)}" y="{_num(y)}" width="{_num(slot - gap)}" '
                     f'height="{_num(height)}" data-count="{count}">'
                     f'<title>{escape(label)}: {escape(count_label(count))}</title></rect>')
    parts.append("</g>")
    parts.append('<g class="chart-axis chart-x-axis" aria-hidden="true">')
    for index, label in enumerate(bucket_labels):
        x = LEFT + index * slot + slot / 2
        parts.append(f'<text class="chart-tick chart-x-tick" x="{_num(x)}" y="{TOP + PLOT_H + 16}" '
                     f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</g></svg>")
    rows = [(label, count_label(count)) for label, count in zip(bucket_labels, counts, strict=True)]
    return Chart(Markup("".join(parts)), rows)


def step_chart(chart_id: str, title: str, description: str, start: date, end: date,
               points: list[tuple[date, float]], date_label, value_label,
               today: date | None = None, today_label: str = "") -> Chart:
    """A rising step line of a share (0..1) over [start, end], e.g. members complete by date.

    `points` are (day, share from that day on), in day order; before the first point the
    share is 0. `date_label(day)` and `value_label(share)` format the axis and table texts.
    A dashed vertical line marks `today` when it falls inside the term.
    """
    span = max(1, (end - start).days)

    def x_of(day: date) -> float:
        offset = min(max((day - start).days, 0), span)
        return LEFT + PLOT_W * offset / span

    def y_of(share: float) -> float:
        return TOP + PLOT_H - PLOT_H * min(max(share, 0.0), 1.0)

    parts = _open(chart_id, title, description, "chart-step")
    parts += _y_axis(1.0, [0, 0.25, 0.5, 0.75, 1.0], value_label)
    last_day = min(today, end) if today and today >= start else end
    path = [f"M{_num(x_of(start))},{_num(y_of(0))}"]
    share = 0.0
    for day, value in points:
        if day > last_day:
            break
        path.append(f"H{_num(x_of(day))}V{_num(y_of(value))}")
        share = value
    path.append(f"H{_num(x_of(last_day))}")
    parts.append(f'<path class="chart-line" d="{"".join(path)}"/>')
    if today and start <= today <= end:
        x = _num(x_of(today))
        parts.append(f'<line class="chart-today" x1="{x}" x2="{x}" y1="{TOP}" y2="{TOP + PLOT_H}">'
                     f'<title>{escape(today_label)}</title></line>')
    parts.append('<g class="chart-axis chart-x-axis" aria-hidden="true">')
    for day, anchor in ((start, "start"), (end, "end")):
        parts.append(f'<text class="chart-tick chart-x-tick" x="{_num(x_of(day))}" y="{TOP + PLOT_H + 16}" '
                     f'text-anchor="{anchor}">{escape(date_label(day))}</text>')
    parts.append("</g></svg>")
    rows = [(date_label(day), value_label(value)) for day, value in points if day <= last_day]
    if not rows or rows[-1][1] != value_label(share):
        rows.append((date_label(last_day), value_label(share)))
    return Chart(Markup("".join(parts)), rows)
