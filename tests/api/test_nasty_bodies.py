"""Hand-made hostile bodies to every POST/PUT route of the app: a 4xx every time, never a 5xx.

Each route gets the credential that lets it read the body (a signed webhook, a portal patient,
a professional allowed to act on the seeded case), so the body — not a missing login — is what
is refused. The routes come from the app object: a new POST/PUT route is covered without an edit
(and one without a valid body below fails the test, so its NUL variant is written too).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.routes import HTTPRoute

from app.security.webhooks import sign
from tests.api.seeded import Seeded, seed
from tests.api.test_session import log_in
from tests.helpers import KAJAANI, MATTI, WEBHOOK_SECRET

# A body each route would accept: its NUL variant then reaches the service and the database.
VALID: dict[str, dict[str, Any]] = {
    "/channels/phone/callback-requests": {"call_id": "nasty-1", "caller": MATTI, "dialed": KAJAANI, "line": 1, "voicemail_text": "soittakaa"},
    "/channels/sms/inbound": {"message_id": "nasty-1", "sender": "+358452223344", "recipient": KAJAANI, "text": "resepti"},
    "/channels/omasote/messages": {"subject": "Kysymys", "text": "Hei"},
    "/channels/omasote/threads/{thread_id:str}/messages": {"text": "Kiitos"},
    "/api/auth/login": {"username": "aino", "password": "aino-demo"},
    "/api/auth/logout": {},
    "/api/cases/{case_id:str}/claim": {},
    "/api/cases/{case_id:str}/release": {},
    "/api/cases/{case_id:str}/urgency": {"level": "urgent", "reason": "kova kipu"},
    "/api/cases/{case_id:str}/callback-attempts": {"result": "no_answer", "note": "ei vastannut"},
    "/api/cases/{case_id:str}/notes": {"text": "muistiinpano"},
    "/api/cases/{case_id:str}/messages": {"text": "vastaus"},
    "/api/cases/{case_id:str}/handover": {"to": "team:kajaani-a", "note": "siirto"},
    "/api/cases/{case_id:str}/resolve": {"outcome": "ADVICE", "follow_up": "soittaa tarvittaessa", "patient_informed": True},
    "/api/cases/{case_id:str}/follow-up": {"at": "2030-01-07T09:00:00+02:00", "note": "soitto"},
    "/api/cases/{case_id:str}/link-patient": {"patient_id": "p-0006"},
    "/api/absences": {"professional": "n-liisa", "from": "2030-03-04", "to": "2030-03-05"},
    "/api/absences/{absence_id:str}/end": {},
    "/api/presence": {"status": "busy"},
    "/survey/{token:str}": {"nps": 9, "solved": True},
    "/login": {"username": "aino", "password": "aino-demo"},
    "/logout": {},
    "/dashboard/absences": {"professional": "n-liisa", "from": "2030-03-04", "to": "2030-03-05"},
    "/dashboard/absences/{absence_id:str}/end": {},
    "/api/patients/search": {"q": "Meik"},
    "/api/patients/{patient_id:str}/care-pathways": {"pathway": "asthma"},
    "/api/patients/{patient_id:str}/concern": {"note": "huoli"},
    "/api/patients/{patient_id:str}/take-over": {"until": "2030-01-31", "note": "kartoitus"},
    "/channels/appointments/no-show": {"event_id": "nasty-1", "patient_id": "p-0001", "unit": "kajaani",
                                       "at": "2026-12-01T10:00:00+02:00"},
}

MB10 = 10 * 1024 * 1024


def with_nul(value: Any) -> Any:
    """Every string of a body with a NUL character inside it."""
    if isinstance(value, str):
        return value[:1] + "\x00" + value[1:]
    if isinstance(value, dict):
        return {k: with_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [with_nul(v) for v in value]
    return value


def nasty(valid: dict[str, Any]) -> list[tuple[str, bytes, str]]:
    """(name, body, content type)."""
    json = "application/json"
    first = next(iter(valid), "text")
    return [
        ("not UTF-8", b"\xff\xfe\x00{\x80", json),
        ("not UTF-8 inside a string", msgspec.json.encode(valid).replace(b'"', b'"\xe9', 1) if valid else b'{"\xe9":1}', json),
        ("nested 10 000 deep (arrays)", b"[" * 10_000 + b"]" * 10_000, json),
        ("nested 10 000 deep (objects)", b'{"a":' * 10_000 + b"1" + b"}" * 10_000, json),
        ("1e400", msgspec.json.encode({**valid, first: 0}).replace(b"0", b"1e400", 1) if valid else b'{"a":1e400}', json),
        ("2**4000", (b'{"%s":' % first.encode()) + str(2**4000).encode() + b"}", json),
        ("NUL in every string", msgspec.json.encode(with_nul(valid)), json),
        ("empty", b"", json),
        ("JSON null", b"null", json),
        ("a bare number", b"-0.0e-999999", json),
        ("text/plain", b"hello there", "text/plain"),
        ("XML", b"<text>hello</text>", "application/xml"),
        ("multipart", b"--x\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhi\r\n--x--\r\n", "multipart/form-data; boundary=x"),
        ("form with a NUL", b"text=a%00b&nps=1e400&username=%ff", "application/x-www-form-urlencoded"),
        ("10 MB", b'{"text":"' + b"a" * MB10 + b'"}', json),
    ]


async def _credential(client: Any, path: str, world: Seeded, patient_token: Any, body: bytes) -> dict[str, str]:
    if path == "/api/auth/logout":  # a token of its own: logging out must not revoke the others
        csrf = {"X-CSRF-Token": client.cookies.get("csrftoken", "")}  # the client also holds a page session
        r = await client.post("/api/auth/login", json={"username": "eero", "password": "eero-demo"}, headers=csrf)
        return {"Authorization": f"Bearer {r.json()['token']}"}
    if not path.startswith(("/api", "/channels", "/survey")):
        return {}  # the pages: the browser session (cookies) of `page_session`
    if path.startswith(("/channels/phone", "/channels/sms", "/channels/appointments")):
        return {"X-Firstline-Signature": sign(WEBHOOK_SECRET, body)}
    if path.startswith("/channels/omasote"):
        return {"Authorization": f"Bearer {patient_token('p-0003')}"}
    if "absences" in path:
        return world.auth("paula")
    return world.auth("aino")


def _concrete(path: str, world: Seeded) -> str:
    return (
        path.replace("{case_id:str}", world.cases["kajaani_personal"])
        .replace("{thread_id:str}", world.threads["p-0003"])
        .replace("{absence_id:str}", world.absences["kajaani"])
        .replace("{token:str}", "a" * 20)
        .replace("{patient_id:str}", "p-0001")
    )


def body_routes(app: Any) -> list[str]:
    return sorted(
        r.path for r in app.routes if isinstance(r, HTTPRoute) and {"POST", "PUT", "PATCH"} & set(r.route_handler_map)
    )


async def test_every_body_route_has_a_valid_body_here(client) -> None:  # type: ignore[no-untyped-def]
    missing = set(body_routes(client.app)) - set(VALID)
    assert not missing, f"add a valid body for {sorted(missing)} to VALID"


async def test_hostile_bodies_get_4xx_never_5xx(client, patient_token) -> None:  # type: ignore[no-untyped-def]
    """Routes that read a body answer 4xx; routes that take none (claim, release, logout, ending an
    absence) may ignore it, but never answer 5xx."""
    world = await seed(client, patient_token)
    assert (await log_in(client, "paula")).status_code == 303  # a page session for the dashboard forms
    wrong: list[str] = []
    sent = 0
    for path in body_routes(client.app):
        methods = {"POST", "PUT", "PATCH"} & set(next(r for r in client.app.routes if r.path == path).route_handler_map)
        takes_body = bool(VALID[path])
        for method in sorted(methods):
            for name, body, content_type in nasty(VALID[path]):
                headers = {"Content-Type": content_type, **await _credential(client, path, world, patient_token, body)}
                r = await client.request(method, _concrete(path, world), content=body, headers=headers, follow_redirects=False)
                sent += 1
                if r.status_code >= 500 or (takes_body and not 400 <= r.status_code < 500):
                    wrong.append(f"{method} {path} [{name}] → {r.status_code}: {r.text[:160]}")
    print(f"\nnasty bodies: {sent} requests")
    assert not wrong, "\n".join(wrong)


async def test_nul_characters_are_refused_and_a_written_backslash_u0000_is_not(client, patient_token) -> None:  # type: ignore[no-untyped-def]
    """SQLite would store a NUL, PostgreSQL cannot (it answered 500): refused at the door on both."""
    world = await seed(client, patient_token)
    notes = _concrete("/api/cases/{case_id:str}/notes", world)
    aino = {"Content-Type": "application/json", **world.auth("aino")}
    r = await client.post(notes, content=b'{"text":"a\\u0000b"}', headers=aino)
    assert r.status_code == 400 and r.json()["extra"]["code"] == "nul_character", r.text
    r = await client.get("/api/patients/?q=Ma%00tti", headers=world.auth("aino"))
    assert r.status_code == 400, r.text
    r = await client.post(notes, content=b'{"text":"C:\\\\u0000 is a path"}', headers=aino)  # a typed backslash
    assert r.status_code == 201 and r.json()["text"] == "C:\\u0000 is a path", r.text
