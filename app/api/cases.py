"""The inbox and case actions: parse, call app.services.cases, return a Struct."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.params import Parameter

from app.domain.access import INBOX_FILTERS
from app.domain.common import CallbackResult, Urgency
from app.domain.region import Professional
from app.hub import Hub
from app.services import cases as svc
from app.services import follow_ups as fsvc
from app.services import patients as psvc
from app.domain.care_pathways import AttachedPathway
from app.domain.errors import Gone, Invalid
from app.services import care_pathways as pathways_svc
from app.domain.summary import CaseSummary
from app.web.i18n import pick_language

Text = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
CaseId = Annotated[str, Parameter(max_length=64)]


class InboxResponse(msgspec.Struct):
    items: list[CaseSummary]


class UrgencyChange(msgspec.Struct):
    level: Urgency
    reason: Text


class AttemptRequest(msgspec.Struct):
    result: CallbackResult
    note: Annotated[str, msgspec.Meta(max_length=4000)] | None = None


class TextRequest(msgspec.Struct):
    text: Text


class HandoverRequest(msgspec.Struct):
    to: Annotated[str, msgspec.Meta(min_length=3, max_length=80)]
    note: Annotated[str, msgspec.Meta(max_length=4000)] | None = None


class ResolveRequest(msgspec.Struct):
    outcome: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    follow_up: Annotated[str, msgspec.Meta(max_length=4000)] | None = None
    patient_informed: bool | None = None
    care_pathway: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    # The phone caller agreed during the call to a survey by SMS (content-free `survey` template).
    survey_sms: bool = False


class FollowUpRequest(msgspec.Struct):
    at: datetime  # ISO 8601 with an offset; in the future, at most a year ahead (422 otherwise)
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class LinkPatientRequest(msgspec.Struct):
    patient_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class InboxController(Controller):
    path = "/api/inbox"
    tags = ["inbox"]

    @get("/")
    async def inbox(
        self,
        hub: Hub,
        who: Professional,
        queue: Literal["mine", "team", "overflow", "urgent", "assistants", "coordinator", "chat", "all"] = "mine",
        unit: Annotated[str | None, Parameter(max_length=64)] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
    ) -> InboxResponse:
        assert queue in INBOX_FILTERS
        return InboxResponse(await svc.inbox(hub, who, queue, unit, limit))


class CaseController(Controller):
    path = "/api/cases/{case_id:str}"
    tags = ["cases"]

    @get("/")
    async def detail(
        self,
        request: Request[Any, Any, Any],
        hub: Hub,
        who: Professional,
        case_id: CaseId,
        lang: Annotated[Literal["fi", "sv", "en"] | None, Parameter(query="lang")] = None,
    ) -> svc.CaseDetail:
        """The case whole. Its urgency findings' labels, reasons and explanation are in `?lang=`,
        else the Accept-Language header's first language of ours, else Finnish."""
        return await svc.get_case(hub, who, case_id, pick_language(lang, request.headers.get("accept-language")))

    @post("/claim", status_code=200)
    async def claim(self, hub: Hub, who: Professional, case_id: CaseId) -> CaseSummary:
        return await svc.claim(hub, who, case_id)

    @post("/release", status_code=200)
    async def release(self, hub: Hub, who: Professional, case_id: CaseId) -> CaseSummary:
        return await svc.release(hub, who, case_id)

    @post("/urgency", status_code=200)
    async def urgency(self, hub: Hub, who: Professional, case_id: CaseId, data: UrgencyChange) -> CaseSummary:
        return await svc.set_urgency(hub, who, case_id, data.level, data.reason)

    @post("/callback-attempts", status_code=201)
    async def callback_attempt(self, hub: Hub, who: Professional, case_id: CaseId, data: AttemptRequest) -> CaseSummary:
        return await svc.callback_attempt(hub, who, case_id, data.result, data.note)

    @post("/notes", status_code=201)
    async def note(self, hub: Hub, who: Professional, case_id: CaseId, data: TextRequest) -> svc.NoteView:
        return await svc.add_note(hub, who, case_id, data.text)

    @post("/messages", status_code=201)
    async def message(self, hub: Hub, who: Professional, case_id: CaseId, data: TextRequest) -> svc.MessageView:
        return await svc.add_message(hub, who, case_id, data.text)

    @post("/handover", status_code=200)
    async def handover(self, hub: Hub, who: Professional, case_id: CaseId, data: HandoverRequest) -> CaseSummary:
        return await svc.handover(hub, who, case_id, data.to, data.note)

    @post("/resolve", status_code=200)
    async def resolve(self, hub: Hub, who: Professional, case_id: CaseId, data: ResolveRequest) -> CaseSummary:
        return await svc.resolve(
            hub, who, case_id, data.outcome, data.follow_up, data.patient_informed, data.care_pathway, data.survey_sms
        )

    @post("/follow-up", status_code=201)
    async def follow_up(self, hub: Hub, who: Professional, case_id: CaseId, data: FollowUpRequest) -> svc.FollowUpView:
        """Agree a follow-up with the patient: the case waits out of the inbox until `at`."""
        return await fsvc.schedule(hub, who, case_id, data.at, data.note)

    @delete("/follow-up", status_code=200)
    async def cancel_follow_up(self, hub: Hub, who: Professional, case_id: CaseId) -> CaseSummary:
        """Cancel the scheduled follow-up: the case comes back to the inbox at once."""
        return await fsvc.cancel(hub, who, case_id)

    @post("/link-patient", status_code=200)
    async def link_patient(self, hub: Hub, who: Professional, case_id: CaseId, data: LinkPatientRequest) -> CaseSummary:
        return await svc.link_patient(hub, who, case_id, data.patient_id)


class SearchRequest(msgspec.Struct):
    q: Annotated[str, msgspec.Meta(min_length=2, max_length=100)]


class PathwayRequest(msgspec.Struct):
    pathway: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


PatientId = Annotated[str, Parameter(max_length=64)]


class PatientController(Controller):
    """A patient's data, for professionals who may read it (their unit's patients, or through a
    case they may see); others get 404, as for a patient who does not exist. Every read and every
    search is access-logged."""

    path = "/api/patients"
    tags = ["patients"]

    @get("/", status_code=410, include_in_schema=False)
    async def search_moved(self, who: Professional) -> None:
        """The old `GET ?q=` search, answered 410 for one release: a name or number in a URL ends up
        in proxies' and browsers' logs and histories."""
        raise Gone(
            "patient search moved to POST /api/patients/search with {\"q\": \"…\"}: names and numbers stay out of URLs",
            code="search_moved",
        )

    @post("/search", status_code=200)
    async def search(self, hub: Hub, who: Professional, data: SearchRequest) -> list[psvc.PatientHit]:
        """By name, id or phone number, for linking a caller; only patients you may read."""
        return await psvc.search_patients(hub, who, data.q)

    @get("/{patient_id:str}")
    async def detail(self, hub: Hub, who: Professional, patient_id: PatientId) -> psvc.PatientView:
        return await psvc.get_patient(hub, who, patient_id)

    @get("/{patient_id:str}/access-log")
    async def access_log(self, hub: Hub, who: Professional, patient_id: PatientId) -> list[psvc.AccessEntry]:
        return await psvc.access_log(hub, who, patient_id)

    @post("/{patient_id:str}/care-pathways", status_code=201)
    async def attach_pathway(self, hub: Hub, who: Professional, patient_id: PatientId, data: PathwayRequest) -> AttachedPathway:
        """Give the patient one of the region's care pathways: they see it in the portal. Again
        for the same pathway changes nothing (the first attachment's time is kept)."""
        return await pathways_svc.attach(hub, who, patient_id, data.pathway)


class AbsenceRequest(msgspec.Struct):
    professional: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    from_: Annotated[str, msgspec.Meta(min_length=10, max_length=40)] = msgspec.field(name="from")
    to: Annotated[str, msgspec.Meta(min_length=10, max_length=40)]
    substitute: Annotated[str, msgspec.Meta(max_length=64)] | None = None


def day_or_time(field: str, value: str) -> date | datetime:
    """`YYYY-MM-DD` is a whole day; anything longer must be an ISO datetime with an offset."""
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{field}: {value!r} is neither a date (YYYY-MM-DD) nor an ISO datetime", code="bad_date", field=field) from None
    if parsed.tzinfo is None:
        raise Invalid(f"{field}: a datetime needs a UTC offset, e.g. 2026-11-23T08:00:00+02:00", code="bad_date", field=field)
    return parsed


class AbsenceController(Controller):
    path = "/api/absences"
    tags = ["absences"]

    @post("/", status_code=201)
    async def add(self, hub: Hub, who: Professional, data: AbsenceRequest) -> psvc.AbsenceView:
        start, end = day_or_time("from", data.from_), day_or_time("to", data.to)
        return await psvc.add_absence(hub, who, data.professional, start, end, data.substitute)

    @get("/")
    async def list(self, hub: Hub, who: Professional) -> list[psvc.AbsenceView]:  # noqa: A003
        return await psvc.list_absences(hub, who)

    @post("/{absence_id:str}/end", status_code=200)
    async def end(self, hub: Hub, who: Professional, absence_id: str) -> psvc.AbsenceView:
        """End a running absence now, or cancel one not yet begun."""
        return await psvc.end_absence(hub, who, absence_id)
