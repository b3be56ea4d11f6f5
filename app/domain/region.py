"""The region file's shape: units, teams, professionals, outcome codes, SLA.

Pure data. Loading (file I/O, error messages with line numbers) lives in app/region_file.py.
The structs are strict so that a typo in the file stops start-up instead of silently
routing patients wrong.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Annotated, Literal

import msgspec

Role = Literal["nurse", "doctor", "assistant", "coordinator", "supervisor", "admin"]
OutcomeKind = Literal["value", "failure_demand"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_HOURS_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_E164 = Annotated[str, msgspec.Meta(pattern=r"^\+[1-9]\d{6,14}$")]
_ID = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_.-]{0,62}$")]
_HHMM = Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class Labels(msgspec.Struct, forbid_unknown_fields=True):
    fi: str
    sv: str
    en: str


class RegionInfo(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    timezone: str = "Europe/Helsinki"


class Sla(msgspec.Struct, forbid_unknown_fields=True):
    emergency_minutes: Annotated[int, msgspec.Meta(ge=1, le=1440)] = 15
    urgent_minutes: Annotated[int, msgspec.Meta(ge=1, le=1440)] = 120
    callback_promise_minutes: Annotated[int, msgspec.Meta(ge=1, le=1440)] = 60
    same_day_cutoff: _HHMM = "15:00"
    chat_wait_target_minutes: Annotated[int, msgspec.Meta(ge=1, le=1440)] = 5
    at_risk_fraction: Annotated[float, msgspec.Meta(gt=0, lt=1)] = 0.75
    callback_max_attempts: Annotated[int, msgspec.Meta(ge=1, le=20)] = 3
    # The callback attempts policy (app/domain/callbacks.py): the least time between two
    # unanswered attempts (0 = none), and how the patient is told after the last one.
    callback_min_gap_minutes: Annotated[int, msgspec.Meta(ge=0, le=1440)] = 0
    callback_after_last: Literal["portal_or_sms", "sms"] = "portal_or_sms"

    @property
    def callback_min_gap(self) -> timedelta:
        return timedelta(minutes=self.callback_min_gap_minutes)

    @property
    def cutoff(self) -> time:
        h, m = self.same_day_cutoff.split(":")
        return time(int(h), int(m))


class Retention(msgspec.Struct, forbid_unknown_fields=True):
    """How long a closed case keeps its free text (SPEC §11; app/domain/retention.py)."""

    days: Annotated[int, msgspec.Meta(ge=1, le=36500)] = 365


class SharedClients(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """When a patient is suggested as a shared client (SPEC §10; app/domain/shared_clients.py),
    and how long a coordinator's take-over may last. Defaults: the SPEC's thresholds."""

    repeat_contacts: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 3  # contacts within …
    repeat_window_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] = 30  # … this many days
    same_matter_contacts: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 2  # contacts on one open matter
    no_shows: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 2  # no-shows within …
    no_show_window_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] = 90  # … this many days
    take_over_max_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] = 365  # the longest take-over

    @property
    def repeat_window(self) -> timedelta:
        return timedelta(days=self.repeat_window_days)

    @property
    def no_show_window(self) -> timedelta:
        return timedelta(days=self.no_show_window_days)


class Unit(msgspec.Struct, forbid_unknown_fields=True):
    id: _ID
    name: str
    callback_number: _E164
    default_team: _ID
    locality: str = ""
    lines: list[Literal[1, 2, 3]] = msgspec.field(default_factory=lambda: [1, 3])
    opening_hours: dict[Weekday, str] = msgspec.field(default_factory=dict)
    sms_number: _E164 | None = None

    def __post_init__(self) -> None:
        for day, span in self.opening_hours.items():
            m = _HOURS_RE.match(span)
            if not m or (int(m[1]), int(m[2])) >= (int(m[3]), int(m[4])):
                raise ValueError(f"opening_hours.{day} must look like '08:00-16:00', got {span!r}")

    def hours(self, weekday: int) -> tuple[time, time] | None:
        """Opening and closing time on a weekday (0 = Monday), or None when closed."""
        span = self.opening_hours.get(WEEKDAYS[weekday])  # type: ignore[call-overload]
        if span is None:
            return None
        m = _HOURS_RE.match(span)
        assert m is not None
        return time(int(m[1]), int(m[2])), time(int(m[3]), int(m[4]))


class Team(msgspec.Struct, forbid_unknown_fields=True):
    id: _ID
    unit: _ID
    name: str


class Professional(msgspec.Struct, forbid_unknown_fields=True):
    id: _ID
    name: str
    role: Role
    unit: _ID
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    password_hash: str
    team: _ID | None = None
    languages: list[str] = msgspec.field(default_factory=lambda: ["fi"])
    capacity: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 25

    def __post_init__(self) -> None:
        if not self.password_hash.startswith("$argon2id$"):
            raise ValueError("password_hash must be an argon2id PHC string ($argon2id$...)")


class OutcomeCode(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(pattern=r"^[A-Z0-9_]{1,32}$")]
    kind: OutcomeKind
    label: Labels


class DeprecatedNumber(msgspec.Struct, forbid_unknown_fields=True):
    number: _E164
    unit: _ID
    until: date


class CarePathway(msgspec.Struct, forbid_unknown_fields=True):
    id: _ID
    title: Labels
    url: str


class Region(msgspec.Struct, forbid_unknown_fields=True, dict=True):
    region: RegionInfo
    units: list[Unit]
    teams: list[Team]
    professionals: list[Professional]
    outcome_codes: list[OutcomeCode]
    sla: Sla = msgspec.field(default_factory=Sla)
    retention: Retention = msgspec.field(default_factory=Retention)
    shared_clients: SharedClients = msgspec.field(default_factory=SharedClients)
    deprecated_numbers: list[DeprecatedNumber] = msgspec.field(default_factory=list)
    care_pathways: list[CarePathway] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        self.unit_by_id = {u.id: u for u in self.units}
        self.team_by_id = {t.id: t for t in self.teams}
        self.professional_by_id = {p.id: p for p in self.professionals}
        self.professional_by_username = {p.username: p for p in self.professionals}
        self.outcome_by_code = {o.code: o for o in self.outcome_codes}
        self.unit_by_number = {u.callback_number: u for u in self.units}
        self.unit_by_number.update({u.sms_number: u for u in self.units if u.sms_number})
        self.deprecated_by_number = {d.number: d for d in self.deprecated_numbers}
        self.pathway_by_id = {c.id: c for c in self.care_pathways}
        _check_unique("units", "id", [u.id for u in self.units])
        _check_unique("teams", "id", [t.id for t in self.teams])
        _check_unique("professionals", "id", [p.id for p in self.professionals])
        _check_unique("professionals", "username", [p.username for p in self.professionals])
        _check_unique("outcome_codes", "code", [o.code for o in self.outcome_codes])
        _check_unique("care_pathways", "id", [c.id for c in self.care_pathways])
        if not self.units:
            raise ValueError("units: at least one unit is needed")
        if not self.outcome_codes:
            raise ValueError("outcome_codes: at least one outcome code is needed")
        for i, u in enumerate(self.units):
            if u.default_team not in self.team_by_id:
                raise ValueError(f"units[{i}].default_team: no team {u.default_team!r}")
        for i, t in enumerate(self.teams):
            if t.unit not in self.unit_by_id:
                raise ValueError(f"teams[{i}].unit: no unit {t.unit!r}")
        for i, p in enumerate(self.professionals):
            if p.unit not in self.unit_by_id:
                raise ValueError(f"professionals[{i}].unit: no unit {p.unit!r}")
            if p.team is not None and p.team not in self.team_by_id:
                raise ValueError(f"professionals[{i}].team: no team {p.team!r}")
        _check_unique("deprecated_numbers", "number", [d.number for d in self.deprecated_numbers])
        for i, d in enumerate(self.deprecated_numbers):
            if d.unit not in self.unit_by_id:
                raise ValueError(f"deprecated_numbers[{i}].unit: no unit {d.unit!r}")
            if d.number in self.unit_by_number:
                owner = self.unit_by_number[d.number].id
                raise ValueError(f"deprecated_numbers[{i}].number: {d.number} is a current number of unit {owner!r}")


def _check_unique(table: str, field: str, values: list[str]) -> None:
    seen: set[str] = set()
    for i, v in enumerate(values):
        if v in seen:
            raise ValueError(f"{table}[{i}].{field}: {v!r} appears twice")
        seen.add(v)


# Queue names are "<kind>:<owner>": personal:<professional>, team:<team>, and the unit queues.
QueueKind = Literal["personal", "team", "overflow", "urgent", "assistants", "coordinator", "chat"]
UNIT_QUEUE_KINDS: tuple[str, ...] = ("overflow", "urgent", "assistants", "coordinator", "chat")
QUEUE_KINDS: tuple[str, ...] = ("personal", "team", *UNIT_QUEUE_KINDS)


def queue_kind(queue: str) -> str:
    return queue.split(":", 1)[0]


def queue_unit(region: Region, queue: str) -> str | None:
    """The unit a queue belongs to, or None for a queue that does not exist in the region."""
    kind, _, owner = queue.partition(":")
    if kind == "personal":
        p = region.professional_by_id.get(owner)
        return p.unit if p else None
    if kind == "team":
        t = region.team_by_id.get(owner)
        return t.unit if t else None
    if kind in UNIT_QUEUE_KINDS:
        return owner if owner in region.unit_by_id else None
    return None
