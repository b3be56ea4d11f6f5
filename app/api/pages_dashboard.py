"""The supervisor dashboard page: what waits now and how today has gone, rendered on the server.

The figures are `app.services.reports.dashboard`'s, the same the API serves, so page and API never
disagree; this module only turns them into texts in the page's language and into the charts of
`app.web.charts` (the one markup inserted unescaped: that module escapes every text itself). The
page reads without JavaScript; `dashboard.js` reloads the figures when `/api/live` says something
changed and records absences through `POST /api/absences`; without it, the absence forms post
here (`/dashboard/absences`) and come back to the page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, tzinfo
from typing import Annotated, Any

from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from app.api.pages import (
    LangParam,
    professional_page,
    page_language,
    language_links,
    page_session,
    to_login,
    csrf_refused,
)
from app.domain.access import SUPERVISING_ROLES
from app.api.cases import day_or_time
from app.domain.errors import Forbidden, NotFound, ServiceError
from app.security.session import form_token_ok
from app.domain.region import Professional
from app.domain.reports import Dashboard
from app.hub import Hub
from app.services import kpis, patients, presence, reports
from app.web import charts
from app.web.trend_charts import DASHBOARD_WEEKS, trend_charts
from app.web.i18n import TEXTS, Lang

YEAR = "%d.%m.%Y %H:%M"  # absences may run into next year; today's figures do not
UnitParam = Annotated[str | None, Parameter(query="unit", max_length=64)]


def duration(seconds: int | None, t: dict[str, str]) -> str:
    """'12 min', '3 h 05 min', '2 pv 4 h' — as the inbox writes due times; '–' when nothing waits."""
    if seconds is None:
        return "–"
    minutes = seconds // 60
    if minutes < 1:
        return "< 1 min"  # "0 min" would read as nobody waiting
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h {minutes % 60:02d} min"
    return f"{hours // 24} {t['unit.days']} {hours % 24} h"


def percent(value: float | None, lang: Lang) -> str:
    """'25,0 %' in Finnish and Swedish, '25.0%' in English; '–' when there was nothing to divide."""
    if value is None:
        return "–"
    shown = f"{value * 100:.1f}"
    return f"{shown}%" if lang == "en" else f"{shown.replace('.', ',')} %"


def local_time(moment: datetime | None, tz: tzinfo, fmt: str = "%d.%m. %H:%M") -> str:
    return moment.astimezone(tz).strftime(fmt) if moment else "–"


def describe(labels: list[str], values: list[int], marks: list[bool], t: dict[str, str]) -> str:
    """A chart's description in the page's language, read out with its title: the total and
    each bar that is not zero (24 hours of zeros read aloud help nobody)."""
    pairs = [f"{label}: {v}" + (f" ({t['dash.failure_demand']})" if m else "") for label, v, m in zip(labels, values, marks) if v]
    return t["dash.chart_desc"].format(total=sum(values), pairs="; ".join(pairs)) if pairs else t["dash.chart_zero"]


def _charts(data: Dashboard, hub: Hub, lang: Lang, t: dict[str, str]) -> dict[str, charts.Chart]:
    """The three charts of "today", each with its table, titled and labelled in the page's language."""
    today = data.today
    channels = list(today.contacts.by_channel)
    channel_labels = [t.get(f"channel.{c}", c) for c in channels]
    channel_counts = list(today.contacts.by_channel.values())
    hours = [f"{h:02d}" for h in range(24)]
    outcome_labels = [
        getattr(hub.region.outcome_by_code[o.code].label, lang) if o.code in hub.region.outcome_by_code else o.code
        for o in today.outcomes.codes
    ]
    counts = [o.count for o in today.outcomes.codes]
    marks = [o.failure_demand for o in today.outcomes.codes]
    yes_no = [t["dash.yes"] if m else t["dash.no"] for m in marks]
    return {
        "channels": charts.Chart(
            charts.bar_chart(
                t["dash.by_channel"], channel_labels, channel_counts, chart_id="contacts-by-channel", height=220,
                description=describe(channel_labels, channel_counts, [False] * len(channels), t),
            ),
            charts.table_html(t["dash.by_channel"], t["col.channel"], channel_labels, [(t["dash.contacts"], channel_counts)]),
        ),
        "hours": charts.Chart(
            charts.bar_chart(
                t["dash.by_hour"], hours, today.contacts.by_hour, chart_id="contacts-by-hour",
                description=describe([t["dash.at_hour"].format(h=h) for h in hours], today.contacts.by_hour, [False] * 24, t),
            ),
            charts.table_html(t["dash.by_hour"], t["dash.hour"], hours, [(t["dash.contacts"], today.contacts.by_hour)]),
        ),
        "outcomes": charts.Chart(
            charts.bar_chart(
                t["dash.outcomes"], outcome_labels, counts, chart_id="outcomes", marked=marks,
                marked_name=t["dash.failure_demand"], unmarked_name=t["dash.value_demand"], height=280,
                description=describe(outcome_labels, counts, marks, t),
            ),
            charts.table_html(
                t["dash.outcomes"], t["dash.outcome"], outcome_labels, [(t["dash.cases"], counts), (t["dash.failure_demand"], yes_no)]
            ),
        ),
    }


def _page(request: Request[Any, Any, Any], who: Professional, lang: Lang, context: dict[str, Any], status: int = 200) -> Template:
    cookies = context.pop("_cookies", [])
    return professional_page(request, "dashboard.html", who, lang, "/dashboard", context, cookies, status)


class AbsenceForm(msgspec.Struct):
    """The dashboard's absence form as a browser posts it without JavaScript."""

    professional: Annotated[str, msgspec.Meta(max_length=64)] = ""
    from_: Annotated[str, msgspec.Meta(max_length=40)] = msgspec.field(default="", name="from")
    to: Annotated[str, msgspec.Meta(max_length=40)] = ""
    substitute: Annotated[str, msgspec.Meta(max_length=64)] = ""
    unit: Annotated[str, msgspec.Meta(max_length=64)] = ""
    csrf_token: Annotated[str, msgspec.Meta(max_length=128)] = ""


class EndAbsenceForm(msgspec.Struct):
    unit: Annotated[str, msgspec.Meta(max_length=64)] = ""
    csrf_token: Annotated[str, msgspec.Meta(max_length=128)] = ""


FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)
NOTICES = {"absence-saved": "dash.saved", "absence-ended": "dash.absence_ended"}
NoticeParam = Annotated[str | None, Parameter(query="done", max_length=32)]


async def _render(
    request: Request[Any, Any, Any], hub: Hub, who: Professional, unit: str | None, lang: LangParam,
    notice: str = "", status: int = 200,
) -> Response[Any]:
    """The unit's dashboard for its supervisor (any unit for an admin); anyone else gets a 403
    page rather than an empty one, so a nurse following a link learns why. `notice` is the
    answer to a form just sent (saved, or what was wrong), shown beside the absence form."""
    chosen, cookies = page_language(request, lang)
    t = TEXTS[chosen]
    unit = unit or who.unit
    base = {"_cookies": cookies, "languages": language_links(chosen, "/dashboard", {"unit": unit}), "page": "dashboard"}
    try:
        data = await reports.dashboard(hub, who, unit)
    except Forbidden:
        return _page(request, who, chosen, {**base, "error": t["dash.forbidden"]}, status=403)
    except NotFound:
        return _page(request, who, chosen, {**base, "error": t["dash.no_unit"]}, status=404)
    roster = await presence.unit_presence(hub, who, unit) if who.role == "admin" or who.unit == unit else []
    trend = await kpis.weekly_for_dashboard(hub, who, unit, DASHBOARD_WEEKS)
    absences = await patients.list_absences(hub, who)
    names = {p.id: p.name for p in hub.region.professionals}
    tz = hub.tz
    return _page(
        request,
        who,
        chosen,
        {
            **base,
            "unit": hub.region.unit_by_id[unit],
            "units": hub.region.units if who.role == "admin" else [],
            "data": data,
            "charts": _charts(data, hub, chosen, t),
            "oldest": {q.kind: duration(q.oldest_unclaimed_s, t) for q in data.now.queues},
            "callbacks_ratio": percent(data.today.callbacks.within_promise_ratio, chosen),
            "failure_ratio": percent(data.today.outcomes.failure_demand_ratio, chosen),
            "overflow_ratio": percent(data.today.overflow.ratio, chosen),
            "generated": local_time(data.generated_at, tz),
            "due": {a.id: local_time(a.due_at, tz) for a in [*data.now.emergencies, *data.now.overdue]},
            "roster": roster,
            "since": {e.professional.id: local_time(e.since, tz) for e in roster},
            "absences": absences,
            "absence_times": {a.id: (local_time(a.starts_at, tz, YEAR), local_time(a.ends_at, tz, YEAR)) for a in absences},
            "names": names,
            "colleagues": [p for p in hub.region.professionals if p.unit == unit and p.role not in SUPERVISING_ROLES],
            "substitutes": [p for p in hub.region.professionals if p.unit == unit],
            "notice": notice,
            "error_texts": msgspec.json.encode({k: v for k, v in t.items() if k.startswith("err.")}).decode(),
            "trend": trend,
            "trend_charts": trend_charts(trend, chosen, t),
            "trend_fcr": (percent(trend.weeks[-1].fcr_ratio, chosen), percent(trend.weeks[-1].fcr_reported_ratio, chosen)),
            "trend_csv": "/api/reports/kpis/weekly?" + urlencode({"unit": unit, "weeks": DASHBOARD_WEEKS, "format": "csv"}),
        },
        status=status,
    )


async def _form(
    request: Request[Any, Any, Any], hub: Hub, token: str, unit: str, act: Callable[[Hub, Professional], Awaitable[None]], done: str
) -> Response[Any]:
    """A dashboard form sent without JavaScript: the session and its CSRF token checked, the act
    done, and the page back — redirected with `done` on success, or again with what was wrong
    (in the page's language, with the API's reason) and its status."""
    who = await page_session(hub, request)
    if who is None:
        return to_login("/dashboard")
    if not form_token_ok(request.cookies, token):
        return csrf_refused()
    unit = unit or who.unit
    try:
        await act(hub, who)
    except ServiceError as exc:
        chosen, _ = page_language(request, None)
        notice = refusal(TEXTS[chosen], exc)
        return await _render(request, hub, who, unit, None, notice, status=exc.status_code)
    return _back(unit, done)


def refusal(t: dict[str, str], exc: ServiceError) -> str:
    """Why a form was refused, in the page's language: the sentence for the error's code, or the
    generic one with the API's own detail for a code the page has no sentence for."""
    code = exc.extra.get("code")
    return t.get(f"err.{code}") or t["dash.save_failed"].replace("{e}", exc.detail)


def _back(unit: str, done: str) -> Redirect:
    """Post/redirect/get: a reload does not send the form twice."""
    return Redirect(f"/dashboard?{urlencode({'unit': unit, 'done': done})}", status_code=303, headers={"Cache-Control": "no-store"})


class DashboardPageController(Controller):
    include_in_schema = False

    @get("/dashboard")
    async def dashboard(
        self, request: Request[Any, Any, Any], state: State, unit: UnitParam = None, lang: LangParam = None, done: NoticeParam = None
    ) -> Response[Any]:
        hub: Hub = state.hub
        who = await page_session(hub, request)
        if who is None:
            return to_login(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        chosen, _ = page_language(request, lang)
        notice = TEXTS[chosen][NOTICES[done]] if done in NOTICES else ""
        return await _render(request, hub, who, unit, lang, notice)

    @post("/dashboard/absences", status_code=303)
    async def record_absence(
        self, request: Request[Any, Any, Any], state: State, data: Annotated[AbsenceForm, FormBody]
    ) -> Response[Any]:
        """The absence form without JavaScript (with it, dashboard.js posts to /api/absences)."""

        async def record(hub: Hub, who: Professional) -> None:
            start, end = day_or_time("from", data.from_), day_or_time("to", data.to)
            await patients.add_absence(hub, who, data.professional, start, end, data.substitute or None)

        return await _form(request, state.hub, data.csrf_token, data.unit, record, "absence-saved")

    @post("/dashboard/absences/{absence_id:str}/end", status_code=303)
    async def end_absence(
        self, request: Request[Any, Any, Any], state: State, absence_id: str, data: Annotated[EndAbsenceForm, FormBody]
    ) -> Response[Any]:
        async def end(hub: Hub, who: Professional) -> None:
            await patients.end_absence(hub, who, absence_id)

        return await _form(request, state.hub, data.csrf_token, data.unit, end, "absence-ended")
