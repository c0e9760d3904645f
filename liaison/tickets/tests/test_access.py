"""Who sees and works which ticket, through every door: pages, API and downloads."""

import json

import pytest

from liaison.core.roles import Role
from liaison.tickets import services
from liaison.tickets.models import Ticket
from liaison.tickets.tests.conftest import one_time_key

pytestmark = pytest.mark.django_db
State = Ticket.State


def test_staff_see_their_departments_queues_but_not_the_others(client_as, make_ticket, users, people):
    it_ticket = make_ticket(queue="help_desk", actor=people["it2"])
    library_ticket = make_ticket(queue="research", actor=people["library2"])
    librarian = client_as(Role.LIBRARY_STAFF)
    assert librarian.get(f"/tickets/{library_ticket.reference}/").status_code == 200
    assert librarian.get(f"/tickets/{it_ticket.reference}/").status_code == 404
    assert librarian.get(f"/api/v1/tickets/{it_ticket.pk}").status_code == 404
    listed = librarian.get("/tickets/queue/?state=all").context["tickets"]
    assert [t.pk for t in listed] == [library_ticket.pk]


def test_supervisors_and_administrators_see_every_ticket(client_as, make_ticket, people):
    it_ticket = make_ticket(queue="help_desk", actor=people["it2"])
    for role in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        assert client_as(role).get(f"/tickets/{it_ticket.reference}/").status_code == 200


def test_a_follower_from_another_department_can_read_and_reply_but_not_work_it(client_as, make_ticket, queues, users):
    ticket = make_ticket(queue="research")
    services.ticket_hand_off(actor=users[Role.LIBRARY_STAFF], ticket=ticket, queue=queues["help_desk"])
    librarian = client_as(Role.LIBRARY_STAFF)
    page = librarian.get(f"/tickets/{ticket.reference}/")
    assert page.status_code == 200
    assert "Work it" not in page.content.decode()  # no state, assign or hand-off controls
    assert librarian.post(f"/tickets/{ticket.reference}/state/", {"state": "open"}).status_code == 403
    api = librarian.post(
        f"/api/v1/tickets/{ticket.pk}/state", data=json.dumps({"state": "open"}), content_type="application/json"
    )
    assert api.status_code == 403
    librarian.post(
        f"/tickets/{ticket.reference}/reply/",
        {"body": "Patron called again.", "visibility": "internal", "idempotency_key": one_time_key()},
    )
    ticket.refresh_from_db()
    assert ticket.state == State.NEW
    assert ticket.replies.get().body == "Patron called again."


def test_student_workers_open_tickets_anywhere_and_see_their_own_and_their_departments(
    client_as, make_ticket, queues, users
):
    client = client_as(Role.STUDENT_WORKER)  # in IT
    response = client.post(
        "/tickets/new/",
        {
            "queue": queues["research"].pk,
            "subject": "Needs a research consult",
            "priority": 2,
            "idempotency_key": one_time_key(),
        },
    )
    opened = Ticket.objects.get()
    assert response.status_code == 302
    assert client.get(f"/tickets/{opened.reference}/").status_code == 200  # they opened it, they follow it
    it_ticket = make_ticket(queue="help_desk", actor=users[Role.IT_STAFF])
    library_ticket = make_ticket(queue="research", subject="Not theirs")
    assert client.get(f"/tickets/{it_ticket.reference}/").status_code == 200
    assert client.get(f"/tickets/{library_ticket.reference}/").status_code == 404
    # They may work their department's tickets: take it and open it.
    client.post(f"/tickets/{it_ticket.reference}/assign/", {"assignee": "me"})
    client.post(f"/tickets/{it_ticket.reference}/state/", {"state": "open"})
    it_ticket.refresh_from_db()
    assert it_ticket.assignee == users[Role.STUDENT_WORKER] and it_ticket.state == State.OPEN


def test_anonymous_visitors_are_sent_to_sign_in(client, make_ticket):
    ticket = make_ticket()
    for url in ("/tickets/", "/tickets/queue/", f"/tickets/{ticket.reference}/"):
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response["Location"]
    assert client.get("/api/v1/tickets/").status_code == 401


def test_state_changes_are_posts_only(client_as, make_ticket):
    ticket = make_ticket()
    client = client_as(Role.LIBRARY_STAFF)
    for action in ("state", "assign", "move", "reply", "contact", "follow", "priority"):
        assert client.get(f"/tickets/{ticket.reference}/{action}/").status_code == 405
    assert Ticket.objects.get(pk=ticket.pk).state == State.NEW


def test_the_ticket_page_offers_only_allowed_state_changes(client_as, make_ticket, users):
    ticket = make_ticket()
    services.ticket_change_state(actor=users[Role.LIBRARY_STAFF], ticket=ticket, state=State.OPEN)
    page = client_as(Role.LIBRARY_STAFF).get(f"/tickets/{ticket.reference}/").content.decode()
    assert 'value="waiting"' in page and 'value="resolved"' in page
    assert 'name="state" value="closed"' not in page and 'name="state" value="new"' not in page


def test_the_state_form_reports_a_refusal_by_field(client_as, make_ticket):
    ticket = make_ticket()
    response = client_as(Role.LIBRARY_STAFF).post(
        f"/tickets/{ticket.reference}/state/", {"state": "closed"}, follow=True
    )
    assert (
        "State: A new ticket cannot go to closed; it can go to open, waiting or resolved." in response.content.decode()
    )


def test_a_hand_off_through_the_page_moves_it_and_keeps_the_librarian_on_it(client_as, make_ticket, queues):
    ticket = make_ticket()
    client = client_as(Role.LIBRARY_STAFF)
    response = client.post(
        f"/tickets/{ticket.reference}/move/", {"queue": queues["printing"].pk, "note": "Print server?"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.queue == queues["printing"]
    assert "Print server?" in client.get(f"/tickets/{ticket.reference}/").content.decode()
    following = client.get("/tickets/").context["following"]
    assert [t.pk for t in following] == [ticket.pk]
