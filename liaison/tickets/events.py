"""A ticket's history: one function per event kind (Saleor's `giftcard/events.py` is the model).

Each function is the one call a service makes for history. In the service's transaction it

1. writes the `TicketEvent` row (the ticket's timeline),
2. writes the audit row (`audit_record`; never the patron's contact details), and
3. schedules the event's mail with `after_commit`, so a rolled-back change sends nothing.

Event wording lives in one table, `EVENT_TEXT`: the staff timeline line, the patron's status
page line, and the mail subjects and bodies. Pages (template tags), the API and the mail all
read it through `describe(event, ...)`; adding an event kind means a `TicketEvent.Kind`, a
function here and its lines in the table.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from liaison.audit.services import audit_record
from liaison.core.events import EventText, after_commit
from liaison.tickets.models import ContactAccessLog, Queue, Reply, StatusLink, Ticket, TicketEvent

if TYPE_CHECKING:
    from liaison.accounts.models import User
    from liaison.kb.models import Article
    from liaison.tickets.models import Attachment

Kind = TicketEvent.Kind
State = Ticket.State

_CREATED_MAIL = (
    "We have your request {number}, “{subject}”. The {department} will follow up.\n\n"
    "You can check its progress here at any time:\n{link}\n"
)

# Keys: "<kind>" or "<kind>.<variant>" for a line; "<key>/subject" and "<key>/body" for mail (a
# variant without its own mail line uses its kind's).
# Names in braces come from `_context` (queues by full name, states in lower case, people by name).
EVENT_TEXT = EventText(
    staff={
        # The timeline line, after the actor's name; staff mail starts with the same line.
        "created": "opened the ticket in {to_queue}",
        "created/subject": "New ticket",
        "promoted": "made a ticket from a desk interaction, in {to_queue}",
        "promoted/subject": "New ticket",
        "state_changed": "changed the state from {from_state} to {to_state}",
        "state_changed.waiting": "changed the state from {from_state} to waiting on {waiting_on}",
        "state_changed/subject": "{to_state_label}",
        "assigned": "assigned it to {assignee}",
        "assigned.self": "took the ticket",
        "assigned.nobody": "unassigned it",
        "assigned/subject": "Assigned",
        "priority_changed": "changed the priority from {from_priority} to {to_priority}",
        "handed_off": "handed it off from {from_queue} to {to_queue}",
        "handed_off.for": "handed it off from {from_queue} to {to_queue}, for {assignee}",
        "handed_off/subject": "Handed off to {to_department}",
        "queue_changed": "moved it from {from_queue} to {to_queue}",
        "queue_changed/subject": "Moved to {to_queue_name}",
        "reply": "replied to the patron",
        "reply/subject": "Public reply",
        "internal_note": "added an internal note",
        "internal_note/subject": "Internal note",
        "attachment_added": "attached {note}",
        "article_linked": "linked the article “{note}”",
        "article_unlinked": "unlinked the article “{note}”",
        "contact_purged": "purged the patron's contact details ({retention_days} days after closing)",
    },
    public={
        # The patron's status page: departments, never staff names or notes. "" = not shown.
        "created": "We received your request.",
        "created/subject": "We have your request {number}: {subject_line}",
        "created/body": _CREATED_MAIL,
        "promoted": "We received your request.",
        "promoted/subject": "We have your request {number}: {subject_line}",
        "promoted/body": _CREATED_MAIL,
        "handed_off": "Passed to the {to_department}, who handle this kind of request.",
        "state_changed.open": "Someone is working on it.",
        "state_changed.reopened": "Reopened.",
        "state_changed.waiting": "Waiting on someone else (another department or a supplier).",
        "state_changed.waiting_on_patron": "Waiting for a reply from you.",
        "state_changed.resolved": "Resolved.",
        "state_changed.resolved/subject": "Your request {number} is resolved",
        "state_changed.resolved/body": (
            "Your request {number}, “{subject}”, is resolved.\n\n"
            "See what was done, or find out how to follow up:\n{link}\n"
        ),
        "state_changed.closed": "Closed.",
        "reply": "Reply",
        "reply/subject": "New reply on your request {number}",
        "reply/body": (
            "There is a new reply on your request {number}, “{subject}”:\n\n{reply}\n\n"
            "See the whole request here:\n{link}\n"
        ),
    },
)


# What the wording reads: load events with these (`select_related(*EVENT_RELATIONS)`).
EVENT_RELATIONS = (
    "ticket__queue__department",
    "actor",
    "assignee",
    "reply",
    "from_queue__department",
    "to_queue__department",
    "to_department",
)


def wording_key(event: TicketEvent, *, public: bool = False) -> str:
    """Which line of EVENT_TEXT an event reads: its kind, or a variant of it."""
    kind = event.kind
    if kind == Kind.STATE_CHANGED:
        waiting_on = (event.data or {}).get("waiting_on")
        if not public:
            waiting = event.to_state == State.WAITING and waiting_on in Ticket.WaitingOn.values
            return "state_changed.waiting" if waiting else "state_changed"
        if event.to_state == State.OPEN and event.from_state == State.RESOLVED:
            return "state_changed.reopened"
        if event.to_state == State.WAITING and waiting_on == Ticket.WaitingOn.PATRON:
            return "state_changed.waiting_on_patron"
        return f"state_changed.{event.to_state}"
    if kind == Kind.ASSIGNED and not public:
        if not event.assignee_id:
            return "assigned.nobody"
        return "assigned.self" if event.assignee_id == event.actor_id else "assigned"
    if kind == Kind.HANDED_OFF and not public and event.assignee_id:
        return "handed_off.for"
    return str(kind)


def describe(event: TicketEvent, *, public: bool = False, part: str = "", **extra: Any) -> str:
    """The event in words: the staff timeline line, the patron's line (`public=True`), or a
    mail's `part` ("subject" or "body"). `extra` adds names a mail needs (`link`)."""
    key = wording_key(event, public=public)
    table = EVENT_TEXT.public if public else EVENT_TEXT.staff
    if part:  # a variant's mail may share its kind's: "assigned.self/subject" → "assigned/subject"
        key = next((k for k in (f"{key}/{part}", f"{event.kind}/{part}") if k in table), "")
    if key not in table:
        return "" if public or part else event.get_kind_display()
    return EVENT_TEXT.render(key, public=public, **_context(event), **extra)


def _label(choices, value, default: str = "?") -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or default


def _context(event: TicketEvent) -> dict[str, Any]:
    """Every name the wording may use (load the event with `EVENT_RELATIONS`)."""
    data = event.data or {}
    ticket = event.ticket
    from_queue, to_queue, to_department = event.from_queue, event.to_queue, event.to_department
    return {
        "from_queue": from_queue.full_name if from_queue else "",
        "to_queue": to_queue.full_name if to_queue else "",
        "to_queue_name": to_queue.name if to_queue else "",
        "to_department": to_department.name if to_department else "",
        "from_state": _label(State, event.from_state).lower(),
        "to_state": _label(State, event.to_state).lower(),
        "to_state_label": _label(State, event.to_state),
        "waiting_on": _label(Ticket.WaitingOn, data.get("waiting_on", "")),
        "assignee": assignee.name if (assignee := event.assignee) else "nobody",
        "from_priority": _label(Ticket.Priority, _int(data.get("from"))).lower(),
        "to_priority": _label(Ticket.Priority, _int(data.get("to"))).lower(),
        "note": event.note,
        "retention_days": data.get("retention_days", "some"),
        "reply": reply.body if (reply := event.reply) else "",
        "number": f"#{ticket.pk}",
        "subject": ticket.subject,
        "subject_line": one_line(ticket.subject),
        "department": ticket.queue.department.name,
    }


def one_line(text: str, limit: int = 90) -> str:
    """User text in a mail header: no line breaks (no header injection), and not too long."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mails_patron(event: TicketEvent) -> bool:
    """Whether the event writes to the patron: it has patron mail wording, and the ticket
    still has an address (none after the contact purge)."""
    ticket = event.ticket
    if not ticket.patron_email or ticket.contact_purged_at is not None:
        return False
    key = wording_key(event, public=True)
    return f"{key}/body" in EVENT_TEXT.public or f"{event.kind}/body" in EVENT_TEXT.public


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Writing history -------------------------------------------------------------------------

_AUDITED_FIELDS = ("subject", "queue", "state", "waiting_on", "priority", "assignee", "due_at")


def audit_view(ticket: Ticket) -> dict[str, Any]:
    """What the audit trail keeps about a ticket: never the patron's contact details."""
    data: dict[str, Any] = {}
    for name in _AUDITED_FIELDS:
        value = getattr(ticket, f"{name}_id" if name in ("queue", "assignee") else name)
        data[name] = value.isoformat() if isinstance(value, dt.datetime) else value
    data["reference"] = str(ticket.reference)
    return data


_muted: contextvars.ContextVar[bool] = contextvars.ContextVar("ticket_mail_muted", default=False)


@contextlib.contextmanager
def muted() -> Iterator[None]:
    """Schedule no mail inside this block (the demo seed replays months of history)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _announce(event: TicketEvent) -> None:
    """Mail about the event, after the commit (notifications.py says who is told and what).

    What the mail needs that must be written is written now, in this transaction: the
    patron's fresh status link. The task gets its token, so it writes nothing, and a retry
    sends the same link instead of minting another."""
    if _muted.get():
        return
    from liaison.tickets.tasks import send_ticket_event_mail  # tasks import services, which import this

    status_token = None
    if mails_patron(event):
        link, status_token = StatusLink.objects.mint(ticket=event.ticket)
        opened = getattr(event.ticket, "opened_now", None)
        if opened is not None:
            opened.status_link_expires_at = link.expires_at
    after_commit(send_ticket_event_mail, event.pk, status_token=status_token)


@dataclass
class Opened:
    """What opening a ticket wrote, kept on the ticket (`ticket.opened_now`) so the answer to
    the request that opened it is built from it rather than read back (ADR 0016)."""

    events: list[TicketEvent] = field(default_factory=list)
    followers: list[User] = field(default_factory=list)
    referring_departments: list[Any] = field(default_factory=list)
    status_link_expires_at: dt.datetime | None = None


def _opened(*, ticket: Ticket, actor: User, kind: str) -> TicketEvent:
    ticket.opened_now = opened = Opened()
    event = TicketEvent.objects.create(
        ticket=ticket, kind=kind, actor=actor, to_state=ticket.state, to_queue=ticket.queue,
        to_department=ticket.queue.department,
    )  # fmt: skip
    opened.events.append(event)
    if ticket.assignee_id:  # assigned as it was opened: one more line, the same mail
        opened.events.append(
            TicketEvent.objects.create(ticket=ticket, kind=Kind.ASSIGNED, actor=actor, assignee=ticket.assignee)
        )
    audit_record(actor=actor, action=f"ticket.{kind}", obj=ticket, after=audit_view(ticket))
    _announce(event)
    return event


def ticket_created(*, ticket: Ticket, actor: User) -> TicketEvent:
    """Opened from scratch. Mails the queue's inbox and the patron (with a status link)."""
    return _opened(ticket=ticket, actor=actor, kind=Kind.CREATED)


def ticket_promoted(*, ticket: Ticket, actor: User) -> TicketEvent:
    """Opened from a desk interaction (the ticket shares its id). Mails as ticket_created."""
    return _opened(ticket=ticket, actor=actor, kind=Kind.PROMOTED)


def ticket_assigned(*, ticket: Ticket, actor: User, previous_assignee_id: int | None) -> TicketEvent:
    """Given to someone, or to nobody. Mails the new assignee."""
    event = TicketEvent.objects.create(
        ticket=ticket, kind=Kind.ASSIGNED, actor=actor, assignee=ticket.assignee,
        data={"previous_assignee": previous_assignee_id},
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="ticket.assign",
        obj=ticket,
        before={"assignee": previous_assignee_id},
        after={"assignee": ticket.assignee_id},
    )
    _announce(event)
    return event


def ticket_priority_changed(*, ticket: Ticket, actor: User, previous: int) -> TicketEvent:
    """No mail: priority orders the queue, it is not news."""
    event = TicketEvent.objects.create(
        ticket=ticket, kind=Kind.PRIORITY_CHANGED, actor=actor, data={"from": previous, "to": ticket.priority}
    )
    audit_record(
        actor=actor,
        action="ticket.set_priority",
        obj=ticket,
        before={"priority": previous},
        after={"priority": ticket.priority},
    )
    return event


def ticket_state_changed(*, ticket: Ticket, actor: User, from_state: str, before: dict[str, Any]) -> TicketEvent:
    """Mails followers and the assignee; "resolved" also mails the patron."""
    event = TicketEvent.objects.create(
        ticket=ticket, kind=Kind.STATE_CHANGED, actor=actor, from_state=from_state, to_state=ticket.state,
        data={"waiting_on": ticket.waiting_on},
    )  # fmt: skip
    audit_record(actor=actor, action="ticket.change_state", obj=ticket, before=before, after=audit_view(ticket))
    _announce(event)
    return event


def ticket_handed_off(
    *,
    ticket: Ticket,
    actor: User,
    from_queue: Queue,
    from_state: str,
    previous_assignee_id: int | None,
    note: str,
    before: dict[str, Any],
) -> TicketEvent:
    """To another department's queue. Mails followers, the assignee and both queues' inboxes;
    the note is staff-only."""
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=Kind.HANDED_OFF,
        actor=actor,
        from_queue=from_queue,
        to_queue=ticket.queue,
        from_department=from_queue.department,
        to_department=ticket.queue.department,
        from_state=from_state,
        to_state=ticket.state,
        assignee=ticket.assignee,
        note=note,
        data={"previous_assignee": previous_assignee_id},
    )
    audit_record(actor=actor, action="ticket.hand_off", obj=ticket, before=before, after=audit_view(ticket))
    _announce(event)
    return event


def ticket_moved(*, ticket: Ticket, actor: User, from_queue: Queue, note: str, before: dict[str, Any]) -> TicketEvent:
    """To another queue of the same department. Mails as a hand-off does."""
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=Kind.QUEUE_CHANGED,
        actor=actor,
        from_queue=from_queue,
        to_queue=ticket.queue,
        from_department=from_queue.department,
        to_department=ticket.queue.department,
        note=note,
    )
    audit_record(actor=actor, action="ticket.move", obj=ticket, before=before, after=audit_view(ticket))
    _announce(event)
    return event


def ticket_replied(*, ticket: Ticket, actor: User, reply: Reply) -> TicketEvent:
    """A public reply (mails the patron, with a status link, and staff) or an internal note
    (mails staff only)."""
    kind = Kind.INTERNAL_NOTE if reply.is_internal else Kind.REPLY
    event = TicketEvent.objects.create(ticket=ticket, kind=kind, actor=actor, reply=reply, at=reply.created_at)
    audit_record(
        actor=actor,
        action="ticket.internal_note" if reply.is_internal else "ticket.reply",
        obj=ticket,
        after={"reply": reply.pk, "internal": reply.is_internal},
    )
    _announce(event)
    return event


def ticket_attachment_added(*, ticket: Ticket, actor: User, attachment: Attachment) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket, kind=Kind.ATTACHMENT_ADDED, actor=actor, attachment=attachment, note=attachment.original_name
    )
    audit_record(
        actor=actor,
        action="ticket.attach",
        obj=ticket,
        after={"attachment": attachment.pk, "name": attachment.original_name, "size": attachment.size},
    )
    return event


def ticket_article_linked(*, ticket: Ticket, actor: User, article: Article) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket, kind=Kind.ARTICLE_LINKED, actor=actor, article=article, note=str(article)[:200]
    )
    audit_record(actor=actor, action="ticket.link_article", obj=ticket, after={"article": article.pk})
    return event


def ticket_article_unlinked(*, ticket: Ticket, actor: User, article: Article) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket, kind=Kind.ARTICLE_UNLINKED, actor=actor, article=article, note=str(article)[:200]
    )
    audit_record(actor=actor, action="ticket.unlink_article", obj=ticket, before={"article": article.pk})
    return event


def ticket_contact_viewed(*, ticket: Ticket, actor: User, reason: str) -> ContactAccessLog:
    """Not a timeline line: the contact log row (who, when, why) and the audit row, neither
    holding a copy of the details."""
    viewed = ContactAccessLog.objects.create(ticket=ticket, user=actor, user_label=actor.get_username(), reason=reason)
    audit_record(actor=actor, action="ticket.contact_viewed", obj=ticket, after={"reason": reason})
    return viewed


def ticket_status_link_issued(*, ticket: Ticket, actor: User, link: StatusLink) -> None:
    """Staff made a link to hand over: the audit row (never the token)."""
    audit_record(
        actor=actor, action="ticket.status_link", obj=ticket, after={"expires_at": link.expires_at.isoformat()}
    )


def tickets_contacts_purged(*, ticket_ids: Sequence[int], retention_days: int, now: dt.datetime) -> None:
    """The daily purge (a system job, no actor): one line per ticket, one audit row per run."""
    TicketEvent.objects.bulk_create(
        TicketEvent(ticket_id=pk, kind=Kind.CONTACT_PURGED, at=now, data={"retention_days": retention_days})
        for pk in ticket_ids
    )
    if ticket_ids:
        audit_record(
            actor=None,
            action="ticket.purge_contacts",
            object_type="tickets.ticket",
            object_repr=f"{len(ticket_ids)} closed ticket(s)",
            after={
                "count": len(ticket_ids),
                "older_than_days": retention_days,
                "first": ticket_ids[0],
                "last": ticket_ids[-1],
            },
        )
