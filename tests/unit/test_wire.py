"""The pre-built frame is byte for byte what the websockets protocol would have written."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from websockets.frames import Frame, Opcode

from app.live.wire import direct_writer, text_frame


def reference(payload: bytes) -> bytes:
    return Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])


def test_length_boundaries():
    for n in (0, 1, 125, 126, 127, 65535, 65536, 70000):
        payload = b"x" * n
        assert text_frame(payload) == reference(payload), n


@given(st.text(max_size=3000))
def test_any_text(text: str):
    payload = text.encode()
    assert text_frame(payload) == reference(payload)


async def test_no_writer_for_anything_but_uvicorns_sansio_protocol():
    async def plain_send(message):  # type: ignore[no-untyped-def]
        pass

    assert direct_writer(None) is None
    assert direct_writer(plain_send) is None  # e.g. a test client or another server
