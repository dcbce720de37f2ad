"""The SVG charts: values in the accessible description, text escaped, shares of the total."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from securecomm.web import charts

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_states_every_value_and_share() -> None:
    svg = charts.bar_chart("Detainers", [("honoured", 3), ("declined", 1)], total=4)
    root = ET.fromstring(str(svg))
    desc = root.find(f"{SVG}desc").text
    assert desc == "honoured: 3 (75%); declined: 1 (25%)"
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert abs(widths[0] - 3 * widths[1]) < 0.2  # drawn to one decimal


def test_funnel_chart_gives_each_stage_its_share_of_the_one_before() -> None:
    svg = str(charts.funnel_chart("F", [("a", 200), ("b", 50), ("c", 25)]))
    assert "25% of the stage before" in svg and "50% of the stage before" in svg


@given(st.lists(st.tuples(st.text(min_size=1, max_size=20), st.integers(0, 10**6)), max_size=8))
def test_any_labels_give_well_formed_svg(values) -> None:
    for svg in (charts.bar_chart("t <&>", values), charts.funnel_chart("t", values)):
        ET.fromstring(str(svg))


def test_stacked_and_line_charts_are_well_formed() -> None:
    stacked = charts.stacked_bar_chart(
        "S", ["L1", "L2"], ["open", "removed"], {"L1": {"open": 2, "removed": 1}, "L2": {}}
    )
    assert "L1: open 2, removed 1 (total 3)" in ET.fromstring(str(stacked)).find(f"{SVG}desc").text
    line = charts.line_chart("M", ["2026-01", "2026-02"], {"matches": [1, 4]})
    assert len(list(ET.fromstring(str(line)).iter(f"{SVG}circle"))) == 2
