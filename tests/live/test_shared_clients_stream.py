"""Take-over events over `WS /api/live`: a unit's coordinators and supervisors get its patient-
level events (`shared:<unit>`), a nurse does not — and a replay brings them back too."""

from __future__ import annotations

from datetime import date, timedelta

from tests.live.test_inbox_stream import call, connect, login, next_event


async def test_a_take_over_reaches_the_coordinator_and_the_supervisor_only(server, http):  # type: ignore[no-untyped-def]
    helena_token = await login(http, "helena")
    helena_ws, _, _ = await connect(server, helena_token)
    paula_ws, _, since = await connect(server, await login(http, "paula"))
    aino_ws, _, _ = await connect(server, await login(http, "aino"))
    until = (date.today() + timedelta(days=5)).isoformat()
    r = await http.post("/api/patients/p-0002/take-over", json={"until": until}, headers={"Authorization": f"Bearer {helena_token}"})
    assert r.status_code == 200, r.text
    for ws in (helena_ws, paula_ws):
        event = await next_event(ws)
        assert (event["type"], event["queue"], event["patient_id"], event["professional"]) == (
            "patient.taken_over", "shared:kajaani", "p-0002", "c-helena",
        )  # fmt: skip
    created = await call(http, "live-shared-1")  # Matti: Aino's own patient
    got = await next_event(aino_ws)
    assert (got["type"], got["case_id"]) == ("case.created", created["case_id"]), "the nurse never saw the take-over"
    replay_ws, replayed, _ = await connect(server, await login(http, "paula"), since=since)
    assert [e["type"] for e in replayed if e["queue"] == "shared:kajaani"] == ["patient.taken_over"]
    for ws in (helena_ws, paula_ws, aino_ws, replay_ws):
        await ws.close()
