"""OpenAPI request bodies for handlers that read their raw bytes themselves.

A signed webhook must verify its HMAC over the exact bytes received before anything decodes them,
so its handler takes the `Request` and no `data` parameter — and Litestar then documents no body.
Litestar's public hook for this case is `operation_class` (its docs' example sets
`request_body` in `__post_init__`); the schema put there is msgspec's own JSON Schema of the
Struct the handler decodes with, so the documentation cannot drift from the validation.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import msgspec
from litestar.openapi.spec import Components, OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema, SecurityScheme

WEBHOOK_SIGNATURE = "webhook_signature"

SECURITY_COMPONENTS = Components(
    security_schemes={
        WEBHOOK_SIGNATURE: SecurityScheme(
            type="apiKey",
            name="X-Firstline-Signature",
            security_scheme_in="header",
            description=(
                '`t=<unix seconds>,v1=<hex HMAC-SHA256(FIRSTLINE_WEBHOOK_SECRET, "<t>.<raw body>")>`; '
                "computed over the exact bytes sent; older than 5 minutes or wrong → 401"
            ),
        )
    }
)
SIGNED: list[dict[str, list[str]]] = [{WEBHOOK_SIGNATURE: []}]

_SCHEMA_FIELDS = {f.name for f in dataclasses.fields(Schema)}
_RENAMED = {"not": "schema_not", "if": "schema_if", "else": "schema_else"}


def _field_name(key: str) -> str:
    name = _RENAMED.get(key) or re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower()
    if name not in _SCHEMA_FIELDS:
        raise ValueError(f"JSON Schema keyword {key!r} has no Litestar Schema field")  # fails at start-up, not at a request
    return name


def _convert(node: dict[str, Any], defs: dict[str, Any]) -> Schema:
    """msgspec's JSON Schema (a dict) as Litestar's Schema objects, `$ref`s inlined."""
    if "$ref" in node:
        return _convert(defs[node["$ref"].rsplit("/", 1)[1]], defs)
    values: dict[str, Any] = {}
    for key, value in node.items():
        name = _field_name(key)
        if name == "type":
            value = [OpenAPIType(v) for v in value] if isinstance(value, list) else OpenAPIType(value)
        elif name in ("properties", "pattern_properties", "dependent_schemas"):
            value = {k: _convert(v, defs) for k, v in value.items()}
        elif name in ("items", "contains", "schema_not", "additional_properties") and isinstance(value, dict):
            value = _convert(value, defs)
        elif name in ("any_of", "one_of", "all_of", "prefix_items"):
            value = [_convert(v, defs) for v in value]
        values[name] = value
    return Schema(**values)


def struct_schema(struct: type) -> Schema:
    """The JSON Schema msgspec validates `struct` against, as a Litestar Schema."""
    (top,), defs = msgspec.json.schema_components([struct])
    return _convert(top, defs)


def json_body(struct: type, description: str) -> type[Operation]:
    """An Operation class that documents `struct` as the operation's JSON request body."""
    body = RequestBody(
        required=True,
        description=description,
        content={"application/json": OpenAPIMediaType(schema=struct_schema(struct))},
    )

    @dataclasses.dataclass
    class BodyOperation(Operation):
        def __post_init__(self) -> None:
            self.request_body = body

    BodyOperation.__name__ = BodyOperation.__qualname__ = f"{struct.__name__}Operation"
    return BodyOperation


__all__ = ["SECURITY_COMPONENTS", "SIGNED", "json_body", "struct_schema"]
