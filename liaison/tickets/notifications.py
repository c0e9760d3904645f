"""Who is told about a ticket event, and what the e-mail says.

Services call `announce(event)` inside their transaction; the mail task is queued only after
the commit (`transaction.on_commit`), so a rolled-back change sends nothing. The task runs in
the web process by default (huey immediate mode) and in workers when Redis is configured.
Failures are logged with the event id and re-raised so a worker retries; never swallowed.

Staff mail never carries patron contact details. Patron mail never carries internal notes or
staff names, only what the status page shows, and the status link.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse

logger = logging.getLogger(__name__)

_muted: contextvars.ContextVar[bool] = contextvars.ContextVar("ticket_mail_muted", default=False)


@contextlib.contextmanager
def muted():
    """Send nothing inside this block (used by the demo seed, which replays months of history)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def announce(event) -> None:
    if _muted.get():
        return
    from liaison.tickets.tasks import send_ticket_event_mail

    event_id = event.pk
    transaction.on_commit(lambda: send_ticket_event_mail(event_id))


@dataclass(frozen=True)
class Outgoing:
    to: str
    subject: str
    body: str


def _one_line(text: str, limit: int = 90) -> str:
    """Mail headers must not carry newlines (user text goes into the subject)."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ticket_url(ticket) -> str:
    return settings.SITE_URL + reverse("tickets:detail", kwargs={"reference": ticket.reference})


def status_url_for_token(token: str) -> str:
    return settings.SITE_URL + reverse("tickets:status", kwargs={"token": token})


def fresh_status_url(ticket) -> str:
    """A new link for this message (only hashes are stored, so a link is never re-sent)."""
    from liaison.tickets.services import status_link_issue

    _link, token = status_link_issue(ticket=ticket)
    return status_url_for_token(token)


STAFF_KINDS = {
    "created",
    "promoted",
    "handed_off",
    "queue_changed",
    "state_changed",
    "reply",
    "internal_note",
    "assigned",
}


def _staff_summary(event) -> tuple[str, str]:
    """(subject phrase, body text) for staff."""
    from liaison.tickets.models import Ticket, TicketEvent

    actor = event.actor.name if event.actor else "Liaison"
    kind = event.kind
    ticket = event.ticket
    if kind in (TicketEvent.Kind.CREATED, TicketEvent.Kind.PROMOTED):
        body = f"{actor} opened this ticket in {ticket.queue.full_name}."
        if ticket.description:
            body += f"\n\n{ticket.description}"
        return "New ticket", body
    if kind == TicketEvent.Kind.HANDED_OFF:
        body = f"{actor} handed this ticket from {event.from_queue.full_name} to {event.to_queue.full_name}."
        if event.note:
            body += f"\n\nHand-off note:\n{event.note}"
        return f"Handed off to {event.to_department.name}", body
    if kind == TicketEvent.Kind.QUEUE_CHANGED:
        return (
            f"Moved to {event.to_queue.name}",
            f"{actor} moved this ticket from {event.from_queue.full_name} to {event.to_queue.full_name}.",
        )
    if kind == TicketEvent.Kind.STATE_CHANGED:
        label = Ticket.State(event.to_state).label
        body = f"{actor} changed the state from {Ticket.State(event.from_state).label} to {label}."
        if event.to_state == Ticket.State.WAITING and event.data.get("waiting_on"):
            body += f" It is waiting on {Ticket.WaitingOn(event.data['waiting_on']).label}."
        return label, body
    if kind == TicketEvent.Kind.REPLY:
        return "Public reply", f"{actor} replied to the patron:\n\n{event.reply.body}"
    if kind == TicketEvent.Kind.INTERNAL_NOTE:
        return "Internal note", f"{actor} added an internal note:\n\n{event.reply.body}"
    if kind == TicketEvent.Kind.ASSIGNED:
        who = event.assignee.name if event.assignee else "nobody"
        return "Assigned", f"{actor} assigned this ticket to {who}."
    return event.get_kind_display(), f"{actor}: {event.get_kind_display()}."


def _staff_recipients(event) -> list[str]:
    from liaison.tickets import policy
    from liaison.tickets.models import TicketEvent

    ticket = event.ticket
    addresses: list[str] = []
    if event.kind == TicketEvent.Kind.ASSIGNED:
        people = [event.assignee] if event.assignee else []
    else:
        people = list(ticket.followers.filter(is_active=True))
        if ticket.assignee and ticket.assignee.is_active:
            people.append(ticket.assignee)
    for person in people:
        if person.pk != event.actor_id and person.email and policy.can_view_ticket(person, ticket):
            addresses.append(person.email)
    if event.kind in (TicketEvent.Kind.CREATED, TicketEvent.Kind.PROMOTED):
        addresses.append(ticket.queue.notify_email)
    if event.kind in (TicketEvent.Kind.HANDED_OFF, TicketEvent.Kind.QUEUE_CHANGED):
        addresses += [event.to_queue.notify_email, event.from_queue.notify_email]
    seen: set[str] = set()
    unique = []
    for address in addresses:
        key = (address or "").strip().lower()
        if key and key not in seen:
            seen.add(key)
            unique.append(address.strip())
    return unique


# Events that write to the patron (besides "resolved"); only these mint a status link.
PATRON_KINDS = {"created", "promoted", "reply"}


def _patron_message(event) -> Outgoing | None:
    from liaison.tickets.models import Ticket, TicketEvent

    ticket = event.ticket
    if not ticket.patron_email or ticket.contact_purged_at:
        return None
    if event.kind not in PATRON_KINDS and not (
        event.kind == TicketEvent.Kind.STATE_CHANGED and event.to_state == Ticket.State.RESOLVED
    ):
        return None
    link = fresh_status_url(ticket)
    number = f"#{ticket.number}"
    if event.kind in (TicketEvent.Kind.CREATED, TicketEvent.Kind.PROMOTED):
        body = (
            f"We have your request {number}, “{ticket.subject}”. "
            f"The {ticket.queue.department.name} will follow up.\n\n"
            f"You can check its progress here at any time:\n{link}\n"
        )
        return Outgoing(ticket.patron_email, f"We have your request {number}: {_one_line(ticket.subject)}", body)
    if event.kind == TicketEvent.Kind.REPLY:
        body = f"There is a new reply on your request {number}, “{ticket.subject}”:\n\n{event.reply.body}\n\n"
        body += f"See the whole request here:\n{link}\n"
        return Outgoing(ticket.patron_email, f"New reply on your request {number}", body)
    if event.kind == TicketEvent.Kind.STATE_CHANGED and event.to_state == Ticket.State.RESOLVED:
        body = (
            f"Your request {number}, “{ticket.subject}”, is resolved.\n\n"
            f"See what was done, or find out how to follow up:\n{link}\n"
        )
        return Outgoing(ticket.patron_email, f"Your request {number} is resolved", body)
    return None


def messages_for(event) -> list[Outgoing]:
    """Every message one event sends (one per recipient, so addresses are not shared)."""
    out: list[Outgoing] = []
    if event.kind in STAFF_KINDS:
        phrase, body = _staff_summary(event)
        subject = f"[{settings.SITE_NAME} #{event.ticket.number}] {phrase}: {_one_line(event.ticket.subject)}"
        body += f"\n\nOpen the ticket: {ticket_url(event.ticket)}\n"
        out += [Outgoing(address, subject, body) for address in _staff_recipients(event)]
    patron = _patron_message(event)
    if patron is not None:
        out.append(patron)
    return out


def deliver(event_id: int) -> int:
    """Send an event's mail. Returns how many messages went out; raises (after logging) on failure."""
    from liaison.tickets.models import TicketEvent

    event = (
        TicketEvent.objects.select_related(
            "ticket__queue__department",
            "ticket__assignee",
            "actor",
            "assignee",
            "reply",
            "from_queue__department",
            "to_queue__department",
            "to_department",
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        logger.warning("Ticket event %s is gone; no mail sent.", event_id)
        return 0
    outgoing = messages_for(event)
    if not outgoing:
        return 0
    messages = [
        EmailMessage(subject=m.subject, body=m.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[m.to])
        for m in outgoing
    ]
    try:
        sent = get_connection(fail_silently=False).send_messages(messages)
    except Exception:
        logger.exception(
            "Could not send %d message(s) for ticket #%s event %s (%s).",
            len(messages),
            event.ticket_id,
            event.pk,
            event.kind,
        )
        raise
    return sent or 0
