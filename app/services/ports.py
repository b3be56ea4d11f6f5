"""What the services need from the outside, as small protocols: the wiring (app/main.py) plugs
in the real thing — the live fan-out, the database's intake store — and tests may plug in fakes."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from app.domain.intake import InboundContact, IntakeContext, IntakePlan, IntakeResult, Outcome


class Publisher(Protocol):
    async def publish(self, events: list[dict[str, Any]]) -> None:
        """Fan committed events (in seq order) out to every live client."""


class IntakeBatch(Protocol):
    """One read and one write of a batch of contacts (a batch of one is the lone contact)."""

    async def read(self, contacts: Sequence[InboundContact]) -> list[IntakeContext]: ...

    async def write(self, plans: Sequence[IntakePlan]) -> list[Outcome]:
        """All-or-nothing per contact, committed when the batch's context ends without error."""
        ...


class IntakeStore(Protocol):
    in_flight: int  # batches that may be written at once

    def batch(self) -> AbstractAsyncContextManager[IntakeBatch]: ...

    async def stored(self, contact: InboundContact) -> IntakeResult:
        """The answer given when this contact (channel, external id) was first taken."""
        ...

    async def close(self) -> None: ...
