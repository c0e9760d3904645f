"""A ticket's history: one events.py call writes the timeline line and the audit row and
schedules the mail; every line of wording comes from the one table, EVENT_TEXT."""

import pytest

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.tickets import events, selectors, services
from liaison.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
Kind = TicketEvent.Kind


def test_every_event_kind_has_its_words_in_the_one_table():
    assert set(Kind.values) <= set(events.EVENT_TEXT.staff)


def test_one_call_writes_the_line_and_the_audit_row_and_mails_only_after_the_commit(
    make_ticket, users, django_capture_on_commit_callbacks
):
    ticket = make_ticket()
    librarian = users[Role.LIBRARY_STAFF]
    before = events.audit_view(ticket)
    Ticket.objects.filter(pk=ticket.pk).update(state=Ticket.State.OPEN)
    ticket.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = events.ticket_state_changed(ticket=ticket, actor=librarian, from_state="new", before=before)
    assert (event.kind, event.from_state, event.to_state, event.actor) == (Kind.STATE_CHANGED, "new", "open", librarian)
    audit = AuditEvent.objects.filter(action="ticket.change_state", object_id=str(ticket.pk)).get()
    assert (audit.before["state"], audit.after["state"]) == ("new", "open")
    assert len(callbacks) == 1  # the mail, queued for after the commit


def test_muted_history_schedules_no_mail(make_ticket, django_capture_on_commit_callbacks):
    with events.muted(), django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_ticket(patron_email="ana@students.college.example")
    assert callbacks == []


def _lines(ticket, *, public=False):
    return [events.describe(e, public=public) for e in selectors.ticket_timeline(ticket=ticket)]


def test_the_timeline_reads_as_sentences(make_ticket, users, people, queues):
    it, it2 = users[Role.IT_STAFF], people["it2"]
    ticket = make_ticket(queue="help_desk", actor=it)
    services.ticket_assign(actor=it, ticket=ticket, assignee=it)
    services.ticket_assign(actor=it, ticket=ticket, assignee=it2)
    services.ticket_assign(actor=it, ticket=ticket, assignee=None)
    services.ticket_change_state(actor=it, ticket=ticket, state="open")
    services.ticket_change_state(actor=it, ticket=ticket, state="waiting", waiting_on="vendor")
    services.ticket_set_priority(actor=it, ticket=ticket, priority="urgent")
    services.ticket_move(actor=it, ticket=ticket, queue=queues["printing"], note="")
    services.ticket_hand_off(actor=it, ticket=ticket, queue=queues["research"], note="Over to you")
    assert _lines(ticket) == [
        "opened the ticket in IT › Help Desk",
        "took the ticket",
        f"assigned it to {it2.name}",
        "unassigned it",
        "changed the state from new to open",
        "changed the state from open to waiting on a vendor",
        "changed the priority from normal to urgent",
        "moved it from IT › Help Desk to IT › Printing",
        "handed it off from IT › Printing to Library › Research help",
    ]


def test_the_patron_sees_departments_and_progress_never_people_or_notes(make_ticket, users, queues):
    librarian = users[Role.LIBRARY_STAFF]
    ticket = make_ticket()
    services.ticket_change_state(actor=librarian, ticket=ticket, state="open")
    services.ticket_reply(actor=librarian, ticket=ticket, body="note", is_internal=True)
    services.ticket_change_state(actor=librarian, ticket=ticket, state="waiting", waiting_on="patron")
    services.ticket_change_state(actor=librarian, ticket=ticket, state="open")
    services.ticket_change_state(actor=librarian, ticket=ticket, state="resolved")
    services.ticket_change_state(actor=librarian, ticket=ticket, state="open")
    services.ticket_hand_off(actor=librarian, ticket=ticket, queue=queues["help_desk"])
    assert [line for line in _lines(ticket, public=True) if line] == [
        "We received your request.",
        "Someone is working on it.",
        "Waiting for a reply from you.",
        "Someone is working on it.",
        "Resolved.",
        "Reopened.",
        "Passed to the IT, who handle this kind of request.",
    ]


def test_the_api_timeline_uses_the_same_words(client_as, make_ticket, users):
    ticket = make_ticket()
    services.ticket_assign(actor=users[Role.LIBRARY_STAFF], ticket=ticket, assignee=users[Role.LIBRARY_STAFF])
    timeline = client_as(Role.LIBRARY_STAFF).get(f"/api/v1/tickets/{ticket.pk}").json()["timeline"]
    assert [e["summary"] for e in timeline] == ["opened the ticket in Library › Research help", "took the ticket"]
