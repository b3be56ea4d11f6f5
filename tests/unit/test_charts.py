"""The dashboard's SVG charts: well-formed, CSP-safe, escaped, accessible, proportional."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.reports import ContactsToday, OutcomeCount, OutcomesToday
from app.web.charts import Series, bar_chart, contacts_by_hour_chart, outcomes_chart, stacked_bar, table_html

SVG = "{http://www.w3.org/2000/svg}"
NASTY = '<b>&"'


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def csp_safe(markup: str) -> None:
    lowered = markup.lower()
    assert "<script" not in lowered and "style=" not in lowered and "<style" not in lowered
    assert "javascript:" not in lowered and not re.search(r"\son[a-z]+\s*=", lowered)  # no event handlers


def bars(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}rect") if "bar" in e.get("class", "").split()]


def test_a_bar_chart_is_labelled_escaped_and_safe_under_a_strict_csp():
    svg = bar_chart(NASTY, [NASTY, "b"], [3, 1], chart_id="c1")
    csp_safe(svg)
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    title = root.find(f"{SVG}title")
    assert title is not None and title.get("id") == "c1-title" and title.text == NASTY
    assert root.find(f"{SVG}desc") is not None
    assert "<b>" not in svg and "&lt;b&gt;&amp;&quot;" in svg
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert NASTY in labels


def test_bar_heights_are_proportional_to_the_values():
    root = parse(bar_chart("t", ["a", "b", "c", "d"], [4, 2, 1, 0], chart_id="c"))
    heights = [float(b.get("height", "nan")) for b in bars(root)]
    assert heights[0] > 0
    assert [h / heights[0] for h in heights] == pytest.approx([1, 0.5, 0.25, 0], abs=1e-3)
    # bars stand on the same baseline
    assert len({round(float(b.get("y", "0")) + float(b.get("height", "0")), 1) for b in bars(root)}) == 1


def test_marked_bars_differ_by_more_than_colour_and_have_a_legend():
    svg = bar_chart("t", ["ADVICE", "OTHER_UNIT"], [2, 1], chart_id="o", marked=[False, True], marked_name="failure demand")
    root = parse(svg)
    plain, marked = bars(root)
    assert "bar-marked" in (marked.get("class") or "") and marked.get("stroke-dasharray")
    assert plain.get("fill") != marked.get("fill") and plain.get("stroke-dasharray") is None
    assert "failure demand" in [t.text for t in root.iter(f"{SVG}text")]


def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="3 values for 2 labels"):
        bar_chart("t", ["a", "b"], [1, 2, 3], chart_id="c")
    with pytest.raises(ValueError, match="≥ 0"):
        bar_chart("t", ["a"], [-1], chart_id="c")
    with pytest.raises(ValueError, match="finite"):
        bar_chart("t", ["a"], [float("nan")], chart_id="c")
    with pytest.raises(ValueError, match="XML id"):
        bar_chart("t", ["a"], [1], chart_id='x" onload="alert(1)')


@given(st.lists(st.integers(0, 10_000) | st.floats(0, 1e6), max_size=40))
def test_any_series_renders_even_all_zero_or_empty(values):  # type: ignore[no-untyped-def]
    labels = [f"l{i}" for i in range(len(values))]
    svg = bar_chart("t", labels, values, chart_id="h")
    csp_safe(svg)
    root = parse(svg)
    heights = [float(b.get("height", "nan")) for b in bars(root)]
    assert len(heights) == len(values) and all(h >= 0 for h in heights)
    top = max(values, default=0)
    if top == 0:
        assert all(h == 0 for h in heights)
    else:
        tallest = max(heights)
        for h, v in zip(heights, values):
            assert h == pytest.approx(tallest * v / top, abs=0.02)


@given(st.text(max_size=30))
def test_any_label_text_stays_well_formed(label):  # type: ignore[no-untyped-def]
    svg = bar_chart(label, [label], [1], chart_id="t")
    parse(svg)
    ET.fromstring(f"<div>{table_html(label, label, [label], [(label, [1])])}</div>")


def test_stacked_bars_stack_their_series_in_proportion():
    svg = stacked_bar("By hour", ["08", "09"], [Series("phone", [2, 1]), Series("chat", [2, 0])], chart_id="s")
    csp_safe(svg)
    root = parse(svg)
    rects = bars(root)
    h = [float(r.get("height", "nan")) for r in rects]  # 08 phone, 08 chat, 09 phone, 09 chat
    assert h[0] == pytest.approx(h[1]) and h[0] == pytest.approx(2 * h[2]) and h[3] == 0
    assert float(rects[1].get("y", "0")) + h[1] == pytest.approx(float(rects[0].get("y", "0")))  # chat on top of phone
    assert {"phone", "chat"} <= {t.text for t in root.iter(f"{SVG}text")}
    flat = parse(stacked_bar("none", ["a"], [Series("x", [0])], chart_id="z"))
    assert [r.get("height") for r in bars(flat)] == ["0"]


def test_table_view_has_caption_headers_and_escaped_cells():
    markup = table_html(NASTY, "Outcome", [NASTY, "ADVICE"], [("Cases", [1, 2]), ("Failure demand", [True, False])])
    table = ET.fromstring(markup)
    assert table.find("caption") is not None and table.find("caption").text == NASTY  # type: ignore[union-attr]
    assert [th.get("scope") for th in table.iter("th")][:3] == ["col", "col", "col"]
    rows = table.findall("./tbody/tr")
    assert [[c.text for c in row] for row in rows] == [[NASTY, "1", "yes"], ["ADVICE", "2", "no"]]


def test_the_dashboards_two_charts():
    hours = [0] * 24
    hours[8], hours[9] = 3, 1
    contacts = contacts_by_hour_chart(ContactsToday(total=4, by_channel={"phone": 4}, by_hour=hours))
    root = parse(contacts.svg)
    assert len(bars(root)) == 24 and "<td>3</td>" in contacts.table
    outcomes = outcomes_chart(
        OutcomesToday(
            resolved=3,
            failure_demand=1,
            failure_demand_ratio=0.3333,
            codes=[OutcomeCount("ADVICE", 2, False), OutcomeCount("PROGRESS_QUERY", 1, True)],
        )
    )
    marked = [b for b in bars(parse(outcomes.svg)) if "bar-marked" in (b.get("class") or "")]
    assert len(marked) == 1 and "failure demand" in (marked[0].findtext(f"{SVG}title") or "")
    csp_safe(contacts.svg + contacts.table + outcomes.svg + outcomes.table)
