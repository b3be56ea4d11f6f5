"""`WS /channels/chat/ws`: the public chat — pre-form, queue, conversation, resume, close.

The visitor's stream is built from the event log like the professionals' one: every line is a
`message.created` event whose `seq` is the line's number, so `resume` with `last_seq` replays
exactly what was missed, and the live buffer (registered before the replay) is merged by seq.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response, WebSocket, get, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.params import Parameter

from app.domain import chat_form
from app.domain.chat_queue import QueuePosition
from app.domain.presence import unit_queue
from app.clock import utcnow
from app.hub import Hub
from app.live.fanout import Fanout, SeenSeqs
from app.security.patient_jwt import PatientTokenError, patient_id
from app.services import cases as case_svc
from app.services import chat as chat_svc
from app.domain.errors import Forbidden, Gone, NotFound, ServiceError
from app.security.rate_limit import RateLimited
from app.services.survey import survey_link
from channels import chat as chat_channel
from channels.chat import StartForm

log = logging.getLogger("firstline.chat")

MAX_TEXT_CHARS = 4000  # "4 kB" as a person counts it: ä and ö are one character, not two bytes
MAX_FRAME = 64 * 1024
FIRST_MESSAGE_TIMEOUT = 60.0
POSITION_REFRESH_SECONDS = 30.0  # a waiting visitor's estimate is looked at again this often (handling times drift)
Lang = Literal["fi", "sv", "en"]


class Start(msgspec.Struct, tag="start"):
    form: StartForm = msgspec.field(default_factory=StartForm)
    display_name: Annotated[str, msgspec.Meta(max_length=80)] | None = None
    portal_token: Annotated[str, msgspec.Meta(max_length=8192)] | None = None


class Message(msgspec.Struct, tag="message"):
    text: str


class Resume(msgspec.Struct, tag="resume"):
    session_token: Annotated[str, msgspec.Meta(max_length=200)]
    last_seq: Annotated[int, msgspec.Meta(ge=0)] = 0


class Leave(msgspec.Struct, tag="leave"):
    pass


ClientFrame = Start | Message | Resume | Leave

# What the visitor reads from the server, in their language (the widget has its own texts).
TEXTS: dict[str, dict[str, str]] = {
    "too_long": {
        "fi": "Viesti on liian pitkä (yli 4000 merkkiä). Jaa se osiin.",
        "sv": "Meddelandet är för långt (över 4000 tecken). Dela upp det.",
        "en": "The message is too long (over 4000 characters). Please split it.",
    },
    "empty": {"fi": "Tyhjä viesti.", "sv": "Tomt meddelande.", "en": "Empty message."},
    "left": {"fi": "Asiakas poistui chatista.", "sv": "Besökaren lämnade chatten.", "en": "The visitor left the chat."},
    "idle": {
        "fi": "Chat oli pitkään toimettomana. Yhdistä uudelleen jatkaaksesi.",
        "sv": "Chatten var inaktiv länge. Anslut igen för att fortsätta.",
        "en": "The chat was idle too long; reconnect to continue.",
    },
    "too_many": {
        "fi": "Liian monta uutta chattia tästä osoitteesta. Odota muutama minuutti.",
        "sv": "För många nya chattar från den här adressen. Vänta några minuter.",
        "en": "Too many new chats from this address; please wait a few minutes.",
    },
}
_decode_frame = msgspec.json.Decoder(ClientFrame).decode


class ChatListener:
    """Collects the events one visitor's stream is made of."""

    def __init__(self, case_id: str | None = None, unit: str | None = None) -> None:
        self.case_id = case_id
        self.queue_name: str | None = None
        # the unit's presence changes move the estimate (who is available); only the fact that
        # something changed is used — the visitor is never told who
        self.presence_queue = unit_queue(unit) if unit else None
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def deliver(self, event: dict[str, Any], text: str, frame: bytes) -> None:
        if self.case_id is None:
            return
        queue = event.get("queue")
        if event.get("case_id") == self.case_id or (queue is not None and queue in (self.queue_name, self.presence_queue)):
            self.queue.put_nowait(event)


@get("/channels/chat/form", tags=["chat"])
async def chat_form_endpoint(
    hub: Hub, request: Request[Any, Any, Any], unit: Annotated[str, Parameter(max_length=64)], lang: Lang = "fi"
) -> Response[chat_form.ChatForm]:
    """The pre-information form: the reason and the red-flag questions, in the visitor's language.

    Public and credential-free, fetched by the widget from any site: `*` is the right CORS answer.
    Every request counts against `chat_form` per address. No response cache: Litestar answers
    a cache hit before the handler runs, so the limit counted only misses — one per form per
    minute, however often an address asked. Building the form costs microseconds.
    """
    await hub.limits.check("chat_form", request.client.host if request.client else "unknown")
    if unit not in hub.region.unit_by_id:
        raise NotFound(f"no unit {unit!r}")
    return Response(chat_form.form(lang), headers={"Access-Control-Allow-Origin": "*", "Vary": "Accept-Encoding"})


@websocket("/channels/chat/ws")
async def chat_socket(socket: WebSocket[Any, Any, Any]) -> None:
    hub: Hub = socket.app.state.hub
    fanout: Fanout = socket.app.state.fanout
    unit = socket.query_params.get("unit", "")
    lang = socket.query_params.get("lang", "fi")
    if unit not in hub.region.unit_by_id or lang not in ("fi", "sv", "en"):
        await socket.accept()
        await _send(socket, {"type": "error", "detail": "unknown unit or language (lang is fi, sv or en)"})
        await socket.close(code=1008, reason="unknown unit or language")
        return
    listener = ChatListener(unit=unit)
    fanout.add_listener(listener)
    hub.metrics.live_connections.labels("chat").inc()
    try:
        await socket.accept()
        await Session(hub, socket, listener, unit, lang).run()
    except WebSocketDisconnect:
        pass
    finally:
        fanout.remove_listener(listener)
        hub.metrics.live_connections.labels("chat").dec()


async def _send(socket: WebSocket[Any, Any, Any], frame: dict[str, Any]) -> None:
    await socket.send_text(msgspec.json.encode(frame).decode())


class Session:
    def __init__(self, hub: Hub, socket: WebSocket[Any, Any, Any], listener: ChatListener, unit: str, lang: str) -> None:
        self.hub, self.socket, self.listener, self.unit, self.lang = hub, socket, listener, unit, lang
        self.case_id: str | None = None
        self.last_seq = 0  # where the replay starts
        self.seen = SeenSeqs()
        self.position: QueuePosition | None = None
        self.joined = False
        self.emergency_shown = False
        self.idle = hub.settings.chat_idle_seconds
        self.refresh = POSITION_REFRESH_SECONDS

    async def run(self) -> None:
        frame = await self._receive(FIRST_MESSAGE_TIMEOUT)
        if frame is None:
            return
        if isinstance(frame, Start):
            if not await self._start(frame):
                return
        elif isinstance(frame, Resume):
            if not await self._resume(frame):
                return
        else:
            await self._error("start the chat first (send start or resume)")
            await self.socket.close(code=1008, reason="no session")
            return
        await self._converse()

    # ---------------------------------------------------------------------------- receiving

    async def _receive(self, timeout: float) -> ClientFrame | None:
        """One client frame; None when the socket is gone or has been closed for cause."""
        while True:
            try:
                message = await asyncio.wait_for(self.socket.receive(), timeout)
            except asyncio.TimeoutError:
                await self._error(self._t("idle"))
                await self.socket.close(code=1000, reason="idle")
                return None
            if message["type"] == "websocket.disconnect":
                raise WebSocketDisconnect(detail="visitor left", code=message.get("code", 1000))
            data = message.get("text")
            if not isinstance(data, str):
                raw = message.get("bytes")
                data = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
            if len(data) > MAX_FRAME:
                await self.socket.close(code=1009, reason="frame too large")
                return None
            try:
                return _decode_frame(data)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                await self._error(f"could not read that message: {exc}")

    def _t(self, key: str) -> str:
        return TEXTS[key].get(self.lang, TEXTS[key]["en"])

    async def _error(self, detail: str) -> None:
        with contextlib.suppress(Exception):
            await _send(self.socket, {"type": "error", "detail": detail})

    # ------------------------------------------------------------------------ start, resume

    async def _start(self, start: Start) -> bool:
        client = self.socket.client.host if self.socket.client else "unknown"
        try:
            await self.hub.limits.check("chat_start", client)
        except RateLimited:
            await self._error(self._t("too_many"))
            await self.socket.close(code=1008, reason="rate limited")
            return False
        flags = chat_channel.emergency_flags(start.form, self.lang)
        if flags:
            await self._emergency(list(flags))  # first, before any database work: seconds matter
        patient: str | None = None
        if start.portal_token:
            try:
                patient = patient_id(self.hub.settings, start.portal_token)
            except PatientTokenError as exc:
                await self._error(f"{exc}; continuing without identification")
        contact = chat_channel.to_contact(
            start.form, unit=self.unit, lang=self.lang, received_at=utcnow(), flags=flags, patient_id=patient, display_name=start.display_name
        )
        chat = await chat_svc.start(self.hub, contact)
        self._bind(chat.case_id, chat.queue)
        await _send(self.socket, {"type": "session", "session_token": chat.session_token, "case_id": chat.case_id})
        await self._replay()
        await self._update_position()
        return True

    async def _resume(self, resume: Resume) -> bool:
        try:
            chat = await chat_svc.resume(self.hub, resume.session_token)
        except (Forbidden, NotFound, Gone) as exc:
            await self._error(exc.detail)
            reason = {Forbidden: "bad session token", NotFound: "unknown session", Gone: "session expired"}[type(exc)]
            await self.socket.close(code=1008, reason=reason)
            return False
        self._bind(chat.case_id, chat.queue)
        self.last_seq = resume.last_seq
        self.seen = SeenSeqs(floor=resume.last_seq)
        await _send(self.socket, {"type": "session", "session_token": resume.session_token, "case_id": chat.case_id})
        await self._replay()
        if chat.status == "resolved":
            await self._closed()
            return False
        if chat.status == "claimed" and chat.assignee:
            await self._joined(chat.assignee)
        else:
            await self._update_position()
        return True

    def _bind(self, case_id: str, queue: str) -> None:
        self.case_id = case_id
        self.listener.case_id = case_id
        self.listener.queue_name = queue

    async def _replay(self) -> None:
        assert self.case_id is not None
        for event in await chat_svc.messages_since(self.hub, self.case_id, self.last_seq):
            await self._message(event)

    # ------------------------------------------------------------------------- conversation

    async def _converse(self) -> None:
        reader = asyncio.ensure_future(self._receive(self.idle))
        getter = asyncio.ensure_future(self.listener.queue.get())
        try:
            while True:
                done, _ = await asyncio.wait({reader, getter}, timeout=self.refresh, return_when=asyncio.FIRST_COMPLETED)
                if not done:
                    await self._update_position()  # no news for a while: the estimate may still have moved
                    continue
                if getter in done:
                    if not await self._on_event(getter.result()):
                        return
                    getter = asyncio.ensure_future(self.listener.queue.get())
                if reader in done:
                    frame = reader.result()
                    if frame is None or not await self._on_frame(frame):
                        return
                    reader = asyncio.ensure_future(self._receive(self.idle))
        finally:
            for task in (reader, getter):
                task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.gather(reader, getter, return_exceptions=True)

    async def _on_frame(self, frame: ClientFrame) -> bool:
        assert self.case_id is not None
        if isinstance(frame, Message):
            text = frame.text.strip()
            if not text:
                await self._error(self._t("empty"))
            elif len(text) > MAX_TEXT_CHARS:
                await self._error(self._t("too_long"))
            else:
                try:
                    await case_svc.add_patient_message(self.hub, self.case_id, text, lang=self.lang)
                except ServiceError as exc:
                    await self._error(exc.detail)
            return True
        if isinstance(frame, Leave):
            with contextlib.suppress(ServiceError):
                await case_svc.add_patient_message(self.hub, self.case_id, self._t("left"), sender="system", event_extra={"chat": "left"})
            await self.socket.close(code=1000, reason="left")
            return False
        await self._error("this chat has already started")
        return True

    async def _on_event(self, event: dict[str, Any]) -> bool:
        if event.get("case_id") == self.case_id:
            kind = event.get("type")
            if kind == "message.created":
                await self._message(event)
            elif kind == "case.claimed":
                await self._joined(event.get("actor") or (event.get("case") or {}).get("assignee"))
            elif kind == "case.resolved":
                await self._closed()
                return False
            elif kind == "case.urgency":
                change = event.get("urgency") or {}
                if change.get("to") == "emergency" and not self.emergency_shown:
                    await self._emergency(change.get("flags") or [])
                self.listener.queue_name = event.get("queue")
            elif kind in ("case.released", "case.handed_over"):
                self.joined = False
                self.listener.queue_name = event.get("queue")
                self.position = None
                await self._update_position()
            return True
        if not self.joined:
            await self._update_position()  # someone ahead in the queue moved
        return True

    async def _message(self, event: dict[str, Any]) -> None:
        seq = event["seq"]
        if not self.seen.first_time(seq):
            return
        m = event.get("message") or {}
        await _send(self.socket, {"type": "message", "seq": seq, "from": m.get("from"), "text": m.get("text"), "at": m.get("at")})

    async def _emergency(self, flags: list[str]) -> None:
        self.emergency_shown = True
        await _send(self.socket, {"type": "emergency", "flags": flags, "instructions": chat_form.EMERGENCY_INSTRUCTIONS[self.lang]})

    async def _joined(self, professional_id: str | None) -> None:
        self.joined = True
        p = self.hub.region.professional_by_id.get(professional_id or "")
        name = p.name.split()[0] if p else "Hoitaja"
        await _send(self.socket, {"type": "joined", "professional": {"display_name": name, "role": p.role if p else "nurse"}})

    async def _closed(self) -> None:
        assert self.case_id is not None
        # the chat's language (one of fi/sv/en, else Finnish): the same link the other channels get
        url = survey_link(self.hub.settings.secret_key, self.case_id, self.lang)
        await _send(self.socket, {"type": "closed", "survey_url": url})
        await self.socket.close(code=1000, reason="closed")

    async def _update_position(self) -> None:
        """Place in line among unclaimed chats of the same queue, oldest first."""
        if self.joined or self.case_id is None:
            return
        position = await chat_svc.queue_position(self.hub, self.case_id)
        if position is not None and position != self.position:
            self.position = position
            await _send(
                self.socket,
                {
                    "type": "queued",
                    "position": position.position,
                    "estimated_wait_s": position.estimated_wait_s,
                    "nurses_available": position.nurses_available,  # 0: nobody on chat duty right now
                },
            )
