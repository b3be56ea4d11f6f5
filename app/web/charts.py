"""Server-side SVG charts for the supervisor dashboard: pure Python, no JavaScript.

Why our own: pygal (3.1.3, checked when this was written) puts a `<style>` element, `style=`
attributes and `<script>` tags — one loading its tooltip script from kozea.github.io — into
every chart it renders; our pages' strict CSP refuses all three. These charts draw with SVG
presentation attributes (`fill`, `stroke`) and carry CSS classes (`chart`, `bar`,
`bar-marked`, `axis`, `label`) that a page stylesheet may restyle.

Every chart is `role="img"`, labelled by its `<title>` and `<desc>`; each bar has a `<title>`
(the browser's tooltip, no script needed); every text is XML-escaped. `table_html` gives the
same figures as a table for screen readers and for copying; the `*_chart` helpers return both.
Marked bars (failure demand) differ in fill *and* in a dashed outline, and the legend names
them, so the marking does not rest on colour alone.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence

import msgspec

from app.domain.reports import ContactsToday, OutcomesToday

# Colours with at least 4.5:1 contrast on white; the page stylesheet may override them.
BAR = "#2b6cb0"
MARKED = "#b7410e"
SERIES = ("#2b6cb0", "#b7410e", "#2f855a", "#6b46c1", "#975a16", "#4a5568")
INK = "#1a202c"
GRID = "#a0aec0"

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
# Characters XML 1.0 does not allow even escaped; a label carrying one would break the page.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

LEFT, RIGHT, TOP, BOTTOM = 44, 12, 34, 40


class Series(msgspec.Struct, frozen=True):
    """One named row of values, one value per label."""

    name: str
    values: Sequence[float]


class Chart(msgspec.Struct, frozen=True):
    """A chart and the same figures as a table: show the SVG, offer the table."""

    svg: str
    table: str


def text(value: object) -> str:
    """Safe inside XML/HTML text and double- or single-quoted attributes."""
    return html.escape(_NOT_XML.sub("\ufffd", str(value)), quote=True)


def number(value: float) -> str:
    """12 for 12.0, 0.25 for 0.25: how a figure is read out, in labels and tables."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def _px(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _check(chart_id: str, labels: Sequence[str], series: Sequence[Series]) -> None:
    if not _ID.match(chart_id):
        raise ValueError(f"chart_id {chart_id!r} must be a letter followed by letters, digits, '-' or '_' (it becomes an XML id)")
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(labels)} labels")
        for v in s.values:
            if not math.isfinite(v) or v < 0:
                raise ValueError(f"series {s.name!r}: a bar's value must be a finite number ≥ 0, got {v!r}")


def _height(value: float, top_value: float, plot_h: float) -> float:
    """A bar's height: its share of the largest value (a ratio ≤ 1 first, so a tiny largest
    value cannot overflow), and flat when every value is 0."""
    return plot_h * (value / top_value) if top_value > 0 else 0.0


def _open_svg(chart_id: str, title: str, description: str, width: int, height: int) -> list[str]:
    return [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
            f'font-family="sans-serif" viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        ),
        f'<title id="{chart_id}-title">{text(title)}</title>',
        f'<desc id="{chart_id}-desc">{text(description)}</desc>',
        f'<text class="chart-title" x="{LEFT}" y="20" fill="{INK}" font-size="14" font-weight="bold">{text(title)}</text>',
    ]


def _axes(width: int, height: int, top_value: float) -> list[str]:
    """The baseline, and a gridline with the largest value (0 when every bar is empty)."""
    base = height - BOTTOM
    return [
        f'<g class="axis" font-size="11" fill="{INK}">',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{width - RIGHT}" y2="{TOP}" stroke="{GRID}" stroke-dasharray="2 3"/>',
        f'<line x1="{LEFT}" y1="{base}" x2="{width - RIGHT}" y2="{base}" stroke="{INK}"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{text(number(top_value))}</text>',
        f'<text x="{LEFT - 6}" y="{base + 4}" text-anchor="end">0</text>',
        "</g>",
    ]


def _x_labels(labels: Sequence[str], slot: float, height: int) -> list[str]:
    """Labels under the bars, in a smaller font when long; a label that still does not fit is
    shortened with "…" (the bar's tooltip and the table keep it whole)."""
    longest = max((len(label) for label in labels), default=1)
    size = max(8, min(11, int(slot / (0.62 * max(longest, 1)))))
    fits = max(int(slot / (0.62 * size)), 2)
    out = [f'<g class="label" font-size="{size}" fill="{INK}" text-anchor="middle">']
    for i, label in enumerate(labels):
        shown = label if len(label) <= fits else label[: fits - 1] + "…"
        out.append(f'<text x="{_px(LEFT + slot * (i + 0.5))}" y="{height - BOTTOM + 16}">{text(shown)}</text>')
    out.append("</g>")
    return out


def _legend(entries: Sequence[tuple[str, str, bool]], width: int, height: int) -> list[str]:
    """Swatches with names along the bottom edge: (name, fill, dashed outline)."""
    out = [f'<g class="legend" font-size="11" fill="{INK}">']
    x = LEFT
    for name, fill, dashed in entries:
        outline = f' stroke="{INK}" stroke-dasharray="3 2"' if dashed else ""
        out.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{fill}"{outline}/>')
        out.append(f'<text x="{x + 14}" y="{height - 5}">{text(name)}</text>')
        x += 24 + 7 * len(name)
    out.append("</g>")
    return out


def stacked_bar(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    chart_id: str,
    description: str | None = None,
    width: int = 640,
    height: int = 260,
) -> str:
    """One bar per label, the series stacked bottom-up in order; height ∝ the stack's total."""
    _check(chart_id, labels, series)
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    top_value = max(totals, default=0)
    plot_h = height - TOP - BOTTOM
    slot = (width - LEFT - RIGHT) / max(len(labels), 1)
    bar_w = slot * 0.7
    if description is None:
        description = f"{len(labels)} bars, " + ", ".join(s.name for s in series) + f"; the highest is {number(top_value)}."
    out = _open_svg(chart_id, title, description, width, height)
    out += _axes(width, height, top_value)
    out.append('<g class="bars">')
    for i, label in enumerate(labels):
        y = float(height - BOTTOM)
        x = LEFT + slot * i + (slot - bar_w) / 2
        for k, s in enumerate(series):
            h = _height(s.values[i], top_value, plot_h)
            y -= h
            out.append(
                f'<rect class="bar series-{k}" x="{_px(x)}" y="{_px(y)}" width="{_px(bar_w)}" height="{_px(h)}" '
                f'fill="{SERIES[k % len(SERIES)]}"><title>{text(label)}, {text(s.name)}: {text(number(s.values[i]))}</title></rect>'
            )
    out.append("</g>")
    out += _x_labels(labels, slot, height)
    if len(series) > 1:
        out += _legend([(s.name, SERIES[k % len(SERIES)], False) for k, s in enumerate(series)], width, height)
    out.append("</svg>")
    return "".join(out)


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    chart_id: str,
    marked: Sequence[bool] | None = None,
    marked_name: str = "marked",
    unmarked_name: str = "other",
    description: str | None = None,
    width: int = 640,
    height: int = 260,
) -> str:
    """One bar per label, height ∝ value (all zeros: every bar is flat). `marked` bars (e.g.
    failure demand) get the class `bar-marked`, another fill and a dashed outline, and a legend."""
    _check(chart_id, labels, [Series(title, values)])
    flags = list(marked) if marked is not None else [False] * len(labels)
    if len(flags) != len(labels):
        raise ValueError(f"marked has {len(flags)} flags for {len(labels)} labels")
    top_value = max(values, default=0)
    plot_h = height - TOP - BOTTOM
    slot = (width - LEFT - RIGHT) / max(len(labels), 1)
    bar_w = slot * 0.7
    if description is None:
        pairs = ", ".join(f"{label} {number(v)}" + (f" ({marked_name})" if m else "") for label, v, m in zip(labels, values, flags))
        description = f"{len(labels)} bars: {pairs}." if labels else "No data."
    out = _open_svg(chart_id, title, description, width, height)
    out += _axes(width, height, top_value)
    out.append('<g class="bars">')
    for i, (label, v, m) in enumerate(zip(labels, values, flags)):
        h = _height(v, top_value, plot_h)
        x = LEFT + slot * i + (slot - bar_w) / 2
        extra = f' stroke="{INK}" stroke-dasharray="3 2"' if m else ""
        tip = f"{text(label)}: {text(number(v))}" + (f" ({text(marked_name)})" if m else "")
        out.append(
            f'<rect class="bar{" bar-marked" if m else ""}" x="{_px(x)}" y="{_px(height - BOTTOM - h)}" width="{_px(bar_w)}" '
            f'height="{_px(h)}" fill="{MARKED if m else BAR}"{extra}><title>{tip}</title></rect>'
        )
    out.append("</g>")
    out += _x_labels(labels, slot, height)
    if any(flags):
        out += _legend([(unmarked_name, BAR, False), (marked_name, MARKED, True)], width, height)
    out.append("</svg>")
    return "".join(out)


def table_html(caption: str, label_header: str, labels: Sequence[str], columns: Sequence[tuple[str, Sequence[object]]]) -> str:
    """The chart's figures as an HTML table: one row per label, one column per series."""
    for name, values in columns:
        if len(values) != len(labels):
            raise ValueError(f"column {name!r} has {len(values)} values for {len(labels)} labels")
    head = f'<th scope="col">{text(label_header)}</th>' + "".join(f'<th scope="col">{text(name)}</th>' for name, _ in columns)
    rows = []
    for i, label in enumerate(labels):
        cells = "".join(f"<td>{text(_cell(values[i]))}</td>" for _, values in columns)
        rows.append(f'<tr><th scope="row">{text(label)}</th>{cells}</tr>')
    return (
        f'<table class="chart-table"><caption>{text(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return number(value)
    return str(value)


# ------------------------------------------------------------------------ the dashboard's charts


def contacts_by_hour_chart(contacts: ContactsToday, title: str = "Contacts today by hour") -> Chart:
    """Today's contacts per local hour of day (00–23)."""
    labels = [f"{h:02d}" for h in range(24)]
    svg = bar_chart(title, labels, contacts.by_hour, chart_id="contacts-by-hour")
    return Chart(svg, table_html(title, "Hour", labels, [("Contacts", contacts.by_hour)]))


def outcomes_chart(outcomes: OutcomesToday, title: str = "Outcomes of cases resolved today") -> Chart:
    """Cases per outcome code, failure-demand codes marked."""
    labels = [o.code for o in outcomes.codes]
    counts = [o.count for o in outcomes.codes]
    marks = [o.failure_demand for o in outcomes.codes]
    svg = bar_chart(
        title, labels, counts, chart_id="outcomes", marked=marks, marked_name="failure demand", unmarked_name="value demand"
    )
    return Chart(svg, table_html(title, "Outcome", labels, [("Cases", counts), ("Failure demand", marks)]))


# ------------------------------------------------------------------------------- trend lines


class Line(msgspec.Struct, frozen=True):
    """One named line; None is a gap (no data that week), never drawn as 0."""

    name: str
    values: Sequence[float | None]


# Each line differs by marker shape and dash pattern as well as colour (not by colour alone).
_DASHES = ("", ' stroke-dasharray="6 3"', ' stroke-dasharray="2 3"', ' stroke-dasharray="8 3 2 3"')


def _marker(kind: int, x: float, y: float, fill: str, tip: str) -> str:
    if kind % 3 == 0:
        shape = f'<circle cx="{_px(x)}" cy="{_px(y)}" r="3.5" fill="{fill}">'
        end = "</circle>"
    elif kind % 3 == 1:
        shape = f'<rect x="{_px(x - 3.5)}" y="{_px(y - 3.5)}" width="7" height="7" fill="{fill}">'
        end = "</rect>"
    else:
        shape = f'<polygon points="{_px(x)},{_px(y - 4.5)} {_px(x + 4.5)},{_px(y + 3.5)} {_px(x - 4.5)},{_px(y + 3.5)}" fill="{fill}">'
        end = "</polygon>"
    return f"{shape}<title>{tip}</title>{end}"


def line_chart(
    title: str,
    labels: Sequence[str],
    lines: Sequence[Line],
    *,
    chart_id: str,
    low: float,
    high: float,
    shown: Callable[[float], str] | None = None,
    description: str | None = None,
    width: int = 640,
    height: int = 240,
) -> str:
    """Values over labels (e.g. ISO weeks) on a fixed scale [low, high] — a ratio's 0…1 or
    NPS's −100…100 — so weeks compare at a glance; a None value breaks the line there."""
    if not _ID.match(chart_id):
        raise ValueError(f"chart_id {chart_id!r} must be a letter followed by letters, digits, '-' or '_' (it becomes an XML id)")
    if not (math.isfinite(low) and math.isfinite(high) and high > low):
        raise ValueError(f"the scale must run from a lower to a higher finite value, got {low!r}…{high!r}")
    fmt = shown or number
    for ln in lines:
        if len(ln.values) != len(labels):
            raise ValueError(f"line {ln.name!r} has {len(ln.values)} values for {len(labels)} labels")
        for v in ln.values:
            if v is not None and not (math.isfinite(v) and low <= v <= high):
                raise ValueError(f"line {ln.name!r}: {v!r} is outside {low}…{high}")
    plot_h = height - TOP - BOTTOM
    slot = (width - LEFT - RIGHT) / max(len(labels), 1)
    base = height - BOTTOM

    def y(v: float) -> float:
        return base - plot_h * (v - low) / (high - low)

    if description is None:
        parts = []
        for ln in lines:
            seen = [f"{label} {fmt(v)}" for label, v in zip(labels, ln.values) if v is not None]
            parts.append(f"{ln.name}: " + (", ".join(seen) if seen else "no data"))
        description = "; ".join(parts) + "."
    out = _open_svg(chart_id, title, description, width, height)
    out += [
        f'<g class="axis" font-size="11" fill="{INK}">',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{width - RIGHT}" y2="{TOP}" stroke="{GRID}" stroke-dasharray="2 3"/>',
        f'<line x1="{LEFT}" y1="{base}" x2="{width - RIGHT}" y2="{base}" stroke="{INK}"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{text(fmt(high))}</text>',
        f'<text x="{LEFT - 6}" y="{base + 4}" text-anchor="end">{text(fmt(low))}</text>',
    ]
    if low < 0 < high:
        out.append(f'<line x1="{LEFT}" y1="{_px(y(0))}" x2="{width - RIGHT}" y2="{_px(y(0))}" stroke="{GRID}"/>')
    out.append("</g>")
    out.append('<g class="lines">')
    for k, ln in enumerate(lines):
        colour = SERIES[k % len(SERIES)]
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(ln.values):
            if v is None:
                runs.append([])
            else:
                runs[-1].append((LEFT + slot * (i + 0.5), y(v)))
        for run in runs:
            if len(run) > 1:
                pts = " ".join(f"{_px(px)},{_px(py)}" for px, py in run)
                out.append(
                    f'<polyline class="line series-{k}" points="{pts}" fill="none" stroke="{colour}" stroke-width="2"{_DASHES[k % len(_DASHES)]}/>'
                )
        for i, v in enumerate(ln.values):
            if v is not None:
                out.append(_marker(k, LEFT + slot * (i + 0.5), y(v), colour, f"{text(labels[i])}, {text(ln.name)}: {text(fmt(v))}"))
    out.append("</g>")
    out += _x_labels(labels, slot, height)
    if len(lines) > 1:
        out += _legend([(ln.name, SERIES[k % len(SERIES)], k % len(_DASHES) != 0) for k, ln in enumerate(lines)], width, height)
    out.append("</svg>")
    return "".join(out)
