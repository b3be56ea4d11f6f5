"""`/api/presence`: set one's own presence; list a unit's (thin: parse, call the service)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, put
from litestar.params import Parameter

from app.domain.presence import PresenceEntry, Status
from app.domain.region import Professional
from app.hub import Hub
from app.services import presence as svc


class PresenceRequest(msgspec.Struct, forbid_unknown_fields=True):
    status: Status


class PresenceController(Controller):
    path = "/api/presence"
    tags = ["presence"]

    @put("/")
    async def set_status(self, hub: Hub, who: Professional, data: PresenceRequest) -> PresenceEntry:
        """Say whether you can take work now: available, busy, away or offline."""
        return await svc.set_status(hub, who, data.status)

    @get("/")
    async def list_unit(
        self, hub: Hub, who: Professional, unit: Annotated[str | None, Parameter(max_length=64)] = None
    ) -> list[PresenceEntry]:
        """The unit's professionals (default: your own unit) with their presence and since when."""
        return await svc.unit_presence(hub, who, unit)
