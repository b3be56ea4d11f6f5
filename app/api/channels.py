"""Inbound channel webhooks: verify the signature on the raw body, then hand to the adapter."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.params import Parameter
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException

from app.api.deps import bearer_token
from app.api.openapi_body import SIGNED, json_body
from app.clock import utcnow
from app.hub import Hub
from app.security.patient_jwt import PORTAL_DISABLED, PatientTokenError, patient_id
from app.domain.care_pathways import AttachedPathway
from app.services import threads
from app.services.care_pathways import own_pathways
from app.security.webhooks import SignatureError, verify
from app.domain.errors import Disabled, Invalid
from app.domain.intake import IntakeResult
from app.services.intake import intake
from channels import omasote, phone, sms

MAX_WEBHOOK_BYTES = 64 * 1024


async def signed_body(request: Request[Any, Any, Any], hub: Hub) -> bytes:
    """The raw body once its signature holds — after the source's budget (`webhook_source`)."""
    await hub.limits.check("webhook_source", request.client.host if request.client else "unknown")
    body = await request.body()
    try:
        verify(hub.settings.webhook_secret, request.headers.get("x-firstline-signature"), body)
    except SignatureError as exc:
        raise NotAuthorizedException(str(exc)) from None
    return body


def decode(body: bytes, type_: type) -> Any:
    try:
        return msgspec.json.decode(body, type=type_)
    except msgspec.ValidationError as exc:
        raise Invalid(f"invalid request body: {exc}") from None
    except msgspec.DecodeError as exc:  # msgspec ≥ 0.23 reports bad UTF-8 in a string this way
        if "UTF-8" in str(exc):
            raise Invalid("request body is not valid UTF-8 JSON") from None
        raise Invalid(f"request body is not valid JSON: {exc}") from None
    except UnicodeDecodeError:  # msgspec < 0.23
        raise Invalid("request body is not valid UTF-8 JSON") from None


class PhoneChannel(Controller):
    path = "/channels/phone"
    tags = ["channels"]
    request_max_body_size = MAX_WEBHOOK_BYTES

    @post(
        "/callback-requests",
        status_code=202,
        summary="A callback request from the telephony platform",
        operation_class=json_body(phone.CallbackRequest, "signed with X-Firstline-Signature over these exact bytes"),
        security=SIGNED,
    )
    async def callback_request(
        self, request: Request[Any, Any, Any], state: State
    ) -> Response[IntakeResult | phone.DeprecatedNumberAnswer]:
        hub: Hub = state.hub
        req: phone.CallbackRequest = decode(await signed_body(request, hub), phone.CallbackRequest)
        contact = phone.receive(hub.region, req, utcnow())
        await hub.limits.check("webhook_unit", contact.unit)
        if isinstance(contact, phone.Redirect):
            hub.metrics.deprecated_calls.labels(contact.unit, contact.number).inc()
            return Response(contact.answer, status_code=200)
        result, created = await intake(hub, contact)
        return Response(result, status_code=202 if created else 200)


class SmsChannel(Controller):
    path = "/channels/sms"
    tags = ["channels"]
    request_max_body_size = MAX_WEBHOOK_BYTES

    @post(
        "/inbound",
        status_code=202,
        summary="An SMS from a patient (hearing or speech impaired)",
        operation_class=json_body(sms.InboundSms, "signed with X-Firstline-Signature over these exact bytes"),
        security=SIGNED,
    )
    async def inbound(self, request: Request[Any, Any, Any], state: State) -> Response[IntakeResult]:
        hub: Hub = state.hub
        msg: sms.InboundSms = decode(await signed_body(request, hub), sms.InboundSms)
        contact = sms.receive(hub.region, msg, utcnow())
        await hub.limits.check("webhook_unit", contact.unit)
        result, created = await intake(hub, contact)
        return Response(result, status_code=202 if created else 200)


class ThreadReply(msgspec.Struct):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=8000)]


async def provide_patient(request: Request[Any, Any, Any], state: State) -> str:
    if not state.hub.settings.portal_enabled:
        raise Disabled(PORTAL_DISABLED, code="portal_disabled")
    token = bearer_token(request)
    if token is None:
        raise NotAuthorizedException("log in to the patient portal first: send Authorization: Bearer <token>")
    try:
        patient = patient_id(state.hub.settings, token)
    except PatientTokenError as exc:
        raise NotAuthorizedException(str(exc)) from None
    # every portal request counts per patient; writing a message also counts against its own budget
    await state.hub.limits.check("secure_message" if request.method == "POST" else "portal_read", patient)
    return patient


class OmasoteChannel(Controller):
    """Secure messages for authenticated patients: their own threads only."""

    path = "/channels/omasote"
    tags = ["secure messages"]
    dependencies = {"patient": Provide(provide_patient)}
    request_max_body_size = MAX_WEBHOOK_BYTES

    @post("/messages", status_code=201)
    async def new_message(
        self, hub: Hub, patient: str, data: omasote.NewSecureMessage, request: Request[Any, Any, Any]
    ) -> threads.NewThread:
        key = omasote.idempotency_key(request.headers.get("idempotency-key"))
        home = await threads.home_unit(hub, patient)
        contact = omasote.to_contact(hub.region, data, patient_id=patient, home_unit=home, key=key, received_at=utcnow())
        return await threads.start_thread(hub, contact)

    @get("/threads")
    async def list_threads(self, hub: Hub, patient: str) -> list[threads.ThreadSummary]:
        return await threads.list_threads(hub, patient)

    @get("/threads/{thread_id:str}")
    async def thread(self, hub: Hub, patient: str, thread_id: Annotated[str, Parameter(max_length=64)]) -> threads.Thread:
        return await threads.get_thread(hub, patient, thread_id)

    @post("/threads/{thread_id:str}/messages", status_code=201)
    async def reply(
        self, hub: Hub, patient: str, thread_id: Annotated[str, Parameter(max_length=64)], data: ThreadReply
    ) -> threads.ThreadMessage:
        return await threads.reply(hub, patient, thread_id, data.text)

    @get("/access-log")
    async def access_log(self, hub: Hub, patient: str) -> list[threads.PatientAccessEntry]:
        return await threads.own_access_log(hub, patient)

    @get("/care-pathways")
    async def care_pathways(self, hub: Hub, patient: str) -> list[AttachedPathway]:
        """The care pathways professionals have given me, newest first, titled in my language."""
        return await own_pathways(hub, patient)
