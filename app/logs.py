"""No personal data in logs (SPEC §11): every log record is masked before any handler sees it.

The code never logs names, message texts or phone numbers on purpose (log lines name route
templates and ids); this is the net under it, for what a library, an exception message or a
future line lets through: phone numbers (E.164 and Finnish national forms, with or without
spaces and hyphens) and Finnish personal identity codes (henkilötunnus, DDMMYYCNNNX with the
century signs of 2023) become `[phone]` and `[hetu]`, in the message, its arguments, the
exception text and the stack.

`install()` puts the filter in the record factory, so that a record of any logger — the app's,
uvicorn's, Litestar's, SQLAlchemy's, a library's child logger whose records propagate past
the loggers' own filters — is masked when it is made; and on the handlers of the root and
uvicorn loggers. Log levels: `FIRSTLINE_LOG_LEVEL` (debug, info, warning; `firstline serve`
defaults to info); at debug the loggers whose debug lines are raw payloads stay at info
(FLOOR_INFO), and SQLAlchemy logs its statements, never their values or rows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

# A phone number: `+` and 7–15 digits, or a national number (0 and 6–11 digits), or 358… without
# the plus; single spaces, hyphens or a dot may group the digits ("040 123 4567", "040-1234567").
# Not inside a longer token: a request id (`…-00000001`), a hex case id or a time stays as it is.
_SEP = r"[ \-.]?"
PHONE = re.compile(
    rf"(?<![\w+\-./:])(?:\+\d(?:{_SEP}\(?\d\)?){{6,14}}|(?:00|\b)358(?:{_SEP}\d){{6,11}}|\(?0\d\)?(?:{_SEP}\d){{5,10}})(?![\w])"
)
# Henkilötunnus: day, month, year, the century sign (+; - Y X W V U for the 1900s; A–F for the
# 2000s), the individual number and the check character (digits and letters but G I O Q Z).
HETU = re.compile(r"(?<![\w])(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d\d[-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y](?![\w])", re.IGNORECASE)

# The app's and the server's loggers, which take FIRSTLINE_LOG_LEVEL as it is.
LEVELLED = ("firstline", "litestar", "apscheduler")
# Loggers whose debug lines are raw payloads, kept at info whatever the level: uvicorn.error is
# also the logger of the WebSocket library, whose debug lines are every frame (chat texts);
# SQLAlchemy's engine logs statements at info (values hidden, make_engine) but result rows at debug.
FLOOR_INFO = ("uvicorn", "uvicorn.error", "websockets", "httpx", "httpcore", "hpack", "aiosqlite", "sqlalchemy.engine")
HANDLED = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "litestar")


def redact(text: str) -> str:
    """`text` with identity codes and phone numbers masked (identity codes first: their digits
    would otherwise look like part of a number)."""
    return PHONE.sub("[phone]", HETU.sub("[hetu]", text))


class Redact(logging.Filter):
    """Masks a record in place (message with its args, exception and stack text); never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "firstline_redacted", False):
            return True
        try:
            record.msg = redact(record.getMessage())
            record.args = None
        except Exception:  # noqa: BLE001 - a record whose args do not fit its message: mask its parts
            record.msg = redact(str(record.msg))
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record.firstline_redacted = True
        return True


REDACT = Redact()
_installed: Callable[..., logging.LogRecord] | None = None


def install(level: str | None = None) -> None:
    """Mask every record from now on in this process (idempotent); with `level`, set the app's
    and the server's loggers to it (the protocol libraries no lower than info)."""
    global _installed
    if _installed is None:
        base = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = base(*args, **kwargs)
            REDACT.filter(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = factory
    for name in HANDLED:
        for handler in logging.getLogger(name).handlers:
            if REDACT not in handler.filters:
                handler.addFilter(REDACT)
    numeric = logging.getLevelName(level.upper()) if level else None
    if isinstance(numeric, int):
        for name in LEVELLED:
            logging.getLogger(name).setLevel(numeric)
        for name in FLOOR_INFO:
            if name != "sqlalchemy.engine" or numeric <= logging.DEBUG:  # statements only when debugging
                logging.getLogger(name).setLevel(max(numeric, logging.INFO))
