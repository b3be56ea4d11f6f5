"""The live fan-out's fast path: one pre-built frame written straight to each socket's transport.

An inbox event goes to every connected professional. Through ASGI, each socket costs an awaited
send coroutine, a message dict, a `str.encode` and a frame built by the websockets protocol,
all for identical bytes: a server's text frame is unmasked, so without an extension it is the
same for every socket. Here the frame is built once per event and each idle socket gets
one `transport.write` — what `websockets.broadcast` does, minus the per-socket frame.

This reaches below ASGI into uvicorn's `websockets-sansio` protocol (uvicorn's default when
`websockets` is installed). It is used only when it is exactly what the ASGI send would have
written: that protocol class, handshake done, connection OPEN, nothing closing, no extension
negotiated (per-message deflate is off in `firstline serve`), the transport not paused.
Anything else — another server, another protocol class, a renamed attribute after an upgrade,
a slow client — falls back to the ordinary ASGI send, so this can only ever be a shortcut.
That holds at write time too: an attribute that has gone or a property that raises makes
`DirectWriter.write` answer "use ASGI" and switch itself off, so that socket's listener sends
this and every later event through ASGI (nothing is lost).

Tested with uvicorn 0.54.0 and websockets 17.4; `pyproject.toml` pins uvicorn to 0.54.x and
websockets to 17.x, so an upgrade is a deliberate step: run `tests/live/test_wire.py` (it fails
if uvicorn stops offering the shortcut) and the live benchmark, then widen the pins.
`FIRSTLINE_LIVE_FAST_PATH=0` (`Settings.live_fast_path`) switches the shortcut off entirely.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from litestar.types import ASGIApp, Receive, Scope, Send

try:  # both are optional to the app: without them every send goes through ASGI
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    from websockets.protocol import OPEN
except ImportError:  # pragma: no cover
    WebSocketsSansIOProtocol = None  # type: ignore[assignment,misc]
    OPEN = None  # type: ignore[assignment]

RAW_SEND = "firstline_raw_send"  # scope["state"] key set by `keep_raw_send`

log = logging.getLogger("firstline.live")
_warned = False  # a broken shortcut is reported once per process, not once per socket


def text_frame(payload: bytes) -> bytes:
    """An unmasked, final text frame (RFC 6455 §5.2) carrying `payload` (UTF-8 text)."""
    n = len(payload)
    if n < 126:
        head = bytes((0x81, n))
    elif n < 65536:
        head = bytes((0x81, 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x81, 127)) + n.to_bytes(8, "big")
    return head + payload


class FrameWriter(Protocol):
    def write(self, frame: bytes) -> bool:
        """Put a pre-built frame on the wire now, or answer False (never raise): "use the ASGI send"."""


class DirectWriter:
    """Writes pre-built frames to one uvicorn WebSocket connection while that is safe.

    `write` never raises: whatever goes wrong reading uvicorn's state answers False ("use the
    ASGI send") and turns the writer off for good (`usable`), so that socket stays on ASGI.
    """

    __slots__ = ("_proto", "_conn", "_transport", "_writable", "usable")

    def __init__(self, proto: Any) -> None:
        self._proto = proto
        self._conn = proto.conn
        self._transport = proto.transport
        self._writable = proto.writable
        self.usable = True

    def write(self, frame: bytes) -> bool:
        """True if the frame went out; False means "use the ASGI send" (which then decides)."""
        if not self.usable:
            return False
        try:
            proto, conn = self._proto, self._conn
            if (
                proto.close_sent
                or proto.disconnected
                or conn.state is not OPEN
                or conn.expect_continuation_frame
                or not self._writable.is_set()
                or self._transport.is_closing()
            ):
                return False
            self._transport.write(frame)
            return True
        except Exception:  # noqa: BLE001 - uvicorn's internals changed under us: stay on ASGI
            self.usable = False
            _report_broken()
            return False


def _report_broken() -> None:
    global _warned
    if not _warned:
        _warned = True
        log.warning(
            "the live fast path failed reading uvicorn's WebSocket state; those sockets now use the "
            "ASGI send (check the uvicorn/websockets versions against app/live/wire.py, or set "
            "FIRSTLINE_LIVE_FAST_PATH=0)",
            exc_info=True,
        )


def direct_writer(send: Send | None) -> DirectWriter | None:
    """A writer for the connection behind this raw ASGI `send`, or None if there is no safe one."""
    proto = getattr(send, "__self__", None)
    if WebSocketsSansIOProtocol is None or not isinstance(proto, WebSocketsSansIOProtocol):
        return None
    try:
        if not proto.handshake_complete or proto.conn.extensions or proto.transport is None:
            return None
        return DirectWriter(proto)
    except Exception:  # noqa: BLE001 - uvicorn changed its internals: stay on ASGI
        return None


def keep_raw_send(app: ASGIApp) -> ASGIApp:
    """Wraps Litestar's ASGI handler to remember, for WebSockets, the server's own `send`.

    Litestar's exception middleware wraps `send` before any handler or handler middleware
    sees it, so this must sit outside: `create_app` puts it around `Litestar.asgi_handler`.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            scope["state"][RAW_SEND] = send  # type: ignore[typeddict-item]
        await app(scope, receive, send)

    return middleware
