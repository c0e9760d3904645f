"""The tickets API (`/api/v1/tickets`): the same selectors and services as the pages, with
explicit schemas.

A ticket is named in paths by its number ("1042") or its reference (UUID). Lists answer the
one page shape (`core.pagination`); creates honour `Idempotency-Key` (`core.idempotency`);
errors use the API's one format, and a refused change names the field and its code
({"field": "state", "message": …, "code": "tickets.transition_not_allowed"}; see errors.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from liaison.accounts import selectors as accounts_selectors
from liaison.core.adapters import protected_download
from liaison.core.api_access import API_PUBLIC, api_access
from liaison.core.errors import reject
from liaison.core.idempotency import IDEMPOTENCY_NOTE, idempotent
from liaison.core.pagination import PageParams, api_page, page_of
from liaison.core.roles import DESK_ROLES, STAFF_ROLES
from liaison.desk import selectors as desk_selectors
from liaison.places import selectors as places_selectors
from liaison.tickets import events, notifications, selectors, services
from liaison.tickets.models import Queue, Ticket, TicketEvent

if TYPE_CHECKING:
    from liaison.accounts.models import User
    from liaison.places.models import ServicePoint

router = Router()

DESK = api_access(*DESK_ROLES)
STAFF = api_access(*STAFF_ROLES)


# --- Schemas -----------------------------------------------------------------------------


class QueueOut(Schema):
    slug: str
    name: str
    full_name: str
    department: str
    parent: str | None
    target_response_hours: int


class TicketOut(Schema):
    number: int
    reference: uuid.UUID
    subject: str
    queue: str
    queue_name: str
    department: str
    state: str
    waiting_on: str
    priority: str
    assignee: str | None
    due_at: dt.datetime | None
    overdue: bool
    promoted: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    url: str


class ReplyOut(Schema):
    body: str
    internal: bool


class EventOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    actor: str | None
    summary: str
    from_state: str
    to_state: str
    from_queue: str | None
    to_queue: str | None
    assignee: str | None
    note: str
    reply: ReplyOut | None


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_by: str | None
    created_at: dt.datetime
    download_url: str


class LinkedArticleOut(Schema):
    id: int
    title: str


class TicketDetailOut(TicketOut):
    description: str
    opened_by: str | None
    origin_department: str | None
    service_point: str | None
    followers: list[str]
    referring_departments: list[str]
    linked_articles: list[LinkedArticleOut]
    attachments: list[AttachmentOut]
    timeline: list[EventOut] = Field(
        description="The latest 100 events, oldest first; older ones through /tickets/{ticket}/events?before=<id>."
    )
    timeline_has_earlier: bool
    has_contact: bool
    contact_purged_at: dt.datetime | None
    status_links_live: int = Field(description="Patron status links that still work (each patron e-mail carries one).")
    status_link_expires_at: dt.datetime | None = Field(description="When the newest working link stops working.")


class StatusLinkOut(Schema):
    url: str = Field(description="Give this to the patron now: only its hash is kept, so it cannot be shown again.")
    expires_at: dt.datetime


class TicketIn(Schema):
    queue: str
    subject: str
    description: str = ""
    priority: str = "normal"
    patron_name: str = ""
    patron_email: str = ""
    patron_phone: str = ""
    service_point: str | None = None
    assignee: str | None = None


class PromoteIn(Schema):
    queue: str
    subject: str
    description: str = ""
    priority: str = "normal"
    patron_name: str = ""
    patron_email: str = ""
    patron_phone: str = ""


class StateIn(Schema):
    state: str
    waiting_on: str = ""


class AssignIn(Schema):
    assignee: str | None


class HandOffIn(Schema):
    queue: str
    note: str = ""
    assignee: str | None = None


class ReplyIn(Schema):
    body: str
    internal: bool = False


class ArticleLinkIn(Schema):
    article: int


class ContactRevealIn(Schema):
    reason: str = ""


class ContactOut(Schema):
    name: str
    email: str
    phone: str
    purged_at: dt.datetime | None


class BulkIn(Schema):
    tickets: list[int]
    action: str
    assignee: str | None = None
    state: str = ""
    waiting_on: str = ""
    queue: str | None = None
    priority: str | None = None
    note: str = ""


class BulkOut(Schema):
    changed: int


class StatusEventOut(Schema):
    at: dt.datetime
    summary: str
    reply: str | None


class StatusOut(Schema):
    number: int
    subject: str
    state: str
    waiting_on: str
    department: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    events: list[StatusEventOut]


# --- Helpers -----------------------------------------------------------------------------


def _priority_name(value: int) -> str:
    return Ticket.Priority(value).name.lower()


def _ticket_out(ticket: Ticket) -> dict:
    return {
        "number": ticket.pk,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "queue": ticket.queue.slug,
        "queue_name": ticket.queue.full_name,
        "department": ticket.queue.department.code,
        "state": ticket.state,
        "waiting_on": ticket.waiting_on,
        "priority": _priority_name(ticket.priority),
        "assignee": ticket.assignee.username if ticket.assignee_id else None,
        "due_at": ticket.due_at,
        "overdue": ticket.is_overdue,
        "promoted": ticket.was_promoted,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "resolved_at": ticket.resolved_at,
        "closed_at": ticket.closed_at,
        "url": reverse("tickets:detail", kwargs={"reference": ticket.reference}),
    }


def _event_out(event: TicketEvent) -> dict:
    return {
        "kind": event.kind,
        "at": event.at,
        "id": event.pk,
        "actor": event.actor.username if event.actor_id else None,
        "summary": events.describe(event),
        "from_state": event.from_state,
        "to_state": event.to_state,
        "from_queue": event.from_queue.slug if event.from_queue_id else None,
        "to_queue": event.to_queue.slug if event.to_queue_id else None,
        "assignee": event.assignee.username if event.assignee_id else None,
        "note": event.note,
        "reply": {"body": event.reply.body, "internal": event.reply.is_internal} if event.reply_id else None,
    }


def _detail_out(ticket: Ticket, *, just_opened: bool = False) -> dict:
    # A ticket opened by this very request is answered from what opening it wrote
    # (`ticket.opened_now`): no attachments or articles yet, and nothing read back.
    opened = getattr(ticket, "opened_now", None) if just_opened else None
    attachments = [] if just_opened else selectors.ticket_attachments(ticket=ticket)
    if opened is not None:
        timeline = selectors.TimelinePage(opened.events, has_earlier=False)
        link_summary = selectors.StatusLinkSummary(
            int(opened.status_link_expires_at is not None), opened.status_link_expires_at
        )
        followers, referring = opened.followers, opened.referring_departments
    else:
        timeline = selectors.ticket_timeline_page(ticket=ticket)
        link_summary = selectors.status_link_summary(ticket=ticket)
        followers, referring = list(ticket.followers.all()), list(ticket.referring_departments.all())
    return {
        **_ticket_out(ticket),
        "description": ticket.description,
        "opened_by": ticket.opened_by.username if ticket.opened_by_id else None,
        "origin_department": ticket.origin_department.code if ticket.origin_department_id else None,
        "service_point": ticket.service_point.slug if ticket.service_point_id else None,
        "followers": [u.username for u in followers],
        "referring_departments": [d.code for d in referring],
        "linked_articles": []
        if just_opened
        else [{"id": a.pk, "title": str(a)} for a in selectors.linked_articles(ticket=ticket)],
        "attachments": [
            {
                "id": a.pk,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "uploaded_by": a.uploaded_by.username if a.uploaded_by_id else None,
                "created_at": a.created_at,
                "download_url": reverse("tickets:attachment", args=[ticket.reference, a.pk]),
            }
            for a in attachments
        ],
        "timeline": [_event_out(e) for e in timeline.events],
        "timeline_has_earlier": timeline.has_earlier,
        "has_contact": ticket.has_contact,
        "contact_purged_at": ticket.contact_purged_at,
        "status_links_live": link_summary.live,
        "status_link_expires_at": link_summary.latest_expires_at,
    }


def _queue(slug: str | None, field: str = "queue") -> Queue:
    queue = selectors.queue_by_slug(slug=(slug or "").strip())
    if queue is None:
        raise reject(field, f"No queue {slug!r}.", code="tickets.queue_unknown")
    return queue


def _user(username: str | None, field: str = "assignee") -> User | None:
    if username is None or not str(username).strip():
        return None
    try:
        # Inactive people are found too: the service then says why they cannot take tickets.
        return accounts_selectors.user_get_by_username(username=str(username).strip(), active_only=False)
    except Http404:
        raise reject(field, f"No person with the username {username!r}.", code="tickets.person_unknown") from None


def _service_point(slug: str | None) -> ServicePoint | None:
    if not slug:
        return None
    point = places_selectors.service_point_choices().filter(slug=slug).first()
    if point is None:
        raise reject("service_point", f"No service point {slug!r}.", code="tickets.service_point_unknown")
    return point


def _ticket(request, key: str, *, for_work: bool = False) -> Ticket:
    return selectors.ticket_get_for_user(user=request.user, key=key, for_work=for_work)


# --- Operations (fixed paths first, so they are not read as a ticket number) ---------------


def _queue_out(queue: Queue) -> dict:
    return {
        "slug": queue.slug,
        "name": queue.name,
        "full_name": queue.full_name,
        "department": queue.department.code,
        "parent": queue.parent.slug if queue.parent_id else None,
        "target_response_hours": queue.target_response_hours,
    }


@router.get("/queues", response=page_of(QueueOut), auth=DESK, summary="Queues that take tickets")
def queue_list(request, params: Query[PageParams]):
    return api_page(selectors.queue_list(), params=params, serialize=_queue_out)


@router.get("/", response=page_of(TicketOut), auth=DESK, summary="List and search tickets you can see")
def ticket_list(request, params: Query[PageParams]):
    """Filters (query string): `queue` (slug; includes sub-queues), `state` (repeatable; `active`
    by default, `all` for any), `priority`, `assignee` (`me`, `none` or a user id), `due`
    (`overdue`, `today`, `week`), `q` (full-text search or a ticket number), `sort`
    (due, -due, updated, -updated, created, -created, priority, -priority). A search stops
    counting at 1,000 matches (`count_is_capped`)."""
    filters = selectors.TicketFilters.from_params(request.GET)
    if filters.errors:
        raise ValidationError(
            {name: ValidationError(problem, code="tickets.filter_invalid") for name, problem in filters.errors.items()}
        )
    tickets = selectors.ticket_list(user=request.user, filters=filters)
    cap = selectors.SEARCH_COUNT_CAP if filters.q else None
    return api_page(tickets, params=params, serialize=_ticket_out, count_cap=cap)


@router.post(
    "/", response={201: TicketDetailOut}, auth=DESK, summary="Open a ticket from scratch", description=IDEMPOTENCY_NOTE
)
@idempotent("tickets.create")
def ticket_create(request, payload: TicketIn):
    ticket = services.ticket_create(
        actor=request.user,
        queue=_queue(payload.queue),
        subject=payload.subject,
        description=payload.description,
        priority=payload.priority,
        patron_name=payload.patron_name,
        patron_email=payload.patron_email,
        patron_phone=payload.patron_phone,
        service_point=_service_point(payload.service_point),
        assignee=_user(payload.assignee),
    )
    # The service returns the ticket with what the answer shows; the person who opened it may
    # see it (they follow it), so it is not read back through the visibility rule.
    return 201, _detail_out(ticket, just_opened=True)


@router.post("/bulk", response=BulkOut, auth=STAFF, summary="Change many tickets at once (all or nothing)")
def ticket_bulk_update(request, payload: BulkIn):
    changed = services.tickets_bulk_update(
        actor=request.user,
        numbers=payload.tickets,
        action=payload.action,
        assignee=_user(payload.assignee),
        state=payload.state,
        waiting_on=payload.waiting_on,
        queue=_queue(payload.queue) if payload.queue else None,
        priority=payload.priority,
        note=payload.note,
    )
    return {"changed": changed}


@router.post(
    "/promote/{client_id}",
    response={201: TicketDetailOut},
    auth=DESK,
    summary="Make a ticket from a desk interaction (shares its id)",
)
def ticket_promote(request, client_id: str, payload: PromoteIn):
    try:
        key = uuid.UUID(client_id)
    except ValueError:
        raise Http404("No desk interaction with that id.") from None
    # Through the desk's access-checked selector: a desk entry you may not see is a 404 here too.
    interaction = desk_selectors.interaction_get_for_user(user=request.user, client_id=key)
    ticket = services.ticket_promote_from_interaction(
        actor=request.user,
        interaction=interaction,
        queue=_queue(payload.queue),
        subject=payload.subject,
        description=payload.description,
        priority=payload.priority,
        patron_name=payload.patron_name,
        patron_email=payload.patron_email,
        patron_phone=payload.patron_phone,
    )
    return 201, _detail_out(_ticket(request, str(ticket.pk)))


@router.get("/status/{token}", response=StatusOut, auth=API_PUBLIC, summary="A patron's view of their request")
def ticket_status(request, token: str):
    ticket = selectors.ticket_get_by_status_token(token=token)
    lines = []
    for event in ticket.public_events:
        summary = events.describe(event, public=True)
        if summary:
            reply = event.reply.body if event.reply_id and not event.reply.is_internal else None
            lines.append({"at": event.at, "summary": summary, "reply": reply})
    return {
        "number": ticket.pk,
        "subject": ticket.subject,
        "state": ticket.state,
        "waiting_on": ticket.waiting_on,
        "department": ticket.queue.department.name,
        "created_at": ticket.created_at,
        "resolved_at": ticket.resolved_at,
        "events": lines,
    }


@router.get("/{ticket}", response=TicketDetailOut, auth=DESK, summary="One ticket with its history")
def ticket_detail(request, ticket: str):
    return _detail_out(_ticket(request, ticket))


class EventPageOut(Schema):
    results: list[EventOut]
    has_earlier: bool = Field(description="Older events exist: ask again with before=<the first result's id>.")


@router.get(
    "/{ticket}/events", response=EventPageOut, auth=DESK, summary="A ticket's history, a page at a time (latest first)"
)
def ticket_events(
    request,
    ticket: str,
    before: int | None = Query(None, ge=1, le=2**62, description="Only events older than this event id."),
    limit: int = Query(100, ge=1, le=500),
):
    page = selectors.ticket_timeline_page(ticket=_ticket(request, ticket), before=before, limit=limit)
    return {"results": [_event_out(e) for e in page.events], "has_earlier": page.has_earlier}


@router.post(
    "/{ticket}/status-links",
    response={201: StatusLinkOut},
    auth=DESK,
    summary="Make a new status link to give the patron (shown once)",
)
def ticket_status_link_create(request, ticket: str):
    obj = _ticket(request, ticket)
    link, token = services.status_link_issue(ticket=obj, actor=request.user)
    return 201, {"url": notifications.status_url_for_token(token), "expires_at": link.expires_at}


@router.post("/{ticket}/state", response=TicketDetailOut, auth=DESK, summary="Change the state")
def ticket_change_state(request, ticket: str, payload: StateIn):
    obj = _ticket(request, ticket, for_work=True)
    services.ticket_change_state(actor=request.user, ticket=obj, state=payload.state, waiting_on=payload.waiting_on)
    return _detail_out(obj)


@router.post("/{ticket}/assign", response=TicketDetailOut, auth=DESK, summary="Assign (null to unassign)")
def ticket_assign(request, ticket: str, payload: AssignIn):
    obj = _ticket(request, ticket, for_work=True)
    services.ticket_assign(actor=request.user, ticket=obj, assignee=_user(payload.assignee))
    return _detail_out(obj)


@router.post(
    "/{ticket}/hand-off",
    response=TicketDetailOut,
    auth=DESK,
    summary="Hand off to another department's queue (or move within the department)",
)
def ticket_hand_off(request, ticket: str, payload: HandOffIn):
    obj = _ticket(request, ticket, for_work=True)
    services.ticket_move(
        actor=request.user, ticket=obj, queue=_queue(payload.queue), note=payload.note, assignee=_user(payload.assignee)
    )
    return _detail_out(_ticket(request, ticket))


@router.post(
    "/{ticket}/replies",
    response={201: TicketDetailOut},
    auth=DESK,
    summary="Public reply or internal note",
    description=IDEMPOTENCY_NOTE,
)
@idempotent("tickets.reply")
def ticket_reply(request, ticket: str, payload: ReplyIn):
    obj = _ticket(request, ticket)
    services.ticket_reply(actor=request.user, ticket=obj, body=payload.body, is_internal=payload.internal)
    return 201, _detail_out(obj)


@router.post(
    "/{ticket}/attachments",
    response={201: AttachmentOut},
    auth=DESK,
    summary="Attach a file (multipart)",
    description="The same file (name and bytes) sent again with the same key is kept once." + IDEMPOTENCY_NOTE,
)
@idempotent("tickets.attach")
def ticket_attach(request, ticket: str, file: UploadedFile = File(...)):  # noqa: B008 (ninja's File marker)
    obj = _ticket(request, ticket)
    attachment = services.ticket_attach(actor=request.user, ticket=obj, upload=file)
    return 201, AttachmentOut(
        id=attachment.pk,
        name=attachment.original_name,
        content_type=attachment.content_type,
        size=attachment.size,
        uploaded_by=request.user.username,
        created_at=attachment.created_at,
        download_url=reverse("tickets:attachment", args=[obj.reference, attachment.pk]),
    )


@router.get("/{ticket}/attachments/{attachment_id}", auth=DESK, summary="Download an attachment")
def ticket_attachment_download(request, ticket: str, attachment_id: int):
    _obj, attachment = selectors.attachment_get_for_user(user=request.user, key=ticket, attachment_id=attachment_id)
    return protected_download(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)


@router.post("/{ticket}/articles", response=TicketDetailOut, auth=DESK, summary="Link a knowledge-base article")
def ticket_link_article(request, ticket: str, payload: ArticleLinkIn):
    obj = _ticket(request, ticket)
    services.ticket_link_article(actor=request.user, ticket=obj, article_id=payload.article)
    return _detail_out(obj)


@router.post(
    "/{ticket}/contact",
    response=ContactOut,
    auth=STAFF,
    summary="Show the patron's contact details (the view is recorded)",
)
def ticket_contact_reveal(request, ticket: str, payload: ContactRevealIn):
    obj = _ticket(request, ticket)
    details = services.ticket_contact_reveal(actor=request.user, ticket=obj, reason=payload.reason)
    return {"name": details.name, "email": details.email, "phone": details.phone, "purged_at": details.purged_at}
