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
    make_ticket(queue="research", subject="The library's, not counted for IT")
    closed = make_ticket(queue="help_desk", actor=it, subject="Done")
    services.ticket_assign(actor=it, ticket=closed, assignee=it)
    Ticket.objects.filter(pk=closed.pk).update(state="closed", resolved_at=timezone.now(), closed_at=timezone.now())

    assert ticket_counts_for(user=it) == {"assigned": 2, "overdue": 1, "unassigned": 1, "unassigned_capped": False}


def test_the_home_page_shows_those_figures(client, make_ticket, people):
    it = people[Role.IT_STAFF]
    make_ticket(queue="help_desk", actor=it, subject="Nobody's yet")
    client.force_login(it)
    html = client.get("/home/").content.decode()
    assert "0 assigned to me" in html
    assert "1 unassigned in IT" in html


def test_a_large_backlog_is_shown_as_a_capped_figure(client, make_ticket, people, monkeypatch):
    from liaison.tickets import selectors

    monkeypatch.setattr(selectors, "UNASSIGNED_COUNT_CAP", 2)
    it = people[Role.IT_STAFF]
    for n in range(3):
        make_ticket(queue="help_desk", actor=it, subject=f"Backlog {n}")
    assert ticket_counts_for(user=it)["unassigned"] == 2 and ticket_counts_for(user=it)["unassigned_capped"]
    client.force_login(it)
    assert "2+ unassigned in IT" in client.get("/home/").content.decode()
