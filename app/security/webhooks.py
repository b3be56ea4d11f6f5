"""Channel webhook signatures: `X-Firstline-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>`."""

from __future__ import annotations

import hashlib
import hmac
import time

WINDOW_SECONDS = 300


class SignatureError(Exception):
    """Why a webhook was refused; the message is safe to return to the caller."""


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    ts = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


def verify(secret: str, header: str | None, body: bytes, now: float | None = None) -> None:
    if not header:
        raise SignatureError("missing X-Firstline-Signature header")
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            raise SignatureError("malformed X-Firstline-Signature header: expected t=<unix>,v1=<hex>")
        parts.setdefault(key, []).append(value)
    if "t" not in parts or "v1" not in parts:
        raise SignatureError("malformed X-Firstline-Signature header: expected t=<unix>,v1=<hex>")
    try:
        ts = int(parts["t"][0])
    except ValueError:
        raise SignatureError("malformed X-Firstline-Signature header: t is not a unix time") from None
    current = time.time() if now is None else now
    if abs(current - ts) > WINDOW_SECONDS:
        raise SignatureError("signature timestamp is outside the 5-minute window")
    expected = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, v) for v in parts["v1"]):
        raise SignatureError("signature does not match the body")
