"""Shared clients and the coordinator's take-over (SPEC §10): the appointment system's no-show
webhook, a professional's concern, take-over and release, and a unit's list of suggestions.
Parse, call app.services.shared_clients, return a Struct."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import State
from litestar.params import Parameter

from app.api.channels import MAX_WEBHOOK_BYTES, decode, signed_body
from app.domain.region import Professional
from app.hub import Hub
from app.services import shared_clients as svc

PatientId = Annotated[str, Parameter(max_length=64)]


class NoShow(msgspec.Struct):
    """A missed appointment, from the appointment system."""

    event_id: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    patient_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    unit: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    at: datetime  # the appointment's time, with its UTC offset


class NoShowAnswer(msgspec.Struct):
    event_id: str
    counted: bool  # False: this event id was received before (counted once)


class AppointmentsChannel(Controller):
    path = "/channels/appointments"
    tags = ["channels"]
    request_max_body_size = MAX_WEBHOOK_BYTES

    @post("/no-show", status_code=202, summary="A missed appointment from the appointment system (SPEC §10 trigger)")
    async def no_show(self, request: Request[Any, Any, Any], state: State) -> Response[NoShowAnswer]:
        hub: Hub = state.hub
        event: NoShow = decode(await signed_body(request, hub), NoShow)
        if event.unit in hub.region.unit_by_id:  # an unknown unit is refused below; it has no budget
            await hub.limits.check("webhook_unit", event.unit)
        counted = await svc.record_no_show(hub, event.event_id, event.patient_id, event.unit, event.at)
        return Response(NoShowAnswer(event.event_id, counted), status_code=202 if counted else 200)


class TakeOverRequest(msgspec.Struct):
    until: Annotated[str, msgspec.Meta(max_length=40)]  # YYYY-MM-DD (through that day) or an ISO datetime with offset
    note: Annotated[str, msgspec.Meta(max_length=1000)] | None = None


class ConcernRequest(msgspec.Struct):
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class SharedClientsController(Controller):
    path = "/api"
    tags = ["shared clients"]

    @post("/patients/{patient_id:str}/take-over", status_code=200)
    async def take_over(self, hub: Hub, who: Professional, patient_id: PatientId, data: TakeOverRequest) -> svc.TakeOverView:
        """A coordinator of the patient's unit becomes their responsible worker until `until`."""
        return await svc.take_over(hub, who, patient_id, data.until, data.note)

    @delete("/patients/{patient_id:str}/take-over", status_code=200)
    async def release(self, hub: Hub, who: Professional, patient_id: PatientId) -> svc.TakeOverView:
        """End the take-over now (its coordinator, or a supervisor)."""
        return await svc.release(hub, who, patient_id)

    @post("/patients/{patient_id:str}/concern", status_code=201)
    async def concern(self, hub: Hub, who: Professional, patient_id: PatientId, data: ConcernRequest) -> svc.ConcernView:
        """A professional's concern about the patient (a shared-client trigger)."""
        return await svc.raise_concern(hub, who, patient_id, data.note)

    @get("/shared-clients")
    async def shared_clients(
        self, hub: Hub, who: Professional, unit: Annotated[str | None, Parameter(max_length=64)] = None
    ) -> list[svc.SharedClientItem]:
        """The unit's patients a trigger fires for (suggested first), and those a coordinator holds."""
        return await svc.list_unit(hub, who, unit)
