"""The short survey after a matter closes: a signed link, one answer per matter."""

from __future__ import annotations

import hashlib
import hmac

import msgspec
from sqlalchemy import select

from app.db import schema as t
from app.db.engine import upsert_insert
from app.domain.outcomes import nps_band
from app.clock import utcnow
from app.hub import Hub
from app.domain.errors import Conflict, NotFound


class SurveyAnswer(msgspec.Struct):
    nps: int
    solved: bool | None = None
    knows_how_continues: bool | None = None


def survey_token(secret: str, case_id: str) -> str:
    mac = hmac.new(secret.encode(), f"survey:{case_id}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{case_id}.{mac}"


def case_of(secret: str, token: str) -> str:
    case_id = token.partition(".")[0]
    if not case_id or not hmac.compare_digest(survey_token(secret, case_id), token):
        raise NotFound("this survey link is not valid")
    return case_id


async def answer(hub: Hub, token: str, given: SurveyAnswer) -> None:
    case_id = case_of(hub.settings.secret_key, token)
    band = nps_band(given.nps)
    async with hub.engine.begin() as conn:
        case = (await conn.execute(select(t.cases.c.status, t.cases.c.unit).where(t.cases.c.id == case_id))).first()
        if case is None:
            raise NotFound("this survey link is not valid")
        if case.status != "resolved":
            raise Conflict("the matter is still open; the survey opens when it is closed")
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
