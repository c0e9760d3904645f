"""Input checks the ticket services share: each raises `reject(field, message, code=...)`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from liaison.core.errors import reject
from liaison.core.text import ascii_digits
from liaison.tickets import policy
from liaison.tickets.models import Queue, Ticket

SUBJECT_MAX = 200


BODY_MAX = 20_000


def due_at(queue: Queue, start: dt.datetime) -> dt.datetime:
    return start + dt.timedelta(hours=queue.target_response_hours)


def clean_text(value: str | None, *, field: str, required: bool, limit: int, what: str) -> str:
    text = (value or "").strip()
    if required and not text:
        raise reject(field, f"Write {what}.", code="tickets.text_missing")
    if len(text) > limit:
        raise reject(
            field, f"Keep {what} under {limit:,} characters (this is {len(text):,}).", code="tickets.text_too_long"
        )
    return text


def clean_priority(priority) -> int:
    if isinstance(priority, str) and not ascii_digits(priority):
        try:
            return Ticket.Priority[priority.strip().upper()].value
        except KeyError:
            pass
    else:
        try:
            value = int(priority)
        except (TypeError, ValueError):
            value = None
        if value in Ticket.Priority.values:
            return value
    names = ", ".join(p.name.lower() for p in Ticket.Priority)
    raise reject("priority", f"Unknown priority {priority!r}; choose one of {names}.", code="tickets.priority_unknown")


def clean_queue(queue, field: str = "queue") -> Queue:
    if not isinstance(queue, Queue):
        raise reject(field, "Choose a queue.", code="tickets.queue_required")
    if not queue.is_active:
        raise reject(field, f"{queue.full_name} no longer takes tickets.", code="tickets.queue_inactive")
    return queue


def clean_contact(name: str, email: str, phone: str) -> tuple[str, str, str]:
    name = clean_text(name, field="patron_name", required=False, limit=150, what="the patron's name")
    email = (email or "").strip()
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise reject("patron_email", f"{email!r} is not an e-mail address.", code="tickets.email_invalid") from None
        if len(email) > 254:
            raise reject("patron_email", "That e-mail address is too long.", code="tickets.email_invalid")
    phone = (phone or "").strip()
    if phone:
        allowed = set("0123456789+-(). xX/ext")
        digits = sum(ch.isdigit() for ch in phone)
        if len(phone) > 40 or digits < 3 or any(ch not in allowed for ch in phone):
            raise reject(
                "patron_phone", "Enter a phone number with digits (e.g. 555-0100 ext 12).", code="tickets.phone_invalid"
            )
    return name, email, phone


def check_assignee(assignee, queue: Queue, field: str = "assignee") -> None:
    if not policy.can_take_tickets(assignee, queue):
        raise reject(
            field,
            f"{assignee} cannot take tickets from {queue.full_name}: they are not in {queue.department.name}.",
            code="tickets.assignee_not_in_department",
        )
