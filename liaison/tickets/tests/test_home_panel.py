"""The home panel: my tickets (live) and my department's unassigned backlog (a gauge snapshot,
at most five minutes old, with the time it was counted)."""

import datetime as dt

import pytest
from django.utils import timezone

from liaison.core.roles import Role
from liaison.tickets import services
from liaison.tickets.models import Ticket
from liaison.tickets.selectors import ticket_counts_for

pytestmark = pytest.mark.django_db


def test_the_home_panel_counts_my_tickets_overdue_ones_and_my_departments_unassigned(make_ticket, people):
    it = people[Role.IT_STAFF]
    mine = make_ticket(queue="help_desk", actor=it, subject="Mine, due later")
    late = make_ticket(queue="printing", actor=it, subject="Mine, overdue")
    for ticket in (mine, late):
        services.ticket_assign(actor=it, ticket=ticket, assignee=it)
    Ticket.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=2))
    make_ticket(queue="help_desk", actor=it, subject="Nobody's yet")
    make_ticket(queue="printing", actor=it, subject="Nobody's yet either (a sub-queue)")
    make_ticket(queue="research", subject="The library's, not counted for IT")
    closed = make_ticket(queue="help_desk", actor=it, subject="Done")
    Ticket.objects.filter(pk=closed.pk).update(state="closed", resolved_at=timezone.now(), closed_at=timezone.now())

    counts = ticket_counts_for(user=it)
    assert (counts.assigned, counts.overdue, counts.unassigned) == (2, 1, 2)
    assert counts.unassigned_as_of is not None


def test_the_home_page_shows_those_figures_and_when_the_backlog_was_counted(client, make_ticket, people):
    it = people[Role.IT_STAFF]
    make_ticket(queue="help_desk", actor=it, subject="Nobody's yet")
    client.force_login(it)
    html = client.get("/home/").content.decode()
    assert "0 assigned to me" in html
    assert "1 unassigned in IT" in html
    as_of = ticket_counts_for(user=it).unassigned_as_of
    assert (
        f'as of <time datetime="{timezone.localtime(as_of).isoformat()}">{timezone.localtime(as_of):%H:%M}</time>'
        in html
    )


def test_the_backlog_is_a_snapshot_taken_again_after_five_minutes(make_ticket, people):
    it = people[Role.IT_STAFF]
    now = timezone.now()
    make_ticket(queue="help_desk", actor=it, subject="First")
    first = ticket_counts_for(user=it, now=now)
    assert first.unassigned == 1

    make_ticket(queue="help_desk", actor=it, subject="Second")
    within = ticket_counts_for(user=it, now=now + dt.timedelta(minutes=4))
    assert (within.unassigned, within.unassigned_as_of) == (1, now)  # the same snapshot

    later = ticket_counts_for(user=it, now=now + dt.timedelta(minutes=6))
    assert (later.unassigned, later.unassigned_as_of) == (2, now + dt.timedelta(minutes=6))


def test_my_own_figures_are_live(make_ticket, people):
    it = people[Role.IT_STAFF]
    now = timezone.now()
    ticket_counts_for(user=it, now=now)  # a snapshot is taken
    ticket = make_ticket(queue="help_desk", actor=it, subject="Mine now")
    services.ticket_assign(actor=it, ticket=ticket, assignee=it)
    assert ticket_counts_for(user=it, now=now + dt.timedelta(seconds=5)).assigned == 1
