"""core/charts.py: well-formed SVG, bars that match the data, no style attributes, a text alternative."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from learnhub.core import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # raises on anything not well-formed


def no_style_anywhere(root: ET.Element) -> bool:
    return all("style" not in element.attrib for element in root.iter()) and \
        not any(element.tag == f"{SVG}style" for element in root.iter())


def test_histogram_bars_match_the_counts():
    labels = [f"{n}0%" for n in range(10)]
    counts = [0, 3, 6, 12, 0, 1, 2, 3, 4, 5]
    chart = charts.histogram("h", "Members by progress", "How many members per step", labels, counts,
                             lambda n: f"{n} members")
    root = parse(chart)
    bars = root.findall(f".//{SVG}rect")
    assert [int(b.get("data-count")) for b in bars] == counts
    heights = [float(b.get("height")) for b in bars]
    assert heights[3] == pytest.approx(charts.PLOT_H)  # the tallest fills the plot
    for count, height in zip(counts, heights, strict=True):
        assert height == pytest.approx(charts.PLOT_H * count / 12, abs=0.01)
    # Bars stand on the axis: y + height is the plot's bottom for every bar.
    for bar in bars:
        assert float(bar.get("y")) + float(bar.get("height")) == pytest.approx(charts.TOP + charts.PLOT_H, abs=0.02)
    assert no_style_anywhere(root)
    assert chart.rows == [(label, f"{n} members") for label, n in zip(labels, counts, strict=True)]


def test_histogram_text_alternative_and_escaping():
    chart = charts.histogram("h1", "成员 <进度>", "说明 & more", ["0–9%"], [2], lambda n: f"{n} 人")
    root = parse(chart)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "h1-title h1-desc"
    assert root.find(f"{SVG}title").text == "成员 <进度>"
    assert root.find(f"{SVG}title").get("id") == "h1-title"
    assert root.find(f"{SVG}desc").text == "说明 & more"
    assert "chart" in root.get("class").split()


def test_histogram_with_no_members_draws_flat_bars():
    chart = charts.histogram("h", "T", "D", ["a", "b"], [0, 0], str)
    heights = [float(b.get("height")) for b in parse(chart).findall(f".//{SVG}rect")]
    assert heights == [0, 0]
    with pytest.raises(ValueError):
        charts.histogram("h", "T", "D", ["a"], [1, 2], str)


def test_step_chart_rises_with_the_share_and_marks_today():
    start, end = date(2026, 9, 1), date(2027, 1, 1)
    points = [(date(2026, 10, 1), 0.25), (date(2026, 11, 1), 0.5), (date(2026, 12, 20), 1.0)]
    chart = charts.step_chart("s", "Complete over the term", "Share by date", start, end, points,
                              lambda d: d.isoformat(), lambda v: f"{v:.0%}", today=date(2026, 12, 1),
                              today_label="Today")
    root = parse(chart)
    assert no_style_anywhere(root)
    path = root.find(f".//{SVG}path").get("d")
    # 0 -> 25% -> 50%; the December point is after today and is not drawn yet.
    ys = [float(part.split("V")[1]) for part in path.split("H")[1:] if "V" in part]
    bottom = charts.TOP + charts.PLOT_H
    assert ys == [pytest.approx(bottom - charts.PLOT_H * 0.25), pytest.approx(bottom - charts.PLOT_H * 0.5)]
    assert root.find(f".//{SVG}line[@class='chart-today']") is not None
    assert chart.rows == [("2026-10-01", "25%"), ("2026-11-01", "50%")]


def test_step_chart_without_completions_still_has_a_row():
    chart = charts.step_chart("s", "T", "D", date(2026, 9, 1), date(2026, 9, 1), [],
                              lambda d: d.isoformat(), lambda v: f"{v:.0%}")
    parse(chart)
    assert chart.rows == [("2026-09-01", "0%")]
