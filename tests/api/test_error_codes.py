"""Every conflict and validation answer a page explains carries a stable `extra.code` (and the
facts its sentence needs, e.g. `holder`), while `detail` stays the contract's English sentence.

The pages build their own sentence from the code (docs/api-errors.md lists the codes)."""

from __future__ import annotations

from typing import Any

from tests.helpers import callback, login

UNKNOWN_CALLER = "+358409998877"  # lands in the unit's overflow queue, which every nurse sees


async def _case(client: Any, call_id: str, caller: str = UNKNOWN_CALLER) -> str:
    r = await callback(client, call_id, caller=caller)
    assert r.status_code == 202, r.text
    case_id: str = r.json()["case_id"]
    return case_id


def _error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert body["extra"]["code"] == code, body
    return body


async def test_claim_release_and_resolve_conflicts_carry_codes(client):  # type: ignore[no-untyped-def]
    cid = await _case(client, "codes-1")
    aino, eero = await login(client, "aino"), await login(client, "eero")

    body = _error(await client.post(f"/api/cases/{cid}/release", headers=aino), 409, "not_claimed")
    assert body["detail"] == "case is not claimed"
    body = _error(await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "ADVICE"}, headers=aino), 409, "resolve_not_claimed")
    assert body["detail"] == "only the professional who claimed the case may resolve it (it is not claimed)"

    assert (await client.post(f"/api/cases/{cid}/claim", headers=aino)).status_code == 200
    body = _error(await client.post(f"/api/cases/{cid}/claim", headers=aino), 409, "already_claimed")
    assert body["detail"] == "you have already claimed this case" and body["extra"]["assignee"] == "n-aino"

    body = _error(await client.post(f"/api/cases/{cid}/claim", headers=eero), 409, "claimed_by")
    assert body["detail"] == "claimed by Aino Nurminen"  # the contract's text, unchanged
    assert body["extra"] == {"code": "claimed_by", "assignee": "n-aino", "holder": "Aino Nurminen"}
    body = _error(await client.post(f"/api/cases/{cid}/callback-attempts", json={"result": "busy"}, headers=eero), 409, "claimed_by")
    body = _error(await client.post(f"/api/cases/{cid}/release", headers=eero), 409, "release_not_allowed")
    assert body["detail"] == "claimed by Aino Nurminen; only they or a supervisor may release it"
    assert body["extra"]["holder"] == "Aino Nurminen"
    body = _error(await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "ADVICE"}, headers=eero), 409, "resolve_not_claimer")
    assert body["extra"]["holder"] == "Aino Nurminen"
    body = _error(await client.post(f"/api/cases/{cid}/handover", json={"to": "team:kajaani-a"}, headers=eero), 409, "claimed_by")

    body = _error(await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "NOPE"}, headers=aino), 422, "unknown_outcome")
    assert body["extra"]["outcome"] == "NOPE" and "ADVICE" in body["detail"]
    body = _error(
        await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "ADVICE", "care_pathway": "nope"}, headers=aino), 422, "unknown_pathway"
    )
    body = _error(await client.post(f"/api/cases/{cid}/handover", json={"to": "team:nowhere"}, headers=aino), 422, "unknown_queue")
    assert body["extra"]["queue"] == "team:nowhere"

    assert (await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "ADVICE"}, headers=aino)).status_code == 200
    for path, payload in (("claim", None), ("messages", {"text": "Hei"}), ("urgency", {"level": "urgent", "reason": "x"})):
        body = _error(await client.post(f"/api/cases/{cid}/{path}", json=payload, headers=aino), 409, "already_resolved")
        assert body["detail"] == "case is already resolved"


async def test_handover_link_and_not_found_codes(client):  # type: ignore[no-untyped-def]
    aino = await login(client, "aino")
    cid = await _case(client, "codes-2")
    body = _error(await client.post(f"/api/cases/{cid}/handover", json={"to": "overflow:kajaani"}, headers=aino), 409, "already_in_queue")
    assert body["extra"]["queue"] == "overflow:kajaani"
    body = _error(await client.post(f"/api/cases/{cid}/link-patient", json={"patient_id": "p-nobody"}, headers=aino), 404, "patient_not_found")

    mine = await _case(client, "codes-3", caller="+358401234567")  # Matti: Aino's own patient, not overflow
    body = _error(await client.post(f"/api/cases/{mine}/link-patient", json={"patient_id": "p-0001"}, headers=aino), 409, "not_overflow")
    assert body["extra"]["queue"] == "personal:n-aino"

    body = _error(await client.get("/api/cases/c-unknown", headers=aino), 404, "case_not_found")
    assert body["detail"] == "no case 'c-unknown' that you may see"
