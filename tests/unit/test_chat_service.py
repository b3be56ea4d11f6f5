"""The chat's use cases on a real database (SQLite and PostgreSQL): start, resume, replay, place in line."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.domain.chat_queue import QueuePosition
from app.domain.errors import Forbidden, NotFound
from app.hub import Hub
from app.services import cases as case_svc
from app.services import chat as chat_svc
from channels import chat as chat_channel


async def new_chat(hub: Hub, reason: str, at: datetime) -> chat_svc.StartedChat:
    contact = chat_channel.to_contact(chat_channel.StartForm(reason=reason), unit="kajaani", lang="fi", received_at=at)
    return await chat_svc.start(hub, contact)


async def test_waiting_chats_stand_in_line_oldest_first(hub: Hub):
    t0 = datetime.now(timezone.utc)
    first, second, third = [await new_chat(hub, f"Kysymys {n}", t0 + timedelta(seconds=n)) for n in range(3)]
    assert first.queue == second.queue == third.queue == "chat:kajaani"
    assert await chat_svc.queue_position(hub, first.case_id) == QueuePosition(1, 300, 0)
    assert await chat_svc.queue_position(hub, third.case_id) == QueuePosition(3, 900, 0)
    await case_svc.add_patient_message(hub, second.case_id, "still here")  # talking is not leaving the line
    assert await chat_svc.queue_position(hub, third.case_id) == QueuePosition(3, 900, 0)
    assert await chat_svc.queue_position(hub, "no-such-case") is None


async def test_the_estimate_follows_recent_handling_times_and_who_is_available(hub: Hub):
    from sqlalchemy import update

    from app.db import schema as t
    from app.services import presence as presence_svc

    now = datetime.now(timezone.utc)
    done = [await new_chat(hub, f"Vanha {n}", now - timedelta(hours=1, minutes=n)) for n in range(3)]
    async with hub.engine.begin() as conn:
        for n, chat in enumerate(done):  # handled in 2, 4 and 6 minutes, closed within the hour
            claimed = now - timedelta(minutes=30)
            await conn.execute(
                update(t.cases).where(t.cases.c.id == chat.case_id)
                .values(status="resolved", claimed_at=claimed, resolved_at=claimed + timedelta(minutes=2 * (n + 1)))
            )  # fmt: skip
    first, second = [await new_chat(hub, f"Kysymys {n}", now + timedelta(seconds=n)) for n in range(2)]
    assert await chat_svc.queue_position(hub, second.case_id) == QueuePosition(2, 480, 0)  # median 4 min, nobody available
    region = hub.region
    for who in ("n-aino", "n-eero"):
        await presence_svc.set_status(hub, region.professional_by_id[who], "available")
    await presence_svc.set_status(hub, region.professional_by_id["s-paula"], "available")  # a supervisor is not on chat duty
    assert await chat_svc.queue_position(hub, second.case_id) == QueuePosition(2, 240, 2)
    await presence_svc.set_status(hub, region.professional_by_id["n-eero"], "busy")
    assert await chat_svc.queue_position(hub, second.case_id) == QueuePosition(2, 480, 1)
    assert await chat_svc.queue_position(hub, first.case_id) == QueuePosition(1, 240, 1)


async def test_resume_needs_this_hubs_token_for_an_existing_chat(hub: Hub):
    started = await new_chat(hub, "Kysyisin rokotuksista", datetime.now(timezone.utc))
    found = await chat_svc.resume(hub, started.session_token)
    assert (found.case_id, found.queue, found.status, found.assignee) == (started.case_id, "chat:kajaani", "new", None)
    with pytest.raises(Forbidden, match="not valid"):
        await chat_svc.resume(hub, started.session_token[:-1] + ("0" if started.session_token[-1] != "0" else "1"))
    with pytest.raises(Forbidden, match="not valid"):
        await chat_svc.resume(hub, chat_svc.session_token("another hub's secret", started.case_id))
    with pytest.raises(NotFound, match="no longer exists"):
        await chat_svc.resume(hub, chat_svc.session_token(hub.settings.secret_key, "gone"))


async def test_messages_since_replays_only_this_chats_lines_after_the_seq(hub: Hub):
    now = datetime.now(timezone.utc)
    mine = await new_chat(hub, "Ensimmäinen", now)
    other = await new_chat(hub, "Toisen chatin rivi", now)
    await case_svc.add_patient_message(hub, mine.case_id, "Toinen")
    lines = await chat_svc.messages_since(hub, mine.case_id, 0)
    assert [e["message"]["text"] for e in lines] == ["Ensimmäinen", "Toinen"]
    assert {e["type"] for e in lines} == {"message.created"} and {e["case_id"] for e in lines} == {mine.case_id}
    after = await chat_svc.messages_since(hub, mine.case_id, lines[0]["seq"])
    assert [e["message"]["text"] for e in after] == ["Toinen"]
    assert other.case_id not in {e["case_id"] for e in await chat_svc.messages_since(hub, mine.case_id, 0)}
