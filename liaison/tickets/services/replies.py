"""Public replies and internal notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from liaison.tickets import events, policy
from liaison.tickets.models import Reply, Ticket
from liaison.tickets.services._clean import BODY_MAX, clean_text

if TYPE_CHECKING:
    from liaison.accounts.models import User


@transaction.atomic
def ticket_reply(*, actor: User, ticket: Ticket, body: str, is_internal: bool = False) -> Reply:
    """A public reply (the patron sees it and is e-mailed) or an internal note (staff only)."""
    if not policy.can_view_ticket(actor, ticket):
        raise PermissionDenied("You cannot see this ticket.")
    body = clean_text(body, field="body", required=True, limit=BODY_MAX, what="the reply")
    now = timezone.now()
    reply = Reply.objects.create(ticket=ticket, author=actor, body=body, is_internal=is_internal, created_at=now)
    ticket.search_text = f"{ticket.search_text}\n{body}"
    fields = ["search_text", "updated_at"]
    if not is_internal and ticket.first_response_at is None:
        ticket.first_response_at = now
        fields.append("first_response_at")
    ticket.save(update_fields=fields)
    events.ticket_replied(ticket=ticket, actor=actor, reply=reply)
    return reply
