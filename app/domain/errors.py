"""Service failures a person can act on; the API maps each to its status code.

`detail` is the English sentence of the external contract (kept as it is); `extra` carries facts
a client needs besides it, and — for the failures a page explains to a person — a stable machine
`code` (e.g. `claimed_by` with `holder`, the colleague's name), from which the pages build their
own sentence in the reader's language. The codes are listed in docs/api-errors.md.
"""

from __future__ import annotations


class ServiceError(Exception):
    status_code = 400

    def __init__(self, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(ServiceError):
    status_code = 404


class Forbidden(ServiceError):
    status_code = 403


class Conflict(ServiceError):
    status_code = 409


class Invalid(ServiceError):
    status_code = 422
