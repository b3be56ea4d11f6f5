"""The dashboard's weekly trend: the KPI report per ISO week (app.services.kpis.weekly) as line
charts, each with its table, in the page's language. FCR is drawn twice on one chart: measured
(the 7-day rule) and as the patients reported it in the survey."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.domain.kpis import WeeklyKpis
from app.web import charts
from app.web.i18n import Lang

DASHBOARD_WEEKS = 8  # at a year of a region, a week costs ~¼ of a monthly report


def _percent(value: float | None, lang: Lang) -> str:
    if value is None:
        return "–"
    shown = f"{value * 100:.1f}"
    return f"{shown}%" if lang == "en" else f"{shown.replace('.', ',')} %"


def _plain(value: float | None, lang: Lang) -> str:
    if value is None:
        return "–"
    shown = charts.number(round(value, 2))
    return shown if lang == "en" else shown.replace(".", ",")


def _chart(
    key: str, title: str, weeks: list[str], lines: Sequence[charts.Line], low: float, high: float,
    fmt: Callable[[float | None], str], t: dict[str, str],
) -> charts.Chart:
    svg = charts.line_chart(title, weeks, lines, chart_id=f"trend-{key}", low=low, high=high, shown=lambda v: fmt(v))
    table = charts.table_html(title, t["trend.week"], weeks, [(ln.name, [fmt(v) for v in ln.values]) for ln in lines])
    return charts.Chart(svg, table)


def trend_charts(report: WeeklyKpis, lang: Lang, t: dict[str, str]) -> dict[str, charts.Chart]:
    weeks = [w.week or "" for w in report.weeks]
    ws = report.weeks

    def pct(v: float | None) -> str:
        return _percent(v, lang)

    def plain(v: float | None) -> str:
        return _plain(v, lang)

    return {
        "same_day": _chart(
            "same-day", t["trend.same_day"], weeks, [charts.Line(t["trend.same_day"], [w.callbacks.same_day_ratio for w in ws])],
            0, 1, pct, t,
        ),
        "fcr": _chart(
            "fcr", t["trend.fcr"], weeks,
            [charts.Line(t["trend.fcr_measured"], [w.fcr_ratio for w in ws]), charts.Line(t["trend.fcr_reported"], [w.fcr_reported_ratio for w in ws])],
            0, 1, pct, t,
        ),
        "failure": _chart(
            "failure", t["trend.failure"], weeks, [charts.Line(t["trend.failure"], [w.failure_demand_ratio for w in ws])], 0, 1, pct, t,
        ),
        "nps": _chart("nps", t["trend.nps"], weeks, [charts.Line(t["trend.nps"], [w.nps.score for w in ws])], -100, 100, plain, t),
        "continuity": _chart(
            "continuity", t["trend.continuity"], weeks,
            [
                charts.Line(t["trend.nurse"], [w.continuity["nurse"].coc for w in ws]),
                charts.Line(t["trend.doctor"], [w.continuity["doctor"].coc for w in ws]),
            ],
            0, 1, plain, t,
        ),
    }
