"""Each app owns its metrics: a count in one never shows in another (the API tests run twice)."""

from __future__ import annotations

from prometheus_client import generate_latest

from app.metrics import Metrics


def test_two_apps_count_apart() -> None:
    first, second = Metrics(), Metrics()
    first.contact_received("phone", "kajaani", 1, "named_nurse", merged=True, flags=["chest_pain"])
    text = generate_latest(first.registry).decode()
    assert 'firstline_contacts_total{channel="phone",line="1",unit="kajaani"} 1.0' in text
    assert 'firstline_contacts_merged_total{channel="phone"} 1.0' in text
    assert 'firstline_red_flags_total{flag="chest_pain"} 1.0' in text
    assert "firstline_contacts_total{" not in generate_latest(second.registry).decode()
