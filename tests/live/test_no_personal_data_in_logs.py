"""SPEC §11, no personal data in logs or metrics: a real `firstline serve` at FIRSTLINE_LOG_LEVEL=debug
(PostgreSQL, through a TCP proxy so that the database can fail) runs a full scenario — a
callback, an SMS, a secure message, a chat; a case claimed, noted, messaged and resolved; the
case view and a patient search; a database outage; one 401, 403, 404, 409, 413, 422 and 429 —
and neither its captured log nor `/metrics` holds a phone number, a patient's name or a message
text of the scenario."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from sqlalchemy.engine import make_url

from tests.conftest import PATIENT_AUDIENCE, PATIENT_ISSUER
from tests.live.conftest import ROOT, TEST_SECRETS, free_port, import_demo_patients
from tests.live.load import KAJAANI, SECRET, fresh_pg
from tests.live.test_db_outage import TcpProxy
from app.security.webhooks import sign

MATTI = ("Matti", "Meikäläinen", "+358401234567")  # p-0001: the caller
ANNA = ("Anna", "Korhonen", "045 222 3344")  # p-0004: hearing impaired, writes SMS
MAIJA = ("Maija", "Virtanen", "+358501112233")  # p-0002: writes a secure message
VISITOR = "Kerttu Kotilainen"  # the chat visitor's own name
TEXTS = {
    "voicemail": "Minulla on ollut selkäkipua kolme päivää, soittakaa numeroon 0409876543",
    "sms": "Kuulovammainen: tarvitsen ajan korvalääkärille, hetu 131052-308T",
    "subject": "Reseptin uusinta verenpainelääkkeelle",
    "secure": "Voisitteko uusia Amlodipin-reseptini, se loppuu ensi viikolla",
    "chat_reason": "Lapsella korkea kuume ja ihottumaa",
    "chat_line": "Kuume on 39,5 astetta aamulla",
    "reply": "Tuokaa lapsi vastaanotolle tänään kello 14",
    "note": "Äiti kuulosti huolestuneelta, soitetaan iltapäivällä uudestaan",
    "search": "Meikäläinen",
}


def _forbidden() -> list[str]:
    """Every string of the scenario that would be personal data in a log: names, texts (and
    distinctive words of them), phone numbers in every spelling, the identity code."""
    words: list[str] = [*MATTI[:2], *ANNA[:2], *MAIJA[:2], VISITOR, "Kotilainen", "131052-308T"]
    for text in TEXTS.values():
        words.append(text)
        words += [w for w in re.findall(r"\w{9,}", text)]  # long distinctive words: selkäkipua, Amlodipin-…
    for phone in (MATTI[2], ANNA[2], MAIJA[2], "0409876543"):
        digits = re.sub(r"\D", "", phone)
        core = digits[3:] if digits.startswith("358") else digits[1:]  # 401234567
        words += [phone, digits, core, "0" + core]
    return sorted(set(words) - {"lääkärille"})


def _signed(body: Any) -> tuple[bytes, dict[str, str]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return raw, {"Content-Type": "application/json", "X-Firstline-Signature": sign(SECRET, raw)}


@pytest.fixture
def logged_db(pg_url: str):  # type: ignore[no-untyped-def]
    url, drop = asyncio.run(fresh_pg(pg_url))
    try:
        yield url
    finally:
        asyncio.run(drop())


def test_a_full_scenario_leaves_no_personal_data_in_logs_or_metrics(logged_db: str, patient_keys, patient_token, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log_path = tmp_path / "server.log"
    direct = make_url(logged_db)
    with TcpProxy(direct.host or "127.0.0.1", direct.port or 5432) as proxy:
        env = {
            **TEST_SECRETS,
            "FIRSTLINE_DATABASE_URL": direct.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
            "FIRSTLINE_RUN_JOBS": "0",
            "FIRSTLINE_LOG_LEVEL": "debug",
            "FIRSTLINE_PATIENT_JWT_PUBLIC_KEY": patient_keys[1],
            "FIRSTLINE_PATIENT_JWT_ISSUER": PATIENT_ISSUER,
            "FIRSTLINE_PATIENT_JWT_AUDIENCE": PATIENT_AUDIENCE,
        }
        import_demo_patients(env)
        port = free_port()
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                cwd=ROOT, env={**__import__("os").environ, **env}, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while True:
                assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text(errors="replace")[-3000:]
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            statuses, metrics = asyncio.run(_scenario(f"127.0.0.1:{port}", proxy, patient_token))
        finally:
            proc.terminate()
            proc.wait(timeout=20)

    assert statuses == {
        "callback": 202, "sms": 202, "secure": 201, "claim": 200, "note": 201, "message": 201, "resolve": 200,
        "case": 200, "patient": 200, "search": 200, "database down": 503,
        "401": 401, "403": 403, "404": 404, "409": 409, "413": 413, "422": 422, "429": 429,
    }  # fmt: skip
    lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    # at debug SQLAlchemy logs every statement (their values hidden: app/db/engine.py)
    assert sum("sqlalchemy.engine" in line for line in lines) > 50, "the server did not log at debug"
    assert any("database unavailable" in line for line in lines)  # the outage was logged (as a route, not a body)
    forbidden = _forbidden()
    leaks = [(word, line) for line in lines for word in forbidden if word in line]
    assert not leaks, f"personal data in {len(leaks)} log lines, e.g. {leaks[:3]}"
    in_metrics = [word for word in forbidden if word in metrics]
    assert not in_metrics, in_metrics
    print(f"\nlogs: {len(lines)} lines scanned ({sum('sqlalchemy.engine' in x for x in lines)} of them SQL) for {len(forbidden)} strings; /metrics {len(metrics.splitlines())} lines; no personal data found")


async def _scenario(host: str, proxy: TcpProxy, patient_token: Any) -> tuple[dict[str, int], str]:
    base, ws_base = f"http://{host}", f"ws://{host}"
    got: dict[str, int] = {}
    async with httpx.AsyncClient(base_url=base, timeout=15) as http:

        async def login(username: str) -> dict[str, str]:
            r = await http.post("/api/auth/login", json={"username": username, "password": f"{username}-demo"})
            assert r.status_code == 200, r.text
            return {"Authorization": f"Bearer {r.json()['token']}"}

        aino, eero, paula = await login("aino"), await login("eero"), await login("paula")
        # the channels
        raw, h = _signed({"call_id": "logs-1", "caller": MATTI[2], "dialed": KAJAANI, "line": 1, "voicemail_text": TEXTS["voicemail"]})
        r = await http.post("/channels/phone/callback-requests", content=raw, headers=h)
        got["callback"] = r.status_code
        callback_case = r.json()["case_id"]
        raw, h = _signed({"message_id": "logs-sms-1", "sender": ANNA[2], "recipient": KAJAANI, "text": TEXTS["sms"]})
        got["sms"] = (await http.post("/channels/sms/inbound", content=raw, headers=h)).status_code
        maija = {"Authorization": f"Bearer {patient_token('p-0002')}"}
        r = await http.post("/channels/omasote/messages", json={"subject": TEXTS["subject"], "text": TEXTS["secure"]}, headers=maija)
        got["secure"] = r.status_code
        # a chat, claimed, noted, answered and resolved
        async with websockets.connect(f"{ws_base}/channels/chat/ws?unit=kajaani&lang=fi") as chat:
            await chat.send(json.dumps({"type": "start", "form": {"reason": TEXTS["chat_reason"]}, "display_name": VISITOR}))
            session = await _frame(chat, "session")
            await chat.send(json.dumps({"type": "message", "text": TEXTS["chat_line"]}))
            case_id = session["case_id"]
            got["claim"] = (await http.post(f"/api/cases/{case_id}/claim", headers=aino)).status_code
            got["409"] = (await http.post(f"/api/cases/{case_id}/claim", headers=eero)).status_code
            got["note"] = (await http.post(f"/api/cases/{case_id}/notes", json={"text": TEXTS["note"]}, headers=aino)).status_code
            got["message"] = (await http.post(f"/api/cases/{case_id}/messages", json={"text": TEXTS["reply"]}, headers=aino)).status_code
            got["resolve"] = (await http.post(f"/api/cases/{case_id}/resolve", json={"outcome": "ADVICE", "patient_informed": True}, headers=aino)).status_code
            await _frame(chat, "closed")
        # reads of patient data
        got["case"] = (await http.get(f"/api/cases/{callback_case}", headers=aino)).status_code
        got["patient"] = (await http.get("/api/patients/p-0001", headers=aino)).status_code
        r = await http.post("/api/patients/search", json={"q": TEXTS["search"]}, headers=aino)  # the contract's form
        if r.status_code in (404, 405):  # this build still searches with GET ?q= (the name in the URL)
            r = await http.get("/api/patients/", params={"q": TEXTS["search"]}, headers=aino)
        got["search"] = r.status_code
        # the database goes away for one request
        await asyncio.to_thread(proxy.cut)
        raw, h = _signed({"call_id": "logs-2", "caller": MAIJA[2], "dialed": KAJAANI, "line": 1, "voicemail_text": TEXTS["voicemail"]})
        got["database down"] = (await http.post("/channels/phone/callback-requests", content=raw, headers=h)).status_code
        await asyncio.to_thread(proxy.mend)
        for _ in range(50):  # a pooled connection the cut killed fails once more (503) before the pool renews
            if (await http.get("/readyz")).status_code == 200:
                break
            await asyncio.sleep(0.1)
        # one refusal of each kind, each carrying patient data in what it refuses
        raw, _ = _signed({"call_id": "logs-3", "caller": MATTI[2], "dialed": KAJAANI, "line": 1, "voicemail_text": TEXTS["voicemail"]})
        got["401"] = (await http.post("/channels/phone/callback-requests", content=raw, headers={"X-Firstline-Signature": "t=1,v1=00"})).status_code
        got["403"] = (await http.get("/api/reports/kpis?unit=kajaani", headers=aino)).status_code
        got["404"] = (await http.get("/channels/omasote/threads/nope", headers=maija)).status_code
        raw, h = _signed({"call_id": "logs-4", "caller": MATTI[2], "dialed": KAJAANI, "line": 1, "voicemail_text": TEXTS["voicemail"] * 1000})
        got["413"] = (await http.post("/channels/phone/callback-requests", content=raw, headers=h)).status_code
        raw, h = _signed({"call_id": "logs-5", "caller": MATTI[2], "dialed": KAJAANI, "line": "yksi", "voicemail_text": TEXTS["voicemail"]})
        got["422"] = (await http.post("/channels/phone/callback-requests", content=raw, headers=h)).status_code
        for _ in range(6):  # the login throttle (last: it throttles this address)
            r = await http.post("/api/auth/login", json={"username": "aino", "password": MATTI[2]})
        got["429"] = r.status_code
        metrics = (await http.get("/metrics")).text
        assert "firstline_contacts_total" in metrics or "firstline_" in metrics
        del paula
    return got, metrics


async def _frame(ws: Any, kind: str) -> dict[str, Any]:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if frame["type"] == kind:
            return frame  # type: ignore[no-any-return]
