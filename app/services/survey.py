"""The short survey after a matter closes: a signed link, one answer per matter."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

import msgspec
from sqlalchemy import select

from app.db import schema as t
from app.db.engine import upsert_insert
from app.domain.outcomes import nps_band
from app.clock import utcnow
from app.hub import Hub
from app.domain.errors import Conflict, Gone, NotFound
from app.domain.survey import survey_expired, survey_expires_at, survey_path

EXPIRED = "this survey link has expired"


class SurveyAnswer(msgspec.Struct):
    nps: int
    solved: bool | None = None
    knows_how_continues: bool | None = None


def survey_token(secret: str, case_id: str) -> str:
    mac = hmac.new(secret.encode(), f"survey:{case_id}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{case_id}.{mac}"


def survey_link(secret: str, case_id: str, lang: str | None) -> str:
    """`/survey/<token>?lang=<lang>` for a case — what a chat, a thread message and the `survey`
    SMS template carry (an SMS sender builds it from the outbox row's case_id and the patient's
    language, and puts the hub's public address in front)."""
    return survey_path(survey_token(secret, case_id), lang)


def _refuse_expired(resolved_at: datetime | None) -> None:
    if resolved_at is not None and survey_expired(resolved_at, utcnow()):
        raise Gone(EXPIRED, code="survey_expired", expired_at=survey_expires_at(resolved_at).isoformat())


async def check(hub: Hub, token: str) -> None:
    """The page's question before it shows the form: a valid link that has not expired."""
    case_id = case_of(hub.settings.secret_key, token)
    async with hub.engine.connect() as conn:
        resolved_at = (await conn.execute(select(t.cases.c.resolved_at).where(t.cases.c.id == case_id))).first()
    if resolved_at is None:
        raise NotFound("this survey link is not valid")
    _refuse_expired(resolved_at[0])


def case_of(secret: str, token: str) -> str:
    case_id = token.partition(".")[0]
    if not case_id or not hmac.compare_digest(survey_token(secret, case_id), token):
        raise NotFound("this survey link is not valid")
    return case_id


async def answer(hub: Hub, token: str, given: SurveyAnswer) -> None:
    case_id = case_of(hub.settings.secret_key, token)
    band = nps_band(given.nps)
    async with hub.engine.begin() as conn:
        case = (await conn.execute(select(t.cases.c.status, t.cases.c.unit, t.cases.c.resolved_at).where(t.cases.c.id == case_id))).first()
        if case is None:
            raise NotFound("this survey link is not valid")
        if case.status != "resolved":
            raise Conflict("the matter is still open; the survey opens when it is closed")
        _refuse_expired(case.resolved_at)
        stmt = (
            upsert_insert(conn, t.survey_responses)
            .values(case_id=case_id, unit=case.unit, nps=given.nps, solved=given.solved,
                    knows_how_continues=given.knows_how_continues, at=utcnow())
            .on_conflict_do_nothing(index_elements=["case_id"])
            .returning(t.survey_responses.c.case_id)
        )
        if (await conn.execute(stmt)).first() is None:
            raise Conflict("this survey has already been answered — thank you")
    hub.metrics.survey_responses.labels(case.unit, band).inc()
