import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.tickets import services
from liaison.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
State = Ticket.State


def test_a_new_ticket_is_new_due_by_its_queues_target_and_followed_by_its_opener(make_ticket, users):
    before = timezone.now()
    ticket = make_ticket(queue="research")
    assert ticket.state == State.NEW
    assert before + dt.timedelta(hours=48) <= ticket.due_at <= timezone.now() + dt.timedelta(hours=48)
    assert list(ticket.followers.all()) == [users[Role.LIBRARY_STAFF]]
    assert ticket.origin_department.code == "library"
    assert list(ticket.events.values_list("kind", flat=True)) == [TicketEvent.Kind.CREATED]
    assert AuditEvent.objects.filter(action="ticket.created", object_id=str(ticket.pk)).exists()


def test_a_ticket_walks_new_open_waiting_open_resolved_closed(make_ticket, users):
    ticket = make_ticket()
    actor = users[Role.LIBRARY_STAFF]
    services.ticket_change_state(actor=actor, ticket=ticket, state=State.OPEN)
    services.ticket_change_state(actor=actor, ticket=ticket, state=State.WAITING, waiting_on="patron")
    assert ticket.waiting_on == "patron"
    services.ticket_change_state(actor=actor, ticket=ticket, state=State.OPEN)
    assert ticket.waiting_on == ""
    services.ticket_change_state(actor=actor, ticket=ticket, state=State.RESOLVED)
    assert ticket.resolved_at is not None
    services.ticket_change_state(actor=actor, ticket=ticket, state=State.CLOSED)
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED and ticket.closed_at is not None
    transitions = list(ticket.events.filter(kind=TicketEvent.Kind.STATE_CHANGED).values_list("from_state", "to_state"))
    assert transitions == [
        ("new", "open"),
        ("open", "waiting"),
        ("waiting", "open"),
        ("open", "resolved"),
        ("resolved", "closed"),
    ]


def test_reopening_a_resolved_ticket_clears_its_resolution(make_ticket, users):
    ticket = make_ticket()
    actor = users[Role.LIBRARY_STAFF]
    services.ticket_change_state(actor=actor, ticket=ticket, state=State.OPEN)
    services.ticket_change_state(actor=actor, ticket=ticket, state=State.RESOLVED)
    services.ticket_change_state(actor=actor, ticket=ticket, state=State.OPEN)
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN and ticket.resolved_at is None


@pytest.mark.parametrize(
    ("path", "target", "message"),
    [
        ([State.OPEN], State.CLOSED, "An open ticket cannot go to closed; it can go to waiting or resolved."),
        ([], State.CLOSED, "A new ticket cannot go to closed; it can go to open, waiting or resolved."),
        ([State.OPEN], State.CLOSED, "An open ticket cannot go to closed; it can go to waiting or resolved."),
        ([State.OPEN, State.RESOLVED, State.CLOSED], State.OPEN, "A closed ticket cannot change state"),
        ([State.OPEN], State.OPEN, "The ticket is already open."),
    ],
)
def test_a_bad_transition_is_refused_with_a_clear_message_and_changes_nothing(
    make_ticket, users, path, target, message
):
    ticket = make_ticket()
    actor = users[Role.LIBRARY_STAFF]
    for state in path:
        services.ticket_change_state(actor=actor, ticket=ticket, state=state)
    events_before = ticket.events.count()
    with pytest.raises(ValidationError) as refused:
        services.ticket_change_state(actor=actor, ticket=ticket, state=target)
    assert list(refused.value.message_dict) == ["state"]
    assert refused.value.message_dict["state"][0].startswith(message)
    ticket.refresh_from_db()
    assert ticket.state == (path[-1] if path else State.NEW)
    assert ticket.events.count() == events_before


def test_waiting_needs_to_say_who_it_waits_on(make_ticket, users):
    ticket = make_ticket()
    actor = users[Role.LIBRARY_STAFF]
    services.ticket_change_state(actor=actor, ticket=ticket, state=State.OPEN)
    with pytest.raises(ValidationError) as refused:
        services.ticket_change_state(actor=actor, ticket=ticket, state=State.WAITING)
    assert "waiting_on" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.ticket_change_state(actor=actor, ticket=ticket, state=State.WAITING, waiting_on="the moon")
    services.ticket_change_state(actor=actor, ticket=ticket, state=State.WAITING, waiting_on="other_department")
    assert Ticket.objects.get(pk=ticket.pk).waiting_on == "other_department"


def test_an_unknown_state_is_named(make_ticket, users):
    ticket = make_ticket()
    with pytest.raises(ValidationError) as refused:
        services.ticket_change_state(actor=users[Role.LIBRARY_STAFF], ticket=ticket, state="done")
    assert "Unknown state 'done'" in refused.value.message_dict["state"][0]


def test_the_database_refuses_a_waiting_ticket_without_waiting_on(make_ticket):
    from django.db import IntegrityError, transaction

    ticket = make_ticket()
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(state=State.WAITING, waiting_on="")


def test_only_the_queues_department_changes_its_state(make_ticket, users):
    ticket = make_ticket(queue="help_desk", actor=users[Role.IT_STAFF])
    with pytest.raises(PermissionDenied) as refused:
        services.ticket_change_state(actor=users[Role.LIBRARY_STAFF], ticket=ticket, state=State.OPEN)
    assert str(refused.value) == "Only IT works tickets in Help Desk."
    ticket.refresh_from_db()
    assert ticket.state == State.NEW
    assert not ticket.events.filter(kind=TicketEvent.Kind.STATE_CHANGED).exists()

    # Supervisors work every department's tickets.
    services.ticket_change_state(actor=users[Role.SUPERVISOR], ticket=ticket, state=State.OPEN)
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN
    changed = ticket.events.get(kind=TicketEvent.Kind.STATE_CHANGED)
    assert (changed.actor, changed.from_state, changed.to_state) == (users[Role.SUPERVISOR], "new", "open")


def test_assigning_needs_someone_in_the_queues_department(make_ticket, users, people):
    ticket = make_ticket(queue="help_desk", actor=users[Role.IT_STAFF])
    with pytest.raises(ValidationError) as refused:
        services.ticket_assign(actor=users[Role.IT_STAFF], ticket=ticket, assignee=people["library2"])
    assert "not in IT" in refused.value.message_dict["assignee"][0]
    services.ticket_assign(actor=users[Role.IT_STAFF], ticket=ticket, assignee=people["it2"])
    assert Ticket.objects.get(pk=ticket.pk).assignee == people["it2"]
    assigned = ticket.events.get(kind=TicketEvent.Kind.ASSIGNED)
    assert assigned.assignee == people["it2"]


def test_priority_accepts_names_and_refuses_nonsense(make_ticket, users):
    ticket = make_ticket(priority="urgent")
    assert ticket.priority == Ticket.Priority.URGENT
    with pytest.raises(ValidationError) as refused:
        services.ticket_set_priority(actor=users[Role.LIBRARY_STAFF], ticket=ticket, priority="whenever")
    assert "priority" in refused.value.message_dict


def test_opening_a_ticket_names_each_bad_field(queues, users):
    with pytest.raises(ValidationError) as refused:
        services.ticket_create(actor=users[Role.LIBRARY_STAFF], queue=queues["research"], subject="   ")
    assert "subject" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.ticket_create(
            actor=users[Role.LIBRARY_STAFF], queue=queues["research"], subject="x", patron_email="not-an-email"
        )
    assert "patron_email" in refused.value.message_dict
    queues["collections"].is_active = False
    queues["collections"].save()
    with pytest.raises(ValidationError) as refused:
        services.ticket_create(actor=users[Role.LIBRARY_STAFF], queue=queues["collections"], subject="x")
    assert "no longer takes tickets" in refused.value.message_dict["queue"][0]
    assert Ticket.objects.count() == 0


def test_one_update_changes_assignee_and_priority_with_a_line_each_and_nothing_when_unchanged(make_ticket, users):
    ticket = make_ticket()
    librarian = users[Role.LIBRARY_STAFF]
    data = {"assignee": librarian, "priority": "high"}
    services.ticket_update(actor=librarian, ticket=ticket, data=data)
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.priority) == (librarian, Ticket.Priority.HIGH)
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == [TicketEvent.Kind.CREATED, TicketEvent.Kind.ASSIGNED, TicketEvent.Kind.PRIORITY_CHANGED]
    audited = AuditEvent.objects.filter(object_id=str(ticket.pk)).count()

    services.ticket_update(actor=librarian, ticket=ticket, data=data)  # the same again: nothing to say
    assert ticket.events.count() == 3
    assert AuditEvent.objects.filter(object_id=str(ticket.pk)).count() == audited


def test_an_update_is_for_those_who_work_the_ticket(make_ticket, users):
    ticket = make_ticket(queue="help_desk", actor=users[Role.IT_STAFF])
    with pytest.raises(PermissionDenied):
        services.ticket_update(actor=users[Role.LIBRARY_STAFF], ticket=ticket, data={"priority": "urgent"})
    assert Ticket.objects.get(pk=ticket.pk).priority == Ticket.Priority.NORMAL


def test_a_new_ticket_can_be_resolved_at_once_without_opening_it_first(client_as, make_ticket, users):
    ticket = make_ticket(queue="help_desk", actor=users[Role.IT_STAFF])
    services.ticket_assign(actor=users[Role.IT_STAFF], ticket=ticket, assignee=users[Role.IT_STAFF])
    page = client_as(Role.IT_STAFF).get(f"/tickets/{ticket.reference}/").content.decode()
    assert ">Resolve<" in page
    services.ticket_change_state(actor=users[Role.IT_STAFF], ticket=ticket, state="resolved")
    ticket.refresh_from_db()
    assert ticket.state == "resolved" and ticket.resolved_at is not None
