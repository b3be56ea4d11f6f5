"""Batched intake on PostgreSQL: many contacts at once keep every rule of one-at-a-time intake."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select, update

from app.db import intake_pg
from app.db import schema as t
from app.db.intake_pg import PgIntakeBatch
from app.domain.intake import InboundContact
from app.hub import Hub
from app.services.intake import intake
from tests.helpers import MATTI, Spy, running

MAIJA_MOBILE, MAIJA_LANDLINE = "+358501112233", "+35886150101"  # p-0002, two numbers


def call(call_id: str, caller: str) -> InboundContact:
    return InboundContact(channel="phone", external_id=call_id, unit="kajaani", line=1, caller=caller,
                          dialed="+35886150000", received_at=datetime.now(timezone.utc))  # fmt: skip


def unknown(n: int) -> str:
    return f"+3584190{n:05d}"


@pytest.fixture
async def hub(pg_url, region, patient_keys):  # type: ignore[no-untyped-def]
    """A running app on PostgreSQL, wired by create_app like in production (its hub)."""
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
    app = create_app(Settings(database_url=pg_url, secret_key="pg-intake-test-secret-key-32-bytes-long", run_jobs=False), region)
    async with running(app):
        yield app.state.hub


async def scalar(hub: Hub, stmt):  # type: ignore[no-untyped-def]
    async with hub.engine.connect() as conn:
        return (await conn.execute(stmt)).scalar_one()


async def test_a_contact_alone_is_a_batch_of_one_and_is_published(hub):  # type: ignore[no-untyped-def]
    spy = Spy()
    published = spy.published
    hub.publishers.add(spy)
    result, created = await intake(hub, call("alone-1", MATTI))
    again, created_again = await intake(hub, call("alone-1", MATTI))
    assert created and not created_again and again == result
    assert [[e["case_id"] for e in events] for events in published] == [[result.case_id]], "published once, the retry not"
    assert hub.intake.batches == 2 and hub.intake.contacts == 2


async def test_concurrent_contacts_share_statements_and_each_is_committed(hub):  # type: ignore[no-untyped-def]
    contacts = [call(f"u-{n}", unknown(n)) for n in range(24)]
    answers = await asyncio.gather(*(intake(hub, c) for c in contacts))
    batcher = hub.intake
    assert batcher.contacts == 24 and batcher.batches < 12, "contacts that arrive together are written together"
    assert all(created for _, created in answers)
    async with hub.engine.connect() as conn:
        cases = dict((await conn.execute(select(t.cases.c.id, t.cases.c.queue))).all())
        events = (await conn.execute(select(t.events.c.seq, t.events.c.case_id, t.events.c.type))).all()
        stored = dict((await conn.execute(select(t.contacts.c.external_id, t.contacts.c.case_id))).all())
    for contact, (result, _) in zip(contacts, answers, strict=True):
        assert cases[result.case_id] == result.queue == "overflow:kajaani"
        assert stored[contact.external_id] == result.case_id
    assert sorted(case_id for _, case_id, _ in events) == sorted(cases) and {e[2] for e in events} == {"case.created"}
    assert len({seq for seq, _, _ in events}) == 24


async def test_the_same_caller_twice_at_once_is_one_case(hub):  # type: ignore[no-untyped-def]
    others = [call(f"o-{n}", unknown(n)) for n in range(10)]
    first, second = call("matti-1", MATTI), call("matti-2", MATTI)
    answers = await asyncio.gather(*(intake(hub, c) for c in [*others[:5], first, second, *others[5:]]))
    a, b = answers[5][0], answers[6][0]
    assert a.case_id == b.case_id and (a.merged, b.merged) == (False, True)
    count = await scalar(hub, select(t.cases.c.contacts_count).where(t.cases.c.id == a.case_id))
    assert count == 2


async def test_the_same_patient_from_two_numbers_at_once_is_one_case(hub):  # type: ignore[no-untyped-def]
    """Only the read tells that two numbers are one patient: the second waits for the next batch."""
    answers = await asyncio.gather(
        *(intake(hub, c) for c in [*(call(f"o-{n}", unknown(n)) for n in range(9)), call("maija-1", MAIJA_MOBILE), call("maija-2", MAIJA_LANDLINE)])
    )
    a, b = answers[-2][0], answers[-1][0]
    assert a.case_id == b.case_id and sorted([a.merged, b.merged]) == [False, True]
    assert await scalar(hub, select(func.count()).select_from(t.cases).where(t.cases.c.patient_id == "p-0002")) == 1


async def test_a_retry_among_new_contacts_gets_the_stored_answer(hub):  # type: ignore[no-untyped-def]
    taken, created = await intake(hub, call("r-1", MATTI))
    assert created
    answers = await asyncio.gather(*(intake(hub, c) for c in [call("r-1", MATTI), *(call(f"n-{n}", unknown(n)) for n in range(12))]))
    again, created_again = answers[0]
    assert not created_again and again == taken
    assert all(created for _, created in answers[1:])
    assert await scalar(hub, select(func.count()).select_from(t.contacts)) == 13
    assert await scalar(hub, select(func.count()).select_from(t.events)) == 13


async def test_a_merge_whose_case_changed_after_the_read_is_planned_again(hub, monkeypatch):  # type: ignore[no-untyped-def]
    first, _ = await intake(hub, call("c-1", MATTI))
    read = PgIntakeBatch.read
    claimed = False

    async def read_then_a_nurse_claims(self, contacts):  # type: ignore[no-untyped-def]
        nonlocal claimed
        contexts = await read(self, contacts)
        if not claimed and any(c.external_id == "c-2" for c in contacts):
            claimed = True
            async with hub.engine.begin() as c:
                await c.execute(
                    update(t.cases).where(t.cases.c.id == first.case_id).values(status="claimed", assignee="n-aino", version=t.cases.c.version + 1)
                )
        return contexts

    monkeypatch.setattr(PgIntakeBatch, "read", read_then_a_nurse_claims)
    answers = await asyncio.gather(*(intake(hub, c) for c in [call("x-0", unknown(0)), call("c-2", MATTI), *(call(f"x-{n}", unknown(n)) for n in (1, 2))]))
    merged, created = answers[1]
    assert claimed, "the nurse claimed between the read and the write"
    assert created and merged.merged and merged.case_id == first.case_id
    assert await scalar(hub, select(t.cases.c.contacts_count).where(t.cases.c.id == first.case_id)) == 2
    async with hub.engine.connect() as conn:
        data = (await conn.execute(select(t.events.c.data).where(t.events.c.case_id == first.case_id).order_by(t.events.c.seq))).scalars().all()
    assert len(data) == 2 and '"status":"claimed"' in data[1], "the event shows the case as it is now"


async def test_capacity_holds_when_a_nurses_patients_call_at_once(hub):  # type: ignore[no-untyped-def]
    """Aino takes 25 (region file); 30 of her patients call together: never more than 25 reach
    her. The count errs on the safe side: a batch committed while another read ran may be
    counted twice, so one or two may spill early (without the batches' own counts, all 30 went
    to her)."""
    answers = await asyncio.gather(*(intake(hub, call(f"cap-{i}", f"+35840200{i:04d}")) for i in range(30)))
    reasons = [r.routing_reason for r, _ in answers]
    assert 20 <= reasons.count("named_nurse") <= 25 and reasons.count("named_nurse") + reasons.count("capacity_spill") == 30
    open_for_aino = await scalar(hub, select(func.count()).select_from(t.cases).where(t.cases.c.queue == "personal:n-aino"))
    assert open_for_aino == reasons.count("named_nurse") <= 25


async def test_a_failed_batch_loses_nothing(hub, monkeypatch):  # type: ignore[no-untyped-def]
    write = PgIntakeBatch.write
    failed = 0

    async def broken_once(self, plans):  # type: ignore[no-untyped-def]
        nonlocal failed
        if len(plans) > 1 and not failed:
            failed += 1
            raise ConnectionError("the database went away mid-batch")
        return await write(self, plans)

    monkeypatch.setattr(PgIntakeBatch, "write", broken_once)
    answers = await asyncio.gather(*(intake(hub, call(f"f-{n}", unknown(n))) for n in range(10)))
    assert failed == 1, "a batch of several failed"
    assert all(created for _, created in answers)
    assert await scalar(hub, select(func.count()).select_from(t.cases)) == 10


async def test_the_batch_statements_keep_to_indexes_on_a_new_installation(hub):  # type: ignore[no-untyped-def]
    """A generic plan made while `cases` is empty must not scan it: it is cached and reused
    long after the table has grown (app.db.pools.intake_pool)."""
    async with hub.intake.store.pool.acquire() as conn:
        await conn.execute("TRUNCATE cases, contacts, events, messages")
        await conn.execute("SET plan_cache_mode = force_generic_plan")
        for name, sql, args in (
            ("many", intake_pg.READ, "('{}', '{}')"),
            ("write", intake_pg.WRITE, "('[]', '[]', '{}', '[]', '[]', 1, '[]')"),
        ):
            await conn.execute(f"PREPARE {name} AS {sql}")
            plan = "\n".join(r[0] for r in await conn.fetch(f"EXPLAIN EXECUTE {name}{args}"))
            assert "Seq Scan" not in plan, plan
        await conn.execute("RESET plan_cache_mode; DEALLOCATE ALL")


async def test_a_batch_is_published_once_in_seq_order(hub):  # type: ignore[no-untyped-def]
    spy = Spy()
    published = spy.published
    hub.publishers.add(spy)
    answers = await asyncio.gather(*(intake(hub, call(f"p-{n}", unknown(n))) for n in range(20)))
    assert len(published) < 20, "one publish per batch, not per contact"
    seqs = [e["seq"] for events in published for e in events]
    assert seqs == sorted(seqs) and len(seqs) == 20
    assert {e["case_id"] for events in published for e in events} == {r.case_id for r, _ in answers}


async def test_a_lone_contact_that_fails_is_not_tried_twice(hub, monkeypatch):  # type: ignore[no-untyped-def]
    """A database outage answers 503 once per request, not after a second attempt."""
    calls = 0

    async def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        raise ConnectionRefusedError("database down")

    monkeypatch.setattr(PgIntakeBatch, "write", down)
    with pytest.raises(ConnectionRefusedError):
        await intake(hub, call("down-1", MATTI))
    assert calls == 1
