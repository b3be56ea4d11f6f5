"""Logout across instances, and what the revocation check costs each authenticated request."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from sqlalchemy import event

from app.main import create_app
from tests.helpers import login


async def test_a_logout_on_one_instance_is_refused_on_another_at_once(client, settings, region):  # type: ignore[no-untyped-def]
    aino = await login(client, "aino")
    async with AsyncTestClient(app=create_app(settings, region)) as other:  # a second instance, same database
        assert (await other.get("/api/inbox/", headers=aino)).status_code == 200
        assert (await client.post("/api/auth/logout", headers=aino)).status_code == 204
        r = await other.get("/api/inbox/", headers=aino)
        assert r.status_code == 401 and "logged out" in r.json()["detail"]
        r = await client.get("/api/inbox/", headers=aino)
        assert r.status_code == 401 and "logged out" in r.json()["detail"]


def _in_transaction(driver_connection) -> bool:  # type: ignore[no-untyped-def]
    """asyncpg and aiosqlite both say so publicly."""
    probe = getattr(driver_connection, "is_in_transaction", None)
    return bool(probe()) if probe is not None else bool(driver_connection.in_transaction)


async def test_the_revocation_check_is_one_statement_outside_a_transaction(client):  # type: ignore[no-untyped-def]
    aino = await login(client, "aino")
    seen: list[tuple[str, bool]] = []

    def record(conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append((" ".join(statement.split())[:60], _in_transaction(conn.connection.driver_connection)))

    engine = client.app.state.hub.engine.sync_engine
    event.listen(engine, "after_cursor_execute", record)
    try:
        assert (await client.get("/api/inbox/?queue=mine", headers=aino)).status_code == 200
    finally:
        event.remove(engine, "after_cursor_execute", record)
    revocation = [s for s in seen if "revoked_tokens" in s[0]]
    assert revocation == [(revocation[0][0], False)], seen  # no BEGIN/ROLLBACK round trips around it
    assert not any(s.startswith("BEGIN") for s, _ in seen[: seen.index(revocation[0])]), seen
