"""Small things API tests share."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.live.inbox_socket import InboxListener
from app.security.webhooks import sign

WEBHOOK_SECRET = "test-webhook-secret"
KAJAANI = "+35886150000"
MATTI = "+358401234567"  # p-0001, named nurse n-aino
# /metrics answers allowed addresses or this token (tests/conftest.py settings); the test client's
# address is "testclient", so API tests scrape with it
SCRAPER = {"Authorization": "Bearer test-metrics-token"}


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


@asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[None]:
    """The app's start-up and shut-down in this test's own event loop (so the test may call its
    hub directly), entered and left in one task as a server does."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def serve() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(serve())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        await task  # start-up failed: raise its error
    try:
        yield
    finally:
        stop.set()
        await task


class Spy:
    """A publisher that keeps what it is given (add it with hub.publishers.add)."""

    def __init__(self) -> None:
        self.published: list[list[dict]] = []

    async def publish(self, events):  # type: ignore[no-untyped-def]
        self.published.append(events)


def streaming(sent: list[str]) -> InboxListener:
    """A listener past hello and replay, seeing Kajaani's overflow, whose ASGI send records."""

    async def send(message):  # type: ignore[no-untyped-def]
        sent.append(message["text"])

    listener = InboxListener()
    listener.pending = None
    listener.visible = {"overflow:kajaani"}
    listener.send = send
    return listener
