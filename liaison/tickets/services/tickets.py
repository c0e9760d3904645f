"""Opening a ticket (from scratch or from a desk interaction), and working it: assignment,
priority, the state machine, following."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from liaison.accounts import selectors as accounts_selectors
from liaison.core.errors import reject
from liaison.core.services import model_update
from liaison.tickets import events, policy
from liaison.tickets.models import Queue, Ticket
from liaison.tickets.services._clean import (
    BODY_MAX,
    SUBJECT_MAX,
    check_assignee,
    clean_contact,
    clean_priority,
    clean_queue,
    clean_text,
    due_at,
)

if TYPE_CHECKING:
    from liaison.accounts.models import User
    from liaison.desk.models import Interaction
    from liaison.places.models import ServicePoint

State = Ticket.State

# The state machine. Closed is final: a new question is a new ticket. A new ticket can be
# resolved (or set waiting) straight away: a technician who takes one and fixes it should not
# have to press "Open it" first.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.NEW: (State.OPEN, State.WAITING, State.RESOLVED),
    State.OPEN: (State.WAITING, State.RESOLVED),
    State.WAITING: (State.OPEN, State.RESOLVED),
    State.RESOLVED: (State.CLOSED, State.OPEN),
    State.CLOSED: (),
}


def _open_ticket(
    *,
    actor: User,
    queue: Queue,
    subject: str,
    description: str,
    priority: int | str,
    patron_name: str,
    patron_email: str,
    patron_phone: str,
    service_point: ServicePoint | None,
    assignee: User | None,
    interaction: Interaction | None,
) -> Ticket:
    if not policy.can_open_ticket(actor, queue):
        raise PermissionDenied("Your role does not open tickets.")
    queue = clean_queue(queue)
    subject = clean_text(subject, field="subject", required=True, limit=SUBJECT_MAX, what="a subject")
    description = clean_text(description, field="description", required=False, limit=BODY_MAX, what="the details")
    priority = clean_priority(priority)
    patron_name, patron_email, patron_phone = clean_contact(patron_name, patron_email, patron_phone)
    if assignee is not None:
        check_assignee(assignee, queue)
    now = timezone.now()
    ticket = Ticket(
        subject=subject,
        description=description,
        queue=queue,
        priority=priority,
        opened_by=actor,
        # From the reference index where it can: the actor's department is a lookup otherwise.
        origin_department=accounts_selectors.department_by_id(actor.department_id) if actor.department_id else None,
        service_point=service_point,
        interaction=interaction,
        assignee=assignee,
        due_at=due_at(queue, now),
        patron_name=patron_name,
        patron_email=patron_email,
        patron_phone=patron_phone,
        search_text=f"{subject}\n{description}",
    )
    if interaction is None:
        ticket.save()
    else:
        ticket.reference = interaction.client_id
        try:
            with transaction.atomic():  # a savepoint only where a clash is possible
                ticket.save()
        except IntegrityError:
            raise reject(
                "interaction", "This interaction is already a ticket.", code="tickets.interaction_already_ticket"
            ) from None
    # A new ticket has no links yet: one INSERT each, not the SELECT-then-INSERT of .add().
    Ticket.followers.through.objects.create(ticket_id=ticket.pk, user_id=actor.pk)
    referring = []
    if actor.department_id and actor.department_id != queue.department_id:
        Ticket.referring_departments.through.objects.create(ticket_id=ticket.pk, department_id=actor.department_id)
        referring.append(ticket.origin_department)
    if interaction is not None:
        events.ticket_promoted(ticket=ticket, actor=actor)
    else:
        events.ticket_created(ticket=ticket, actor=actor)
    ticket.opened_now.followers = [actor]
    ticket.opened_now.referring_departments = referring
    return ticket


@transaction.atomic
def ticket_create(
    *,
    actor: User,
    queue: Queue,
    subject: str,
    description: str = "",
    priority: int | str = Ticket.Priority.NORMAL,
    patron_name: str = "",
    patron_email: str = "",
    patron_phone: str = "",
    service_point: ServicePoint | None = None,
    assignee: User | None = None,
) -> Ticket:
    """Open a ticket from scratch. It has its own reference; no desk interaction is made."""
    return _open_ticket(
        actor=actor,
        queue=queue,
        subject=subject,
        description=description,
        priority=priority,
        patron_name=patron_name,
        patron_email=patron_email,
        patron_phone=patron_phone,
        service_point=service_point,
        assignee=assignee,
        interaction=None,
    )


@transaction.atomic
def ticket_promote_from_interaction(
    *,
    actor: User,
    interaction: Interaction,
    queue: Queue,
    subject: str,
    description: str = "",
    patron_name: str = "",
    patron_email: str = "",
    patron_phone: str = "",
    priority: int | str = Ticket.Priority.NORMAL,
) -> Ticket:
    """Turn a logged desk interaction into a ticket in one step. The ticket's reference is the
    interaction's client id: one case, counted once (statistics count interactions)."""
    existing = Ticket.objects.filter(interaction=interaction).first()
    if existing is not None:
        raise reject(
            "interaction",
            f"This interaction is already ticket #{existing.number}.",
            code="tickets.interaction_already_ticket",
        )
    if Ticket.objects.filter(reference=interaction.client_id).exists():
        raise reject(
            "interaction", "A ticket already uses this interaction's id.", code="tickets.interaction_already_ticket"
        )
    return _open_ticket(
        actor=actor,
        queue=queue,
        subject=subject,
        description=description or getattr(interaction, "note", "") or "",
        priority=priority,
        patron_name=patron_name,
        patron_email=patron_email,
        patron_phone=patron_phone,
        service_point=interaction.service_point,
        assignee=None,
        interaction=interaction,
    )


# What ticket_update may change; state, queue and contact details have services of their own.
UPDATABLE_FIELDS = ("assignee", "priority")


@transaction.atomic
def ticket_update(*, actor: User, ticket: Ticket, data: Mapping[str, Any]) -> Ticket:
    """Change who holds the ticket and its priority (`data` holds the fields to change). Each
    field that changed writes its own history line; nothing is written when nothing changed."""
    if not policy.can_work_ticket(actor, ticket):
        raise PermissionDenied(policy.work_refusal(ticket))
    cleaned: dict[str, Any] = {}
    if "assignee" in data:
        assignee = data["assignee"]
        if ticket.state == State.CLOSED:
            raise reject("assignee", "A closed ticket cannot be reassigned.", code="tickets.closed_cannot_reassign")
        if assignee is not None:
            check_assignee(assignee, ticket.queue)
        cleaned["assignee"] = assignee
    if "priority" in data:
        cleaned["priority"] = clean_priority(data["priority"])
    ticket, before = model_update(instance=ticket, fields=UPDATABLE_FIELDS, data=cleaned)
    if "assignee" in before:
        previous = before["assignee"].pk if before["assignee"] is not None else None
        events.ticket_assigned(ticket=ticket, actor=actor, previous_assignee_id=previous)
    if "priority" in before:
        events.ticket_priority_changed(ticket=ticket, actor=actor, previous=before["priority"])
    return ticket


def ticket_assign(*, actor: User, ticket: Ticket, assignee: User | None) -> Ticket:
    """Give the ticket to someone in its queue's department, or to nobody (assignee=None)."""
    return ticket_update(actor=actor, ticket=ticket, data={"assignee": assignee})


def ticket_set_priority(*, actor: User, ticket: Ticket, priority: int | str) -> Ticket:
    """Set the priority by value (1–4) or name ("urgent")."""
    return ticket_update(actor=actor, ticket=ticket, data={"priority": priority})


def allowed_next_states(ticket: Ticket) -> tuple[str, ...]:
    return TRANSITIONS[ticket.state]


@transaction.atomic
def ticket_change_state(*, actor: User, ticket: Ticket, state: str, waiting_on: str = "") -> Ticket:
    if not policy.can_work_ticket(actor, ticket):
        raise PermissionDenied(policy.work_refusal(ticket))
    if state not in State.values:
        raise reject(
            "state", f"Unknown state {state!r}; choose one of {', '.join(State.values)}.", code="tickets.state_unknown"
        )
    waiting_on = (waiting_on or "").strip()
    current = ticket.state
    if state == State.WAITING:
        if waiting_on not in Ticket.WaitingOn.values:
            raise reject(
                "waiting_on",
                "Say who the ticket is waiting on: the patron, the other department or a vendor.",
                code="tickets.waiting_on_required",
            )
    else:
        waiting_on = ""
    if state == current and not (state == State.WAITING and waiting_on != ticket.waiting_on):
        raise reject("state", f"The ticket is already {State(current).label.lower()}.", code="tickets.state_unchanged")
    if state != current and state not in TRANSITIONS[current]:
        allowed = TRANSITIONS[current]
        if not allowed:
            message = "A closed ticket cannot change state; open a new ticket to follow up."
        else:
            labels = [State(s).label.lower() for s in allowed]
            options = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
            label = State(current).label.lower()
            article = "An" if label[0] in "aeiou" else "A"
            message = f"{article} {label} ticket cannot go to {State(state).label.lower()}; it can go to {options}."
        raise reject("state", message, code="tickets.transition_not_allowed")
    now = timezone.now()
    before = events.audit_view(ticket)
    changes: dict[str, Any] = {"state": state, "waiting_on": waiting_on}
    if state == State.RESOLVED:
        changes["resolved_at"] = now
    elif state == State.OPEN:
        changes["resolved_at"] = None
    if state == State.CLOSED:
        changes["closed_at"] = now
    model_update(instance=ticket, fields=changes.keys(), data=changes)
    events.ticket_state_changed(ticket=ticket, actor=actor, from_state=current, before=before)
    return ticket


@transaction.atomic
def ticket_follow(*, actor: User, ticket: Ticket, follow: bool = True) -> Ticket:
    if not policy.can_view_ticket(actor, ticket):
        raise PermissionDenied("You cannot see this ticket.")
    if follow:
        ticket.followers.add(actor)
    else:
        ticket.followers.remove(actor)
    return ticket
