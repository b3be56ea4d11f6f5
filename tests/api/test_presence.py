"""`/api/presence` on SQLite and PostgreSQL: set, list, refuse, and the event it writes."""

from __future__ import annotations

from sqlalchemy import select

from app.db import schema as t
from tests.helpers import login


async def test_set_then_colleagues_list_it_with_since(client, db):  # type: ignore[no-untyped-def]
    aino = await login(client, "aino")
    r = await client.put("/api/presence", json={"status": "busy"}, headers=aino)
    assert r.status_code == 200, r.text
    mine = r.json()
    assert mine["professional"] == {"id": "n-aino", "name": mine["professional"]["name"], "role": "nurse"}
    assert mine["status"] == "busy" and mine["since"]
    r = await client.get("/api/presence", headers=await login(client, "sari"))  # an assistant colleague
    assert r.status_code == 200, r.text
    by_id = {e["professional"]["id"]: e for e in r.json()}
    assert by_id["n-aino"]["status"] == "busy" and by_id["n-aino"]["since"] == mine["since"]
    assert by_id["n-eero"]["status"] == "offline" and by_id["n-eero"]["since"] is None
    assert "n-veera" not in by_id, "Sotkamo's nurse is not on Kajaani's list"
    async with db.connect() as conn:
        rows = (await conn.execute(select(t.events.c.type, t.events.c.case_id, t.events.c.queue, t.events.c.unit))).all()
    assert [tuple(row) for row in rows] == [("presence.changed", None, "presence:kajaani", "kajaani")]


async def test_the_same_status_again_keeps_since_and_writes_no_event(client, db):  # type: ignore[no-untyped-def]
    aino = await login(client, "aino")
    first = (await client.put("/api/presence", json={"status": "available"}, headers=aino)).json()
    again = await client.put("/api/presence", json={"status": "available"}, headers=aino)
    assert again.status_code == 200 and again.json()["since"] == first["since"]
    changed = (await client.put("/api/presence", json={"status": "away"}, headers=aino)).json()
    assert changed["status"] == "away"
    async with db.connect() as conn:
        statuses = [s for (s,) in await conn.execute(select(t.presence.c.status))]
        events = (await conn.execute(select(t.events.c.seq))).all()
    assert statuses == ["away"] and len(events) == 2


async def test_an_unknown_status_is_422_naming_it(client):  # type: ignore[no-untyped-def]
    aino = await login(client, "aino")
    r = await client.put("/api/presence", json={"status": "sleeping"}, headers=aino)
    assert r.status_code == 422, r.text
    assert "status" in r.json()["detail"] and r.json()["extra"]["code"] == "invalid_body"
    problems = r.json()["extra"]["errors"]  # Litestar's findings, one per field
    assert [(p["key"], "sleeping" in p["message"]) for p in problems] == [("status", True)], r.json()
    for body in ({}, {"status": 3}, {"status": "busy", "mood": "ok"}):
        r = await client.put("/api/presence", json=body, headers=aino)
        assert r.status_code == 422, (body, r.text)


async def test_without_a_token_401(client):  # type: ignore[no-untyped-def]
    assert (await client.put("/api/presence", json={"status": "busy"})).status_code == 401
    assert (await client.get("/api/presence")).status_code == 401


async def test_another_units_list_is_refused_to_a_nurse_but_not_to_an_admin(client):  # type: ignore[no-untyped-def]
    r = await client.get("/api/presence", params={"unit": "sotkamo"}, headers=await login(client, "aino"))
    assert r.status_code == 403 and "sotkamo" in r.json()["detail"]
    r = await client.get("/api/presence", params={"unit": "kajaani"}, headers=await login(client, "jouni"))
    assert r.status_code == 403, "a supervisor oversees their own unit only"
    r = await client.get("/api/presence", params={"unit": "sotkamo"}, headers=await login(client, "admin"))
    assert r.status_code == 200 and {e["professional"]["id"] for e in r.json()} == {"n-veera", "s-jouni"}
    r = await client.get("/api/presence", params={"unit": "nowhere"}, headers=await login(client, "admin"))
    assert r.status_code == 404 and "nowhere" in r.json()["detail"]
