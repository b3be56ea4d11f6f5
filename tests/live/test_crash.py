"""SPEC §15 under a crash: a real `firstline serve` killed with SIGKILL in the middle of a load of
signed callback requests from several clients, then started again on the same database.

- every request that got a 2xx is in the database exactly once, with its case and its
  `case.created` event (a 2xx means committed);
- a live client that saw events up to seq L before the crash and reconnects with `since=L`
  misses nothing: every committed event it may see has either reached it live or comes in the
  replay (seqs themselves may have holes — a sequence skips numbers — which no client notices:
  it asks for `seq > since`, never for "the next number"); nothing reached it that was not committed;
- every request retried after the restart, acknowledged or not, creates nothing twice: the
  acknowledged get `200` and the very body they got before, the others are created at most once.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live.conftest import free_port, start_process
from tests.live.load import Load, LiveClient, committed, drive, fresh_pg, post

CLIENTS = 8
KILL_AFTER = 150  # acknowledged requests before the SIGKILL
OVERFLOW = "overflow:kajaani"  # every request's queue (unknown callers); paula (supervisor) sees it


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'crash.db'}"
        return
    url, drop = asyncio.run(fresh_pg(request.getfixturevalue("pg_url")))
    try:
        yield url
    finally:
        asyncio.run(drop())


def _env(database_url: str) -> dict[str, str]:
    return {"FIRSTLINE_DATABASE_URL": database_url, "FIRSTLINE_RUN_JOBS": "0"}


async def _token(base: str) -> str:
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        r = await http.post("/api/auth/login", json={"username": "paula", "password": "paula-demo"})
        assert r.status_code == 200, r.text
        return str(r.json()["token"])


def test_sigkill_mid_load_loses_nothing_acknowledged(fresh_database: str) -> None:
    port = free_port()
    proc: subprocess.Popen[bytes] | None = start_process(port, _env(fresh_database))
    base, ws = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
    load = Load()
    killed = asyncio.Event()

    async def before_crash() -> tuple[list[int], int]:
        token = await _token(base)
        live = LiveClient(ws, token)
        await live.start(since=0)
        start = live.ready_seq or 0

        async def maybe_kill(_: httpx.Response | None) -> None:
            if len(load.acked) >= KILL_AFTER and not killed.is_set():
                assert proc is not None
                proc.send_signal(signal.SIGKILL)  # no shutdown, no flush: as a power cut to the process
                killed.set()

        # every client sends until the kill, then once more each (into the dead server)
        after_kill: dict[int, int] = {}

        def keep_going() -> bool:
            if not killed.is_set():
                return True
            n = after_kill[id(asyncio.current_task())] = after_kill.get(id(asyncio.current_task()), 0) + 1
            return n <= 1

        await drive(base, load, CLIENTS, keep_going, on_answer=maybe_kill)
        await asyncio.sleep(0.5)  # the socket notices the dead server
        await live.stop()
        return live.seqs, start

    try:
        live_seqs, _ = asyncio.run(asyncio.wait_for(before_crash(), 60))
        assert proc.wait(timeout=10) == -signal.SIGKILL
        proc = start_process(port := free_port(), _env(fresh_database))  # the same database, migrated again
        base, ws = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"

        async def after_restart() -> dict[str, Any]:
            before = await committed(fresh_database, load.run)
            token = await _token(base)
            last = max(live_seqs, default=0)
            again = LiveClient(ws, token)
            await again.start(since=last)  # as the inbox does on reconnect
            await asyncio.sleep(0.2)
            await again.stop()
            retried: dict[str, httpx.Response] = {}
            async with httpx.AsyncClient(timeout=15) as http:
                for call_id, body in load.sent.items():  # every request, acknowledged or not
                    retried[call_id] = await post(http, base, body)
            after = await committed(fresh_database, load.run)
            return {"before": before, "after": after, "replayed": again.seqs, "since": last, "retried": retried}

        got = asyncio.run(asyncio.wait_for(after_restart(), 60))
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=20)

    before, after = got["before"], got["after"]
    # 1. Every 2xx is committed exactly once, with its case and its event.
    lost = [c for c in load.acked if c not in before["contacts"]]
    twice = [c for c, rows in before["contacts"].items() if len(rows) != 1]
    assert not lost, f"acknowledged but not in the database: {lost[:5]} (of {len(lost)})"
    assert not twice, twice[:5]
    for call_id, answer in load.acked.items():
        [row] = before["contacts"][call_id]
        assert (row["contact_id"], row["case_id"]) == (answer["contact_id"], answer["case_id"]), call_id
        assert row["case"] and row["event"], (call_id, row)

    # 2. No gap a live client would notice, and nothing live that was not committed.
    visible = {seq for seq, _, queue, _ in before["events"] if queue == OVERFLOW}
    since, live = got["since"], set(live_seqs)
    missed = sorted(s for s in visible if s <= since and s not in live)
    phantom = sorted(live - {seq for seq, *_ in before["events"]})
    assert not missed, f"committed events a client reconnecting with since={since} never gets: {missed}"
    assert not phantom, f"events sent live that were never committed: {phantom}"
    assert set(got["replayed"]) == {s for s in visible if s > since}

    # 3. Retrying everything creates nothing twice.
    for call_id, r in got["retried"].items():
        assert r.status_code in (200, 202), (call_id, r.status_code, r.text)
        if call_id in load.acked:
            assert r.status_code == 200 and r.json() == load.acked[call_id], call_id
        elif call_id in before["contacts"]:
            assert r.status_code == 200, call_id  # committed but its answer was lost in the crash
    assert all(len(rows) == 1 for rows in after["contacts"].values())
    assert set(after["contacts"]) == set(load.sent)
    callers = [caller for caller, _ in after["cases_by_caller"]]
    assert len(callers) == len(set(callers)) == len(load.sent), "a retried request made a second case"
    created = [case for _, type_, _, case in after["events"] if type_ == "case.created"]
    assert len(created) == len(set(created)) == len(load.sent)

    committed_unacked = len(set(before["contacts"]) - set(load.acked))
    print(
        f"\ncrash ({fresh_database.split(':')[0]}): sent {len(load.sent)}, acknowledged {len(load.acked)}, "
        f"found {sum(1 for c in load.acked if c in before['contacts'])}, committed without an answer {committed_unacked}, "
        f"retried {len(got['retried'])} (new {sum(r.status_code == 202 for r in got['retried'].values())}), duplicates 0; "
        f"live events before the crash {len(live)}, replayed after {len(got['replayed'])}, missed {len(missed)}"
    )
