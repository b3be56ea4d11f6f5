"""The public chat over real sockets: start → queued → joined → talk → drop → resume → closed."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets

from tests.live.test_inbox_stream import login


async def frames_until(ws, kind: str, timeout: float = 5.0) -> list[dict]:  # type: ignore[no-untyped-def]
    seen = []
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        seen.append(frame)
        if frame["type"] == kind:
            return seen


async def start_chat(server, reason: str = "Kysyisin rokotuksista", answers: dict | None = None, headers=None):  # type: ignore[no-untyped-def]
    ws = await websockets.connect(f"{server.ws}/channels/chat/ws?unit=kajaani&lang=fi", additional_headers=headers)
    await ws.send(json.dumps({"type": "start", "form": {"reason": reason, "answers": answers or {}}, "display_name": "Maija"}))
    return ws


async def test_form_in_three_languages(http):  # type: ignore[no-untyped-def]
    for lang in ("fi", "sv", "en"):
        r = await http.get(f"/channels/chat/form?unit=kajaani&lang={lang}")
        assert r.status_code == 200
        assert any(q["red_flag"] for q in r.json()["questions"])
        assert r.headers["access-control-allow-origin"] == "*"
    assert (await http.get("/channels/chat/form?unit=nowhere&lang=fi")).status_code == 404
    assert (await http.get("/channels/chat/form?unit=kajaani&lang=de")).status_code == 400


async def test_full_chat_with_drop_and_resume(server, http):  # type: ignore[no-untyped-def]
    ws = await start_chat(server)
    frames = await frames_until(ws, "queued")
    session = next(f for f in frames if f["type"] == "session")
    first = next(f for f in frames if f["type"] == "message")
    assert first["from"] == "patient" and first["text"] == "Kysyisin rokotuksista"
    assert frames[-1]["position"] == 1 and frames[-1]["estimated_wait_s"] > 0
    case_id = session["case_id"]

    nurse = {"Authorization": f"Bearer {await login(http, 'aino')}"}
    inbox = (await http.get("/api/inbox?queue=chat", headers=nurse)).json()["items"]
    assert [c["id"] for c in inbox] == [case_id] and inbox[0]["channel"] == "chat"
    assert (await http.post(f"/api/cases/{case_id}/claim", headers=nurse)).status_code == 200
    joined = (await frames_until(ws, "joined"))[-1]
    assert joined["professional"] == {"display_name": "Aino", "role": "nurse"}

    assert (await http.post(f"/api/cases/{case_id}/messages", json={"text": "Hei, miten voin auttaa?"}, headers=nurse)).status_code == 201
    line = (await frames_until(ws, "message"))[-1]
    assert (line["from"], line["text"]) == ("professional", "Hei, miten voin auttaa?")
    await ws.send(json.dumps({"type": "message", "text": "Milloin influenssarokote?"}))
    echo = (await frames_until(ws, "message"))[-1]
    assert (echo["from"], echo["text"]) == ("patient", "Milloin influenssarokote?")
    last_seq = echo["seq"]
    await ws.close()  # the visitor's connection drops

    for text in ("Rokotuksia on tiistaisin.", "Ajan voi varata verkossa."):
        assert (await http.post(f"/api/cases/{case_id}/messages", json={"text": text}, headers=nurse)).status_code == 201

    ws = await websockets.connect(f"{server.ws}/channels/chat/ws?unit=kajaani&lang=fi")
    await ws.send(json.dumps({"type": "resume", "session_token": session["session_token"], "last_seq": last_seq}))
    got = await frames_until(ws, "joined")
    texts = [f["text"] for f in got if f["type"] == "message"]
    assert texts == ["Rokotuksia on tiistaisin.", "Ajan voi varata verkossa."], "no gap, no duplicate"
    seqs = [f["seq"] for f in got if f["type"] == "message"]
    assert seqs == sorted(seqs) and seqs[0] > last_seq

    detail = (await http.get(f"/api/cases/{case_id}", headers=nurse)).json()
    assert detail["contacts"][0]["display_name"] == "Maija" and detail["patient"] is None
    assert [m["text"] for m in detail["messages"]] == [
        "Kysyisin rokotuksista", "Hei, miten voin auttaa?", "Milloin influenssarokote?",
        "Rokotuksia on tiistaisin.", "Ajan voi varata verkossa.",
    ]
    r = await http.post(f"/api/cases/{case_id}/resolve", json={"outcome": "ADVICE", "patient_informed": True}, headers=nurse)
    assert r.status_code == 200
    closed = (await frames_until(ws, "closed"))[-1]
    assert closed["survey_url"]
    with pytest.raises(websockets.ConnectionClosed):
        await asyncio.wait_for(ws.recv(), 5)
    assert "firstline_chat_wait_seconds_count" in (await http.get("/metrics")).text


async def test_red_flag_answer_gives_112_at_once_and_goes_urgent(server, http):  # type: ignore[no-untyped-def]
    form = (await http.get("/channels/chat/form?unit=kajaani&lang=fi")).json()
    flag_q = next(q for q in form["questions"] if q["red_flag"])
    ws = await start_chat(server, reason="Hei", answers={flag_q["id"]: True})
    first = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert first["type"] == "emergency" and "112" in first["instructions"] and first["flags"]
    session = (await frames_until(ws, "session"))[-1]
    nurse = {"Authorization": f"Bearer {await login(http, 'aino')}"}
    urgent = (await http.get("/api/inbox?queue=urgent", headers=nurse)).json()["items"]
    assert [c["id"] for c in urgent] == [session["case_id"]] and urgent[0]["urgency"] == "emergency"
    await ws.close()


async def test_bad_frames_and_limits(server):  # type: ignore[no-untyped-def]
    ws = await start_chat(server)
    await frames_until(ws, "queued")
    await ws.send("{oops")
    assert (await frames_until(ws, "error"))[-1]["detail"].startswith("could not read")
    await ws.send(json.dumps({"type": "message", "text": "x" * 4001}))
    assert "4000" in (await frames_until(ws, "error"))[-1]["detail"]
    await ws.send(json.dumps({"type": "message", "text": "ä" * 4000}))  # 8 kB of UTF-8, 4000 characters: fine
    assert (await frames_until(ws, "message"))[-1]["text"] == "ä" * 4000
    await ws.send(json.dumps({"type": "message", "text": "still here"}))
    assert (await frames_until(ws, "message"))[-1]["text"] == "still here"
    await ws.send("y" * (70 * 1024))
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd.code == 1009
    # The server is still healthy.
    async with httpx.AsyncClient(base_url=server.http) as c:
        assert (await c.get("/healthz")).status_code == 200


async def test_new_chats_are_rate_limited_per_address(server):  # type: ignore[no-untyped-def]
    for _ in range(5):
        ws = await start_chat(server)
        await frames_until(ws, "session")
        await ws.close()
    ws = await start_chat(server)
    frames = await frames_until(ws, "error")
    assert "Liian monta" in frames[-1]["detail"]


async def test_resume_with_a_forged_token_is_refused(server):  # type: ignore[no-untyped-def]
    ws = await websockets.connect(f"{server.ws}/channels/chat/ws?unit=kajaani&lang=fi")
    await ws.send(json.dumps({"type": "resume", "session_token": "abc.def", "last_seq": 0}))
    assert "not valid" in (await frames_until(ws, "error"))[-1]["detail"]


async def test_red_flag_in_a_chat_message_shows_112_and_escalates(server, http):  # type: ignore[no-untyped-def]
    ws = await start_chat(server, reason="Kysymys laboratoriosta")
    session = (await frames_until(ws, "queued"))[0]
    await ws.send(json.dumps({"type": "message", "text": "nyt alkoi puristaa rinnassa kovasti"}))
    frames = await frames_until(ws, "emergency")
    assert "112" in frames[-1]["instructions"] and "chest_pain" in frames[-1]["flags"]
    nurse = {"Authorization": f"Bearer {await login(http, 'aino')}"}
    urgent = (await http.get("/api/inbox?queue=urgent", headers=nurse)).json()["items"]
    assert [c["id"] for c in urgent] == [session["case_id"]]
    await ws.close()


async def test_survey_after_close(server, http):  # type: ignore[no-untyped-def]
    ws = await start_chat(server)
    session = (await frames_until(ws, "queued"))[0]
    nurse = {"Authorization": f"Bearer {await login(http, 'aino')}"}
    await http.post(f"/api/cases/{session['case_id']}/claim", headers=nurse)
    await http.post(f"/api/cases/{session['case_id']}/resolve", json={"outcome": "ADVICE"}, headers=nurse)
    url = (await frames_until(ws, "closed"))[-1]["survey_url"]
    page = await http.get(url)
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers and 'name="nps"' in page.text
    path = url.split("?")[0]
    promoters = 'firstline_survey_responses_total{nps_band="promoter",unit="kajaani"}'

    def count(text: str) -> float:
        return next((float(line.split()[-1]) for line in text.splitlines() if line.startswith(promoters)), 0.0)

    before = count((await http.get("/metrics")).text)
    r = await http.post(path, data={"nps": "9", "solved": "yes", "knows_how_continues": "yes"})
    assert r.status_code == 201 and "Kiitos" in r.text
    again = await http.post(path, json={"nps": 3})
    assert again.status_code == 409
    assert (await http.post(path + "x", json={"nps": 3})).status_code == 404
    assert (await http.post(path, json={"nps": 11})).status_code == 422
    assert count((await http.get("/metrics")).text) == before + 1


async def test_portal_token_identifies_the_visitor(server, http, patient_token):  # type: ignore[no-untyped-def]
    ws = await websockets.connect(f"{server.ws}/channels/chat/ws?unit=kajaani&lang=fi")
    await ws.send(json.dumps({"type": "start", "form": {"reason": "Kysymys"}, "portal_token": patient_token("p-0001")}))
    session = (await frames_until(ws, "session"))[-1]
    nurse = {"Authorization": f"Bearer {await login(http, 'aino')}"}
    detail = (await http.get(f"/api/cases/{session['case_id']}", headers=nurse)).json()
    assert detail["patient"]["id"] == "p-0001" and detail["patient"]["named_nurse"] == "n-aino"
    assert detail["queue"] == "chat:kajaani"  # chat duty queue even when identified (rule 4)
    await ws.close()
    bad = await websockets.connect(f"{server.ws}/channels/chat/ws?unit=kajaani&lang=fi")
    await bad.send(json.dumps({"type": "start", "form": {"reason": "x"}, "portal_token": "forged"}))
    frames = await frames_until(bad, "session")
    assert any(f["type"] == "error" and "not valid" in f["detail"] for f in frames)
    await bad.close()


async def test_idle_visitor_is_timed_out(settings, region, db):  # type: ignore[no-untyped-def]
    from app.main import create_app
    from app.settings import Settings
    from tests.live.conftest import ThreadServer, free_port

    quick = Settings(**{**{f: getattr(settings, f) for f in settings.__struct_fields__}, "chat_idle_seconds": 0.5})
    with ThreadServer(create_app(quick, region), free_port()) as srv:
        ws = await start_chat(srv)
        await frames_until(ws, "queued")
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(ws.recv(), 5)
        assert closed.value.rcvd.code == 1000 and closed.value.rcvd.reason == "idle"


async def test_a_waiting_visitors_estimate_follows_presence_and_the_line(server, http):  # type: ignore[no-untyped-def]
    ahead = await start_chat(server, reason="Ensimmäinen")
    first = await frames_until(ahead, "queued")
    ahead_case = next(f for f in first if f["type"] == "session")["case_id"]
    ws = await start_chat(server, reason="Toinen")
    queued = (await frames_until(ws, "queued"))[-1]
    assert (queued["position"], queued["nurses_available"]) == (2, 0)  # nobody on chat duty yet: said so
    alone = queued["estimated_wait_s"]

    aino = {"Authorization": f"Bearer {await login(http, 'aino')}"}
    eero = {"Authorization": f"Bearer {await login(http, 'eero')}"}
    assert (await http.put("/api/presence", json={"status": "available"}, headers=aino)).status_code == 200
    update = (await frames_until(ws, "queued"))[-1]
    assert (update["position"], update["nurses_available"], update["estimated_wait_s"]) == (2, 1, alone)
    assert (await http.put("/api/presence", json={"status": "available"}, headers=eero)).status_code == 200
    update = (await frames_until(ws, "queued"))[-1]
    assert (update["position"], update["nurses_available"]) == (2, 2) and update["estimated_wait_s"] == -(-alone // 2)

    assert (await http.post(f"/api/cases/{ahead_case}/claim", headers=aino)).status_code == 200  # the one ahead is taken
    update = (await frames_until(ws, "queued"))[-1]
    assert update["position"] == 1 and update["estimated_wait_s"] < alone
    await ws.close()
    await ahead.close()


async def test_the_estimate_is_looked_at_again_without_any_event(server, http, db, monkeypatch):  # type: ignore[no-untyped-def]
    from datetime import datetime, timezone

    from sqlalchemy import insert

    from app.db import schema as t

    monkeypatch.setattr("app.live.chat.POSITION_REFRESH_SECONDS", 0.2)
    ws = await start_chat(server, reason="Kysymys")
    assert (await frames_until(ws, "queued"))[-1]["nurses_available"] == 0
    async with db.begin() as conn:  # a presence written behind the hub's back: no event announces it
        now = datetime.now(timezone.utc)
        await conn.execute(insert(t.presence).values(professional="n-liisa", status="available", unit="kajaani", updated_at=now))
    assert (await frames_until(ws, "queued"))[-1]["nurses_available"] == 1
    await ws.close()


async def test_a_closed_chat_can_be_reopened_within_the_grace_and_not_after(server, http, db):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from sqlalchemy import update

    from app.clock import utcnow
    from app.db import schema as t
    from app.domain.chat_queue import SESSION_GRACE

    ws = await start_chat(server)
    session = (await frames_until(ws, "queued"))[0]
    nurse = {"Authorization": f"Bearer {await login(http, 'aino')}"}
    await http.post(f"/api/cases/{session['case_id']}/claim", headers=nurse)
    await http.post(f"/api/cases/{session['case_id']}/resolve", json={"outcome": "ADVICE"}, headers=nurse)
    await frames_until(ws, "closed")
    await ws.close()

    async def resume() -> websockets.ClientConnection:
        again = await websockets.connect(f"{server.ws}/channels/chat/ws?unit=kajaani&lang=fi")
        await again.send(json.dumps({"type": "resume", "session_token": session["session_token"], "last_seq": 0}))
        return again

    again = await resume()  # just closed: the visitor may read it and find the survey
    assert (await frames_until(again, "closed"))[-1]["type"] == "closed"
    await again.close()

    async with db.begin() as conn:  # the chat was closed longer ago than the grace
        await conn.execute(update(t.cases).where(t.cases.c.id == session["case_id"])
                           .values(resolved_at=utcnow() - SESSION_GRACE - timedelta(minutes=1)))
    late = await resume()
    error = (await frames_until(late, "error"))[-1]
    assert "expired" in error["detail"]
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(late.recv(), 5)
    assert closed.value.rcvd is not None and (closed.value.rcvd.code, closed.value.rcvd.reason) == (1008, "session expired")
