"""Links to the patron's status page (security R3: random, stored hashed, expiring)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from liaison.core.errors import reject
from liaison.tickets import events, policy
from liaison.tickets.models import StatusLink, Ticket


def status_link_issue(*, ticket: Ticket, actor=None, now: dt.datetime | None = None) -> tuple[StatusLink, str]:
    """Make a new link to the patron's status page; returns it with its token, which is never
    stored and cannot be shown again. Each patron e-mail gets its own, so old ones are never
    re-sent; staff make one to hand to a patron in person."""
    if ticket.contact_purged_at is not None:
        raise reject(
            "status_link",
            "This ticket's patron details were purged; it has no status page now.",
            code="tickets.contact_purged",
        )
    if actor is not None and not policy.can_view_ticket(actor, ticket):
        raise PermissionDenied("You cannot see this ticket.")
    created_by = actor if getattr(actor, "is_authenticated", False) else None
    link, token = StatusLink.objects.mint(ticket=ticket, created_by=created_by, now=now)
    if actor is not None:
        events.ticket_status_link_issued(ticket=ticket, actor=actor, link=link)
    return link, token


def status_links_delete_expired(*, now: dt.datetime | None = None) -> int:
    """Expired links are useless; their rows go with the daily purge."""
    deleted, _ = StatusLink.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
