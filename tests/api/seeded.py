"""A small real world for the fuzzer and the authorisation matrix, made through the public API.

Two units of the demo region: Kajaani (unit A) and Sotkamo (unit B). Cases in each, a secure
message thread for a patient of each, an absence in each, and a login for every role. Works with
any httpx-style async client (the in-process test client or a real server's address).
"""

from __future__ import annotations

from typing import Any

import msgspec

from app.security.webhooks import sign
from tests.helpers import KAJAANI, MATTI, WEBHOOK_SECRET

SOTKAMO = "+35886151000"
PEKKA = "+358405556677"  # p-0007, Sotkamo, named nurse n-veera
ANNA = "+358452223344"  # p-0004, Kajaani, hearing impaired
MAIJA = "+358501112233"  # p-0002, Kajaani

# username → (professional id, role, unit); passwords are "<username>-demo" (tests/conftest.py)
PROFESSIONALS = {
    "aino": ("n-aino", "nurse", "kajaani"),
    "mikko": ("d-mikko", "doctor", "kajaani"),
    "sari": ("a-sari", "assistant", "kajaani"),
    "helena": ("c-helena", "coordinator", "kajaani"),
    "paula": ("s-paula", "supervisor", "kajaani"),
    "admin": ("x-admin", "admin", "kajaani"),
    "veera": ("n-veera", "nurse", "sotkamo"),
    "jouni": ("s-jouni", "supervisor", "sotkamo"),
}


class Seeded(msgspec.Struct):
    tokens: dict[str, str]  # username → bearer token
    cases: dict[str, str]  # name → case id
    queues: dict[str, str]  # name → the queue the case was routed to
    threads: dict[str, str]  # patient id → their thread (= case) id
    absences: dict[str, str]  # unit → an absence id there

    def auth(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}


def signed(payload: Any, secret: str = WEBHOOK_SECRET) -> dict[str, Any]:
    body = msgspec.json.encode(payload)
    return {"content": body, "headers": {"Content-Type": "application/json", "X-Firstline-Signature": sign(secret, body)}}


async def _ok(response: Any, *statuses: int) -> Any:
    assert response.status_code in statuses, (response.request.url, response.status_code, response.text)
    return response.json()


async def seed(client: Any, patient_token: Any, tag: str = "") -> Seeded:
    """Everything through the API, so what the matrix reads is what the channels wrote."""
    tokens = {}
    for username in PROFESSIONALS:
        r = await client.post("/api/auth/login", json={"username": username, "password": f"{username}-demo"})
        tokens[username] = (await _ok(r, 200))["token"]
    threads = {}
    for patient in ("p-0003", "p-0007"):  # p-0007's call below joins this open matter (routing rule 6)
        r = await client.post(
            "/channels/omasote/messages",
            json={"subject": "Kysymys", "text": "Voinko tulla käymään?"},
            headers={"Authorization": f"Bearer {patient_token(patient)}"},
        )
        threads[patient] = (await _ok(r, 201))["thread_id"]
    calls = {
        "kajaani_personal": {"caller": MATTI, "dialed": KAJAANI, "line": 1},  # → personal:n-aino
        "kajaani_overflow": {"caller": "+358409998877", "dialed": KAJAANI, "line": 1},  # unknown → overflow:kajaani
        "kajaani_assistants": {"caller": MAIJA, "dialed": KAJAANI, "line": 3},  # → assistants:kajaani
        "sotkamo_personal": {"caller": PEKKA, "dialed": SOTKAMO, "line": 1},  # → personal:n-veera
        "sotkamo_overflow": {"caller": "+358409998866", "dialed": SOTKAMO, "line": 1},  # → overflow:sotkamo
    }
    cases, queues = {}, {}
    for name, call in calls.items():
        r = await client.post("/channels/phone/callback-requests", **signed({"call_id": f"seed-{tag}{name}", **call}))
        answer = await _ok(r, 202)
        cases[name], queues[name] = answer["case_id"], answer["queue"]
    r = await client.post(
        "/channels/sms/inbound", **signed({"message_id": f"seed-{tag}sms", "sender": ANNA, "recipient": KAJAANI, "text": "Reseptin uusinta"})
    )
    answer = await _ok(r, 202)
    cases["kajaani_sms"], queues["kajaani_sms"] = answer["case_id"], answer["queue"]
    absences = {}
    for unit, supervisor, nurse in (("kajaani", "paula", "n-eero"), ("sotkamo", "jouni", "n-veera")):
        r = await client.post(
            "/api/absences",
            json={"professional": nurse, "from": "2030-01-07", "to": "2030-01-11"},
            headers={"Authorization": f"Bearer {tokens[supervisor]}"},
        )
        absences[unit] = (await _ok(r, 201))["id"]
    return Seeded(tokens=tokens, cases=cases, queues=queues, threads=threads, absences=absences)
