import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from liaison.core.roles import Role
from liaison.tickets import policy, services
from liaison.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
State = Ticket.State


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_handing_off_keeps_history_and_the_referring_side_keeps_following(make_ticket, queues, users, people):
    librarian, technician = users[Role.LIBRARY_STAFF], users[Role.IT_STAFF]
    ticket = make_ticket(queue="research", actor=people["library2"])  # a colleague opened it
    services.ticket_change_state(actor=librarian, ticket=ticket, state=State.OPEN)
    services.ticket_reply(actor=librarian, ticket=ticket, body="Proxy logs show no group membership.", is_internal=True)
    services.ticket_assign(actor=librarian, ticket=ticket, assignee=librarian)

    services.ticket_hand_off(
        actor=librarian, ticket=ticket, queue=queues["printing"], note="Needs the print server team."
    )

    ticket.refresh_from_db()
    assert ticket.queue == queues["printing"]
    assert ticket.state == State.NEW  # new to IT
    assert ticket.assignee is None  # IT picks it up
    assert ticket.due_at > timezone.now() + dt.timedelta(hours=7)  # the printing queue's 8 hours, from now
    assert ticket.due_at < timezone.now() + dt.timedelta(hours=9)
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == ["created", "state_changed", "internal_note", "assigned", "handed_off"]
    handed = ticket.events.get(kind=TicketEvent.Kind.HANDED_OFF)
    assert (handed.from_queue, handed.to_queue) == (queues["research"], queues["printing"])
    assert (handed.from_department.code, handed.to_department.code) == ("library", "it")
    assert handed.note == "Needs the print server team."
    assert set(ticket.followers.all()) == {people["library2"], librarian}
    assert [d.code for d in ticket.referring_departments.all()] == ["library"]

    # The library still sees it, but IT works it now.
    assert policy.can_view_ticket(librarian, ticket) and policy.can_view_ticket(people["library2"], ticket)
    assert not policy.can_work_ticket(librarian, ticket)
    assert policy.can_work_ticket(technician, ticket)


def test_the_referring_side_is_told_when_the_ticket_moves_on(
    make_ticket, queues, users, people, django_capture_on_commit_callbacks
):
    librarian, technician = users[Role.LIBRARY_STAFF], users[Role.IT_STAFF]
    ticket = make_ticket(queue="research", actor=people["library2"])
    services.ticket_assign(actor=librarian, ticket=ticket, assignee=librarian)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_hand_off(actor=librarian, ticket=ticket, queue=queues["help_desk"], note="Over to you.")
    told = _recipients()
    assert people["library2"].email in told  # the opener, who follows it
    assert "helpdesk@college.example" in told  # the receiving queue's inbox
    assert "research-help@college.example" in told  # the referring queue's inbox
    assert librarian.email not in told  # not mailed about your own action
    assert any("Handed off to IT" in m.subject for m in mail.outbox)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_assign(actor=technician, ticket=ticket, assignee=technician)
        services.ticket_change_state(actor=technician, ticket=ticket, state=State.OPEN)
        services.ticket_change_state(actor=technician, ticket=ticket, state=State.RESOLVED)
    resolved_mail = [m for m in mail.outbox if "Resolved" in m.subject]
    assert {m.to[0] for m in resolved_mail} >= {librarian.email, people["library2"].email}


def test_mail_goes_out_only_after_the_commit(make_ticket, queues, users, django_capture_on_commit_callbacks):
    ticket = make_ticket(queue="research")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.ticket_hand_off(actor=users[Role.LIBRARY_STAFF], ticket=ticket, queue=queues["help_desk"])
    assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert mail.outbox


def test_handing_within_the_department_is_refused_and_a_move_is_offered(make_ticket, queues, users):
    ticket = make_ticket(queue="help_desk", actor=users[Role.IT_STAFF])
    with pytest.raises(ValidationError) as refused:
        services.ticket_hand_off(actor=users[Role.IT_STAFF], ticket=ticket, queue=queues["printing"])
    assert "move the ticket instead" in refused.value.message_dict["queue"][0]
    services.ticket_move(actor=users[Role.IT_STAFF], ticket=ticket, queue=queues["printing"])
    ticket.refresh_from_db()
    assert ticket.queue == queues["printing"] and ticket.state == State.NEW
    assert ticket.events.filter(kind=TicketEvent.Kind.QUEUE_CHANGED).count() == 1


def test_a_resolved_ticket_cannot_be_handed_off(make_ticket, queues, users):
    ticket = make_ticket(queue="research")
    actor = users[Role.LIBRARY_STAFF]
    services.ticket_change_state(actor=actor, ticket=ticket, state=State.OPEN)
    services.ticket_change_state(actor=actor, ticket=ticket, state=State.RESOLVED)
    with pytest.raises(ValidationError) as refused:
        services.ticket_hand_off(actor=actor, ticket=ticket, queue=queues["help_desk"])
    assert "reopen it first" in refused.value.message_dict["queue"][0]


def test_a_case_crosses_to_it_and_back_with_nothing_lost(client, make_ticket, queues, users):
    librarian, technician = users[Role.LIBRARY_STAFF], users[Role.IT_STAFF]
    ticket = make_ticket(queue="research", description="Faculty cannot reach EBSCO from home.")
    services.ticket_reply(actor=librarian, ticket=ticket, body="Asked the patron to try the VPN.")
    services.ticket_hand_off(actor=librarian, ticket=ticket, queue=queues["help_desk"], note="Group membership?")
    services.ticket_change_state(actor=technician, ticket=ticket, state=State.OPEN)
    services.ticket_reply(actor=technician, ticket=ticket, body="Added to the library group.", is_internal=True)
    services.ticket_hand_off(actor=technician, ticket=ticket, queue=queues["research"], note="Done on our side.")
    services.ticket_change_state(actor=librarian, ticket=ticket, state=State.OPEN)
    services.ticket_change_state(actor=librarian, ticket=ticket, state=State.RESOLVED)

    client.force_login(librarian)
    page = client.get(f"/tickets/{ticket.reference}/").content.decode()
    for text in ["Asked the patron to try the VPN.", "Group membership?", "Added to the library group.",
                 "Done on our side.", "Faculty cannot reach EBSCO from home."]:  # fmt: skip
        assert text in page
    ticket.refresh_from_db()
    assert {d.code for d in ticket.referring_departments.all()} == {"library", "it"}
    assert technician in ticket.followers.all()  # IT keeps following after handing it back
    assert ticket.events.filter(kind=TicketEvent.Kind.HANDED_OFF).count() == 2
