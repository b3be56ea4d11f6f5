"""Which queues a professional may see and work (SPEC §11: a role sees only its queues).

- nurse, doctor: their own personal queue, their team, and the unit's overflow, urgent and
  chat duty queues (any nurse of the unit may take overflow, urgent and chat duty).
- coordinator: as a nurse, plus the unit's coordinator queue.
- assistant: the unit's assistants and overflow queues — never a nurse's personal or team
  queue, where clinical matters wait.
- supervisor: every queue of their unit. admin: every queue of every unit.
- a unit's shared-client events (`shared:<unit>`): its coordinators and supervisors.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.domain import presence
from app.domain.region import Professional, Region, queue_unit
from app.domain.summary import CaseSummary

_INBOX_KIND = {
    "overflow": "overflow",
    "urgent": "urgent",
    "assistants": "assistants",
    "coordinator": "coordinator",
    "chat": "chat",
}
INBOX_FILTERS = ("mine", "team", "overflow", "urgent", "assistants", "coordinator", "chat", "all")


SUPERVISING_ROLES: tuple[str, ...] = ("supervisor", "admin")


def may_override(who: Professional) -> bool:
    """Supervisors and admins answer for the unit's work as a whole, so they may act on a
    colleague's claimed case (release it, hand it over), look into every team's inbox, record
    and list absences and read a patient's access log."""
    return who.role in SUPERVISING_ROLES


def oversees_unit(who: Professional, unit: str | None) -> bool:
    """An admin oversees every unit, a supervisor their own: every queue there is theirs to see,
    and its professionals' absences theirs to record."""
    return who.role == "admin" or (who.role == "supervisor" and unit == who.unit)


# What an assistant's view of a patient's case history is limited to: their own errands and the
# unidentified calls they help sort out, never the clinical matters of nurses' queues.
ASSISTANT_HISTORY_QUEUE_KINDS: tuple[str, ...] = ("assistants", "overflow")


def history_shown(who: Professional, cases: Iterable[CaseSummary]) -> list[CaseSummary]:
    """A patient's recent cases as `who` may see them listed."""
    if who.role == "assistant":
        return [c for c in cases if c.queue.startswith(tuple(f"{k}:" for k in ASSISTANT_HISTORY_QUEUE_KINDS))]
    return list(cases)


def visible_queues(region: Region, who: Professional, unit: str | None = None) -> list[str]:
    """Every queue name the professional may see in `unit` (default: their own unit)."""
    unit = unit or who.unit
    if oversees_unit(who, unit):
        return all_queues(region, unit)
    if unit != who.unit:
        return []
    queues: list[str] = []
    if who.role in ("nurse", "doctor", "coordinator"):
        queues.append(f"personal:{who.id}")
        if who.team:
            queues.append(f"team:{who.team}")
        queues += [f"overflow:{unit}", f"urgent:{unit}", f"chat:{unit}"]
        if who.role == "coordinator":
            queues.append(f"coordinator:{unit}")
    elif who.role == "assistant":
        queues += [f"assistants:{unit}", f"overflow:{unit}"]
    return queues


def live_queues(region: Region, who: Professional, unit: str | None = None) -> list[str]:
    """What a live socket streams for `unit`: its visible case queues and, for everyone who may
    see the unit's presence, its presence changes (`presence:<unit>`, not a case queue)."""
    unit = unit or who.unit
    queues = visible_queues(region, who, unit)
    if presence.may_see(who, unit):
        queues.append(presence.unit_queue(unit))
    if sees_shared_clients(who, unit):
        queues.append(shared_clients_queue(unit))
    return queues


def sees_shared_clients(who: Professional, unit: str) -> bool:
    """A unit's shared-client suggestions and take-overs (SPEC §10) are its coordinators' and
    supervisors' work: they list them and get their live events."""
    return (who.role == "coordinator" and who.unit == unit) or oversees_unit(who, unit)


def shared_clients_queue(unit: str) -> str:
    """Where a unit's patient-level events (take-over, release, concern, no-show) are filed: no
    case queue, so only `live_queues` lets them through."""
    return f"shared:{unit}"


def all_queues(region: Region, unit: str) -> list[str]:
    queues = [f"personal:{p.id}" for p in region.professionals if p.unit == unit]
    queues += [f"team:{t.id}" for t in region.teams if t.unit == unit]
    queues += [f"{kind}:{unit}" for kind in _INBOX_KIND]
    return queues


def may_see(region: Region, who: Professional, queue: str, assignee: str | None = None) -> bool:
    if assignee == who.id:
        return True
    unit = queue_unit(region, queue)
    return unit is not None and queue in visible_queues(region, who, unit)


def lists_my_claimed_cases(filter_: str) -> bool:
    """A case I claimed is on my "mine" and "all" lists whichever queue it waits in (overflow,
    urgent, chat duty, a colleague's team): claimed work stays in front of whoever claimed it."""
    return filter_ in ("mine", "all")


def inbox_queues(region: Region, who: Professional, filter_: str, unit: str) -> list[str] | None:
    """Queues behind an inbox filter, or None when the role may not look there."""
    visible = visible_queues(region, who, unit)
    if not visible:
        return None
    if filter_ == "all":
        return visible
    if filter_ == "mine":
        return [f"personal:{who.id}"]
    if filter_ == "team":
        if may_override(who):
            teams = [q for q in visible if q.startswith("team:")]
        else:
            teams = [f"team:{who.team}"] if who.team else []
        return [q for q in teams if q in visible] or None
    queue = f"{_INBOX_KIND[filter_]}:{unit}"
    return [queue] if queue in visible else None
