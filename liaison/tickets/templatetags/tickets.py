"""Plain-text lines for a ticket's timeline. Returned as text: the template escapes them."""

from django import template

from liaison.tickets.models import Ticket, TicketEvent

register = template.Library()
Kind = TicketEvent.Kind


def _state(value: str) -> str:
    try:
        return Ticket.State(value).label.lower()
    except ValueError:
        return value or "?"


def _priority(value) -> str:
    try:
        return Ticket.Priority(int(value)).label.lower()
    except (TypeError, ValueError):
        return "?"


@register.filter
def event_summary(event: TicketEvent) -> str:
    """What happened, for staff ("changed the state from open to waiting on the patron")."""
    kind = event.kind
    if kind == Kind.CREATED:
        return f"opened the ticket in {event.to_queue}" if event.to_queue_id else "opened the ticket"
    if kind == Kind.PROMOTED:
        return f"made a ticket from a desk interaction, in {event.to_queue}" if event.to_queue_id else "promoted"
    if kind == Kind.STATE_CHANGED:
        text = f"changed the state from {_state(event.from_state)} to {_state(event.to_state)}"
        waiting_on = (event.data or {}).get("waiting_on")
        if event.to_state == Ticket.State.WAITING and waiting_on in Ticket.WaitingOn.values:
            text += f" on {Ticket.WaitingOn(waiting_on).label}"
        return text
    if kind == Kind.ASSIGNED:
        if not event.assignee_id:
            return "unassigned it"
        return "took the ticket" if event.assignee_id == event.actor_id else f"assigned it to {event.assignee.name}"
    if kind == Kind.PRIORITY_CHANGED:
        data = event.data or {}
        return f"changed the priority from {_priority(data.get('from'))} to {_priority(data.get('to'))}"
    if kind == Kind.HANDED_OFF:
        text = f"handed it off from {event.from_queue} to {event.to_queue}"
        if event.assignee_id:
            text += f", for {event.assignee.name}"
        return text
    if kind == Kind.QUEUE_CHANGED:
        return f"moved it from {event.from_queue} to {event.to_queue}"
    if kind == Kind.REPLY:
        return "replied to the patron"
    if kind == Kind.INTERNAL_NOTE:
        return "added an internal note"
    if kind == Kind.ATTACHMENT_ADDED:
        return f"attached {event.note}"
    if kind == Kind.ARTICLE_LINKED:
        return f"linked the article “{event.note}”"
    if kind == Kind.ARTICLE_UNLINKED:
        return f"unlinked the article “{event.note}”"
    if kind == Kind.CONTACT_PURGED:
        days = (event.data or {}).get("retention_days")
        return (
            f"purged the patron's contact details ({days} days after closing)"
            if days is not None
            else ("purged the patron's contact details")
        )
    return event.get_kind_display()


@register.filter
def public_summary(event: TicketEvent) -> str:
    """What the patron's status page says: departments, never staff names or notes."""
    kind = event.kind
    if kind in (Kind.CREATED, Kind.PROMOTED):
        return "We received your request."
    if kind == Kind.HANDED_OFF:
        return f"Passed to the {event.to_department.name}, who handle this kind of request."
    if kind == Kind.STATE_CHANGED:
        to = event.to_state
        if to == Ticket.State.OPEN:
            return "Reopened." if event.from_state == Ticket.State.RESOLVED else "Someone is working on it."
        if to == Ticket.State.WAITING:
            waiting_on = (event.data or {}).get("waiting_on")
            if waiting_on == Ticket.WaitingOn.PATRON:
                return "Waiting for a reply from you."
            return "Waiting on someone else (another department or a supplier)."
        if to == Ticket.State.RESOLVED:
            return "Resolved."
        if to == Ticket.State.CLOSED:
            return "Closed."
    if kind == Kind.REPLY:
        return "Reply"
    return ""
