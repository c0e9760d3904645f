"""One change to many tickets, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import TextChoices

from liaison.tickets import policy, selectors
from liaison.tickets.models import Queue, Ticket
from liaison.tickets.services._clean import clean_priority, clean_queue
from liaison.tickets.services.hand_offs import ticket_move
from liaison.tickets.services.tickets import ticket_assign, ticket_change_state, ticket_set_priority

State = Ticket.State


BULK_MAX = 200


class BulkAction(TextChoices):
    ASSIGN = "assign", "Assign to"
    UNASSIGN = "unassign", "Unassign"
    STATE = "state", "Change state to"
    QUEUE = "queue", "Move to queue"
    PRIORITY = "priority", "Set priority"


@transaction.atomic
def tickets_bulk_update(
    *,
    actor,
    numbers: Sequence[int],
    action: str,
    assignee=None,
    state: str = "",
    waiting_on: str = "",
    queue: Queue | None = None,
    priority: int | str | None = None,
    note: str = "",
) -> int:
    """Apply one change to many tickets (named by number), all or nothing: every ticket must be
    one the actor may see, and if any ticket refuses the change, none change and the error
    lists every refusal by ticket number. Returns how many tickets changed."""
    if not policy.can_bulk_update_tickets(actor):
        raise PermissionDenied("Bulk changes are for staff.")
    if action not in BulkAction.values:
        raise ValidationError({"action": f"Unknown action {action!r}; choose one of {', '.join(BulkAction.values)}."})
    wanted = set(numbers)
    if not wanted:
        raise ValidationError({"tickets": "Tick at least one ticket."})
    if len(wanted) > BULK_MAX:
        raise ValidationError({"tickets": f"Change at most {BULK_MAX} tickets at a time."})
    if action == BulkAction.ASSIGN and assignee is None:
        raise ValidationError({"assignee": "Choose who takes the tickets."})
    if action == BulkAction.STATE and state not in State.values:
        raise ValidationError({"state": "Choose the new state."})
    if action == BulkAction.QUEUE:
        queue = clean_queue(queue)
    if action == BulkAction.PRIORITY:
        priority = clean_priority(priority)
    # Every ticket must be the actor's to see: one they may not see is "not found", never changed.
    tickets = list(
        selectors.visible_tickets(actor)
        .filter(pk__in=wanted)
        .select_related("queue__department", "assignee")
        .order_by("pk")
    )
    missing = wanted - {ticket.pk for ticket in tickets}
    if missing:
        listed = ", ".join(f"#{number}" for number in sorted(missing))
        raise ValidationError({"tickets": f"Not found or not yours to see: {listed}. Nothing was changed."})
    refused: list[str] = []
    changed = 0
    for ticket in tickets:
        try:
            if action == BulkAction.ASSIGN:
                if ticket.assignee_id != assignee.pk:
                    ticket_assign(actor=actor, ticket=ticket, assignee=assignee)
                    changed += 1
            elif action == BulkAction.UNASSIGN:
                if ticket.assignee_id is not None:
                    ticket_assign(actor=actor, ticket=ticket, assignee=None)
                    changed += 1
            elif action == BulkAction.STATE:
                if ticket.state != state:
                    ticket_change_state(actor=actor, ticket=ticket, state=state, waiting_on=waiting_on)
                    changed += 1
            elif action == BulkAction.QUEUE:
                if ticket.queue_id != queue.pk:
                    ticket_move(actor=actor, ticket=ticket, queue=queue, note=note)
                    changed += 1
            elif action == BulkAction.PRIORITY and ticket.priority != priority:
                ticket_set_priority(actor=actor, ticket=ticket, priority=priority)
                changed += 1
        except ValidationError as exc:
            refused.append(f"#{ticket.number}: {' '.join(exc.messages)}")
        except PermissionDenied as exc:
            refused.append(f"#{ticket.number}: {exc}")
    if refused:
        transaction.set_rollback(True)
        raise ValidationError({"tickets": [f"Nothing was changed. {len(refused)} ticket(s) refused:", *refused]})
    return changed
