"""The public chat's use cases below the socket: start, resume, replay, place in line.

`app/live/chat.py` speaks the WebSocket protocol; everything it needs from the store comes
from here. A visitor is anonymous, so their right to a chat is the session token: an HMAC of
the case id that only this hub can make.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import events as event_log
from app.clock import utcnow
from app.db.chat import ChatCase, available_professionals, chat_case, recent_chat_spans, unclaimed_ahead
from app.domain.chat_queue import (
    HANDLING_WINDOW,
    QueuePosition,
    available_for_chat,
    handling_seconds,
    position_in_line,
    session_expired,
    typical_handling_s,
)
from app.domain.errors import Forbidden, Gone, NotFound
from app.domain.intake import InboundContact
from app.hub import Hub
from app.services.intake import intake

__all__ = ["ChatCase", "StartedChat", "case_of_token", "messages_since", "queue_position", "resume", "session_token", "start"]


class StartedChat(msgspec.Struct, frozen=True):
    case_id: str
    queue: str
    session_token: str


def session_token(secret: str, case_id: str) -> str:
    mac = hmac.new(secret.encode(), f"chat:{case_id}".encode(), hashlib.sha256).hexdigest()[:40]
    return f"{case_id}.{mac}"


def case_of_token(secret: str, token: str) -> str | None:
    case_id, _, _mac = token.partition(".")
    return case_id if case_id and hmac.compare_digest(session_token(secret, case_id), token) else None


async def start(hub: Hub, contact: InboundContact) -> StartedChat:
    """A new chat goes through intake like every channel; the visitor gets its session token."""
    result, _ = await intake(hub, contact)
    return StartedChat(result.case_id, result.queue, session_token(hub.settings.secret_key, result.case_id))


async def resume(hub: Hub, token: str, now: datetime | None = None) -> ChatCase:
    """The chat behind a session token. Forbidden: forged or mangled; NotFound: no such case;
    Gone: closed longer ago than the grace (app.domain.chat_queue.session_expired)."""
    case_id = case_of_token(hub.settings.secret_key, token)
    if case_id is None:
        raise Forbidden("that chat session is not valid; start a new chat")
    async with hub.engine.connect() as conn:
        found = await chat_case(conn, case_id)
    if found is None:
        raise NotFound("that chat no longer exists; start a new chat")
    if session_expired(found.status, found.resolved_at, now or utcnow()):
        raise Gone("that chat has ended and its session has expired; start a new chat", code="chat_session_expired")
    return found


async def messages_since(hub: Hub, case_id: str, since: int) -> list[dict[str, Any]]:
    """The chat's lines after `since`, as their `message.created` events, in seq order."""
    async with hub.engine.connect() as conn:
        return await event_log.replay(conn, since, case_id=case_id, type_="message.created")


HANDLING_CACHE_SECONDS = 60.0  # every waiting visitor asks on every queue change: the median is kept a minute


async def queue_position(hub: Hub, case_id: str, now: datetime | None = None) -> QueuePosition | None:
    """Where a waiting chat stands among the unclaimed ones of its queue, and the wait that stands
    for from the unit's recent handling times and who is available now (app.domain.chat_queue);
    None once it is not waiting."""
    async with hub.engine.connect() as conn:
        waiting = await unclaimed_ahead(conn, case_id)
        if waiting is None:
            return None
        handling = await _typical_handling(hub, conn, waiting.unit, now or utcnow())
        available = available_for_chat(hub.region.professionals, waiting.unit, await available_professionals(conn, waiting.unit))
    return position_in_line(waiting.ahead, handling, available)


async def _typical_handling(hub: Hub, conn: AsyncConnection, unit: str, now: datetime) -> float:
    cached = hub.chat_handling.get(unit)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    spans = await recent_chat_spans(conn, unit, now - HANDLING_WINDOW)
    value = typical_handling_s(handling_seconds(spans))
    hub.chat_handling[unit] = (time.monotonic() + HANDLING_CACHE_SECONDS, value)
    return value
