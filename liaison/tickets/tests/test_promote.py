import json

import pytest
from django.core.exceptions import ValidationError

from liaison.core.roles import Role
from liaison.desk.models import Interaction
from liaison.tickets import services
from liaison.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_promoting_an_interaction_shares_its_id_and_counts_it_once(make_interaction, queues, users):
    interaction = make_interaction(note="Printer in the commons rejects jobs from laptops")
    interactions_before = Interaction.objects.count()

    ticket = services.ticket_promote_from_interaction(
        actor=users[Role.LIBRARY_STAFF],
        interaction=interaction,
        queue=queues["printing"],
        subject="Laptop print jobs rejected",
    )

    assert ticket.reference == interaction.client_id
    assert ticket.interaction == interaction
    assert interaction.ticket == ticket
    assert ticket.service_point == interaction.service_point
    assert ticket.description == interaction.note  # carried over when none is given
    assert Interaction.objects.count() == interactions_before  # no second interaction
    assert ticket.events.get().kind == TicketEvent.Kind.PROMOTED
    # Statistics count interactions: the promoted question is still exactly one of them.
    assert Interaction.objects.filter(client_id=ticket.reference).count() == 1


def test_an_interaction_is_promoted_only_once(make_interaction, queues, users):
    interaction = make_interaction()
    first = services.ticket_promote_from_interaction(
        actor=users[Role.LIBRARY_STAFF], interaction=interaction, queue=queues["printing"], subject="One"
    )
    with pytest.raises(ValidationError) as refused:
        services.ticket_promote_from_interaction(
            actor=users[Role.LIBRARY_STAFF], interaction=interaction, queue=queues["printing"], subject="Two"
        )
    assert f"already ticket #{first.number}" in refused.value.message_dict["interaction"][0]
    assert Ticket.objects.count() == 1


def test_a_ticket_opened_from_scratch_makes_no_interaction(make_ticket):
    before = Interaction.objects.count()
    ticket = make_ticket()
    assert Interaction.objects.count() == before
    assert ticket.interaction is None
    assert not Interaction.objects.filter(client_id=ticket.reference).exists()


def test_the_promote_page_prefills_from_the_interaction_and_opens_the_ticket(
    client_as, make_interaction, queues, users
):
    # Student workers promote their own desk entries too.
    interaction = make_interaction(
        note="Needs NVivo on the lab PCs for a methods course", actor=users[Role.STUDENT_WORKER]
    )
    client = client_as(Role.STUDENT_WORKER)
    page = client.get(f"/tickets/promote/{interaction.client_id}/")
    assert page.status_code == 200
    assert "Needs NVivo on the lab PCs" in page.content.decode()

    response = client.post(
        f"/tickets/promote/{interaction.client_id}/",
        {
            "queue": queues["help_desk"].pk,
            "subject": "NVivo for SOC 301",
            "description": "",
            "priority": 2,
            "patron_email": "pat@students.college.example",
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.reference}/"
    assert ticket.reference == interaction.client_id

    again = client.post(f"/tickets/promote/{interaction.client_id}/", {"queue": queues["help_desk"].pk})
    assert again.status_code == 302 and again["Location"] == f"/tickets/{ticket.reference}/"  # a double click
    assert Ticket.objects.count() == 1


def test_the_promote_form_names_a_bad_field(client_as, make_interaction, queues):
    interaction = make_interaction()
    response = client_as(Role.LIBRARY_STAFF).post(
        f"/tickets/promote/{interaction.client_id}/",
        {"queue": queues["help_desk"].pk, "subject": "", "priority": 2, "patron_email": "nope"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"subject", "patron_email"}
    assert Ticket.objects.count() == 0


def test_promoting_an_unknown_interaction_is_a_404(client_as):
    response = client_as(Role.LIBRARY_STAFF).get("/tickets/promote/7b0e1f3c-0000-4000-8000-000000000000/")
    assert response.status_code == 404


def test_the_api_promotes_with_the_shared_id(client_as, make_interaction, queues):
    interaction = make_interaction()
    response = client_as(Role.IT_STAFF).post(
        f"/api/v1/tickets/promote/{interaction.client_id}",
        data=json.dumps({"queue": "it-printing", "subject": "Laptop printing"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == str(interaction.client_id)
    assert body["promoted"] is True
    again = client_as(Role.IT_STAFF).post(
        f"/api/v1/tickets/promote/{interaction.client_id}",
        data=json.dumps({"queue": "it-printing", "subject": "Laptop printing"}),
        content_type="application/json",
    )
    assert again.status_code == 400
    assert again.json()["errors"][0]["field"] == "interaction"


@pytest.fixture
def colleagues_note(client, make_interaction, users):
    """Student worker A's desk entry, and a client signed in as student worker B (same department)."""
    from conftest import make_user

    worker = users[Role.STUDENT_WORKER]
    colleague = make_user(Role.STUDENT_WORKER, username="t_student_b", department=worker.department)
    interaction = make_interaction(note="SENTINEL colleague's desk note", actor=worker)
    client.force_login(colleague)
    assert client.get(f"/api/v1/desk/interactions/{interaction.client_id}").status_code == 404  # the desk's rule
    return client, interaction


def test_a_student_worker_cannot_open_a_colleagues_desk_note_on_the_promote_page(colleagues_note, queues):
    """The desk shows a student worker only their own entries; promoting must not show more.
    (This was a leak: the promote page fetched the interaction without the desk's check.)"""
    client, interaction = colleagues_note
    page = client.get(f"/tickets/promote/{interaction.client_id}/")
    assert page.status_code == 404
    assert "SENTINEL" not in page.content.decode()
    posted = client.post(
        f"/tickets/promote/{interaction.client_id}/",
        {"queue": queues["help_desk"].pk, "subject": "Taken over", "priority": 2},
    )
    assert posted.status_code == 404
    assert Ticket.objects.count() == 0


def test_a_student_worker_cannot_promote_a_colleagues_desk_note_through_the_api(colleagues_note, queues):
    client, interaction = colleagues_note
    api = client.post(
        f"/api/v1/tickets/promote/{interaction.client_id}",
        data=json.dumps({"queue": "it-printing", "subject": "Taken over"}),
        content_type="application/json",
    )
    assert api.status_code == 404
    assert "SENTINEL" not in api.content.decode()
    assert Ticket.objects.count() == 0


def test_staff_may_promote_any_desk_entry(client_as, make_interaction, users, queues):
    interaction = make_interaction(actor=users[Role.STUDENT_WORKER])
    assert client_as(Role.IT_STAFF).get(f"/tickets/promote/{interaction.client_id}/").status_code == 200


def test_a_student_worker_sends_a_promoted_question_straight_into_the_other_departments_queue(
    client_as, make_interaction, queues, users
):
    """An IT student at the joint desk takes a research question: promoting it puts it in the
    library's queue at once (a student cannot hand off a ticket afterwards, since they do not
    work the library's queue), and the student still follows it."""
    student = users[Role.STUDENT_WORKER]
    assert student.department != queues["research"].department
    interaction = make_interaction(note="Needs three peer-reviewed sources on food deserts", actor=student)
    client = client_as(Role.STUDENT_WORKER)
    page = client.get(f"/tickets/promote/{interaction.client_id}/")
    assert f'value="{queues["research"].pk}"' in page.content.decode()  # offered, not only IT's queues

    response = client.post(
        f"/tickets/promote/{interaction.client_id}/",
        {"queue": queues["research"].pk, "subject": "Sources on food deserts", "priority": 2},
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert ticket.queue == queues["research"]
    assert ticket.referring_departments.filter(pk=student.department_id).exists()
    assert client.get(f"/tickets/{ticket.reference}/").status_code == 200  # still theirs to follow

    other = make_interaction(note="Citation help", actor=student)
    api = client.post(
        f"/api/v1/tickets/promote/{other.client_id}",
        data=json.dumps({"queue": "lib-research", "subject": "Citation help"}),
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    assert Ticket.objects.get(reference=other.client_id).queue == queues["research"]
