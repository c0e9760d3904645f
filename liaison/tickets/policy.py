"""Who may see and work which ticket: the one policy every channel uses (pages, API, bulk,
attachments, e-mail recipients). Selectors turn these answers into 404/403.

- Administrators and supervisors see and work every ticket.
- Library staff, IT staff and student workers see a ticket when its queue belongs to their
  department, when their department referred it (opened it or handed it on), or when they
  opened, follow or are assigned it. So the referring side keeps following after a hand-off.
- Working a ticket (state, assignment, priority, hand-off) needs its queue to be in your
  department, or the ticket to be assigned to you. Anyone who can see a ticket may reply,
  add an internal note, attach a file or link an article.
- Bulk actions and patron contact details are for staff roles (supervisors, library and IT
  staff), not student workers: students take the question at the desk and the ticket e-mails
  the patron for them, so they never need to read the contact back.
"""

from __future__ import annotations

from django.db import NotSupportedError, connection
from django.db.models import F, Lookup, Q, Subquery

from liaison.core.access import user_has_role
from liaison.core.roles import DESK_ROLES, STAFF_ROLES, Role
from liaison.tickets.models import Queue, Ticket


def sees_everything(user) -> bool:
    return user_has_role(user, Role.SUPERVISOR)


def is_ticket_user(user) -> bool:
    return user_has_role(user, *DESK_ROLES)


def visibility_filter(user) -> Q:
    """A Q over Ticket for the tickets `user` may see (subqueries, so no duplicate rows)."""
    if not is_ticket_user(user):
        return Q(pk__in=[])
    if sees_everything(user):
        return Q()
    # Every branch is on the ticket row itself (no join), so the database can filter while it
    # scans and keep only the top of a sorted page; the subqueries run once, not per row.
    # The department's own queues come first: most visible rows pass there and skip the rest.
    # On PostgreSQL they are `queue_id = ANY(ARRAY(SELECT …))`, an array computed once and
    # compared in place, where `IN (SELECT …)` probes a hash for every row (ADR 0016: IT's
    # count over 42,500 active tickets, 19 -> 9 ms; a supervisor's is 3-5 ms).
    follows = Ticket.followers.through.objects.filter(user_id=user.pk).values("ticket_id")
    personal = Q(assignee_id=user.pk) | Q(opened_by_id=user.pk) | Q(pk__in=follows)
    if not user.department_id:
        return personal
    own_queues = Queue.objects.filter(department_id=user.department_id).values("pk")
    referred = Ticket.referring_departments.through.objects.filter(department_id=user.department_id).values("ticket_id")
    own = (
        Q(_EqualsAnyOf(F("queue_id"), Subquery(own_queues)))
        if connection.vendor == "postgresql"
        else Q(queue_id__in=own_queues)
    )
    return own | personal | Q(pk__in=referred)


class _EqualsAnyOf(Lookup):
    """`column = ANY(ARRAY(subquery))`, PostgreSQL only (SQLite has no arrays and is given
    `IN (subquery)` instead)."""

    lookup_name = "equals_any_of"

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            raise NotSupportedError("ANY(ARRAY(…)) is PostgreSQL's; use IN (subquery) elsewhere.")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)  # "(SELECT …)"
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def can_open_ticket(user, queue=None) -> bool:
    """Every desk role opens tickets, in any department's queue (the desk takes every question)."""
    return is_ticket_user(user)


def can_view_ticket(user, ticket) -> bool:
    """See it, and so reply, add a note, attach a file, link an article, follow it."""
    if not is_ticket_user(user):
        return False
    if sees_everything(user) or can_work_ticket(user, ticket):
        return True
    if user.pk in (ticket.assignee_id, ticket.opened_by_id):
        return True
    # Two point look-ups on the link tables' unique indexes, not the list rule (whose
    # subqueries would gather every ticket the department ever referred, to test one).
    if Ticket.followers.through.objects.filter(ticket_id=ticket.pk, user_id=user.pk).exists():
        return True
    return bool(user.department_id) and (
        Ticket.referring_departments.through.objects.filter(
            ticket_id=ticket.pk, department_id=user.department_id
        ).exists()
    )


def can_work_ticket(user, ticket) -> bool:
    """Change its state, assignee or priority, move it or hand it off."""
    if not is_ticket_user(user):
        return False
    if sees_everything(user) or ticket.assignee_id == user.pk:
        return True
    return bool(user.department_id) and ticket.queue.department_id == user.department_id


def work_refusal(ticket) -> str:
    """What a person is told when `can_work_ticket` says no (pages, API and bulk say the same)."""
    return f"Only {ticket.queue.department.name} works tickets in {ticket.queue.name}."


def can_reveal_contact(user, ticket) -> bool:
    """Read the patron's contact details back (each time is recorded)."""
    return user_has_role(user, *STAFF_ROLES) and can_view_ticket(user, ticket)


def can_bulk_update_tickets(user) -> bool:
    """Change many tickets at once: staff roles only. The bulk service adds the rest: every
    ticket must be one they may see, and each change is asked of `can_work_ticket`."""
    return user_has_role(user, *STAFF_ROLES)


def can_take_tickets(user, queue) -> bool:
    """Who may be assigned a queue's tickets: active desk people of that department."""
    return (
        user is not None
        and user.is_active
        and user_has_role(user, *DESK_ROLES)
        and user.department_id is not None
        and user.department_id == queue.department_id
    )
