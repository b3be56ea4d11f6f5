"""Intake on PostgreSQL, with either store: a merge is exact when the case is unchanged and safe
when it changed; a retry writes nothing."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select, update

from app.db import schema as t
from app.db.intake_pg import PgIntakeBatch, PgIntakeStore
from app.db.intake_sqlalchemy import SqlAlchemyIntakeBatch
from app.domain.intake import InboundContact, IntakeContext
from app.services.intake import intake
from tests.helpers import MATTI, Spy, callback, running


def contact(call_id: str) -> InboundContact:
    return InboundContact(channel="phone", external_id=call_id, unit="kajaani", line=1, caller=MATTI,
                          dialed="+35886150000", received_at=datetime.now(timezone.utc))  # fmt: skip


@pytest.fixture(params=[True, False], ids=["asyncpg-store", "sqlalchemy-store"])
async def pg_hub(request, pg_url, region, patient_keys):  # type: ignore[no-untyped-def]
    """A running app on PostgreSQL, wired by create_app like in production (its hub), with the
    batching asyncpg store and with the SQLAlchemy one (FIRSTLINE_FAST_INTAKE=0)."""
    from app.db.engine import make_engine
    from app.main import create_app
    from app.services.patients import import_patients
    from app.settings import Settings
    from tests.conftest import DEMO_PATIENTS, TABLES

    engine = make_engine(pg_url)
    async with engine.begin() as conn:
        await conn.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    extra = "".join(f"b-{i:04d},Bench {i},040200{i:04d},fi,n-aino,,kajaani,false,\n" for i in range(30))
    await import_patients(engine, region, DEMO_PATIENTS.read_text(encoding="utf-8") + extra)
    await engine.dispose()
    settings = Settings(database_url=pg_url, secret_key="pg-intake-test-secret-key-32-bytes-long", run_jobs=False, fast_intake=request.param)
    app = create_app(settings, region)
    async with running(app):
        yield app.state.hub


async def test_merge_falls_back_when_the_case_changed_under_it(pg_hub, monkeypatch):  # type: ignore[no-untyped-def]
    first, _ = await intake(pg_hub, contact("m-1"))
    batch_class = PgIntakeBatch if isinstance(pg_hub.intake.store, PgIntakeStore) else SqlAlchemyIntakeBatch
    read = batch_class.read
    seen: list[IntakeContext] = []

    async def read_then_a_nurse_claims(self, contacts):  # type: ignore[no-untyped-def]
        contexts = await read(self, contacts)
        if not seen:
            seen.extend(contexts)
            # A nurse claims the case between the read and the write.
            async with pg_hub.engine.begin() as conn:
                await conn.execute(
                    update(t.cases).where(t.cases.c.id == first.case_id).values(status="claimed", assignee="n-aino", version=t.cases.c.version + 1)
                )
        return contexts

    spy = Spy()
    pg_hub.publishers.add(spy)
    monkeypatch.setattr(batch_class, "read", read_then_a_nurse_claims)
    await intake(pg_hub, contact("m-2"))
    ctx = seen[0]
    assert ctx.open_case is not None and ctx.open_case.id == first.case_id
    events = [e for batch in spy.published for e in batch]
    assert events is not None and [e["type"] for e in events] == ["case.updated"]
    assert events[0]["case"]["status"] == "claimed" and events[0]["case"]["assignee"] == "n-aino"
    assert events[0]["case"]["contacts"] == 2
    async with pg_hub.engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(t.contacts))).scalar_one() == 2


async def test_retried_merge_answers_the_same_and_writes_nothing(client, db):  # type: ignore[no-untyped-def]
    first = (await callback(client, "r-1")).json()
    merged = await callback(client, "r-2")
    again = await callback(client, "r-2")
    assert merged.status_code == 202 and again.status_code == 200 and again.json() == merged.json()
    assert merged.json()["case_id"] == first["case_id"] and merged.json()["merged"] is True
    async with db.connect() as conn:
        count = (await conn.execute(select(t.cases.c.contacts_count).where(t.cases.c.id == first["case_id"]))).scalar_one()
        events = (await conn.execute(select(func.count()).select_from(t.events))).scalar_one()
    assert (count, events) == (2, 2)


async def test_a_retried_contact_is_answered_as_stored_by_either_store(pg_hub):  # type: ignore[no-untyped-def]
    first, created = await intake(pg_hub, contact("again-1"))
    second, created_again = await intake(pg_hub, contact("again-1"))
    assert created and not created_again and second == first
    async with pg_hub.engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(t.contacts))).scalar_one() == 1
        assert (await conn.execute(select(func.count()).select_from(t.events))).scalar_one() == 1
