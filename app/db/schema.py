"""Tables. SQLAlchemy Core, because the intake path cannot afford an ORM unit of work per
request (ENGINEERING.md measured ≈5× slower); the same tables serve Alembic.
"""

from __future__ import annotations

from datetime import datetime, timezone

from app.domain.common import new_id  # noqa: F401 - ids are made in the domain; tables and tests use t.new_id

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTC(TypeDecorator[datetime]):
    """Timestamps are stored in UTC and always come back timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[override]
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


ID = String(32)

patients = Table(
    "patients",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("language", String(8), nullable=False, server_default="fi"),
    Column("named_nurse", String(64)),
    Column("named_doctor", String(64)),
    Column("unit", String(64), nullable=False),
    Column("hearing_impaired", Boolean, nullable=False, server_default="0"),
    Column("interpreter_language", String(8)),
    Column("responsible_worker", String(64)),
    Column("responsible_until", UTC),
    Column("concern", Boolean, nullable=False, server_default="0"),
    Column("updated_at", UTC, nullable=False),
    # SPEC §10 (app/domain/shared_clients.py): the case summaries' hint, stored so lists stay cheap
    # (refreshed when a trigger or a take-over changes), and when the last take-over ended.
    Column("shared_client", Boolean, nullable=False, server_default="0"),
    Column("shared_reset_at", UTC),
    Index("ix_patients_responsible_until", "responsible_until"),  # the take-over end job
)

patient_phones = Table(
    "patient_phones",
    metadata,
    Column("phone", String(20), primary_key=True),
    Column("patient_id", String(64), ForeignKey("patients.id", ondelete="CASCADE"), nullable=False, index=True),
)

cases = Table(
    "cases",
    metadata,
    Column("id", ID, primary_key=True),
    Column("status", String(16), nullable=False),
    Column("queue", String(80), nullable=False),
    Column("unit", String(64), nullable=False),
    Column("assignee", String(64)),
    Column("urgency", String(16), nullable=False),
    Column("urgency_rank", Integer, nullable=False),
    Column("urgency_source", String(16), nullable=False),
    Column("red_flags", Text, nullable=False, server_default=""),
    # what the urgency rules found, counted or not, with the patient's words (app.domain.findings)
    Column("urgency_findings", Text, nullable=False, server_default="[]"),
    Column("due_at", UTC, nullable=False),
    Column("at_risk_at", UTC, nullable=False),
    Column("at_risk", Boolean, nullable=False, server_default="0"),
    Column("channel", String(16), nullable=False),
    Column("line", Integer),
    Column("patient_id", String(64)),
    Column("caller_phone", String(20)),
    Column("routing_reason", String(32), nullable=False),
    Column("subject", String(200)),  # a secure-message thread's subject
    Column("contacts_count", Integer, nullable=False, server_default="1"),
    Column("handovers", Integer, nullable=False, server_default="0"),
    Column("first_handler", String(64)),
    Column("first_callback_at", UTC),
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("outcome", String(32)),
    Column("follow_up", Text),
    Column("patient_informed", Boolean),
    Column("care_pathway", String(64)),
    Column("resolved_by", String(64)),
    Column("merged_into", ID),
    Column("created_at", UTC, nullable=False),
    Column("updated_at", UTC, nullable=False),
    Column("claimed_at", UTC),
    Column("resolved_at", UTC),
    Column("version", Integer, nullable=False, server_default="1"),
    # the clock (app/jobs): each set once, by a conditional update, so two instances act once
    Column("overdue", Boolean, nullable=False, server_default="0"),  # past due (claimed: stays put, marked)
    Column("breached_at", UTC),  # when the sweep first found it past due: the breach counted once
    Column("due_counted", Boolean, nullable=False, server_default="0"),  # callbacks_due counted
    Column("alerted_at", UTC),  # an unclaimed emergency past due: its last repeated alert
    Column("promised_at", UTC),  # carried over at the end of the day: the promise first given
    Column("purged_at", UTC),  # free text removed after the retention period
    Index("ix_cases_inbox", "queue", "status", "urgency_rank", "due_at"),
    Index("ix_cases_status_due", "status", "due_at"),
    Index("ix_cases_patient_status", "patient_id", "status"),
    Index("ix_cases_assignee_status", "assignee", "status"),
    Index("ix_cases_created_at", "created_at"),  # the KPI report: cases opened in a period
    Index("ix_cases_resolved_at", "resolved_at"),  # … and resolved in it
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", ID, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("external_id", String(128), nullable=False),
    Column("case_id", ID, nullable=False, index=True),
    Column("patient_id", String(64)),
    Column("unit", String(64), nullable=False),
    Column("line", Integer),
    Column("caller", String(20)),
    Column("dialed", String(20)),
    Column("text", Text),
    Column("received_at", UTC, nullable=False),
    Column("created_at", UTC, nullable=False),
    Column("merged", Boolean, nullable=False, server_default="0"),
    Column("display_name", String(80)),  # what an anonymous chat visitor called themselves
    Column("response", Text, nullable=False),
    UniqueConstraint("channel", "external_id"),
    Index("ix_contacts_patient_received", "patient_id", "received_at"),
    Index("ix_contacts_received_at", "received_at"),  # the KPI report: a period's contacts
)

events = Table(
    "events",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("type", String(32), nullable=False),
    Column("case_id", ID),
    Column("queue", String(80)),
    Column("unit", String(64)),
    Column("actor", String(64)),
    Column("at", UTC, nullable=False),
    Column("data", Text, nullable=False),
    Index("ix_events_case", "case_id", "seq"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", ID, primary_key=True),
    Column("case_id", ID, nullable=False),
    Column("sender", String(16), nullable=False),  # patient | professional | system
    Column("author", String(64)),
    Column("text", Text, nullable=False),
    Column("at", UTC, nullable=False),
    Index("ix_messages_case", "case_id", "at"),
)

notes = Table(
    "notes",
    metadata,
    Column("id", ID, primary_key=True),
    Column("case_id", ID, nullable=False, index=True),
    Column("author", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("at", UTC, nullable=False),
)

callback_attempts = Table(
    "callback_attempts",
    metadata,
    Column("id", ID, primary_key=True),
    Column("case_id", ID, nullable=False, index=True),
    Column("professional", String(64), nullable=False),
    Column("result", String(16), nullable=False),
    Column("note", Text),
    Column("at", UTC, nullable=False),
)

absences = Table(
    "absences",
    metadata,
    Column("id", ID, primary_key=True),
    Column("professional", String(64), nullable=False, index=True),
    Column("starts_at", UTC, nullable=False),
    Column("ends_at", UTC, nullable=False),
    Column("substitute", String(64)),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UTC, nullable=False),
)

access_log = Table(
    "access_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", UTC, nullable=False),
    # NULL only on a search's own entry (action `patient_search`, `hits` = how many patients it
    # found); each patient it showed gets an entry of their own. The query text is never kept.
    Column("patient_id", String(64), nullable=True),
    Column("professional", String(64), nullable=False),
    Column("case_id", ID),
    Column("action", String(32), nullable=False),
    Column("hits", Integer),
    Index("ix_access_log_patient", "patient_id", "at"),
)

# Care pathways a professional has given a patient (the region's `care_pathways`; SPEC §9): the
# patient sees them in the portal. One row per patient and pathway — attaching again changes nothing.
care_pathway_attachments = Table(
    "care_pathway_attachments",
    metadata,
    Column("patient_id", String(64), ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True),
    Column("pathway", String(64), primary_key=True),
    Column("attached_at", UTC, nullable=False),
    Column("attached_by", String(64), nullable=False),
    Column("case_id", ID),  # the case resolved with it, when attached on resolving
    Column("unit", String(64), nullable=False),  # whose work it counts as in the KPI report
    Index("ix_care_pathway_attachments_attached_at", "attached_at"),
)

revoked_tokens = Table(
    "revoked_tokens",
    metadata,
    Column("jti", String(64), primary_key=True),
    Column("expires_at", UTC, nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", ID, primary_key=True),
    Column("channel", String(16), nullable=False),  # sms | secure_message
    Column("recipient", String(64), nullable=False),
    Column("template", String(32), nullable=False),
    Column("case_id", ID),
    Column("created_at", UTC, nullable=False),
    Column("sent_at", UTC),
)

survey_responses = Table(
    "survey_responses",
    metadata,
    Column("case_id", ID, primary_key=True),  # one answer per matter
    Column("unit", String(64), nullable=False),
    Column("nps", Integer, nullable=False),
    Column("solved", Boolean),
    Column("knows_how_continues", Boolean),
    Column("at", UTC, nullable=False),
    Index("ix_survey_responses_at", "at"),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", ID, primary_key=True),
    Column("case_id", ID, nullable=False, index=True),
    Column("at", UTC, nullable=False),  # when the case comes back to the inbox
    Column("note", Text, nullable=False),
    Column("holder", String(64)),  # whose queue it returns to (their team's when they are absent)
    Column("queue", String(80), nullable=False),  # the case's queue when it was set aside
    Column("state", String(16), nullable=False),  # scheduled | returned | cancelled
    Column("created_by", String(64), nullable=False),
    Column("created_at", UTC, nullable=False),
    Column("done_at", UTC),
    Index("ix_follow_ups_state_at", "state", "at"),
)

# "Has this job done this already?" — one row per (job, key), e.g. (end_of_day, kajaani/2026-11-27);
# inserting the row is the act of claiming the work, so of two instances exactly one does it.
job_marks = Table(
    "job_marks",
    metadata,
    Column("job", String(40), primary_key=True),
    Column("key", String(120), primary_key=True),
    Column("at", UTC, nullable=False),
)

presence = Table(
    "presence",
    metadata,
    Column("professional", String(64), primary_key=True),  # one row per professional: the latest
    Column("status", String(16), nullable=False),  # available | busy | away | offline
    Column("unit", String(64), nullable=False, index=True),
    Column("updated_at", UTC, nullable=False),  # since when the status holds
)

# Shared clients (SPEC §10): missed appointments from the appointment system's webhook (one row
# per event id: a replay counts once), professionals' concerns, and every take-over.
no_shows = Table(
    "no_shows",
    metadata,
    Column("event_id", String(128), primary_key=True),
    Column("patient_id", String(64), nullable=False),
    Column("unit", String(64), nullable=False),
    Column("at", UTC, nullable=False),  # the missed appointment's time
    Column("received_at", UTC, nullable=False),
    Index("ix_no_shows_patient_at", "patient_id", "at"),
)

concerns = Table(
    "concerns",
    metadata,
    Column("id", ID, primary_key=True),
    Column("patient_id", String(64), nullable=False),
    Column("professional", String(64), nullable=False),
    Column("note", Text, nullable=False),
    Column("at", UTC, nullable=False),
    Index("ix_concerns_patient_at", "patient_id", "at"),
)

take_overs = Table(
    "take_overs",
    metadata,
    Column("id", ID, primary_key=True),
    Column("patient_id", String(64), nullable=False),
    Column("coordinator", String(64), nullable=False),
    Column("starts_at", UTC, nullable=False),
    Column("until", UTC, nullable=False),
    Column("note", Text),
    Column("ended_at", UTC),  # NULL while it holds
    Column("ended_by", String(64)),  # who released it; NULL when it ran out
    Column("end_reason", String(16)),  # released | expired
    Index("ix_take_overs_patient_starts", "patient_id", "starts_at"),
)
