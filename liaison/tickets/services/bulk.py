"""One change to many tickets, all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import TextChoices

from liaison.core.errors import reject
from liaison.tickets import policy, selectors
from liaison.tickets.models import Queue, Ticket
from liaison.tickets.services._clean import clean_priority, clean_queue
from liaison.tickets.services.hand_offs import ticket_move
from liaison.tickets.services.tickets import ticket_assign, ticket_change_state, ticket_set_priority

if TYPE_CHECKING:
    from liaison.accounts.models import User

State = Ticket.State


BULK_MAX = 200


class BulkAction(TextChoices):
    ASSIGN = "assign", "Assign to"
    UNASSIGN = "unassign", "Unassign"
    STATE = "state", "Change state to"
    QUEUE = "queue", "Move to queue"
    PRIORITY = "priority", "Set priority"


def _one_change(
    *,
    actor: User,
    action: str,
    assignee: User | None,
    state: str,
    waiting_on: str,
    queue: Queue | None,
    priority,
    note: str,
) -> Callable[[Ticket], bool]:
    """Check the action's input once, and return the change as a function of one ticket: it
    goes through that ticket's own service (so every rule holds) and says if anything changed."""
    if action == BulkAction.ASSIGN:
        if assignee is None:
            raise reject("assignee", "Choose who takes the tickets.", code="tickets.bulk_assignee_required")
        person = assignee

        def assign(ticket: Ticket) -> bool:
            if ticket.assignee_id == person.pk:
                return False
            ticket_assign(actor=actor, ticket=ticket, assignee=person)
            return True

        return assign
    if action == BulkAction.UNASSIGN:

        def unassign(ticket: Ticket) -> bool:
            if ticket.assignee_id is None:
                return False
            ticket_assign(actor=actor, ticket=ticket, assignee=None)
            return True

        return unassign
    if action == BulkAction.STATE:
        if state not in State.values:
            raise reject("state", "Choose the new state.", code="tickets.bulk_state_required")

        def change_state(ticket: Ticket) -> bool:
            if ticket.state == state:
                return False
            ticket_change_state(actor=actor, ticket=ticket, state=state, waiting_on=waiting_on)
            return True

        return change_state
    if action == BulkAction.QUEUE:
        target = clean_queue(queue)

        def move(ticket: Ticket) -> bool:
            if ticket.queue_id == target.pk:
                return False
            ticket_move(actor=actor, ticket=ticket, queue=target, note=note)
            return True

        return move
    value = clean_priority(priority)

    def set_priority(ticket: Ticket) -> bool:
        if ticket.priority == value:
            return False
        ticket_set_priority(actor=actor, ticket=ticket, priority=value)
        return True

    return set_priority


@transaction.atomic
def tickets_bulk_update(
    *,
    actor: User,
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
        raise reject(
            "action",
            f"Unknown action {action!r}; choose one of {', '.join(BulkAction.values)}.",
            code="tickets.bulk_action_unknown",
        )
    wanted = set(numbers)
    if not wanted:
        raise reject("tickets", "Tick at least one ticket.", code="tickets.bulk_empty")
    if len(wanted) > BULK_MAX:
        raise reject("tickets", f"Change at most {BULK_MAX} tickets at a time.", code="tickets.bulk_too_many")
    change = _one_change(
        actor=actor, action=action, assignee=assignee, state=state, waiting_on=waiting_on, queue=queue,
        priority=priority, note=note,
    )  # fmt: skip
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
        raise reject(
            "tickets", f"Not found or not yours to see: {listed}. Nothing was changed.", code="tickets.bulk_not_visible"
        )
    refused: list[str] = []
    changed = 0
    for ticket in tickets:
        try:
            changed += change(ticket)
        except ValidationError as exc:
            refused.append(f"#{ticket.number}: {' '.join(exc.messages)}")
        except PermissionDenied as exc:
            refused.append(f"#{ticket.number}: {exc}")
    if refused:
        transaction.set_rollback(True)
        lines = [f"Nothing was changed. {len(refused)} ticket(s) refused:", *refused]
        raise ValidationError({"tickets": [ValidationError(line, code="tickets.bulk_refused") for line in lines]})
    return changed
