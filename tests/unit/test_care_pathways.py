"""Care pathways (app.domain.care_pathways) and whose patient data a professional may read
(app.domain.patient_access), over the demo region."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.domain import care_pathways as rules
from app.domain.access import live_queues, visible_queues
from app.domain.care_pathways import Attachment
from app.domain.errors import Invalid
from app.domain.kpis import pathway_attachments
from app.domain.patient_access import may_read_patient, patient_scope
from app.domain.region import Region

AT = datetime(2026, 12, 3, 8, 0, tzinfo=timezone.utc)


def test_a_known_pathway_is_found_and_an_unknown_one_is_refused_by_its_code(region: Region) -> None:
    assert rules.pathway(region, "asthma").url == "https://example.org/pathways/asthma"
    with pytest.raises(Invalid) as raised:
        rules.pathway(region, "gout")
    assert raised.value.extra == {"code": "unknown_pathway", "care_pathway": "gout"}
    assert "asthma, diabetes" in raised.value.detail  # names the ones there are


def test_the_title_is_in_the_readers_language_else_finnish(region: Region) -> None:
    asthma = region.pathway_by_id["asthma"]
    assert [rules.title(asthma, lang) for lang in ("fi", "sv", "en", "ar", None)] == ["Astma", "Astma", "Asthma", "Astma", "Astma"]


def test_shown_newest_first_without_pathways_the_region_no_longer_has(region: Region) -> None:
    attached = [
        Attachment("asthma", AT, "n-aino"),
        Attachment("retired", AT + timedelta(days=2), "n-aino"),
        Attachment("diabetes", AT + timedelta(days=1), "n-eero", "case-1"),
    ]
    shown = rules.shown(region, attached, "en")
    assert [(p.id, p.title, p.attached_at) for p in shown] == [("diabetes", "Diabetes", AT + timedelta(days=1)), ("asthma", "Asthma", AT)]
    assert shown[1].url == "https://example.org/pathways/asthma"


def test_the_attachment_event_reaches_no_inbox_socket(region: Region) -> None:
    """It is for the audit trail: its queue is nobody's, live or on replay."""
    event = rules.attached_event("p-0001", "asthma", "n-aino", "kajaani", "case-1", AT)
    assert (event["type"], event["patient_id"], event["pathway"], event["resolved_case"]) == (rules.ATTACHED, "p-0001", "asthma", "case-1")
    for who in region.professionals:
        for unit in region.unit_by_id:
            assert event["queue"] not in live_queues(region, who, unit), who.id
    assert "resolved_case" not in rules.attached_event("p-0001", "asthma", "n-aino", "kajaani", None, AT)


def test_own_units_patients_are_readable_by_every_role(region: Region) -> None:
    for pid in ("n-aino", "d-mikko", "a-sari", "c-helena", "s-paula"):
        assert may_read_patient(region, region.professional_by_id[pid], "kajaani", ())
    assert may_read_patient(region, region.professional_by_id["x-admin"], "sotkamo", ())


def test_another_units_patient_only_through_a_case_one_may_see(region: Region) -> None:
    aino, liisa, sari = (region.professional_by_id[p] for p in ("n-aino", "n-liisa", "a-sari"))
    paula, jouni = region.professional_by_id["s-paula"], region.professional_by_id["s-jouni"]
    assert not may_read_patient(region, aino, "sotkamo", ())
    assert not may_read_patient(region, aino, "sotkamo", [("personal:n-veera", None), ("team:sotkamo-a", "n-veera")])
    assert may_read_patient(region, aino, "sotkamo", [("personal:n-veera", None), ("team:kajaani-a", None)])
    assert may_read_patient(region, aino, "sotkamo", [("overflow:kajaani", None)])
    assert may_read_patient(region, aino, "sotkamo", [("personal:n-veera", "n-aino")])  # a case she holds
    assert not may_read_patient(region, liisa, "sotkamo", [("team:kajaani-a", None)])  # not her team
    assert not may_read_patient(region, sari, "sotkamo", [("team:kajaani-a", None)])  # not an assistant's queue
    # supervisors: their own unit, every queue there
    assert may_read_patient(region, paula, "sotkamo", [("team:kajaani-a", None)])
    assert not may_read_patient(region, paula, "sotkamo", [("team:sotkamo-a", None)])
    assert not may_read_patient(region, jouni, "kajaani", [("team:kajaani-a", None)])


def test_the_search_scope_is_the_same_rule(region: Region) -> None:
    aino = region.professional_by_id["n-aino"]
    scope = patient_scope(region, aino)
    assert (scope.everyone, scope.unit, scope.professional) == (False, "kajaani", "n-aino")
    assert list(scope.queues) == visible_queues(region, aino)
    assert patient_scope(region, region.professional_by_id["x-admin"]).everyone


def test_attachment_counts_list_every_pathway_of_the_region(region: Region) -> None:
    assert pathway_attachments({}, region) == {"asthma": 0, "diabetes": 0}
    assert pathway_attachments({"diabetes": 3, "retired": 1}, region) == {"asthma": 0, "diabetes": 3, "retired": 1}


def test_a_pathway_id_given_twice_stops_the_region_file(region: Region) -> None:
    import msgspec

    raw = msgspec.to_builtins(region)
    raw["care_pathways"].append({**raw["care_pathways"][0], "url": "https://example.org/other"})
    with pytest.raises(msgspec.ValidationError, match="care_pathways.*'asthma' appears twice"):
        msgspec.convert(raw, Region)
