"""One error format for the API and one way for services to report bad input.

Every error body is `{"detail": str, "errors": [{"field": str, "message": str}]}`; `field`
names the input that was wrong ("__all__" when the problem is the whole request).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


def django_validation_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    """Flatten a Django ValidationError into field/message pairs."""
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": message} for field, messages in exc.message_dict.items() for message in messages
        ]
    return [{"field": "__all__", "message": message} for message in exc.messages]


def pydantic_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Ninja's validation errors carry a `loc` like ("body", "payload", "read_level")."""
    out = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path", "form", "payload")]
        field = ".".join(loc) or "__all__"
        message = err.get("msg", "Invalid value.")
        out.append({"field": field, "message": message})
    return out
