"""One error format for the API and one way for services to report bad input.

Every API error body is

    {"detail": str, "code": str, "errors": [{"field": str, "message": str, "code": str}]}

`field` names the input that was wrong ("__all__" when the problem is the whole request).
`code` is stable and machine-readable: clients branch on it, never on the English message.
The request-level codes are `GENERIC_CODES` below; each domain lists its own field-level
codes in its `errors.py` (`CODES`, code → meaning) and raises them with `reject(...)`.
A field-level problem without a domain code carries `invalid`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError

# Request-level codes: the same in every domain.
GENERIC_CODES: dict[str, str] = {
    "invalid": "The request has fields that are wrong; each is named in `errors`.",
    "malformed_body": "The body is not JSON, or not the JSON object the operation takes.",
    "not_authenticated": "Sign in or send a valid API token.",
    "forbidden": "Your role, or this object's owner, does not allow this.",
    "not_found": "No such object, or not one you may see.",
    "conflict": "The request clashes with the current state (for example a key still in flight).",
    "idempotency_key_malformed": "The Idempotency-Key header is not 16–255 safe characters.",
    "idempotency_key_reused": "The Idempotency-Key was already used for other content.",
    "idempotency_in_flight": "The first request with this Idempotency-Key is still being saved.",
    "rate_limited": "Too many requests; wait and try again.",
    "database_unavailable": "The database is briefly unreachable; nothing was stored, send it again.",
    "server_error": "Something broke on our side; the request id names it in the logs.",
}

DEFAULT_FIELD_CODE = "invalid"


def reject(field: str, message: str, *, code: str = DEFAULT_FIELD_CODE) -> DjangoValidationError:
    """The error a service raises for bad input: one field, one message, one stable code.

    `raise reject("article", "Only published articles can be linked.", code="kb.article_not_published")`
    """
    return DjangoValidationError({field: DjangoValidationError(message, code=code)})


def error_body(detail: str, errors: list[dict[str, str]] | None = None, *, code: str = "invalid") -> dict[str, Any]:
    return {"detail": detail, "code": code, "errors": [_with_code(e) for e in errors or []]}


def _with_code(error: dict[str, str]) -> dict[str, str]:
    return error if "code" in error else {**error, "code": DEFAULT_FIELD_CODE}


def django_validation_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    """Flatten a Django ValidationError into field/message/code triples."""
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": message, "code": code}
            for field, problems in exc.error_dict.items()
            for message, code in _messages_and_codes(problems)
        ]
    return [{"field": "__all__", "message": m, "code": c} for m, c in _messages_and_codes(exc.error_list)]


def _messages_and_codes(problems: list[DjangoValidationError]) -> list[tuple[str, str]]:
    out = []
    for problem in problems:
        for inner in problem.error_list if hasattr(problem, "error_list") else [problem]:
            message = inner.message % inner.params if inner.params else inner.message
            out.append((str(message), inner.code or DEFAULT_FIELD_CODE))
    return out


def error_text(exc: DjangoValidationError) -> str:
    """One line naming each field and its problem: for a message shown at the top of a page."""
    if hasattr(exc, "error_dict"):
        return " ".join(
            problem if field == "__all__" else f"{field.replace('_', ' ').capitalize()}: {problem}"
            for field, problems in exc.message_dict.items()
            for problem in problems
        )
    return " ".join(exc.messages)


def pydantic_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Ninja's validation errors carry a `loc` like ("body", "payload", "read_level")."""
    out = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path", "form", "payload")]
        field = ".".join(loc) or "__all__"
        message = err.get("msg", "Invalid value.")
        out.append({"field": field, "message": message, "code": DEFAULT_FIELD_CODE})
    return out
