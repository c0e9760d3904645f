"""Links to the patron's status page (security R3: random, stored hashed, expiring)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from liaison.core.errors import reject
from liaison.tickets import events, policy
from liaison.tickets.models import StatusLink, Ticket

if TYPE_CHECKING:
    from liaison.accounts.models import User


def status_link_issue(*, actor: User, ticket: Ticket, now: dt.datetime | None = None) -> tuple[StatusLink, str]:
    """Staff make a new link to hand to the patron in person: returns it with its token, which
    is never stored and cannot be shown again. (Each patron e-mail carries a link of its own,
    minted with its event; see events.py.)"""
    if ticket.contact_purged_at is not None:
        raise reject(
            "status_link",
            "This ticket's patron details were purged; it has no status page now.",
            code="tickets.contact_purged",
        )
    if not policy.can_view_ticket(actor, ticket):
        raise PermissionDenied("You cannot see this ticket.")
    link, token = StatusLink.objects.mint(ticket=ticket, created_by=actor, now=now)
    events.ticket_status_link_issued(ticket=ticket, actor=actor, link=link)
    return link, token


def status_links_delete_expired(*, now: dt.datetime | None = None) -> int:
    """Expired links are useless; their rows go with the daily purge."""
    deleted, _ = StatusLink.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
