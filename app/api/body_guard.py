"""Input that no field may hold, refused at the door with a 400 that says why.

- NUL characters: PostgreSQL cannot store one in text (the statement fails: a 500) while SQLite
  would store it; refusing them before any handler keeps both databases alike and the answer a
  4xx. Looked for in the path, the query string and the body (JSON `\\u0000`, form `%00`).
- JSON nested beyond msgspec's recursion limit: msgspec raises RecursionError, which is not a
  decode error and would otherwise answer 500.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import ClientException

from app.api.errors import internal_error

# an unescaped \u0000 escape in JSON: preceded by an even number of backslashes (a literal
# backslash followed by "u0000" is `\\u0000` on the wire and stays allowed)
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_PERCENT_NUL = b"%00"
NUL_DETAIL = "NUL characters (\\u0000, %00) are not accepted in any field"


async def refuse_nul(request: Request[Any, Any, Any]) -> None:
    """App-wide `before_request`: runs before Litestar parses `data`, on the cached body."""
    if _PERCENT_NUL in request.scope.get("raw_path", b"") or _PERCENT_NUL in request.scope.get("query_string", b""):
        raise ClientException(NUL_DETAIL, extra={"code": "nul_character"})
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    body = await request.body()
    # `in` is a C scan; the regex (is the escape itself escaped?) runs only when one is there
    if b"\x00" in body or _PERCENT_NUL in body or (b"\\u0000" in body and _JSON_NUL.search(body)):
        raise ClientException(NUL_DETAIL, extra={"code": "nul_character"})


def too_deep(request: Request[Any, Any, Any], exc: RecursionError) -> Response[Any]:
    """msgspec's "maximum recursion depth exceeded while deserializing" is the client's doing;
    any other RecursionError is ours and stays a logged 500."""
    if "deserializ" not in str(exc):
        return internal_error(request, exc)
    body = {"status_code": 400, "detail": "request body nests too deeply", "extra": {"code": "too_deep"}}
    return Response(body, status_code=400)
