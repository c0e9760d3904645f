"""Reads for tickets. Every getter checks the policy and raises 404 (cannot see) or 403
(can see, cannot do); every list is filtered to what the person may see and runs in a fixed
number of queries however many tickets there are."""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from liaison.accounts import selectors as accounts_selectors
from liaison.core import counts, refcache
from liaison.core.compiled import CompiledRead
from liaison.core.roles import DESK_ROLES, Role
from liaison.core.text import ascii_digits
from liaison.places import selectors as places_selectors
from liaison.tickets import policy, stats
from liaison.tickets.events import EVENT_RELATIONS
from liaison.tickets.models import Attachment, ContactAccessLog, Queue, Ticket, TicketEvent, hash_status_token

if TYPE_CHECKING:
    from liaison.accounts.models import User
    from liaison.kb.models import Article

State = Ticket.State

SORTS = {
    "due": ("due_at", "id"),
    "-due": ("-due_at", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "priority": ("priority", "due_at", "id"),
    "-priority": ("-priority", "due_at", "id"),
}
DEFAULT_SORT = "due"
DUE_FILTERS = {"overdue": "Overdue", "today": "Due today", "week": "Due within a week"}


def queue_list(*, active_only: bool = True) -> QuerySet[Queue]:
    queues = Queue.objects.select_related("department", "parent")
    return queues.filter(is_active=True) if active_only else queues


def queue_get(*, slug: str, active_only: bool = False) -> Queue:
    queue = queue_list(active_only=active_only).filter(slug=slug).first()
    if queue is None:
        raise Http404(f"No queue {slug!r}.")
    return queue


def queue_choices_grouped(*, exclude_department_id: int | None = None) -> list[tuple[str, list[tuple[Queue, str]]]]:
    """Active queues grouped by department, each sub-queue right under its parent and
    indented: [(department name, [(queue, label), ...]), ...]."""
    groups: dict[str, list[tuple[Queue, str]]] = {}
    active = [q for q in refcache.rows(Queue) if isinstance(q, Queue) and q.is_active]  # no query: a menu
    queues = sorted(active, key=lambda q: (q.department.name, (q.parent or q).name, q.parent_id is not None, q.name))
    for queue in queues:
        if exclude_department_id and queue.department_id == exclude_department_id:
            continue
        label = f"— {queue.name}" if queue.parent_id else queue.name
        groups.setdefault(queue.department.name, []).append((queue, label))
    return list(groups.items())


def visible_tickets(user) -> QuerySet[Ticket]:
    return Ticket.objects.filter(policy.visibility_filter(user))


def _list_related(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """What a list row shows, in one query; the long text columns stay in the database."""
    return tickets.select_related("queue__department", "queue__parent", "assignee").defer(
        "description", "search_text", "search_vector"
    )


def ticket_key_parts(key) -> tuple[str, int | uuid.UUID] | None:
    """A ticket is named by its reference (UUID) or its number ('1042' or '#1042'):
    ("pk", 1042) or ("reference", UUID(...)), None for anything else."""
    text = str(key).strip().lstrip("#")
    if ascii_digits(text) and len(text) < 18:
        return ("pk", int(text))
    try:
        return ("reference", uuid.UUID(text))
    except ValueError:
        return None


def parse_ticket_key(key) -> Q | None:
    """The filter for a ticket named by its reference or its number (`ticket_key_parts`)."""
    parts = ticket_key_parts(key)
    return Q((parts[0], parts[1])) if parts else None


refcache.load_with(Queue, "department", "parent")


def queue_by_slug(*, slug: str) -> Queue | None:
    """A queue by slug, with its department and parent, from the per-process reference index
    (queues change rarely; a miss falls back to the database: core/refcache.py)."""
    queue = refcache.lookup(Queue, slug)
    if isinstance(queue, Queue) and queue.slug == slug:
        return queue
    return queue_list(active_only=False).filter(slug=slug).first()


def ticket_get_for_user(*, user, key, for_work: bool = False) -> Ticket:
    """The ticket if `user` may see it (404 otherwise); with for_work, 403 unless they may work it."""
    parts = ticket_key_parts(key)
    if parts is None:
        raise Http404("No such ticket.")
    # One ticket: read it by its key, then ask the policy about that row (cheap checks first),
    # rather than filtering the whole table through the list rule to find it. The read joins
    # only what must be fresh (the queue, whose department decides access, and the two people);
    # names of departments and desks come from the reference index. Planning the former
    # seven-join read cost PostgreSQL 1.5-7 ms, ten times running it (bench/README.md).
    by, value = parts
    ticket = (_TICKET_BY_PK if by == "pk" else _TICKET_BY_REFERENCE).first(value)
    if ticket is not None:
        _attach_reference_rows(ticket)
    if ticket is None or not policy.can_view_ticket(user, ticket):
        raise Http404("No such ticket, or it is not one you can see.")
    if for_work and not policy.can_work_ticket(user, ticket):
        raise PermissionDenied(policy.work_refusal(ticket))
    return ticket


def _one_ticket(**match) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(**match)
        .select_related("queue", "assignee", "opened_by")
        .defer("search_text", "search_vector")
        .order_by()[:1]
    )


# The two ways a ticket is named, each compiled to SQL once per connection (core/compiled.py):
# building and compiling this read cost more Python than PostgreSQL took to answer it.
_TICKET_BY_PK = CompiledRead("tickets.ticket_by_pk", lambda pk: _one_ticket(pk=pk), [Ticket._meta.pk], [-7_919_000_101])
_TICKET_BY_REFERENCE = CompiledRead(
    "tickets.ticket_by_reference",
    lambda reference: _one_ticket(reference=reference),
    [Ticket._meta.get_field("reference")],
    [uuid.UUID("7919f00d-0000-4000-8000-000000000101")],
)


def _attach_reference_rows(ticket: Ticket) -> None:
    """Fill the ticket's small reference relations (its queue's department and parent queue,
    the department it came from, the desk it was asked at) from the per-process reference
    index, so that reading their names costs no query. A miss is left to Django's lazy read."""
    queue = ticket.queue
    departments = accounts_selectors.departments_by_id([queue.department_id, ticket.origin_department_id])
    if (department := departments.get(queue.department_id)) is not None:
        queue.department = department
    if queue.parent_id is not None and isinstance(parent := refcache.lookup(Queue, queue.parent_id), Queue):
        queue.parent = parent
    if ticket.origin_department_id is not None and ticket.origin_department_id in departments:
        ticket.origin_department = departments[ticket.origin_department_id]
    if ticket.service_point_id is not None:
        point = places_selectors.service_point_by_key(ticket.service_point_id)
        if point is not None:
            ticket.service_point = point


def ticket_for_interaction(*, interaction) -> Ticket | None:
    """The ticket a desk interaction was promoted to, if any (whoever may see it)."""
    return Ticket.objects.filter(interaction=interaction).first()


TIMELINE_PAGE = 100


@dataclass(frozen=True)
class TimelinePage:
    """The latest events of a history, oldest first; `has_earlier` when older ones exist
    (reached with `before=<the first event's id>`). `people`: everyone the page names, and
    the `also_people` the caller asked for in the same read."""

    events: list[TicketEvent]
    has_earlier: bool
    people: dict = field(default_factory=dict)


def ticket_timeline(*, ticket: Ticket, public_only: bool = False) -> list[TicketEvent]:
    """The whole history, oldest first (mail and the patron's page: short by nature)."""
    return ticket_timeline_page(ticket=ticket, public_only=public_only, limit=None).events


def ticket_timeline_page(
    *,
    ticket: Ticket,
    public_only: bool = False,
    limit: int | None = TIMELINE_PAGE,
    before: int | None = None,
    also_people: tuple[int, ...] | list[int] = (),
) -> TimelinePage:
    """At most `limit` events before event `before` (or the latest), in at most four plain
    statements whatever the history's length: the events with their reply, attachment and
    article, then the people, queues and departments they name, each by id in one query.
    (One query joining all twelve tables cost more to plan than to run.)"""
    if limit is None:
        rows = list(_timeline_events(ticket, public_only, before))
    else:
        if not public_only and before is None and limit == TIMELINE_PAGE:
            # The ticket page's own read, compiled once per connection (core/compiled.py).
            rows = _LATEST_EVENTS.fetch(ticket.pk)
        else:
            rows = list(_timeline_events(ticket, public_only, before).order_by("-at", "-id")[: limit + 1])
    has_earlier = limit is not None and len(rows) > limit
    if limit is not None:
        rows = rows[:limit][::-1]
    people = _name_references(ticket, rows, also_people)
    return TimelinePage(rows, has_earlier, people)


def _timeline_events(ticket: Ticket, public_only: bool, before: int | None) -> QuerySet[TicketEvent]:
    events = ticket.events.select_related("reply", "attachment", "article")
    if public_only:
        events = events.filter(kind__in=TicketEvent.PUBLIC_KINDS).exclude(reply__is_internal=True)
    if before is not None:
        events = events.filter(pk__lt=before)
    return events


_LATEST_EVENTS = CompiledRead(
    "tickets.latest_events",
    lambda ticket_id: (
        TicketEvent.objects.filter(ticket_id=ticket_id)
        .select_related("reply", "attachment", "article")
        .order_by("-at", "-id")[: TIMELINE_PAGE + 1]
    ),
    [TicketEvent._meta.get_field("ticket").target_field],
    [-7_919_000_102],
)


def _name_references(ticket: Ticket, events: list[TicketEvent], also_people=()) -> dict:
    """Fill what the wording reads (`EVENT_RELATIONS`) from three lookups by id; return the
    people read (with `also_people`, read in the same query)."""
    if not events:
        return accounts_selectors.users_by_id(also_people)
    people = accounts_selectors.users_by_id(
        [e.actor_id for e in events]
        + [e.assignee_id for e in events]
        + [e.reply.author_id for e in events if e.reply]
        + list(also_people)
    )
    queue_ids: set[int] = {q for e in events for q in (e.from_queue_id, e.to_queue_id) if q is not None}
    # Queues from the per-process reference index (loaded with department and parent); a miss
    # (a queue made a moment ago on another server) falls back to the database.
    queues = {pk: queue for pk in queue_ids if isinstance(queue := refcache.lookup(Queue, pk), Queue)}
    if missing := queue_ids - queues.keys():
        queues.update(Queue.objects.select_related("department", "parent").in_bulk(missing))
    departments = accounts_selectors.departments_by_id(
        {e.from_department_id for e in events} | {e.to_department_id for e in events}
    )
    for event in events:
        event.ticket = ticket
        event.actor = people.get(event.actor_id) if event.actor_id else None
        event.assignee = people.get(event.assignee_id) if event.assignee_id else None
        event.from_queue = queues.get(event.from_queue_id) if event.from_queue_id else None
        event.to_queue = queues.get(event.to_queue_id) if event.to_queue_id else None
        event.from_department = departments.get(event.from_department_id) if event.from_department_id else None
        event.to_department = departments.get(event.to_department_id) if event.to_department_id else None
        if event.reply is not None:
            event.reply.author = people.get(event.reply.author_id) if event.reply.author_id else None
    return people


@dataclass(frozen=True)
class TicketPage:
    """What the ticket page and the API's ticket show beside the ticket itself."""

    timeline: TimelinePage
    followers: list
    referring_departments: list
    attachments: list[Attachment]
    articles: list
    status_link: StatusLinkSummary
    contact_views: list[ContactAccessLog]


def ticket_page_get(
    *, ticket: Ticket, before: int | None = None, with_contact_views: bool = False, now: dt.datetime | None = None
) -> TicketPage:
    """Everything around one ticket in two to four statements whatever its size: one UNION ALL
    names what is linked to it (followers, referring departments, attachments, articles, live
    status links, contact views); the history's page then reads its people together with the
    followers; departments come from the reference index; attachments, articles and contact
    views are read only when there are some (most tickets have none)."""
    now = now or timezone.now()
    links = _ticket_links(ticket, with_contact_views=with_contact_views, now=now)
    follower_ids = [ref for kind, ref, _at in links if kind == "f"]
    timeline = ticket_timeline_page(ticket=ticket, before=before, also_people=follower_ids)
    followers = sorted(
        (p for pk in follower_ids if (p := timeline.people.get(pk)) is not None), key=lambda u: u.username
    )
    referring = sorted(
        accounts_selectors.departments_by_id([ref for kind, ref, _at in links if kind == "r"]).values(),
        key=lambda d: d.name,
    )
    attachment_ids = [ref for kind, ref, _at in links if kind == "a"]
    article_ids = [ref for kind, ref, _at in links if kind == "k"]
    view_ids = [ref for kind, ref, _at in links if kind == "c"]
    return TicketPage(
        timeline=timeline,
        followers=followers,
        referring_departments=referring,
        attachments=list(ticket.attachments.select_related("uploaded_by")) if attachment_ids else [],
        articles=list(ticket.linked_articles.all()) if article_ids else [],
        status_link=_status_link_summary_from(
            ticket, [at for kind, _ref, at in links if kind == "s" and at is not None], now
        ),
        contact_views=list(ticket.contact_views.all()[:10]) if view_ids else [],
    )


def _ticket_links(ticket: Ticket, *, with_contact_views: bool, now: dt.datetime) -> list[tuple[str, int, object]]:
    """(kind, id, when) for everything linked to the ticket, in one statement. The statement is
    written once per process (`_links_sql`), not compiled by the ORM on every view: building
    six sub-queries cost more than PostgreSQL took to answer them (bench/README.md)."""
    sql, uses_now = _links_sql(with_contact_views)
    params: list[int | dt.datetime] = []
    for needs_now in uses_now:
        params.append(ticket.pk)
        if needs_now:
            params.append(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(kind, int(ref), _as_datetime(at)) for kind, ref, at in rows]


@functools.cache
def _links_sql(with_contact_views: bool) -> tuple[str, tuple[bool, ...]]:
    """The UNION ALL behind `_ticket_links`, and for each part whether it also takes `now`.
    Column types are set in the first part: PostgreSQL types a UNION's columns from it."""
    status_link = Ticket.status_links.rel.related_model
    parts: list[tuple[str, Any, str, str | None]] = [
        ("f", Ticket.followers.through, "user_id", None),
        ("r", Ticket.referring_departments.through, "department_id", None),
        ("a", Attachment, "id", None),
        ("k", Ticket.linked_articles.through, "article_id", None),
        ("s", status_link, "id", "expires_at"),
    ]
    if with_contact_views:
        parts.append(("c", ContactAccessLog, "id", None))
    statements = []
    for index, (kind, model, ref, at) in enumerate(parts):
        table = connection.ops.quote_name(model._meta.db_table)
        when = at or "NULL"
        if index == 0:
            select = (
                f"SELECT CAST('{kind}' AS VARCHAR(1)), CAST({ref} AS BIGINT), CAST({when} AS TIMESTAMP WITH TIME ZONE)"
            )
        else:
            select = f"SELECT '{kind}', {ref}, {when}"
        where = "ticket_id = %s" + (f" AND {at} > %s" if at else "")
        statements.append(f"{select} FROM {table} WHERE {where}")
    return " UNION ALL ".join(statements), tuple(at is not None for _k, _m, _r, at in parts)


def _as_datetime(value: object) -> dt.datetime | None:
    """A timestamp as the raw driver gives it: a datetime on PostgreSQL, text on SQLite (UTC)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def ticket_attachments(*, ticket: Ticket) -> list[Attachment]:
    return list(ticket.attachments.select_related("uploaded_by"))


def attachment_get_for_user(*, user, key, attachment_id: int) -> tuple[Ticket, Attachment]:
    """Fetched through its ticket: an attachment id from another ticket is a 404 (A2)."""
    ticket = ticket_get_for_user(user=user, key=key)
    attachment = Attachment.objects.filter(ticket=ticket, pk=attachment_id).first()
    if attachment is None:
        raise Http404("No such attachment on this ticket.")
    return ticket, attachment


def linked_articles(*, ticket: Ticket) -> list[Article]:
    """The knowledge-base articles linked to the ticket (through its own link table)."""
    return list(ticket.linked_articles.all())


def linked_article_get(*, ticket: Ticket, article_id: int) -> Article:
    """An article linked to this ticket; any other id (unknown, or linked elsewhere) is a 404."""
    article = ticket.linked_articles.filter(pk=article_id).first()
    if article is None:
        raise Http404("No such article on this ticket.")
    return article


def contact_views(*, ticket: Ticket, limit: int = 10) -> list[ContactAccessLog]:
    return list(ticket.contact_views.all()[:limit])


def assignee_menu(*, queue: Queue) -> list[tuple[int, str]]:
    """(id, name) of who may be assigned the queue's tickets, for the ticket page's menu (a
    per-process copy: `accounts.selectors.people_menu`; the assignment itself is checked
    against `assignee_choices`)."""
    return accounts_selectors.people_menu(department_id=queue.department_id, roles=[*DESK_ROLES, Role.ADMINISTRATOR])


def assignee_choices(*, queue: Queue) -> QuerySet[User]:
    """Only the queue's department: never a list of every user on campus."""
    people = accounts_selectors.user_list(department_id=queue.department_id, roles=[*DESK_ROLES, Role.ADMINISTRATOR])
    # A menu of names: no join to the department, and only the columns a name and the
    # assignment rule (`policy.can_take_tickets`) read.
    return (
        people.select_related(None)
        .only("id", "username", "first_name", "last_name", "display_name", "role", "department_id", "is_active")
        .order_by("first_name", "last_name", "username")
    )


def _search(tickets: QuerySet[Ticket], query: str) -> QuerySet[Ticket]:
    """Full-text on PostgreSQL (the stored, GIN-indexed search_vector), `icontains` on SQLite. A number
    ('1042', '#1042') or a reference finds that ticket too."""
    query = " ".join(query.split())[:200]
    if not query:
        return tickets
    by_key = parse_ticket_key(query)
    if settings.DATABASE_IS_POSTGRES:
        from django.contrib.postgres.search import SearchQuery

        text_match = Q(search_vector=SearchQuery(query, config="english", search_type="websearch"))
    else:
        words = [w for w in re.split(r"\s+", query) if w][:8]
        text_match = Q()
        for word in words:
            text_match &= Q(search_text__icontains=word)
    return tickets.filter(text_match | by_key) if by_key is not None else tickets.filter(text_match)


@dataclass
class TicketFilters:
    queue: Queue | None = None
    states: list[str] = field(default_factory=list)
    priority: int | None = None
    assignee: str = ""  # "", "me", "none" or a user id
    due: str = ""  # "", "overdue", "today", "week"
    q: str = ""
    sort: str = DEFAULT_SORT
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params) -> TicketFilters:
        """Read filters from a query string; unknown values are reported, never a 500."""
        filters = cls()
        slug = (params.get("queue") or "").strip()
        if slug:
            filters.queue = Queue.objects.filter(slug=slug).select_related("department").first()
            if filters.queue is None:
                filters.errors["queue"] = f"No queue {slug!r}."
        states = params.getlist("state") if hasattr(params, "getlist") else params.get("state") or []
        states = [states] if isinstance(states, str) else [s.strip() for s in states if s and s.strip()]
        if "all" in states:
            filters.states = []
        elif not states or states == ["active"]:
            filters.states = list(Ticket.ACTIVE_STATES)
        else:
            for state in states:
                if state == "active":
                    filters.states += [s for s in Ticket.ACTIVE_STATES if s not in filters.states]
                elif state in State.values:
                    filters.states.append(state)
                else:
                    filters.errors["state"] = f"Unknown state {state!r}."
        priority = (params.get("priority") or "").strip().lower()
        if priority:
            try:
                filters.priority = Ticket.Priority[priority.upper()].value
            except KeyError:
                if ascii_digits(priority) and int(priority) in Ticket.Priority.values:
                    filters.priority = int(priority)
                else:
                    filters.errors["priority"] = f"Unknown priority {priority!r}."
        assignee = (params.get("assignee") or "").strip()
        if assignee and assignee not in ("me", "none") and not ascii_digits(assignee):
            filters.errors["assignee"] = "Choose me, nobody, or a person."
        else:
            filters.assignee = assignee
        due = (params.get("due") or "").strip()
        if due and due not in DUE_FILTERS:
            filters.errors["due"] = f"Unknown due filter {due!r}."
        else:
            filters.due = due
        filters.q = (params.get("q") or "").strip()[:200]
        sort = (params.get("sort") or DEFAULT_SORT).strip()
        filters.sort = sort if sort in SORTS else DEFAULT_SORT
        if sort not in SORTS:
            filters.errors["sort"] = f"Unknown sort {sort!r}."
        return filters


def ticket_list(*, user, filters: TicketFilters) -> QuerySet[Ticket]:
    """The queue view: visible tickets, filtered, searched and sorted, ready for a page."""
    tickets = visible_tickets(user)
    if filters.queue is not None:
        family = [filters.queue.pk, *Queue.objects.filter(parent=filters.queue).values_list("pk", flat=True)]
        tickets = tickets.filter(queue_id__in=family)
    if filters.states:
        tickets = tickets.filter(state__in=filters.states)
    if filters.priority:
        tickets = tickets.filter(priority=filters.priority)
    if filters.assignee == "me":
        tickets = tickets.filter(assignee=user)
    elif filters.assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif ascii_digits(filters.assignee):
        tickets = tickets.filter(assignee_id=int(filters.assignee))
    if filters.due:
        now = timezone.now()
        end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59)
        limit = {"overdue": now, "today": end_of_today, "week": now + dt.timedelta(days=7)}[filters.due]
        tickets = tickets.filter(state__in=Ticket.ACTIVE_STATES, due_at__lte=limit)
    if filters.q:
        tickets = _search(tickets, filters.q)
    return _list_related(tickets).order_by(*SORTS[filters.sort])


def my_work(*, user) -> dict[str, QuerySet[Ticket]]:
    """Active tickets assigned to me, and ones I follow that someone else holds."""
    active = _list_related(visible_tickets(user).filter(state__in=Ticket.ACTIVE_STATES))
    assigned = active.filter(assignee=user).order_by("due_at", "id")
    following = active.filter(followers=user).exclude(assignee=user).order_by("-updated_at", "-id").distinct()
    recently_resolved = (
        _list_related(visible_tickets(user).filter(state=State.RESOLVED, followers=user))
        .order_by("-resolved_at", "-id")
        .distinct()
    )
    return {"assigned": assigned, "following": following, "resolved": recently_resolved}


@dataclass(frozen=True)
class HomeCounts:
    assigned: int  # my active tickets
    overdue: int  # of those, past their due time
    unassigned: int  # active tickets nobody holds in my department's queues
    unassigned_as_of: dt.datetime | None  # when that figure was counted (a snapshot)


def ticket_counts_for(*, user, now: dt.datetime | None = None) -> HomeCounts:
    """The home panel's figures. Mine (assigned, overdue) are counted live: a short walk of the
    assignee index. My department's unassigned backlog reads the `stats.UNASSIGNED` gauge, a
    snapshot at most five minutes old, so a large backlog is not counted on every visit."""
    now = now or timezone.now()
    mine = visible_tickets(user).filter(state__in=Ticket.ACTIVE_STATES, assignee_id=user.pk)
    figures = mine.aggregate(assigned=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
    unassigned, as_of = 0, None
    if user.department_id:
        backlog = counts.gauge_read(stats.UNASSIGNED, now=now)
        own_queues = list(Queue.objects.filter(department_id=user.department_id).values_list("pk", flat=True))
        unassigned, as_of = backlog.total(queue=own_queues), backlog.taken_at
    return HomeCounts(figures["assigned"], figures["overdue"], unassigned, as_of)


def _links_outlive_closing() -> dt.timedelta:
    """How long a ticket's status links keep working after it closes (one rule, used by the
    page's query and by the staff summary)."""
    return dt.timedelta(days=settings.LIAISON_STATUS_LINK_DAYS_AFTER_CLOSE)


@dataclass(frozen=True)
class StatusLinkSummary:
    live: int
    latest_expires_at: dt.datetime | None


def status_link_summary(*, ticket: Ticket, now: dt.datetime | None = None) -> StatusLinkSummary:
    """How many of the patron's links still work, and until when the newest does."""
    now = now or timezone.now()
    if ticket.contact_purged_at is not None or _links_dead(ticket, now):
        return StatusLinkSummary(0, None)
    figures = ticket.status_links.filter(expires_at__gt=now).aggregate(live=Count("id"), latest=Max("expires_at"))
    return _status_link_summary(ticket, figures["live"], figures["latest"])


def _links_dead(ticket: Ticket, now: dt.datetime) -> bool:
    return ticket.closed_at is not None and ticket.closed_at + _links_outlive_closing() <= now


def _status_link_summary(ticket: Ticket, live: int, latest: dt.datetime | None) -> StatusLinkSummary:
    if latest is not None and ticket.closed_at is not None:
        latest = min(latest, ticket.closed_at + _links_outlive_closing())
    return StatusLinkSummary(live, latest)


def _status_link_summary_from(ticket: Ticket, expiries: list, now: dt.datetime) -> StatusLinkSummary:
    """The same summary from the live links' expiry times (read with the ticket's links)."""
    if ticket.contact_purged_at is not None or _links_dead(ticket, now):
        return StatusLinkSummary(0, None)
    return _status_link_summary(ticket, len(expiries), max(expiries) if expiries else None)


STATUS_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


def ticket_get_by_status_token(*, token: str, now: dt.datetime | None = None) -> Ticket:
    """The patron's page: a live link, or 404 (the same 404 for unknown, malformed and expired
    links, so none can be told apart). Nothing about who asked."""
    token = (token or "").strip()
    if not STATUS_TOKEN.fullmatch(token):
        raise Http404("No such request.")
    now = now or timezone.now()
    closed_long_ago = now - _links_outlive_closing()
    ticket = (
        Ticket.objects.select_related("queue__department")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=TicketEvent.objects.filter(kind__in=TicketEvent.PUBLIC_KINDS)
                .exclude(reply__is_internal=True)
                .select_related(*EVENT_RELATIONS),
                to_attr="public_events",
            )
        )
        .filter(
            status_links__token_hash=hash_status_token(token),
            status_links__expires_at__gt=now,
            contact_purged_at=None,
        )
        .filter(Q(closed_at=None) | Q(closed_at__gt=closed_long_ago))
        .first()
    )
    if ticket is None:
        raise Http404("No such request.")
    return ticket


# Searches stop counting here and say "more than 1,000" (core.pagination.CappedPaginator).
SEARCH_COUNT_CAP = 1000
