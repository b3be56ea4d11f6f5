"""Intake on PostgreSQL, batched: contacts arriving together are read and written together.

Why: per contact, the database's cost is mostly per statement — executor start-up, the commit
and its WAL flush, and the event log's advisory lock, which every event-writing transaction
takes so that `seq` follows commit order (app/services/views.write_event) and which therefore
serialises commits. Measured here with 32 concurrent writers: one contact per statement cost
≈ 0.4 ms of PostgreSQL CPU and the lock capped the rate; ten per statement ≈ 0.1 ms each. On
the client side, asyncpg's cost is per statement too.

How: at most two batches in flight per process — one in the database while the next is read
and routed. A contact arriving when nothing is in flight starts at once, alone, through the
single path (`intake.write_one`: its statements are quicker for one contact) while nothing
else starts; once contacts wait, they form batches, and a second batch starts only when
SECOND_BATCH_MIN contacts wait. A batch is one read (`pg_intake.CONTEXT_MANY`), routing in Python for each contact in arrival
order, and one atomic write (`pg_intake.WRITE_BATCH`), then one publish of all its events in
seq order. Each contact is still all-or-nothing, and a 2xx still means its case and events are
committed and on their way to the live sockets.

Rules kept from one-at-a-time intake:
- Two contacts of one caller, patient or channel id are never in flight together: the later
  one waits for the next batch, whose read sees the first's case (rule 6 merges it) or its
  stored answer. Same patient from another number is only known after the read: deferred then.
- A nurse's load counts the cases this batch and the other batches in flight (or committed
  since this batch's read) put in their queue, so capacity spill holds under load. It errs
  on the safe side: a batch whose commit the read already saw may be counted twice, and a
  contact may then spill a little early, but never past the capacity (the single path, taken
  after a failed batch, keeps its old race: two reads at once may both see room).
- A merge into a case that changed since the read is not written by the batch; that contact
  goes through the single path (`intake.write_one`), which re-reads the case.
- A duplicate channel id (a retry) aborts the batch's statement — nothing of it is written —
  and every contact of the batch goes through the single path, which answers the retry with
  the stored answer. So does every contact of a batch that failed for any other reason: the
  single path then answers (or fails with 503) for each one on its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict, deque
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from app.db import pg_intake
from app.domain.routing import Staffing
from app.hub import Hub
from app.services.intake import (
    Context,
    InboundContact,
    IntakeResult,
    Triage,
    Written,
    _contact_row,
    created_events,
    merged_events,
    pg_context,
    plan,
    write_one,
)

log = logging.getLogger("firstline.intake")

MAX_BATCH = 64
IN_FLIGHT = 2  # one batch in the database while the next is read and routed
SECOND_BATCH_MIN = 8
_encode = msgspec.json.Encoder().encode


class _Job:
    __slots__ = ("contact", "tri", "now", "done", "keys", "deferred")

    def __init__(self, contact: InboundContact, tri: Triage, now: datetime) -> None:
        self.contact = contact
        self.tri = tri
        self.now = now
        self.done: asyncio.Future[Written | None] = asyncio.get_running_loop().create_future()
        keys = {("x", contact.channel, contact.external_id)}
        if contact.caller:
            keys.add(("c", contact.caller))
        if contact.patient_id:
            keys.add(("p", contact.patient_id))
        self.keys = keys
        self.deferred = False

    def answer(self, written: Written | None) -> None:
        if not self.done.done():  # the request may have been cancelled meanwhile
            self.done.set_result(written)

    def fail(self, exc: BaseException) -> None:
        if not self.done.done():
            self.done.set_exception(exc)


class _Batch:
    __slots__ = ("jobs", "keys", "patients", "loads", "read_after", "alone")

    def __init__(self, jobs: list[_Job], keys: set[tuple[str, ...]], alone: bool) -> None:
        self.jobs = jobs
        self.keys = keys
        self.alone = alone  # one contact, nothing else in flight: the single path, exclusively
        self.patients: set[str] = set()  # known once planned
        self.loads: Counter[str] = Counter()  # new cases it puts in each nurse's queue, once planned
        self.read_after = 0  # commits counted when its read began


class IntakeBatcher:
    IN_FLIGHT = IN_FLIGHT

    def __init__(self, hub: Hub, pool: Any) -> None:
        self.hub = hub
        self.pool = pool  # its own connections (app.main.make_intake_pool, index_plans)
        self.pending: list[_Job] = []
        self.in_flight: list[_Batch] = []
        self.tasks: set[asyncio.Task[None]] = set()
        self.commits = 0
        # (commit no., patients, nurse loads) of the last batches written
        self.recent: deque[tuple[int, set[str], Counter[str]]] = deque(maxlen=64)
        self.batches = 0  # for tests and the benchmark: how much batching happened
        self.contacts = 0

    async def close(self) -> None:
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.pool.close()

    async def submit(self, contact: InboundContact, tri: Triage, now: datetime) -> Written | None:
        """The committed answer and events, or None: take the single path."""
        job = _Job(contact, tri, now)
        self.pending.append(job)
        self._start()
        return await job.done

    def _start(self) -> None:
        while self.pending and len(self.in_flight) < IN_FLIGHT:
            if self.in_flight and (self.in_flight[0].alone or len(self.pending) < SECOND_BATCH_MIN):
                return  # a second batch only when enough wait: many small ones cost more than they save
            batch = self._take()
            if batch is None:
                return  # everything waiting shares a caller with a batch in flight
            self.in_flight.append(batch)
            task = asyncio.create_task(self._run(batch), name="firstline-intake-batch")
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _run(self, batch: _Batch) -> None:
        try:
            await self._write(batch)
        except asyncpg.UniqueViolationError:  # a retry of a contact already taken: expected
            log.info("a retried contact aborted a batch of %d; taking its contacts one by one", len(batch.jobs))
        except Exception:  # noqa: BLE001 - each contact then gets the single path's own answer
            log.warning("an intake batch of %d failed; taking its contacts one by one", len(batch.jobs), exc_info=True)
        finally:
            self.in_flight.remove(batch)
            for job in batch.jobs:
                if not job.deferred:
                    job.answer(None)  # no-op for those already answered
            self._start()

    def _take(self) -> _Batch | None:
        jobs: list[_Job] = []
        later: list[_Job] = []
        busy: set[tuple[str, ...]] = set().union(*(b.keys for b in self.in_flight))
        keys: set[tuple[str, ...]] = set()
        for job in self.pending:
            if len(jobs) >= MAX_BATCH or not busy.isdisjoint(job.keys) or not keys.isdisjoint(job.keys):
                later.append(job)
            else:
                job.deferred = False
                jobs.append(job)
                keys |= job.keys
        self.pending = later
        return _Batch(jobs, keys, alone=len(jobs) == 1 and not self.in_flight) if jobs else None

    def _count(self, contacts: int) -> None:
        self.batches += 1
        self.contacts += contacts
        self.hub.metrics.intake_batch.observe(contacts)

    def _unseen(self, batch: _Batch) -> tuple[set[str], Counter[str]]:
        """What this batch's read may have missed: the patients and nurse loads of the other
        batches in flight and of those committed after its read began."""
        others = [(b.patients, b.loads) for b in self.in_flight if b is not batch]
        for commit, p, n in reversed(self.recent):  # newest first; commit numbers only grow
            if commit <= batch.read_after:
                break
            others.append((p, n))
        patients: set[str] = set()
        loads: Counter[str] = Counter()
        for p, n in others:
            patients |= p
            loads.update(n)
        return patients, loads

    async def _write(self, batch: _Batch) -> None:
        hub = self.hub
        jobs = batch.jobs
        if batch.alone:  # a quiet moment: the single path's two plain statements are quicker
            job = jobs[0]
            try:
                result, events = await write_one(hub, job.contact, job.tri, job.now)
            except Exception as exc:  # noqa: BLE001 - the request answers it (e.g. 503), no second try
                job.fail(exc)
                return
            self.commits += 1
            self._count(1)
            if events is not None:
                await hub.publish(events)
            job.answer((result, events))
            return
        absent = await hub.absences.active(hub.engine, jobs[0].now)
        async with self.pool.acquire() as conn:
            phones = [j.contact.caller for j in jobs if j.contact.caller and not j.contact.patient_id]
            patient_ids = [j.contact.patient_id for j in jobs if j.contact.patient_id]
            batch.read_after = self.commits
            found = {r["key"]: r for r in await pg_intake.contexts(conn, phones, patient_ids)} if phones or patient_ids else {}

            cases: list[dict[str, Any]] = []
            merges: list[dict[str, Any]] = []
            contacts: list[dict[str, Any]] = []
            messages: list[dict[str, Any]] = []
            events: list[dict[str, Any]] = []
            planned: dict[str, tuple[_Job, IntakeResult, list[Any]]] = {}
            patients, extra_load = batch.patients, batch.loads
            busy, unseen_load = self._unseen(batch)
            deferred: list[_Job] = []
            for job in jobs:
                c, now = job.contact, job.now
                row = found.get(c.patient_id) if c.patient_id else found.get(c.caller) if c.caller else None
                ctx = pg_context(row)
                if ctx.facts is not None:
                    if ctx.facts.id in patients or ctx.facts.id in busy:  # same patient, another number
                        job.deferred = True
                        deferred.append(job)
                        continue
                    patients.add(ctx.facts.id)
                nurse = ctx.facts.named_nurse if ctx.facts else None
                loads = {nurse: ctx.nurse_load + extra_load[nurse] + unseen_load[nurse]} if nurse else {}
                result, case, summary = plan(hub, c, job.tri, ctx, Staffing(absent=absent, open_cases=loads), now)
                if case is None:
                    assert ctx.open_version is not None and ctx.open_case is not None
                    message, bodies = merged_events(c, ctx, now)
                    merges.append({"id": result.case_id, "version": ctx.open_version, "updated_at": now})
                    contacts.append(_contact_row(c, result, ctx, now))
                else:
                    assert summary is not None
                    message, bodies = created_events(c, summary, now)
                    cases.append(case)
                    contacts.append(_contact_row(c, result, Context(), now) | {"patient_id": case["patient_id"]})
                    if result.queue.startswith("personal:"):
                        extra_load[result.queue.removeprefix("personal:")] += 1
                if message is not None:
                    messages.append({"id": message["id"], "case_id": result.case_id, "text": message["text"], "at": now})
                for b in bodies:
                    data = _encode(b).decode()
                    events.append({"case_id": result.case_id, "type": b["type"], "data": data, "at": now, "ord": len(events)})
                planned[result.case_id] = (job, result, bodies)

            self.pending[:0] = deferred  # still marked: the drain must not answer them for this batch
            rows = await pg_intake.write_batch(
                conn, cases=cases, merges=merges, contacts=contacts, messages=messages, events=events
            ) if planned else []
        self.commits += 1
        self.recent.append((self.commits, batch.patients, batch.loads))
        if planned:
            self._count(len(planned))
        seqs: dict[str, list[int]] = defaultdict(list)
        for r in rows:
            seqs[r["case_id"]].append(r["seq"])
        answers: list[tuple[_Job, Written]] = []
        for case_id, (job, result, bodies) in planned.items():
            got = sorted(seqs.get(case_id, ()))
            if not got:
                continue  # a merge whose case changed since the read: the single path takes it
            answers.append((job, (result, [{"seq": seq, **msgspec.to_builtins(b)} for seq, b in zip(got, bodies, strict=True)])))
        # One publish for the whole commit, in seq order, before anyone is answered: a 2xx still
        # means the event is on its way to every live socket.
        await hub.publish(sorted((e for _, (_, evs) in answers for e in evs or ()), key=lambda e: e["seq"]))
        for job, written in answers:
            job.answer(written)
