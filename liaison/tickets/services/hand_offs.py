"""Moving a ticket: to another queue of its department, or handing it off to another department."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from liaison.core.errors import reject
from liaison.core.services import model_update
from liaison.tickets import events, policy
from liaison.tickets.models import Queue, Ticket
from liaison.tickets.services._clean import BODY_MAX, check_assignee, clean_queue, clean_text, due_at

if TYPE_CHECKING:
    from liaison.accounts.models import User

State = Ticket.State


HANDED_OFF_FIELDS = ("queue", "state", "waiting_on", "assignee", "due_at")


@transaction.atomic
def ticket_hand_off(
    *, actor: User, ticket: Ticket, queue: Queue, note: str = "", assignee: User | None = None
) -> Ticket:
    """Hand the ticket to another department's queue. The history stays with the ticket; the
    handing-off person follows it and their department keeps seeing it, so the referring side
    is told when it moves. In the new queue it is new again and due by that queue's target."""
    if not policy.can_work_ticket(actor, ticket):
        raise PermissionDenied(policy.work_refusal(ticket))
    queue = clean_queue(queue)
    note = clean_text(note, field="note", required=False, limit=BODY_MAX, what="the hand-off note")
    if not ticket.is_active:
        raise reject(
            "queue",
            f"A {ticket.get_state_display().lower()} ticket cannot be handed off; reopen it first.",
            code="tickets.hand_off_not_active",
        )
    if queue.department_id == ticket.queue.department_id:
        raise reject(
            "queue",
            f"{queue.name} is in {queue.department.name} already: move the ticket instead of handing it off.",
            code="tickets.hand_off_same_department",
        )
    if assignee is not None:
        check_assignee(assignee, queue)
    before = events.audit_view(ticket)
    from_queue, from_state, previous_assignee = ticket.queue, ticket.state, ticket.assignee_id
    # New again in the receiving queue, due by its target from now.
    arrived = {"queue": queue, "state": State.NEW, "waiting_on": "", "assignee": assignee}
    model_update(instance=ticket, fields=HANDED_OFF_FIELDS, data={**arrived, "due_at": due_at(queue, timezone.now())})
    ticket.followers.add(actor)
    ticket.referring_departments.add(from_queue.department_id)
    events.ticket_handed_off(
        ticket=ticket,
        actor=actor,
        from_queue=from_queue,
        from_state=from_state,
        previous_assignee_id=previous_assignee,
        note=note,
        before=before,
    )
    return ticket


@transaction.atomic
def ticket_move(*, actor: User, ticket: Ticket, queue: Queue, note: str = "", assignee: User | None = None) -> Ticket:
    """Put the ticket in another queue: inside the department it is a move (the due date and the
    assignee stay); into another department's queue it is a hand-off (see ticket_hand_off)."""
    if not policy.can_work_ticket(actor, ticket):
        raise PermissionDenied(policy.work_refusal(ticket))
    queue = clean_queue(queue)
    if queue.department_id != ticket.queue.department_id:
        return ticket_hand_off(actor=actor, ticket=ticket, queue=queue, note=note, assignee=assignee)
    if queue.pk == ticket.queue_id:
        raise reject("queue", f"The ticket is already in {queue.name}.", code="tickets.queue_unchanged")
    if ticket.state == State.CLOSED:
        raise reject("queue", "A closed ticket stays where it was closed.", code="tickets.closed_cannot_move")
    note = clean_text(note, field="note", required=False, limit=BODY_MAX, what="the note")
    before = events.audit_view(ticket)
    from_queue = ticket.queue
    moved: dict[str, Any] = {"queue": queue}
    if assignee is not None:  # the due date and, unless given, the assignee stay
        check_assignee(assignee, queue)
        moved["assignee"] = assignee
    model_update(instance=ticket, fields=("queue", "assignee"), data=moved)
    events.ticket_moved(ticket=ticket, actor=actor, from_queue=from_queue, note=note, before=before)
    return ticket
