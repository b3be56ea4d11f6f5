"""The summary's patient facts (language, interpreter, hearing) — built one way, and a builder that
forgets one of the columns fails loudly instead of showing a nurse a patient without needs."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from app.db.summaries import SUMMARY_COLUMNS
from app.domain.intake import InboundContact, IntakeContext, plan
from app.domain.routing import PatientFacts, Staffing
from app.domain.summary import PATIENT_COLUMNS, PatientRef, summary_from_row
from app.region_file import load_region
from app.settings import DEMO_REGION

REGION = load_region(DEMO_REGION)
NOW = datetime(2026, 11, 25, 8, 30, tzinfo=timezone.utc)
ROW = {
    "id": "c-1", "status": "new", "queue": "personal:n-eero", "assignee": None, "urgency": "unassessed",
    "due_at": NOW, "at_risk": False, "overdue": False, "channel": "phone", "line": 1, "unit": "kajaani", "patient_id": "p-0005",
    "routing_reason": "named_nurse", "created_at": NOW, "updated_at": NOW, "contacts_count": 1,
}  # fmt: skip
AHMED = {"patient_name": "Ahmed Hassan", "patient_language": "en", "patient_interpreter_language": "ar", "patient_hearing_impaired": 0, "patient_shared_client": 0}


def test_a_row_with_the_patient_columns_gives_the_needs() -> None:
    s = summary_from_row(ROW | AHMED)
    assert s.patient == PatientRef("p-0005", "Ahmed Hassan", "en", "ar", False)
    assert summary_from_row(ROW | {"patient_id": None}).patient is None, "no patient: no columns needed"


@pytest.mark.parametrize("missing", PATIENT_COLUMNS)
def test_a_builder_without_a_patient_column_fails(missing: str) -> None:
    with pytest.raises(KeyError):
        summary_from_row(ROW | {k: v for k, v in AHMED.items() if k != missing})


def test_the_sql_projection_selects_every_patient_column() -> None:
    assert set(PATIENT_COLUMNS) <= {c.name for c in SUMMARY_COLUMNS}


def test_a_new_case_from_intake_carries_what_the_store_read() -> None:
    contact = InboundContact(
        channel="phone", external_id="c-1", unit="kajaani", line=1, caller="+358407654321",
        dialed="+35886150000", text=None, received_at=NOW,
    )  # fmt: skip
    ctx = IntakeContext(PatientFacts(id="p-0005", named_nurse="n-eero"), "Ahmed Hassan", language="en", interpreter_language="ar")
    p = plan(contact, ctx, Staffing(), REGION, ZoneInfo(REGION.region.timezone), NOW)
    assert p.events[0]["case"].patient == PatientRef("p-0005", "Ahmed Hassan", "en", "ar", False)
    deaf = IntakeContext(PatientFacts(id="p-0004"), "Anna Korhonen", language="fi", interpreter_language="fse", hearing_impaired=True)
    p = plan(contact, deaf, Staffing(), REGION, ZoneInfo(REGION.region.timezone), NOW)
    assert p.events[0]["case"].patient == PatientRef("p-0004", "Anna Korhonen", "fi", "fse", True)
