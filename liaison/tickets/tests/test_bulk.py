import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.tickets import services
from liaison.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
State = Ticket.State


@pytest.fixture
def three(make_ticket, users):
    it = users[Role.IT_STAFF]
    return [make_ticket(queue="help_desk", actor=it, subject=f"Lab PC {n} frozen") for n in (1, 2, 3)]


def test_a_bulk_change_applies_to_every_ticked_ticket(client_as, three, users):
    client = client_as(Role.IT_STAFF)
    response = client.post(
        "/tickets/bulk/",
        {"tickets": [t.pk for t in three], "action": "state", "state": "open", "next": "/tickets/queue/?state=all"},
    )
    assert response.status_code == 302 and response["Location"] == "/tickets/queue/?state=all"
    assert set(Ticket.objects.values_list("state", flat=True)) == {State.OPEN}
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.STATE_CHANGED).count() == 3
    client.post(
        "/tickets/bulk/", {"tickets": [t.pk for t in three], "action": "assign", "assignee": users[Role.IT_STAFF].pk}
    )
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {users[Role.IT_STAFF].pk}


def test_a_bulk_change_is_all_or_nothing(client_as, three, users):
    it = users[Role.IT_STAFF]
    services.ticket_change_state(actor=it, ticket=three[0], state=State.OPEN)
    services.ticket_change_state(actor=it, ticket=three[0], state=State.RESOLVED)  # can be closed
    # three[1] and three[2] are new: new → closed is refused, so nothing changes at all.
    events_before, audit_before = TicketEvent.objects.count(), AuditEvent.objects.count()
    response = client_as(Role.IT_STAFF).post(
        "/tickets/bulk/",
        {"tickets": [t.pk for t in three], "action": "state", "state": "closed"},
        follow=True,
    )
    text = response.content.decode()
    assert "Nothing was changed. 2 ticket(s) refused" in text
    assert f"#{three[1].pk}: A new ticket cannot go to closed" in text
    assert list(Ticket.objects.order_by("id").values_list("state", flat=True)) == [State.RESOLVED, State.NEW, State.NEW]
    assert TicketEvent.objects.count() == events_before
    assert AuditEvent.objects.count() == audit_before


def test_bulk_refuses_tickets_the_person_cannot_work(three, make_ticket, users):
    # IT opened it in the library's queue: they see it (they opened it) but do not work it.
    library_ticket = make_ticket(queue="research", actor=users[Role.IT_STAFF])
    with pytest.raises(ValidationError) as refused:
        services.tickets_bulk_update(
            actor=users[Role.IT_STAFF],
            numbers=[t.pk for t in [*three, library_ticket]],
            action="priority",
            priority="high",
        )
    assert f"#{library_ticket.pk}: Only Library works tickets" in " ".join(refused.value.messages)
    assert not Ticket.objects.filter(priority=Ticket.Priority.HIGH).exists()


def test_student_workers_cannot_bulk_act(client_as, three):
    client = client_as(Role.STUDENT_WORKER)
    assert (
        client.post("/tickets/bulk/", {"tickets": [three[0].pk], "action": "state", "state": "open"}).status_code == 403
    )
    api = client.post(
        "/api/v1/tickets/bulk",
        data=json.dumps({"tickets": [three[0].pk], "action": "state", "state": "open"}),
        content_type="application/json",
    )
    assert api.status_code == 403
    assert Ticket.objects.get(pk=three[0].pk).state == State.NEW


def test_the_bulk_api_names_what_is_wrong(client_as, three):
    client = client_as(Role.IT_STAFF)
    unknown = client.post(
        "/api/v1/tickets/bulk",
        data=json.dumps({"tickets": [three[0].pk, 999999], "action": "state", "state": "open"}),
        content_type="application/json",
    )
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "tickets"
    bad_action = client.post(
        "/api/v1/tickets/bulk",
        data=json.dumps({"tickets": [three[0].pk], "action": "delete"}),
        content_type="application/json",
    )
    assert bad_action.status_code == 400 and bad_action.json()["errors"][0]["field"] == "action"
    moved = client.post(
        "/api/v1/tickets/bulk",
        data=json.dumps({"tickets": [t.pk for t in three], "action": "queue", "queue": "it-printing"}),
        content_type="application/json",
    )
    assert moved.json() == {"changed": 3}
    assert set(Ticket.objects.values_list("queue__slug", flat=True)) == {"it-printing"}


def test_a_redirect_after_bulk_stays_on_this_site(client_as, three):
    response = client_as(Role.IT_STAFF).post(
        "/tickets/bulk/",
        {"tickets": [three[0].pk], "action": "state", "state": "open", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/tickets/queue/"


def test_the_bulk_service_refuses_a_ticket_the_person_cannot_see_and_changes_nothing(three, make_ticket, users, people):
    """The rule is the service's, so every adapter keeps it: an unseen ticket is 'not found'."""
    unseen = make_ticket(queue="research", actor=people["library2"])  # IT staff cannot see it
    with pytest.raises(ValidationError) as refused:
        services.tickets_bulk_update(
            actor=users[Role.IT_STAFF], numbers=[three[0].pk, unseen.pk, 999_999], action="state", state="open"
        )
    assert refused.value.message_dict["tickets"] == [
        f"Not found or not yours to see: #{unseen.pk}, #999999. Nothing was changed."
    ]
    assert set(Ticket.objects.values_list("state", flat=True)) == {State.NEW}


def test_the_bulk_service_is_for_staff_only(three, users):
    with pytest.raises(PermissionDenied):
        services.tickets_bulk_update(
            actor=users[Role.STUDENT_WORKER], numbers=[three[0].pk], action="state", state="open"
        )
    assert Ticket.objects.get(pk=three[0].pk).state == State.NEW


def test_the_bulk_page_says_which_tickets_were_not_found(client_as, three, make_ticket, people):
    unseen = make_ticket(queue="research", actor=people["library2"])
    response = client_as(Role.IT_STAFF).post(
        "/tickets/bulk/", {"tickets": [three[0].pk, unseen.pk], "action": "state", "state": "open"}, follow=True
    )
    assert f"Not found or not yours to see: #{unseen.pk}. Nothing was changed." in response.content.decode()
    assert Ticket.objects.get(pk=three[0].pk).state == State.NEW
