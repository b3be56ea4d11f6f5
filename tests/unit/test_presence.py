"""Presence rules: who sees whose presence, the unknown is offline, the unit's live queue."""

from __future__ import annotations

from datetime import datetime, timezone

import msgspec

from app.domain import presence
from app.domain.access import live_queues, visible_queues
from app.region_file import load_region
from app.settings import DEMO_REGION

REGION = load_region(DEMO_REGION)
P = REGION.professional_by_id
AT = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)


def test_colleagues_and_their_supervisor_see_a_units_presence_others_do_not():
    for who in ("n-aino", "a-sari", "d-mikko", "s-paula"):
        assert presence.may_see(P[who], "kajaani"), who
    assert not presence.may_see(P["n-veera"], "kajaani")
    assert not presence.may_see(P["s-jouni"], "kajaani"), "a supervisor oversees their own unit only"
    assert presence.may_see(P["x-admin"], "sotkamo")


def test_a_professional_with_no_record_is_offline_since_never():
    entries = presence.roster(REGION, "kajaani", {"n-aino": ("busy", AT)})
    by_id = {e.professional.id: e for e in entries}
    assert set(by_id) == {p.id for p in REGION.professionals if p.unit == "kajaani"}
    assert (by_id["n-aino"].status, by_id["n-aino"].since) == ("busy", AT)
    assert (by_id["n-eero"].status, by_id["n-eero"].since) == ("offline", None)
    assert "n-veera" not in by_id


def test_the_same_status_again_is_no_change():
    assert not presence.changes("busy", "busy")
    assert not presence.changes(None, "offline"), "unknown already means offline"
    assert presence.changes(None, "available") and presence.changes("away", "busy")


def test_the_event_names_the_professional_and_the_units_queue_not_a_case():
    body = msgspec.to_builtins(presence.changed_event(P["n-aino"], "away", AT))
    assert body == {
        "type": "presence.changed",
        "case_id": None,
        "queue": "presence:kajaani",
        "at": "2026-11-28T09:00:00Z",
        "professional": {"id": "n-aino", "name": P["n-aino"].name, "role": "nurse"},
        "status": "away",
    }


def test_every_professional_of_the_unit_streams_its_presence_queue():
    for who in ("n-aino", "a-sari", "c-helena", "s-paula"):
        queues = live_queues(REGION, P[who])
        assert "presence:kajaani" in queues and "presence:kajaani" not in visible_queues(REGION, P[who]), who
    assert "presence:kajaani" not in live_queues(REGION, P["n-veera"], "kajaani")
    assert live_queues(REGION, P["n-veera"], "kajaani") == []
    assert "presence:sotkamo" in live_queues(REGION, P["x-admin"], "sotkamo")
