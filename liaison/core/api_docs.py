"""What the OpenAPI document says beyond each operation's success: the errors every operation
can answer, in the one error format, and a few corrections where JSON Schema's formats are
stricter than what the API means. Applied once, to the generated document (config/api.py), so
no domain has to repeat it and none can forget it."""

from __future__ import annotations

import copy
from typing import Any

from liaison.core.errors import GENERIC_CODES

ERROR_SCHEMA_NAME = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "title": ERROR_SCHEMA_NAME,
    "type": "object",
    "required": ["detail", "code", "errors"],
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "code": {"type": "string", "description": "Stable and machine-readable.", "enum": sorted(GENERIC_CODES)},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message", "code"],
                "properties": {
                    "field": {"type": "string", "description": "The input that was wrong; __all__ for the request."},
                    "message": {"type": "string"},
                    "code": {"type": "string", "description": "invalid, or a domain's own code (its errors.py)."},
                },
            },
        },
    },
}

# Every operation may answer these. 401 only where the operation needs a caller.
ERROR_STATUSES = {
    400: "The request has invalid or malformed fields; each is named in `errors`.",
    401: "Sign in or send a valid API token.",
    403: "Your role, or this object's owner, does not allow this.",
    404: "No such object, or not one you may see.",
    409: "Conflicts with the current state, or the first request with this Idempotency-Key is still in flight.",
    422: "This Idempotency-Key was already used for other content.",
    429: "Too many requests; wait and try again.",
    503: "The database is briefly unreachable; nothing was stored. Send the same request again.",
}

# JSON Schema's `format: time` demands a UTC offset ("14:00:00Z"); opening hours are wall-clock
# times in the campus zone, written "14:00:00" or "14:00". Say so instead.
LOCAL_TIME = {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$", "example": "14:00:00"}


def complete(document: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(document)
    components = document.setdefault("components", {}).setdefault("schemas", {})
    components[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            public = operation.get("security") is None
            for status, description in ERROR_STATUSES.items():
                if status == 401 and public:
                    continue
                operation["responses"].setdefault(
                    str(status), {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    _local_times(document)
    return document


def _local_times(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "time" and node.get("type") == "string":
            node.pop("format")
            node.update({k: v for k, v in LOCAL_TIME.items() if k != "type"})
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


def request_body(schema: Any) -> dict[str, Any]:
    """`openapi_extra` for an operation that reads its JSON body itself (for speed) instead of
    through a typed parameter: the body is still documented by its schema class, inlined."""
    document = schema.model_json_schema()
    definitions = document.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref", "")
            if reference.startswith("#/$defs/"):
                return inline(copy.deepcopy(definitions[reference.removeprefix("#/$defs/")]))
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    return {"requestBody": {"content": {"application/json": {"schema": inline(document)}}, "required": True}}
