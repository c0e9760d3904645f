import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.tickets import services, tasks
from liaison.tickets.models import ContactAccessLog, Ticket, TicketEvent

pytestmark = pytest.mark.django_db
State = Ticket.State
CONTACT = {"patron_name": "Ana Alvarez", "patron_email": "ana@students.college.example", "patron_phone": "555-0142"}


def _closed_days_ago(make_ticket, users, days: float, **kwargs):
    ticket = make_ticket(**CONTACT, **kwargs)
    actor = users[Role.LIBRARY_STAFF]
    for state in (State.OPEN, State.RESOLVED, State.CLOSED):
        services.ticket_change_state(actor=actor, ticket=ticket, state=state)
    Ticket.objects.filter(pk=ticket.pk).update(closed_at=timezone.now() - dt.timedelta(days=days))
    return ticket


def _stats():
    """What statistics read: tickets by queue, state and month, and their history."""
    by_group = list(
        Ticket.objects.values("queue__slug", "state", "created_at__month")
        .annotate(n=Count("id"))
        .order_by("queue__slug")
    )
    return by_group, TicketEvent.objects.exclude(kind=TicketEvent.Kind.CONTACT_PURGED).count()


def test_the_purge_removes_contact_n_days_after_closing_and_keeps_the_statistics(make_ticket, users):
    old = _closed_days_ago(make_ticket, users, 31)
    exactly = _closed_days_ago(make_ticket, users, 30.01)
    recent = _closed_days_ago(make_ticket, users, 29)
    still_open = make_ticket(**CONTACT)
    stats_before = _stats()

    assert services.tickets_purge_contacts(older_than_days=30) == 2
    assert services.tickets_purge_contacts(older_than_days=30) == 0  # safe to run again

    for ticket in (old, exactly):
        ticket.refresh_from_db()
        assert (ticket.patron_name, ticket.patron_email, ticket.patron_phone) == ("", "", "")
        assert ticket.contact_purged_at is not None and not ticket.status_links.exists()
        assert ticket.events.filter(kind=TicketEvent.Kind.CONTACT_PURGED).count() == 1
    for ticket in (recent, still_open):
        ticket.refresh_from_db()
        assert ticket.patron_email == CONTACT["patron_email"] and ticket.contact_purged_at is None
    assert _stats() == stats_before  # every ticket, state and event is still counted
    assert Ticket.objects.count() == 4


def test_the_purge_copies_no_contact_into_the_audit_trail(make_ticket, users, client_as):
    ticket = _closed_days_ago(make_ticket, users, 40)
    client_as(Role.LIBRARY_STAFF).post(f"/tickets/{ticket.reference}/contact/", {"reason": "call back"})
    services.tickets_purge_contacts()
    trail = json.dumps(list(AuditEvent.objects.values("before", "after", "object_repr")))
    for value in CONTACT.values():
        assert value not in trail
    assert AuditEvent.objects.filter(action="ticket.purge_contacts").get().after["count"] == 1


def test_the_retention_period_comes_from_settings(make_ticket, users, settings):
    settings.LIAISON_CONTACT_RETENTION_DAYS = 7
    _closed_days_ago(make_ticket, users, 8)
    assert services.tickets_purge_contacts() == 1


def test_the_management_command_and_the_daily_task_run_the_purge(make_ticket, users, capsys):
    _closed_days_ago(make_ticket, users, 45)
    call_command("purge_ticket_contacts", "--older-than-days", "60")
    assert "from 0 closed ticket(s)" in capsys.readouterr().out
    call_command("purge_ticket_contacts")
    assert "from 1 closed ticket(s)" in capsys.readouterr().out
    _closed_days_ago(make_ticket, users, 45)
    assert tasks.purge_ticket_contacts_daily.call_local() == 1


def test_contact_details_are_hidden_until_shown_and_each_view_is_recorded(client_as, make_ticket, users):
    ticket = make_ticket(**CONTACT)
    client = client_as(Role.LIBRARY_STAFF)
    page = client.get(f"/tickets/{ticket.reference}/").content.decode()
    assert "ana@students.college.example" not in page and "555-0142" not in page
    assert "Show contact details" in page
    assert ContactAccessLog.objects.count() == 0

    shown = client.post(
        f"/tickets/{ticket.reference}/contact/",
        {"reason": "calling back"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="contact-body",  # what the button's hx-target sends
    )
    assert shown.status_code == 200
    assert "ana@students.college.example" in shown.content.decode()
    assert "<html" not in shown.content.decode()  # just the details, into the panel
    assert shown["Cache-Control"] == "private, no-store"
    client.post(f"/tickets/{ticket.reference}/contact/")
    views = list(ContactAccessLog.objects.order_by("id"))
    assert [(v.user, v.reason) for v in views] == [
        (users[Role.LIBRARY_STAFF], "calling back"),
        (users[Role.LIBRARY_STAFF], ""),
    ]
    audit = AuditEvent.objects.filter(action="ticket.contact_viewed")
    assert audit.count() == 2
    assert "ana@" not in json.dumps(list(audit.values("after")))


def test_student_workers_cannot_see_contact_details(client_as, make_ticket, users):
    ticket = make_ticket(queue="help_desk", actor=users[Role.STUDENT_WORKER], **CONTACT)
    client = client_as(Role.STUDENT_WORKER)
    page = client.get(f"/tickets/{ticket.reference}/")
    assert page.status_code == 200  # they opened it and may follow it
    assert "Show contact details" not in page.content.decode()
    assert client.post(f"/tickets/{ticket.reference}/contact/").status_code == 403
    api = client.post(f"/api/v1/tickets/{ticket.pk}/contact", data="{}", content_type="application/json")
    assert api.status_code == 403
    assert ContactAccessLog.objects.count() == 0


def test_the_api_reveal_is_recorded_too(client_as, make_ticket):
    ticket = make_ticket(**CONTACT)
    response = client_as(Role.LIBRARY_STAFF).post(
        f"/api/v1/tickets/{ticket.pk}/contact", data=json.dumps({"reason": "API"}), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["email"] == CONTACT["patron_email"]
    assert ContactAccessLog.objects.get().reason == "API"
    detail = client_as(Role.LIBRARY_STAFF).get(f"/api/v1/tickets/{ticket.number}")
    assert detail.status_code == 200  # the detail was read (a 404 would prove nothing)
    assert detail.json()["subject"] == ticket.subject and detail.json()["has_contact"] is True
    assert "ana@students" not in detail.content.decode()  # the detail never carries contact details


def test_contact_never_appears_in_staff_mail(make_ticket, users, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(**CONTACT)
        services.ticket_reply(actor=users[Role.LIBRARY_STAFF], ticket=ticket, body="Public answer")
    staff_mail = [m for m in mail.outbox if m.to != [CONTACT["patron_email"]]]
    assert staff_mail
    for message in staff_mail:
        assert "Ana Alvarez" not in message.body and "555-0142" not in message.body
        assert CONTACT["patron_email"] not in message.body
