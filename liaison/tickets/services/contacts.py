"""The patron's contact details: shown to staff on request (and recorded), purged after closing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from liaison.core.errors import reject
from liaison.tickets import events, policy
from liaison.tickets.models import StatusLink, Ticket
from liaison.tickets.services._clean import clean_text

if TYPE_CHECKING:
    from liaison.accounts.models import User

State = Ticket.State


@dataclass(frozen=True)
class ContactDetails:
    name: str
    email: str
    phone: str
    purged_at: dt.datetime | None

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.email or self.phone)


@transaction.atomic
def ticket_contact_reveal(*, actor: User, ticket: Ticket, reason: str = "") -> ContactDetails:
    """Show the patron's contact details to staff, and record that they were seen (who, when,
    why). The record holds no copy of the details."""
    if not policy.can_reveal_contact(actor, ticket):
        raise PermissionDenied("Your role does not show patron contact details.")
    reason = clean_text(reason, field="reason", required=False, limit=200, what="the reason")
    details = ContactDetails(ticket.patron_name, ticket.patron_email, ticket.patron_phone, ticket.contact_purged_at)
    if not details.is_empty:
        events.ticket_contact_viewed(ticket=ticket, actor=actor, reason=reason)
    return details


def retention_days() -> int:
    return int(getattr(settings, "LIAISON_CONTACT_RETENTION_DAYS", 30))


@transaction.atomic
def tickets_purge_contacts(*, older_than_days: int | None = None, now: dt.datetime | None = None) -> int:
    """Remove patron contact details (and the status link) from tickets closed at least N days
    ago. The tickets, their history and every count stay whole. Safe to run again: a second
    run changes nothing. Returns how many tickets were purged."""
    days = retention_days() if older_than_days is None else older_than_days
    if days < 0:
        raise reject("older_than_days", "The retention period cannot be negative.", code="tickets.retention_negative")
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days)
    ids = list(
        Ticket.objects.filter(state=State.CLOSED, closed_at__lte=cutoff, contact_purged_at=None)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        Ticket.objects.filter(pk__in=batch).update(
            patron_name="", patron_email="", patron_phone="", contact_purged_at=now
        )
        StatusLink.objects.filter(ticket_id__in=batch).delete()
    events.tickets_contacts_purged(ticket_ids=ids, retention_days=days, now=now)
    return len(ids)
