"""Who is told about a ticket event, and the mail they get.

`events.py` schedules `tasks.send_ticket_event_mail` after the commit, with the patron's
freshly minted status link when the event writes to them; the task calls `deliver`, which
reads the event, builds one message per recipient from `events.EVENT_TEXT`, and sends them.
Nothing here writes to the database. A failed send is logged with the event id and re-raised,
so the queue retries (with the same link).

Staff mail never carries patron contact details. Patron mail never carries internal notes or
staff names, only what the status page shows, and the status link.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from liaison.tickets import events, policy
from liaison.tickets.models import TicketEvent

logger = logging.getLogger(__name__)
Kind = TicketEvent.Kind

# Events staff hear about (followers, the assignee, queue inboxes); the rest only show on the page.
STAFF_KINDS = {
    Kind.CREATED,
    Kind.PROMOTED,
    Kind.HANDED_OFF,
    Kind.QUEUE_CHANGED,
    Kind.STATE_CHANGED,
    Kind.REPLY,
    Kind.INTERNAL_NOTE,
    Kind.ASSIGNED,
}


@dataclass(frozen=True)
class Outgoing:
    to: str
    subject: str
    body: str


def ticket_url(ticket) -> str:
    return settings.SITE_URL + reverse("tickets:detail", kwargs={"reference": ticket.reference})


def status_url_for_token(token: str) -> str:
    return settings.SITE_URL + reverse("tickets:status", kwargs={"token": token})


def _staff_body(event: TicketEvent) -> str:
    """The timeline line with the actor's name, and what the event carries (the details of a
    new ticket, the hand-off note, the reply); never the patron's contact details."""
    actor = event.actor.name if event.actor else "Liaison"
    body = f"{actor} {events.describe(event)}."
    if event.kind in (Kind.CREATED, Kind.PROMOTED) and event.ticket.description:
        body += f"\n\n{event.ticket.description}"
    elif event.kind == Kind.HANDED_OFF and event.note:
        body += f"\n\nHand-off note:\n{event.note}"
    elif event.reply_id:
        body += f"\n\n{event.reply.body}"
    return body


def _gets_internal_text(person) -> bool:
    """Internal notes go in full to staff mailboxes; a student worker's (a personal, often
    forwarded student account) gets a link to read the note in Liaison instead."""
    return getattr(person, "role", "") != "student_worker"


def _staff_recipients(event: TicketEvent) -> list[str]:
    return [address for address, _person in _staff_recipients_with_people(event)]


def _staff_recipients_with_people(event: TicketEvent) -> list[tuple[str, object | None]]:
    """(address, person) for each staff recipient; person is None for a queue's inbox."""
    ticket = event.ticket
    addresses: list[tuple[str, object | None]] = []
    if event.kind == Kind.ASSIGNED:
        people = [event.assignee] if event.assignee else []
    else:
        people = list(ticket.followers.filter(is_active=True))
        if ticket.assignee and ticket.assignee.is_active:
            people.append(ticket.assignee)
    for person in people:
        if person.pk != event.actor_id and person.email and policy.can_view_ticket(person, ticket):
            addresses.append((person.email, person))
    if event.kind in (Kind.CREATED, Kind.PROMOTED):
        addresses.append((ticket.queue.notify_email, None))
    if event.kind in (Kind.HANDED_OFF, Kind.QUEUE_CHANGED):
        addresses += [(event.to_queue.notify_email, None), (event.from_queue.notify_email, None)]
    seen: set[str] = set()
    unique = []
    for address, person in addresses:
        key = (address or "").strip().lower()
        if key and key not in seen:
            seen.add(key)
            unique.append((address.strip(), person))
    return unique


def _patron_message(event: TicketEvent, status_token: str | None) -> Outgoing | None:
    if not events.mails_patron(event):
        return None
    if not status_token:  # minted with the event; the mail task never writes one itself
        logger.warning("Ticket event %s has no status link for the patron; their mail is not sent.", event.pk)
        return None
    link = status_url_for_token(status_token)
    subject = events.describe(event, public=True, part="subject")
    body = events.describe(event, public=True, part="body", link=link)
    return Outgoing(event.ticket.patron_email, events.one_line(subject, limit=200), body)


def messages_for(event: TicketEvent, *, status_token: str | None = None) -> list[Outgoing]:
    """Every message one event sends (one per recipient, so addresses are not shared).
    `status_token` is the patron's link, minted when the event was written."""
    out: list[Outgoing] = []
    if event.kind in STAFF_KINDS:
        phrase = events.describe(event, part="subject")
        subject = f"[{settings.SITE_NAME} #{event.ticket.number}] {phrase}: {events.one_line(event.ticket.subject)}"
        link = f"\n\nOpen the ticket: {ticket_url(event.ticket)}\n"
        body = _staff_body(event) + link
        for address, person in _staff_recipients_with_people(event):
            if event.kind == Kind.INTERNAL_NOTE and person is not None and not _gets_internal_text(person):
                actor = event.actor.name if event.actor else "Liaison"
                short = f"{actor} added an internal note. Internal notes are not sent to student mailboxes; read it in Liaison."
                out.append(Outgoing(address, subject, short + link))
            else:
                out.append(Outgoing(address, subject, body))
    patron = _patron_message(event, status_token)
    if patron is not None:
        out.append(patron)
    return out


def deliver(event_id: int, *, status_token: str | None = None) -> int:
    """Send an event's mail; reads, never writes. Returns how many messages went out; raises
    (after logging) on failure, so the task queue retries."""
    event = TicketEvent.objects.select_related("ticket__assignee", *events.EVENT_RELATIONS).filter(pk=event_id).first()
    if event is None:
        logger.warning("Ticket event %s is gone; no mail sent.", event_id)
        return 0
    outgoing = messages_for(event, status_token=status_token)
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
