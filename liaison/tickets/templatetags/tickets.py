"""Timeline lines for the ticket pages, from the one wording table (`events.EVENT_TEXT`).
Returned as plain text: the template escapes them."""

from django import template

from liaison.tickets import events
from liaison.tickets.models import TicketEvent

register = template.Library()


@register.filter
def event_summary(event: TicketEvent) -> str:
    """What happened, for staff ("changed the state from open to waiting on the patron")."""
    return events.describe(event)


@register.filter
def public_summary(event: TicketEvent) -> str:
    """What the patron's status page says: departments, never staff names or notes ("" = not shown)."""
    return events.describe(event, public=True)
