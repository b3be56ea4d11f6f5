"""Intake: inbound contacts → identified, routed, committed cases and their events, published.

Every call, chat and message passes here, so contacts that arrive together are taken together:
one read of what routing needs for the whole batch, the domain's decision for each contact in
arrival order (`app.domain.intake.plan`), one write, one publish. Per contact the cost of the
database is mostly per statement (executor start-up, commit, the event log's lock), so a batch
of ten costs about a quarter of ten single writes; a contact that arrives when nothing else is
in flight is simply a batch of one.

The store does the I/O (`app.services.ports.IntakeStore`): SQLAlchemy in one transaction on
SQLite (app/db/intake_sqlalchemy.py), raw asyncpg on PostgreSQL (app/db/intake_pg.py).

Rules kept from one-at-a-time intake:
- Two contacts of one caller, patient or channel id are never in flight together: the later
  one waits for the next batch, whose read sees the first's case (rule 6 merges it) or its
  stored answer. The same patient from another number is only known after the read: the later
  contact is deferred then.
- A nurse's load counts the cases this batch and the other batches in flight (or committed
  since this batch's read) put in their queue, so capacity spill holds under load. It errs on
  the safe side: a contact may spill a little early, never past the capacity.
- A merge into a case that changed since the read is not written; that contact is planned
  again in the next batch, from a fresh read.
- A retried contact (its channel id already taken) writes nothing and gets the stored answer.
- A batch that fails for any other reason is retried contact by contact, so one bad contact
  cannot fail the others; a contact that fails alone fails its request (503 if the database
  is down). A 2xx always means the case and its events are committed and on their way to the
  live sockets.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from datetime import datetime
from zoneinfo import ZoneInfo
from typing import Any, Protocol

from app.clock import utcnow
from app.db.absences import AbsenceBook
from app.domain.intake import InboundContact, IntakePlan, IntakeResult, plan
from app.domain.region import Region
from app.domain.routing import Staffing
from app.domain.summary import published
from app.metrics import Metrics
from app.services.ports import IntakeStore, Publisher

log = logging.getLogger("firstline.intake")

MAX_BATCH = 64
# A second batch goes in flight only when this many wait and the one in flight is not a lone
# contact: small batches cost more than they save (per contact, PostgreSQL's cost is mostly per
# statement), and what waits behind a lone contact forms one bigger batch when it is done.
SECOND_BATCH_MIN = 8

Answer = tuple[IntakeResult, bool]  # the answer, and whether this request created it (False: a retry)


class _Job:
    __slots__ = ("contact", "now", "done", "keys", "solo")

    def __init__(self, contact: InboundContact, now: datetime) -> None:
        self.contact = contact
        self.now = now
        self.done: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        keys: set[tuple[str, ...]] = {("x", contact.channel, contact.external_id)}
        if contact.caller:
            keys.add(("c", contact.caller))
        if contact.patient_id:
            keys.add(("p", contact.patient_id))
        self.keys = keys
        self.solo = False  # after a failed batch: written alone, so its failure is its own

    def answer(self, answer: Answer) -> None:
        if not self.done.done():  # the request may have been cancelled meanwhile
            self.done.set_result(answer)

    def fail(self, exc: BaseException) -> None:
        if not self.done.done():
            self.done.set_exception(exc)


class _Batch:
    __slots__ = ("jobs", "keys", "patients", "loads", "read_after")

    def __init__(self, jobs: list[_Job], keys: set[tuple[str, ...]]) -> None:
        self.jobs = jobs
        self.keys = keys
        self.patients: set[str] = set()  # known once planned
        self.loads: Counter[str] = Counter()  # new cases it puts in each nurse's queue, once planned
        self.read_after = 0  # commits counted when its read began


class IntakeService:
    def __init__(
        self, store: IntakeStore, region: Region, tz: ZoneInfo, absences: AbsenceBook, publisher: Publisher, metrics: Metrics
    ) -> None:
        self.store = store
        self.region = region
        self.tz = tz
        self.absences = absences
        self.publisher = publisher
        self.metrics = metrics
        self.pending: list[_Job] = []
        self.in_flight: list[_Batch] = []
        self.tasks: set[asyncio.Task[None]] = set()
        self.commits = 0
        # (commit no., patients, nurse loads) of the last batches written
        self.recent: deque[tuple[int, set[str], Counter[str]]] = deque(maxlen=64)
        self.batches = 0  # for tests and the benchmark: how much batching happened
        self.contacts = 0

    async def take(self, contact: InboundContact) -> Answer:
        """The committed answer; created=False when the channel id was seen before."""
        job = _Job(contact, utcnow())
        self.pending.append(job)
        self._start()
        return await job.done

    async def close(self) -> None:
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.store.close()

    # ------------------------------------------------------------------------------ batching

    def _start(self) -> None:
        while self.pending and len(self.in_flight) < self.store.in_flight:
            if self.in_flight and (len(self.in_flight[0].jobs) == 1 or len(self.pending) < SECOND_BATCH_MIN):
                return  # behind a lone contact, or too few waiting: they form a bigger batch next
            batch = self._take()
            if batch is None:
                return  # everything waiting shares a caller with a batch in flight
            self.in_flight.append(batch)
            task = asyncio.create_task(self._run(batch), name="firstline-intake-batch")
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    def _take(self) -> _Batch | None:
        jobs: list[_Job] = []
        later: list[_Job] = []
        busy: set[tuple[str, ...]] = set().union(*(b.keys for b in self.in_flight))
        keys: set[tuple[str, ...]] = set()
        for job in self.pending:
            fits = len(jobs) < MAX_BATCH and not (jobs and (job.solo or jobs[0].solo))
            if fits and busy.isdisjoint(job.keys) and keys.isdisjoint(job.keys):
                jobs.append(job)
                keys |= job.keys
            else:
                later.append(job)
        self.pending = later
        return _Batch(jobs, keys) if jobs else None

    async def _run(self, batch: _Batch) -> None:
        try:
            await self._write(batch)
        except Exception as exc:  # noqa: BLE001 - each contact then gets its own answer
            if len(batch.jobs) == 1:
                batch.jobs[0].fail(exc)
            else:
                log.warning("an intake batch of %d failed; taking its contacts one by one", len(batch.jobs), exc_info=True)
                for job in batch.jobs:
                    job.solo = True
                self.pending[:0] = [j for j in batch.jobs if not j.done.done()]
        finally:
            self.in_flight.remove(batch)
            self._start()

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

    # ------------------------------------------------------------------------------- writing

    async def _write(self, batch: _Batch) -> None:
        jobs = batch.jobs
        absent = await self.absences.active(jobs[0].now)  # before the store: SQLite has one writer
        again: list[_Job] = []  # deferred or changed under us: planned again in a later batch
        planned: list[tuple[_Job, IntakePlan]] = []
        async with self.store.batch() as tx:
            batch.read_after = self.commits
            contexts = await tx.read([j.contact for j in jobs])
            busy, unseen_load = self._unseen(batch)
            patients, extra_load = batch.patients, batch.loads
            for job, ctx in zip(jobs, contexts, strict=True):
                if ctx.facts is not None:
                    if ctx.facts.id in patients or ctx.facts.id in busy:  # same patient, another number
                        again.append(job)
                        continue
                    patients.add(ctx.facts.id)
                nurse = ctx.facts.named_nurse if ctx.facts else None
                loads = {nurse: ctx.nurse_load + extra_load[nurse] + unseen_load[nurse]} if nurse else {}
                staffing = Staffing(absent=absent, open_cases=loads)
                decided = plan(job.contact, ctx, staffing, self.region, self.tz, job.now)
                if decided.new_for_nurse:
                    extra_load[decided.new_for_nurse] += 1
                planned.append((job, decided))
            outcomes = await tx.write([p for _, p in planned]) if planned else []
        self.commits += 1
        self.recent.append((self.commits, batch.patients, batch.loads))

        events: list[dict[str, Any]] = []
        answers: list[tuple[_Job, Answer]] = []
        retries: list[_Job] = []
        for (job, decided), outcome in zip(planned, outcomes, strict=True):
            if outcome == "changed":
                again.append(job)
            elif outcome == "duplicate":
                retries.append(job)
            else:
                events += [published(seq, body) for seq, body in zip(outcome, decided.events, strict=True)]
                answers.append((job, (decided.result, True)))
                self._count(job, decided)
        if planned:
            self.batches += 1
            self.contacts += len(planned)
            self.metrics.intake_batch.observe(len(planned))
        self.pending[:0] = again
        # One publish per commit, in seq order, before anyone is answered: a 2xx means the
        # events are on their way to every live socket.
        await self.publisher.publish(sorted(events, key=lambda e: e["seq"]))
        for job, answer in answers:
            job.answer(answer)
        for job in retries:
            job.answer((await self.store.stored(job.contact), False))

    def _count(self, job: _Job, decided: IntakePlan) -> None:
        c, r = job.contact, decided.result
        self.metrics.contact_received(c.channel, c.unit, c.line, r.routing_reason, r.merged, r.red_flags)


class HasIntake(Protocol):
    intake: IntakeService


async def intake(hub: HasIntake, contact: InboundContact) -> Answer:
    """Take one contact: what the channel controllers and the chat call."""
    return await hub.intake.take(contact)
