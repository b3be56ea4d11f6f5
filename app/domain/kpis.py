"""The KPI report (SPEC §13, API.md "KPI report shape"), computed from plain rows.

Extends the dashboard's figures (app/domain/reports.py: `ratio`, `day_bounds`, outcome codes)
to any local date range and to ISO weeks. The reads (app/db/kpis.py) bring one period's inputs:
grouped counts where a figure needs only counts (a year of a region is ≈1 M cases, so a month's
contacts are not fetched one by one), rows where it needs each case's times; everything divided,
percentiled or judged (FCR, the due day, continuity) happens here.

Definitions (also in docs/api.md):

- A row belongs to the period by one moment, in the region's time zone: a contact by when it was
  received, a callback and a case by when it was opened, a resolution by when it was resolved,
  a survey answer by when it was given, a chat by when it began.
- **Callbacks**: phone cases opened in the period (a case merged into another matter is left out:
  its contact is called back on the matter it joined). The *due day* is the local date of the
  first promise (`promised_at`, else `due_at`): a request after closing is due the next working
  morning (SPEC §8), so "same working day" means the first attempt came no later than the end of
  the due day. *Within due*: first attempt at or before the first promise. Delay = request →
  first attempt; p50/p90 by nearest rank over callbacks attempted.
- **FCR (7-day rule)**: of cases resolved with an outcome in the period, those resolved by the
  first professional who handled them, with no handover and one inbound contact, and with no new
  contact by the same patient (any unit, any channel) within 7 days after the resolution. A
  later contact withdraws FCR whenever the report is run; `fcr_pending` counts FCR cases whose
  7 days have not yet passed (the figure may still fall). A caller never identified cannot be
  followed: their case is judged by the first three conditions only.
- **Handling time**: the last claim → resolution (the resolver's own handling), median.
- **Informed**: of resolutions where "the patient knows how it continues" was recorded.
- **Live answer (chat)**: chats first claimed before the visitor left (the leave message the chat
  records); a visitor who closed the browser without leaving leaves no trace, so their chat
  counts as live if and when it was claimed.
- **NPS**: 100 × (promoters − detractors) / responses, −100…100. **Reported FCR**: share of
  "was your matter solved" answers that were yes.
- **Continuity** per professional type (nurse — coordinators are nurses —, doctor): each contact
  of the period whose case was handled is attributed to its handler: who resolved it with an
  outcome, else the first professional who claimed it. Over patients with ≥ 3 such contacts of
  that type: Bice-Boxerman COC = (Σ nᵢ² − N) / (N (N − 1)) and UPC = max nᵢ / N, averaged.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

import msgspec

from app.domain.common import CHANNELS
from app.domain.errors import Invalid
from app.domain.outcomes import first_contact_resolution, nps, nps_band
from app.domain.region import Region
from app.domain.reports import OVERFLOW_REASON, day_bounds, ratio

FCR_WINDOW = timedelta(days=7)
MAX_DAYS = 366  # one report covers at most a year (a longer range is a weekly trend's job)
MAX_WEEKS = 104
DEFAULT_WEEKS = 8
CONTINUITY_MIN_CONTACTS = 3
# Which professional type a role counts as for continuity of care.
CONTINUITY_TYPES: dict[str, str] = {"nurse": "nurse", "coordinator": "nurse", "doctor": "doctor"}
REGION = "all"  # the unit of a region-wide report

# ------------------------------------------------------------------------------ rows (inputs)


class ContactGroup(msgspec.Struct, frozen=True, array_like=True):
    """How many contacts of the period came by a channel and line, to a case routed for a reason,
    joining an open matter or not (the reads group; the rules here decide what each group is)."""

    channel: str
    line: int | None
    routing_reason: str | None
    merged: bool
    n: int


class HandledGroup(msgspec.Struct, frozen=True, array_like=True):
    """A patient's contacts of the period handled by one professional (see `continuity`)."""

    patient_id: str
    handler: str
    n: int


class KpiCallback(msgspec.Struct, frozen=True, array_like=True):
    """A phone case: opened (`at`), due, first promised (if carried over) and first attempted."""

    at: datetime
    due_at: datetime
    promised_at: datetime | None
    first_callback_at: datetime | None


class KpiResolved(msgspec.Struct, frozen=True, array_like=True):
    """A case resolved with an outcome; `next_contact_at` is the patient's first contact after it."""

    at: datetime
    outcome: str
    handovers: int
    contacts_count: int
    first_handler: str | None
    resolved_by: str | None
    patient_id: str | None
    next_contact_at: datetime | None
    claimed_at: datetime | None
    patient_informed: bool | None
    care_pathway: str | None


class KpiSurvey(msgspec.Struct, frozen=True, array_like=True):
    at: datetime
    nps: int
    solved: bool | None
    knows_how_continues: bool | None


class KpiChat(msgspec.Struct, frozen=True, array_like=True):
    """A chat session: begun (`at`), first claimed, and when the visitor left (if they said so)."""

    at: datetime
    first_claimed_at: datetime | None
    left_at: datetime | None


class KpiRows(msgspec.Struct, frozen=True):
    """One period's inputs: grouped counts where a figure needs only counts, rows where it needs
    each case's times (percentiles, the local due day, the 7-day rule)."""

    contacts: Sequence[ContactGroup]
    handled: Sequence[HandledGroup]  # only patients with ≥ CONTINUITY_MIN_CONTACTS handled contacts
    callbacks: Sequence[KpiCallback]
    opened: int
    resolved: Sequence[KpiResolved]
    surveys: Sequence[KpiSurvey]
    chats: Sequence[KpiChat]
    pathway_attachments: Mapping[str, int] = msgspec.field(default_factory=dict)  # care pathways given, per pathway


# --------------------------------------------------------------------------- figures (output)


class Contacts(msgspec.Struct, frozen=True):
    total: int
    by_channel: dict[str, int]
    by_line: dict[str, int]


class Callbacks(msgspec.Struct, frozen=True):
    total: int
    same_day_ratio: float | None
    within_due_ratio: float | None
    delay_p50_s: int | None
    delay_p90_s: int | None
    attempted: int  # additive: callbacks with a first attempt (the delays' population)


class Cases(msgspec.Struct, frozen=True):
    opened: int
    resolved: int
    merged_contacts: int


class Nps(msgspec.Struct, frozen=True):
    responses: int
    score: float | None
    promoters: int  # additive
    detractors: int  # additive


class Continuity(msgspec.Struct, frozen=True):
    coc: float | None
    upc: float | None
    patients: int


class LiveAnswer(msgspec.Struct, frozen=True):
    chats: int
    answered_live: int
    ratio: float | None


class Kpis(msgspec.Struct, frozen=True, omit_defaults=True):
    """API.md's shape first, then additive fields (documented in docs/api.md). Only `week` has a
    default, so only it is omitted (outside a weekly trend); a ratio with no data is null."""

    unit: str
    from_: date = msgspec.field(name="from")
    to: date
    contacts: Contacts
    callbacks: Callbacks
    cases: Cases
    fcr_ratio: float | None
    failure_demand_ratio: float | None
    overflow_ratio: float | None
    informed_ratio: float | None
    outcomes: dict[str, int]
    nps: Nps
    continuity: dict[str, Continuity]
    # additive
    timezone: str
    fcr_reported_ratio: float | None
    fcr_pending: int
    failure_demand_by_code: dict[str, int]
    handling_time_p50_s: int | None
    live_answer: LiveAnswer
    care_pathways: dict[str, int]  # resolved cases per care pathway chosen on resolving
    care_pathway_attachments: dict[str, int]  # patients given each care pathway in the period (SPEC §13; additive)
    week: str | None = None  # the ISO week of a weekly trend's item (omitted otherwise)


class WeeklyKpis(msgspec.Struct, frozen=True):
    unit: str
    timezone: str
    weeks: list[Kpis]  # oldest first; the last is the current week, still under way


# ------------------------------------------------------------------------------------ periods


def parse_period(from_: str | None, to: str | None, today: date) -> tuple[date, date]:
    """An inclusive local date range; both default to today (from defaults to to)."""

    def day(name: str, value: str | None, default: date) -> date:
        if value is None or value == "":
            return default
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise Invalid(f"{name!r} is not a date YYYY-MM-DD: {value[:20]!r}") from None

    end = day("to", to, today)
    start = day("from", from_, end)
    if start > end:
        raise Invalid(f"'from' ({start}) is after 'to' ({end})")
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid(f"the range is {(end - start).days + 1} days; at most {MAX_DAYS} (use the weekly trend for longer)")
    return start, end


def period_bounds(start: date, end: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Inclusive local days [start, end] as a half-open UTC interval, DST-safe."""
    return day_bounds(start, tz)[0], day_bounds(end, tz)[1]


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def last_weeks(today: date, n: int) -> list[tuple[str, date, date]]:
    """The `n` ISO weeks ending with the one `today` is in: (label, monday, sunday), oldest first."""
    if not 1 <= n <= MAX_WEEKS:
        raise Invalid(f"weeks must be 1…{MAX_WEEKS}, not {n}")
    monday = today - timedelta(days=today.weekday())
    firsts = [monday - timedelta(weeks=k) for k in range(n - 1, -1, -1)]
    return [(week_label(m), m, m + timedelta(days=6)) for m in firsts]


# ---------------------------------------------------------------------------------- functions


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (the smallest value with at least p of the values at or below
    it); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(p * len(ordered)), 1)
    return ordered[rank - 1]


def _seconds(p: float | None) -> int | None:
    return None if p is None else int(round(p))


def contacts(groups: Iterable[ContactGroup], lines: Iterable[int] = (1, 2, 3)) -> Contacts:
    by_channel = dict.fromkeys(CHANNELS, 0)
    by_line = {str(n): 0 for n in lines}
    total = 0
    for g in groups:
        total += g.n
        by_channel[g.channel] = by_channel.get(g.channel, 0) + g.n
        if g.line is not None:
            by_line[str(g.line)] = by_line.get(str(g.line), 0) + g.n
    return Contacts(total=total, by_channel=by_channel, by_line=by_line)


def called_back_same_day(first_callback_at: datetime | None, promise: datetime, tz: tzinfo) -> bool:
    """Same day: the first attempt came by the end of the (local) day the callback was due —
    `promise` is the first promise given (`promised_at` of a carried case, else `due_at`). A
    request after closing is due the next working morning (SPEC §8), so a call then counts."""
    return first_callback_at is not None and first_callback_at.astimezone(tz).date() <= promise.astimezone(tz).date()


def callbacks(rows: Iterable[KpiCallback], tz: tzinfo) -> Callbacks:
    total = same_day = within_due = 0
    delays: list[float] = []
    for r in rows:
        total += 1
        if r.first_callback_at is None:
            continue
        promise = r.promised_at or r.due_at
        delays.append(max((r.first_callback_at - r.at).total_seconds(), 0.0))
        same_day += called_back_same_day(r.first_callback_at, promise, tz)
        within_due += r.first_callback_at <= promise
    return Callbacks(
        total=total,
        same_day_ratio=ratio(same_day, total),
        within_due_ratio=ratio(within_due, total),
        delay_p50_s=_seconds(percentile(delays, 0.5)),
        delay_p90_s=_seconds(percentile(delays, 0.9)),
        attempted=len(delays),
    )


def fcr_at_resolve(r: KpiResolved) -> bool:
    return r.resolved_by is not None and first_contact_resolution(r.handovers, r.contacts_count, r.first_handler, r.resolved_by)


def withdrawn(r: KpiResolved) -> bool:
    """A new contact by the same patient within 7 days after the resolution withdraws FCR."""
    return r.next_contact_at is not None and r.at < r.next_contact_at <= r.at + FCR_WINDOW


def fcr(r: KpiResolved) -> bool:
    """First-contact resolution with the 7-day rule (SPEC §9), as of the rows given."""
    return fcr_at_resolve(r) and not withdrawn(r)


def handler(outcome: str | None, resolved_by: str | None, first_handler: str | None) -> str | None:
    """Whom a contact counts for in continuity: who resolved its case with an outcome, else the
    first professional who claimed it (an open case, or one merged away). The reads apply the
    same choice in SQL (app/db/kpis.py `handled`)."""
    return resolved_by if outcome is not None else first_handler


def continuity(groups: Iterable[HandledGroup], region: Region) -> dict[str, Continuity]:
    """COC and UPC per professional type, averaged over patients with ≥ 3 handled contacts of
    that type (the reads may leave out patients with fewer than 3 of any type)."""
    per: dict[str, dict[str, Counter[str]]] = {kind: defaultdict(Counter) for kind in ("nurse", "doctor")}
    for g in groups:
        pro = region.professional_by_id.get(g.handler)
        kind = CONTINUITY_TYPES.get(pro.role) if pro is not None else None
        if kind is not None:
            per[kind][g.patient_id][g.handler] += g.n
    out: dict[str, Continuity] = {}
    for kind, patients in per.items():
        cocs: list[float] = []
        upcs: list[float] = []
        for counts in patients.values():
            n = sum(counts.values())
            if n < CONTINUITY_MIN_CONTACTS:
                continue
            cocs.append((sum(v * v for v in counts.values()) - n) / (n * (n - 1)))
            upcs.append(max(counts.values()) / n)
        out[kind] = Continuity(
            coc=round(sum(cocs) / len(cocs), 4) if cocs else None,
            upc=round(sum(upcs) / len(upcs), 4) if upcs else None,
            patients=len(cocs),
        )
    return out


def kpis(unit: str, start: date, end: date, rows: KpiRows, region: Region, tz: tzinfo, now: datetime, week: str | None = None) -> Kpis:
    """Every figure of the report for one period; `rows` are that period's rows."""
    fd_codes = {o.code for o in region.outcome_codes if o.kind == "failure_demand"}
    lines = sorted({n for u in region.units if unit in (REGION, u.id) for n in u.lines})
    outcomes = {o.code: 0 for o in region.outcome_codes}
    fd_by_code = dict.fromkeys(sorted(fd_codes, key=list(outcomes).index), 0)
    pathways = {p.id: 0 for p in region.care_pathways}
    fcr_n = pending = informed = informed_known = failure = 0
    handling: list[float] = []
    for r in rows.resolved:
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
        if r.outcome in fd_codes:
            failure += 1
            fd_by_code[r.outcome] += 1
        if fcr(r):
            fcr_n += 1
            pending += now < r.at + FCR_WINDOW
        if r.patient_informed is not None:
            informed_known += 1
            informed += r.patient_informed
        if r.claimed_at is not None:
            handling.append(max((r.at - r.claimed_at).total_seconds(), 0.0))
        if r.care_pathway is not None:
            pathways[r.care_pathway] = pathways.get(r.care_pathway, 0) + 1
    resolved = len(rows.resolved)
    surveys = rows.surveys
    bands = Counter(nps_band(s.nps) for s in surveys)
    solved_known = [s.solved for s in surveys if s.solved is not None]
    live = sum(1 for c in rows.chats if c.first_claimed_at is not None and (c.left_at is None or c.first_claimed_at < c.left_at))
    return Kpis(
        unit=unit,
        from_=start,
        to=end,
        contacts=contacts(rows.contacts, lines),
        callbacks=callbacks(rows.callbacks, tz),
        cases=Cases(opened=rows.opened, resolved=resolved, merged_contacts=sum(g.n for g in rows.contacts if g.merged)),
        fcr_ratio=ratio(fcr_n, resolved),
        failure_demand_ratio=ratio(failure, resolved),
        overflow_ratio=ratio(sum(g.n for g in rows.contacts if g.routing_reason == OVERFLOW_REASON), sum(g.n for g in rows.contacts)),
        informed_ratio=ratio(informed, informed_known),
        outcomes=outcomes,
        nps=Nps(responses=len(surveys), score=nps(s.nps for s in surveys), promoters=bands["promoter"], detractors=bands["detractor"]),
        continuity=continuity(rows.handled, region),
        timezone=getattr(tz, "key", str(tz)),
        fcr_reported_ratio=ratio(sum(solved_known), len(solved_known)),
        fcr_pending=pending,
        failure_demand_by_code=fd_by_code,
        handling_time_p50_s=_seconds(percentile(handling, 0.5)),
        live_answer=LiveAnswer(chats=len(rows.chats), answered_live=live, ratio=ratio(live, len(rows.chats))),
        care_pathways=pathways,
        care_pathway_attachments=pathway_attachments(rows.pathway_attachments, region),
        week=week,
    )


def pathway_attachments(counts: Mapping[str, int], region: Region) -> dict[str, int]:
    """Every pathway of the region (0 when none was given), then any the file no longer lists."""
    out = {p.id: 0 for p in region.care_pathways}
    for pathway, n in counts.items():
        out[pathway] = out.get(pathway, 0) + n
    return out


def weekly(
    unit: str, weeks: Sequence[tuple[str, date, date, KpiRows]], region: Region, tz: tzinfo, now: datetime
) -> WeeklyKpis:
    """The same figures per ISO week: (label, Monday, Sunday, that week's rows), oldest first."""
    items = [kpis(unit, monday, sunday, rows, region, tz, now, week=label) for label, monday, sunday, rows in weeks]
    return WeeklyKpis(unit=unit, timezone=getattr(tz, "key", str(tz)), weeks=items)


# ------------------------------------------------------------------------------------- CSV


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested mappings as (dotted key, scalar) pairs, in order."""
    if isinstance(value, Mapping):
        out: list[tuple[str, Any]] = []
        for k, v in value.items():
            out += flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    return [(prefix, value)]


def csv_cell(value: Any) -> str:
    """None is an empty cell (no data), never 0; booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if any(ch in text for ch in ',"\n\r'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def report_csv(report: Kpis) -> str:
    """Rows `metric,value`, nested keys joined with dots."""
    pairs = flatten(msgspec.to_builtins(report))
    return "metric,value\r\n" + "".join(f"{csv_cell(k)},{csv_cell(v)}\r\n" for k, v in pairs)


def weekly_csv(report: WeeklyKpis) -> str:
    """One row per week, one column per metric (dotted keys): a spreadsheet draws the trend."""
    rows = [dict(flatten({k: v for k, v in msgspec.to_builtins(w).items() if k != "week"})) for w in report.weeks]
    columns: list[str] = []
    for r in rows:
        columns += [k for k in r if k not in columns]
    header = ["week", *columns]
    lines = [",".join(csv_cell(h) for h in header)]
    for w, r in zip(report.weeks, rows, strict=True):
        lines.append(",".join([csv_cell(w.week), *(csv_cell(r.get(k)) for k in columns)]))
    return "\r\n".join(lines) + "\r\n"

