"""Inbound channel webhooks: verify the signature on the raw body, then hand to the adapter."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import msgspec
from litestar import Controller, Request, Response, post
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException

from app import metrics
from app.hub import Hub, utcnow
from app.security.webhooks import SignatureError, verify
from app.services.errors import Invalid
from app.services.intake import intake
from channels import phone

MAX_WEBHOOK_BYTES = 64 * 1024
_FUTURE_SLACK = timedelta(minutes=5)


async def signed_body(request: Request[Any, Any, Any], hub: Hub) -> bytes:
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
    except msgspec.DecodeError as exc:
        raise Invalid(f"request body is not valid JSON: {exc}") from None


class PhoneChannel(Controller):
    path = "/channels/phone"
    tags = ["channels"]
    request_max_body_size = MAX_WEBHOOK_BYTES

    @post("/callback-requests", status_code=202, summary="A callback request from the telephony platform")
    async def callback_request(self, request: Request[Any, Any, Any], state: State) -> Response[Any]:
        hub: Hub = state.hub
        req: phone.CallbackRequest = decode(await signed_body(request, hub), phone.CallbackRequest)
        dialed = phone.normalise_dialed(req.dialed)
        now = utcnow()
        redirect = phone.redirect_answer(hub.region, dialed, now.astimezone(hub.tz).date())
        if redirect is not None:
            metrics.DEPRECATED_CALLS.labels(hub.region.deprecated_by_number[dialed].unit).inc()
            return Response(redirect, status_code=200)
        received = req.received_at or now
        if received - now > _FUTURE_SLACK:
            raise Invalid("received_at is more than 5 minutes in the future; check the platform's clock")
        contact = phone.to_contact(hub.region, req, dialed, received)
        result, created = await intake(hub, contact)
        return Response(result, status_code=202 if created else 200)
