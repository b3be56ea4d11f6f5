"""Small things API tests share."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from app.security.webhooks import sign

WEBHOOK_SECRET = "test-webhook-secret"
KAJAANI = "+35886150000"
MATTI = "+358401234567"  # p-0001, named nurse n-aino


async def signed_post(client: AsyncTestClient, path: str, payload: Any, *, secret: str = WEBHOOK_SECRET, ts: int | None = None):  # type: ignore[no-untyped-def]
    body = payload if isinstance(payload, bytes) else msgspec.json.encode(payload)
    return await client.post(
        path, content=body, headers={"Content-Type": "application/json", "X-Firstline-Signature": sign(secret, body, ts)}
    )


async def callback(client: AsyncTestClient, call_id: str, caller: str = MATTI, line: int = 1, **extra: Any):  # type: ignore[no-untyped-def]
    payload = {"call_id": call_id, "caller": caller, "dialed": KAJAANI, "line": line, **extra}
    return await signed_post(client, "/channels/phone/callback-requests", payload)


async def login(client: AsyncTestClient, username: str) -> dict[str, str]:
    r = await client.post("/api/auth/login", json={"username": username, "password": f"{username}-demo"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}
