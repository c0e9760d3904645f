"""The shape every domain's `events.py` follows (Saleor's per-event functions are the model).

A domain with history has an `events.py` with one function per event kind
(`ticket_handed_off(*, ticket, actor, ...)`). That one call:

1. writes the domain's event row (its history, shown on its pages);
2. writes the audit row (`liaison.audit.services.audit_record`), in the same transaction;
3. schedules the event's side effects (mail, tasks) with `after_commit`, so nothing is sent
   for a change that was rolled back, and a failed send is retried by the task queue.

Event text comes from one table per domain (`EVENT_TEXT`, kind → template), read through
`EventText.render`, never from `if kind == ...` chains in templates or serializers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def after_commit(task: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue `task` (a huey task) once the current transaction commits.

    The task itself must not write to the database what the request could have written (mint
    links and ids before enqueuing), and must re-raise failures so the queue retries them.
    Enqueuing itself failing (Redis down) is logged with the task's name, not swallowed
    silently: the write has committed and must not be undone by a mail problem.
    """

    def enqueue() -> None:
        try:
            task(*args, **kwargs)
        except Exception:
            logger.exception("Could not enqueue %s after commit", getattr(task, "name", task))
            raise

    transaction.on_commit(enqueue, robust=True)


@dataclass(frozen=True)
class EventText:
    """One table of event wording per domain: kind → (staff wording, patron wording or "")."""

    staff: Mapping[str, str]
    public: Mapping[str, str]

    def render(self, kind: str, *, public: bool = False, **context: Any) -> str:
        table = self.public if public else self.staff
        template = table.get(kind) or ("" if public else kind.replace("_", " ").capitalize())
        if not template:
            return ""
        try:
            return template.format_map(_Blank(context))
        except (KeyError, IndexError, ValueError):  # a wording typo must not break a page
            logger.exception("Event text for %s could not be rendered", kind)
            return kind.replace("_", " ").capitalize()


class _Blank(dict):
    """format_map context where a missing name renders as "someone" rather than failing."""

    def __missing__(self, key: str) -> str:
        return "someone"
