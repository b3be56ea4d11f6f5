"""Live events and their replay carry the patient's language, interpreter and hearing needs in
the case summary (on SQLite and PostgreSQL: the fixtures run each test on both)."""

from __future__ import annotations

from tests.live.test_inbox_stream import call, connect, login, next_event

AHMED = "+358407654321"
AHMED_REF = {"id": "p-0005", "display_name": "Ahmed Hassan", "language": "en", "interpreter_language": "ar", "hearing_impaired": False, "shared_client": False}


async def test_live_and_replayed_events_carry_the_patients_needs(server, http):  # type: ignore[no-untyped-def]
    token = await login(http, "eero")
    ws, _, since = await connect(server, token)
    created = await call(http, "needs-live-1", caller=AHMED)
    event = await next_event(ws)
    assert event["type"] == "case.created" and event["case_id"] == created["case_id"]
    assert event["case"]["patient"] == AHMED_REF
    await call(http, "needs-live-2", caller=AHMED)  # merged: the summary intake read back
    merged = await next_event(ws)
    assert merged["type"] == "case.updated" and merged["case"]["patient"] == AHMED_REF
    await ws.close()

    again, replayed, _ = await connect(server, token, since=since)
    mine = [f for f in replayed if f.get("case_id") == created["case_id"]]
    assert [f["type"] for f in mine] == ["case.created", "case.updated"]
    assert all(f["case"]["patient"] == AHMED_REF for f in mine)
    await again.close()
