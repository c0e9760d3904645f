"""Create requests that are safe to send twice (security reference Rel1).

A double click on "Open ticket", a browser that re-posts a form, an integration that retries
after a lost response: each must create one record, not two. The client sends a key with the
request: forms carry a hidden one-time key, and API clients send an `Idempotency-Key` header.
`run_once` then does the work at most once per (person, endpoint, key):

- the same key and the same content get the first answer again (nothing is created);
- the same key with other content is refused (422), because that is a client bug;
- a repeat while the first request is still running is told to wait (409);
- a key that is malformed is refused (400);
- keys are remembered for 24 hours (IDEMPOTENCY_TTL), then forgotten by the daily purge.

The key is claimed in a transaction of its own before the work starts, so a concurrent
duplicate sees it at once. If the work fails, the claim is released and the request can be
sent again with the same key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from liaison.core.models import IdempotencyRecord

IDEMPOTENCY_TTL = dt.timedelta(hours=24)
# At least 16 characters: a UUID or a random string, not a counter that another tab would reuse.
KEY_FORMAT = re.compile(r"[A-Za-z0-9_.:-]{16,255}")


class IdempotencyError(Exception):
    status_code = 400
    code = "idempotency_key_malformed"
    field = "idempotency_key"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class MalformedKey(IdempotencyError):
    status_code = 400
    code = "idempotency_key_malformed"


class KeyReusedForOtherContent(IdempotencyError):
    status_code = 422
    code = "idempotency_key_reused"


class StillInFlight(IdempotencyError):
    status_code = 409
    code = "idempotency_in_flight"


class AlreadyDoneSecretNotKept(IdempotencyError):
    """A repeat of a create whose first answer held a secret shown once (an API token): the
    record exists once, and its secret is not sent again because it was never stored."""

    status_code = 409
    code = "idempotency_already_done"


def fingerprint(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder).encode()).hexdigest()


def check_key(key: str | None) -> str:
    key = (key or "").strip()
    if not KEY_FORMAT.fullmatch(key):
        raise MalformedKey(
            "Send a random key of 16 to 255 letters, digits, '-', '_', '.' or ':' (a UUID will do), new for each request."
        )
    return key


def run_once(
    *, actor, endpoint: str, key: str, payload: Any, work: Callable[[], tuple[int, dict]]
) -> tuple[int, dict, bool]:
    """Do `work` once for this key. Returns (status code, response body, replayed)."""
    key = check_key(key)
    scope = f"user:{actor.pk}" if getattr(actor, "is_authenticated", False) else "anonymous"
    digest = fingerprint(payload)
    now = timezone.now()
    identity = {"scope": scope, "endpoint": endpoint, "key": key}
    with transaction.atomic():
        IdempotencyRecord.objects.filter(**identity, created_at__lt=now - IDEMPOTENCY_TTL).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(**identity, fingerprint=digest, created_at=now)
        except IntegrityError:
            existing = IdempotencyRecord.objects.get(**identity)
            if existing.fingerprint != digest:
                raise KeyReusedForOtherContent(
                    "This key was already used for a request with other content; send a new key for a new request."
                ) from None
            if existing.status_code is None:
                raise StillInFlight(
                    "The first request with this key is still being saved; try again in a moment."
                ) from None
            return existing.status_code, existing.response, True
    try:
        with transaction.atomic():
            status_code, body = work()
            IdempotencyRecord.objects.filter(pk=record.pk).update(status_code=status_code, response=body)
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    return status_code, body, False


def purge_expired(*, now: dt.datetime | None = None) -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=(now or timezone.now()) - IDEMPOTENCY_TTL).delete()
    return deleted


# --- The adapters' two ways in: an API decorator and a form helper ------------------------------

IDEMPOTENCY_NOTE = (
    " Send an `Idempotency-Key` header (a new UUID per request) to make retries safe: the same key and"
    " content get the first answer again and create nothing; the same key with other content is 422;"
    " a repeat while the first is still running is 409. Keys are kept for 24 hours."
)


def upload_fingerprint(upload: Any) -> dict:
    """What identifies an uploaded file in a request's content: its name, size and a hash of its
    bytes (so the same file sent twice is the same content, and another file is not)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {"name": upload.name, "size": upload.size, "sha256": digest.hexdigest()}


def _jsonable(value: Any) -> Any:
    if hasattr(value, "chunks") and hasattr(value, "size"):  # an uploaded file
        return upload_fingerprint(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def idempotent(endpoint: str, *, created_status: int = 201) -> Callable[[Callable], Callable]:
    """An API create that honours `Idempotency-Key`: without the header the handler just runs;
    with it, the handler runs at most once per (person, endpoint, key) and a repeat gets the
    first answer again. The handler returns its body (as a dict or a schema) or (status, body).

        @router.post("/", response={201: EntryOut}, auth=STAFF, description=IDEMPOTENCY_NOTE)
        @idempotent("directory.entry_create")
        def entry_create(request, payload: EntryIn): ...
    """
    import functools
    import inspect
    import typing

    def decorate(handler: Callable) -> Callable:
        @functools.wraps(handler)
        def wrapper(request, *args, **kwargs):
            def work() -> tuple[int, dict]:
                answer = handler(request, *args, **kwargs)
                if isinstance(answer, tuple):
                    return answer[0], _jsonable(answer[1])
                return created_status, _jsonable(answer)

            key = request.headers.get("Idempotency-Key")
            if key is None:
                return work()
            status_code, body, _replayed = run_once(
                actor=request.user, endpoint=endpoint, key=key, payload=_jsonable(kwargs), work=work
            )
            return status_code, body

        # django-ninja reads the handler's parameters; give it the real ones, with their
        # annotations resolved in the handler's own module (not this one).
        hints = typing.get_type_hints(handler)
        signature = inspect.signature(handler)
        wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()]
        )
        return wrapper

    return decorate


def run_once_for_form(request, *, endpoint: str, key: str, work: Callable[[], dict]) -> tuple[dict, bool]:
    """A form's create, done once per hidden one-time key. Returns (first answer, replayed).
    The content checked against the key is what the form posted, minus its tokens."""
    posted = {
        k: request.POST.getlist(k) for k in sorted(request.POST) if k not in ("csrfmiddlewaretoken", "idempotency_key")
    }

    def wrapped() -> tuple[int, dict]:
        return 201, _jsonable(work())

    _status, body, replayed = run_once(actor=request.user, endpoint=endpoint, key=key, payload=posted, work=wrapped)
    return body, replayed
