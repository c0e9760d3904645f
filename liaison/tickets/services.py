"""Every write to a ticket. Each function is keyword-only, atomic, validates its input
(ValidationError naming the field), checks the policy, writes a TicketEvent and an audit row
in the same transaction, and queues its e-mail for after the commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.utils import timezone

from liaison.core.errors import reject
from liaison.kb import selectors as kb_selectors
from liaison.tickets import events, policy, selectors, uploads
from liaison.tickets.models import (
    Attachment,
    Queue,
    Reply,
    StatusLink,
    Ticket,
    TicketEvent,
)

if TYPE_CHECKING:
    from liaison.kb.models import Article

State = Ticket.State
Kind = TicketEvent.Kind

# The state machine. Closed is final: a new question is a new ticket.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.NEW: (State.OPEN,),
    State.OPEN: (State.WAITING, State.RESOLVED),
    State.WAITING: (State.OPEN, State.RESOLVED),
    State.RESOLVED: (State.CLOSED, State.OPEN),
    State.CLOSED: (),
}

SUBJECT_MAX = 200
BODY_MAX = 20_000
BULK_MAX = 200


def _due_at(queue: Queue, start: dt.datetime) -> dt.datetime:
    return start + dt.timedelta(hours=queue.target_response_hours)


def _clean_text(value: str | None, *, field: str, required: bool, limit: int, what: str) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: f"Write {what}."})
    if len(text) > limit:
        raise ValidationError({field: f"Keep {what} under {limit:,} characters (this is {len(text):,})."})
    return text


def _clean_priority(priority) -> int:
    if isinstance(priority, str) and not priority.isdigit():
        try:
            return Ticket.Priority[priority.strip().upper()].value
        except KeyError:
            pass
    else:
        try:
            value = int(priority)
        except (TypeError, ValueError):
            value = None
        if value in Ticket.Priority.values:
            return value
    names = ", ".join(p.name.lower() for p in Ticket.Priority)
    raise ValidationError({"priority": f"Unknown priority {priority!r}; choose one of {names}."})


def _clean_queue(queue, field: str = "queue") -> Queue:
    if not isinstance(queue, Queue):
        raise ValidationError({field: "Choose a queue."})
    if not queue.is_active:
        raise ValidationError({field: f"{queue.full_name} no longer takes tickets."})
    return queue


def _clean_contact(name: str, email: str, phone: str) -> tuple[str, str, str]:
    name = _clean_text(name, field="patron_name", required=False, limit=150, what="the patron's name")
    email = (email or "").strip()
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise ValidationError({"patron_email": f"{email!r} is not an e-mail address."}) from None
        if len(email) > 254:
            raise ValidationError({"patron_email": "That e-mail address is too long."})
    phone = (phone or "").strip()
    if phone:
        allowed = set("0123456789+-(). xX/ext")
        digits = sum(ch.isdigit() for ch in phone)
        if len(phone) > 40 or digits < 3 or any(ch not in allowed for ch in phone):
            raise ValidationError({"patron_phone": "Enter a phone number with digits (e.g. 555-0100 ext 12)."})
    return name, email, phone


def _check_assignee(assignee, queue: Queue, field: str = "assignee") -> None:
    if not policy.can_take_tickets(assignee, queue):
        raise ValidationError(
            {field: f"{assignee} cannot take tickets from {queue.full_name}: they are not in {queue.department.name}."}
        )


def _open_ticket(
    *,
    actor,
    queue: Queue,
    subject: str,
    description: str,
    priority,
    patron_name: str,
    patron_email: str,
    patron_phone: str,
    service_point,
    assignee,
    interaction,
) -> Ticket:
    if not policy.can_open_ticket(actor, queue):
        raise PermissionDenied("Your role does not open tickets.")
    queue = _clean_queue(queue)
    subject = _clean_text(subject, field="subject", required=True, limit=SUBJECT_MAX, what="a subject")
    description = _clean_text(description, field="description", required=False, limit=BODY_MAX, what="the details")
    priority = _clean_priority(priority)
    patron_name, patron_email, patron_phone = _clean_contact(patron_name, patron_email, patron_phone)
    if assignee is not None:
        _check_assignee(assignee, queue)
    now = timezone.now()
    ticket = Ticket(
        subject=subject,
        description=description,
        queue=queue,
        priority=priority,
        opened_by=actor,
        origin_department=actor.department,
        service_point=service_point,
        interaction=interaction,
        assignee=assignee,
        due_at=_due_at(queue, now),
        patron_name=patron_name,
        patron_email=patron_email,
        patron_phone=patron_phone,
        search_text=f"{subject}\n{description}",
    )
    if interaction is not None:
        ticket.reference = interaction.client_id
    try:
        with transaction.atomic():
            ticket.save()
    except IntegrityError:
        if interaction is not None:
            raise ValidationError({"interaction": "This interaction is already a ticket."}) from None
        raise
    ticket.followers.add(actor)
    if actor.department_id and actor.department_id != queue.department_id:
        ticket.referring_departments.add(actor.department_id)
    if interaction is not None:
        events.ticket_promoted(ticket=ticket, actor=actor)
    else:
        events.ticket_created(ticket=ticket, actor=actor)
    return ticket


@transaction.atomic
def ticket_create(
    *,
    actor,
    queue: Queue,
    subject: str,
    description: str = "",
    priority: int | str = Ticket.Priority.NORMAL,
    patron_name: str = "",
    patron_email: str = "",
    patron_phone: str = "",
    service_point=None,
    assignee=None,
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
    actor,
    interaction,
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
        raise ValidationError({"interaction": f"This interaction is already ticket #{existing.number}."})
    if Ticket.objects.filter(reference=interaction.client_id).exists():
        raise ValidationError({"interaction": "A ticket already uses this interaction's id."})
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


@transaction.atomic
def ticket_assign(*, actor, ticket: Ticket, assignee) -> Ticket:
    """Give the ticket to someone in its queue's department, or to nobody (assignee=None)."""
    if not policy.can_work_ticket(actor, ticket):
        raise PermissionDenied(policy.work_refusal(ticket))
    if ticket.state == State.CLOSED:
        raise ValidationError({"assignee": "A closed ticket cannot be reassigned."})
    if assignee is not None:
        _check_assignee(assignee, ticket.queue)
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    previous = ticket.assignee_id
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    events.ticket_assigned(ticket=ticket, actor=actor, previous_assignee_id=previous)
    return ticket


def allowed_next_states(ticket: Ticket) -> tuple[str, ...]:
    return TRANSITIONS[ticket.state]


@transaction.atomic
def ticket_change_state(*, actor, ticket: Ticket, state: str, waiting_on: str = "") -> Ticket:
    if not policy.can_work_ticket(actor, ticket):
        raise PermissionDenied(policy.work_refusal(ticket))
    if state not in State.values:
        raise ValidationError({"state": f"Unknown state {state!r}; choose one of {', '.join(State.values)}."})
    waiting_on = (waiting_on or "").strip()
    current = ticket.state
    if state == State.WAITING:
        if waiting_on not in Ticket.WaitingOn.values:
            raise ValidationError(
                {"waiting_on": "Say who the ticket is waiting on: the patron, the other department or a vendor."}
            )
    else:
        waiting_on = ""
    if state == current and not (state == State.WAITING and waiting_on != ticket.waiting_on):
        raise ValidationError({"state": f"The ticket is already {State(current).label.lower()}."})
    if state != current and state not in TRANSITIONS[current]:
        allowed = TRANSITIONS[current]
        if not allowed:
            message = "A closed ticket cannot change state; open a new ticket to follow up."
        else:
            options = " or ".join(State(s).label.lower() for s in allowed)
            label = State(current).label.lower()
            article = "An" if label[0] in "aeiou" else "A"
            message = f"{article} {label} ticket cannot go to {State(state).label.lower()}; it can go to {options}."
        raise ValidationError({"state": message})
    now = timezone.now()
    before = events.audit_view(ticket)
    ticket.state = state
    ticket.waiting_on = waiting_on
    if state == State.RESOLVED:
        ticket.resolved_at = now
    elif state == State.OPEN:
        ticket.resolved_at = None
    if state == State.CLOSED:
        ticket.closed_at = now
    ticket.save(update_fields=["state", "waiting_on", "resolved_at", "closed_at", "updated_at"])
    events.ticket_state_changed(ticket=ticket, actor=actor, from_state=current, before=before)
    return ticket


@transaction.atomic
def ticket_set_priority(*, actor, ticket: Ticket, priority: int | str) -> Ticket:
    if not policy.can_work_ticket(actor, ticket):
        raise PermissionDenied(policy.work_refusal(ticket))
    value = _clean_priority(priority)
    if value == ticket.priority:
        return ticket
    previous = ticket.priority
    ticket.priority = value
    ticket.save(update_fields=["priority", "updated_at"])
    events.ticket_priority_changed(ticket=ticket, actor=actor, previous=previous)
    return ticket


@transaction.atomic
def ticket_hand_off(*, actor, ticket: Ticket, queue: Queue, note: str = "", assignee=None) -> Ticket:
    """Hand the ticket to another department's queue. The history stays with the ticket; the
    handing-off person follows it and their department keeps seeing it, so the referring side
    is told when it moves. In the new queue it is new again and due by that queue's target."""
    if not policy.can_work_ticket(actor, ticket):
        raise PermissionDenied(policy.work_refusal(ticket))
    queue = _clean_queue(queue)
    note = _clean_text(note, field="note", required=False, limit=BODY_MAX, what="the hand-off note")
    if not ticket.is_active:
        raise ValidationError(
            {"queue": f"A {ticket.get_state_display().lower()} ticket cannot be handed off; reopen it first."}
        )
    if queue.department_id == ticket.queue.department_id:
        raise ValidationError(
            {"queue": f"{queue.name} is in {queue.department.name} already: move the ticket instead of handing it off."}
        )
    if assignee is not None:
        _check_assignee(assignee, queue)
    before = events.audit_view(ticket)
    from_queue, from_state, previous_assignee = ticket.queue, ticket.state, ticket.assignee_id
    now = timezone.now()
    ticket.queue = queue
    ticket.state = State.NEW
    ticket.waiting_on = ""
    ticket.assignee = assignee
    ticket.due_at = _due_at(queue, now)
    ticket.save(update_fields=["queue", "state", "waiting_on", "assignee", "due_at", "updated_at"])
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
def ticket_move(*, actor, ticket: Ticket, queue: Queue, note: str = "", assignee=None) -> Ticket:
    """Put the ticket in another queue: inside the department it is a move (the due date and the
    assignee stay); into another department's queue it is a hand-off (see ticket_hand_off)."""
    if not policy.can_work_ticket(actor, ticket):
        raise PermissionDenied(policy.work_refusal(ticket))
    queue = _clean_queue(queue)
    if queue.department_id != ticket.queue.department_id:
        return ticket_hand_off(actor=actor, ticket=ticket, queue=queue, note=note, assignee=assignee)
    if queue.pk == ticket.queue_id:
        raise ValidationError({"queue": f"The ticket is already in {queue.name}."})
    if ticket.state == State.CLOSED:
        raise ValidationError({"queue": "A closed ticket stays where it was closed."})
    note = _clean_text(note, field="note", required=False, limit=BODY_MAX, what="the note")
    before = events.audit_view(ticket)
    from_queue = ticket.queue
    ticket.queue = queue
    fields = ["queue", "updated_at"]
    if assignee is not None:
        _check_assignee(assignee, queue)
        ticket.assignee = assignee
        fields.append("assignee")
    ticket.save(update_fields=fields)
    events.ticket_moved(ticket=ticket, actor=actor, from_queue=from_queue, note=note, before=before)
    return ticket


@transaction.atomic
def ticket_reply(*, actor, ticket: Ticket, body: str, is_internal: bool = False) -> Reply:
    """A public reply (the patron sees it and is e-mailed) or an internal note (staff only)."""
    if not policy.can_view_ticket(actor, ticket):
        raise PermissionDenied("You cannot see this ticket.")
    body = _clean_text(body, field="body", required=True, limit=BODY_MAX, what="the reply")
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


@transaction.atomic
def ticket_attach(*, actor, ticket: Ticket, upload) -> Attachment:
    """Store a checked file (see uploads.py). Nothing is written unless every check passes;
    if the database write fails after the file is stored, the file is removed again."""
    if not policy.can_view_ticket(actor, ticket):
        raise PermissionDenied("You cannot see this ticket.")
    checked = uploads.inspect_upload(upload)
    attachment = Attachment(
        ticket=ticket,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    content = ContentFile(checked.rewritten) if checked.rewritten is not None else upload
    attachment.file.save(f"upload{checked.extension}", content, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
            events.ticket_attachment_added(ticket=ticket, actor=actor, attachment=attachment)
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def ticket_link_article(*, actor, ticket: Ticket, article_id: int | None) -> Article:
    """Link a knowledge-base article to the ticket. Only published articles can be linked
    (drafts are not ready to hand on); the article is read through the kb's selectors, so a
    person never links an article they may not see."""
    if not policy.can_view_ticket(actor, ticket):
        raise PermissionDenied("You cannot see this ticket.")
    if not article_id:
        raise reject("article", "Choose an article to link.", code="tickets.article_required")
    article = kb_selectors.article_list(user=actor).filter(pk=article_id).first()
    if article is None:
        raise reject("article", f"No article {article_id}.", code="tickets.article_not_found")
    if article.status != article.Status.PUBLISHED:
        raise reject("article", "Only published articles can be linked.", code="tickets.article_not_published")
    if ticket.linked_articles.filter(pk=article.pk).exists():
        return article
    ticket.linked_articles.add(article)
    events.ticket_article_linked(ticket=ticket, actor=actor, article=article)
    return article


@transaction.atomic
def ticket_unlink_article(*, actor, ticket: Ticket, article_id: int) -> Ticket:
    if not policy.can_view_ticket(actor, ticket):
        raise PermissionDenied("You cannot see this ticket.")
    article = ticket.linked_articles.filter(pk=article_id).first()
    if article is None:
        raise reject("article", "That article is not linked to this ticket.", code="tickets.article_not_linked")
    ticket.linked_articles.remove(article)
    events.ticket_article_unlinked(ticket=ticket, actor=actor, article=article)
    return ticket


@transaction.atomic
def ticket_follow(*, actor, ticket: Ticket, follow: bool = True) -> Ticket:
    if not policy.can_view_ticket(actor, ticket):
        raise PermissionDenied("You cannot see this ticket.")
    if follow:
        ticket.followers.add(actor)
    else:
        ticket.followers.remove(actor)
    return ticket


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
        queue = _clean_queue(queue)
    if action == BulkAction.PRIORITY:
        priority = _clean_priority(priority)
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
def ticket_contact_reveal(*, actor, ticket: Ticket, reason: str = "") -> ContactDetails:
    """Show the patron's contact details to staff, and record that they were seen (who, when,
    why). The record holds no copy of the details."""
    if not policy.can_reveal_contact(actor, ticket):
        raise PermissionDenied("Your role does not show patron contact details.")
    reason = _clean_text(reason, field="reason", required=False, limit=200, what="the reason")
    details = ContactDetails(ticket.patron_name, ticket.patron_email, ticket.patron_phone, ticket.contact_purged_at)
    if not details.is_empty:
        events.ticket_contact_viewed(ticket=ticket, actor=actor, reason=reason)
    return details


# --- Status links for the patron (security R3: random, stored hashed, expiring).


def status_link_issue(*, ticket: Ticket, actor=None, now: dt.datetime | None = None) -> tuple[StatusLink, str]:
    """Make a new link to the patron's status page; returns it with its token, which is never
    stored and cannot be shown again. Each patron e-mail gets its own, so old ones are never
    re-sent; staff make one to hand to a patron in person."""
    if ticket.contact_purged_at is not None:
        raise ValidationError({"status_link": "This ticket's patron details were purged; it has no status page now."})
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


def retention_days() -> int:
    return int(getattr(settings, "LIAISON_CONTACT_RETENTION_DAYS", 30))


@transaction.atomic
def tickets_purge_contacts(*, older_than_days: int | None = None, now: dt.datetime | None = None) -> int:
    """Remove patron contact details (and the status link) from tickets closed at least N days
    ago. The tickets, their history and every count stay whole. Safe to run again: a second
    run changes nothing. Returns how many tickets were purged."""
    days = retention_days() if older_than_days is None else older_than_days
    if days < 0:
        raise ValidationError({"older_than_days": "The retention period cannot be negative."})
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
