import json

import pytest

from liaison.core.roles import Role
from liaison.kb.services import article_create
from liaison.tickets.models import Ticket

pytestmark = pytest.mark.django_db
API = "/api/v1/tickets"


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _fields(response):
    return {error["field"] for error in response.json()["errors"]}


def test_opening_a_ticket_through_the_api(client_as, queues, joint_desk):
    response = post(
        client_as(Role.LIBRARY_STAFF),
        f"{API}/",
        {
            "queue": "lib-research",
            "subject": "Help with a literature review",
            "priority": "high",
            "service_point": "joint-desk",
            "patron_email": "ana@students.college.example",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "new" and body["priority"] == "high" and body["queue"] == "lib-research"
    assert body["has_contact"] is True and "patron_email" not in body
    assert body["timeline"][0]["kind"] == "created"
    # The patron's link goes out only in their mail (minted with the ticket, never shown here).
    assert "status_url" not in body and body["status_links_live"] == 1


def test_a_bad_create_names_each_field_and_writes_nothing(client_as, queues):
    client = client_as(Role.LIBRARY_STAFF)
    assert _fields(post(client, f"{API}/", {})) == {"queue", "subject"}
    assert _fields(post(client, f"{API}/", {"queue": "nope", "subject": "x"})) == {"queue"}
    assert _fields(post(client, f"{API}/", {"queue": "lib-research", "subject": "x", "priority": "asap"})) == {
        "priority"
    }
    assert _fields(post(client, f"{API}/", {"queue": "lib-research", "subject": "x", "patron_email": "@"})) == {
        "patron_email"
    }
    assert _fields(post(client, f"{API}/", {"queue": "lib-research", "subject": "x", "assignee": "t_it"})) == {
        "assignee"
    }
    assert Ticket.objects.count() == 0


def test_the_whole_life_of_a_ticket_through_the_api(client_as, queues, users):
    librarian = client_as(Role.LIBRARY_STAFF)
    number = post(librarian, f"{API}/", {"queue": "lib-research", "subject": "EBSCO from home"}).json()["number"]
    assert post(librarian, f"{API}/{number}/state", {"state": "open"}).status_code == 200
    refused = post(librarian, f"{API}/{number}/state", {"state": "closed"})
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {
            "field": "state",
            "message": "An open ticket cannot go to closed; it can go to waiting or resolved.",
            "code": "tickets.transition_not_allowed",
        }
    ]
    waiting = post(librarian, f"{API}/{number}/state", {"state": "waiting"})
    assert _fields(waiting) == {"waiting_on"}
    assert post(librarian, f"{API}/{number}/assign", {"assignee": "t_library"}).json()["assignee"] == "t_library"
    assert post(librarian, f"{API}/{number}/replies", {"body": "Internal", "internal": True}).status_code == 201
    handed = post(librarian, f"{API}/{number}/hand-off", {"queue": "it-help-desk", "note": "Proxy group?"})
    assert handed.status_code == 200
    assert handed.json()["queue"] == "it-help-desk" and handed.json()["state"] == "new"
    assert "library" in handed.json()["referring_departments"]

    technician = client_as(Role.IT_STAFF)
    detail = technician.get(f"{API}/{number}").json()
    kinds = [event["kind"] for event in detail["timeline"]]
    assert kinds == ["created", "state_changed", "assigned", "internal_note", "handed_off"]
    assert detail["timeline"][-1]["note"] == "Proxy group?"
    for state in ("open", "resolved"):
        assert post(technician, f"{API}/{number}/state", {"state": state}).status_code == 200
    listed = technician.get(f"{API}/?state=resolved").json()
    assert [t["number"] for t in listed["results"]] == [number]


def test_tickets_are_named_by_number_or_reference(client_as, make_ticket):
    ticket = make_ticket()
    client = client_as(Role.LIBRARY_STAFF)
    assert client.get(f"{API}/{ticket.pk}").json()["number"] == ticket.pk
    assert client.get(f"{API}/{ticket.reference}").json()["number"] == ticket.pk
    assert client.get(f"{API}/not-a-ticket").status_code == 404


def test_the_list_paginates_and_checks_its_parameters(client_as, make_ticket):
    for n in range(5):
        make_ticket(subject=f"Ticket {n}")
    client = client_as(Role.LIBRARY_STAFF)
    page = client.get(f"{API}/?page_size=2&page=3&sort=created").json()
    assert (page["count"], page["pages"], page["page"]) == (5, 3, 3)
    assert [t["subject"] for t in page["results"]] == ["Ticket 4"]
    assert _fields(client.get(f"{API}/?page_size=1000")) == {"page_size"}
    assert _fields(client.get(f"{API}/?page=0")) == {"page"}


def test_linking_a_published_article(client_as, make_ticket, users):
    ticket = make_ticket()
    article = article_create(
        actor=users[Role.LIBRARY_STAFF], title="Reaching databases from home", body="Use the VPN.", publish=True
    )
    draft = article_create(actor=users[Role.LIBRARY_STAFF], title="Draft", body="Not ready.")
    client = client_as(Role.LIBRARY_STAFF)
    linked = post(client, f"{API}/{ticket.pk}/articles", {"article": article.pk})
    assert linked.json()["linked_articles"] == [{"id": article.pk, "title": str(article)}]
    assert _fields(post(client, f"{API}/{ticket.pk}/articles", {"article": draft.pk})) == {"article"}
    page = client.get(f"/tickets/{ticket.reference}/").content.decode()
    assert "Reaching databases from home" in page
    found = client.get(f"/tickets/{ticket.reference}/articles/search/?q=databases", HTTP_HX_REQUEST="true")
    assert "Reaching databases from home" in found.content.decode() and "linked" in found.content.decode()


def test_the_queue_list_for_integrators(client_as, queues):
    page = client_as(Role.IT_STAFF).get(f"{API}/queues").json()
    assert page["count"] == 4 and page["pages"] == 1
    slugs = {q["slug"]: q for q in page["results"]}
    assert slugs["it-printing"]["parent"] == "it-help-desk"
    assert slugs["it-printing"]["full_name"] == "IT › Printing"


def test_the_openapi_document_lists_the_ticket_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/tickets/",
        "/api/v1/tickets/{ticket}",
        "/api/v1/tickets/{ticket}/hand-off",
        "/api/v1/tickets/{ticket}/attachments",
        "/api/v1/tickets/promote/{client_id}",
        "/api/v1/tickets/bulk",
    ):
        assert path in paths


def test_the_answer_to_a_create_is_what_reading_the_ticket_back_shows(client_as, queues, joint_desk, users):
    """The create answers from what opening the ticket wrote (no read-back); it must say exactly
    what a later read says: the history (two lines when assigned as it opens), the followers,
    the referring department (library staff opening in IT's queue) and the patron's link."""
    client = client_as(Role.IT_STAFF)
    it_person = users[Role.IT_STAFF].username
    for body in (
        {"queue": "it-help-desk", "subject": "Lab 2 printer jams", "patron_email": "ana@students.college.example",
         "assignee": it_person, "service_point": "joint-desk"},
        {"queue": "it-help-desk", "subject": "Wi-Fi drops on floor 3"},
    ):  # fmt: skip
        created = post(client, f"{API}/", body)
        assert created.status_code == 201, created.content
        read = client.get(f"{API}/{created.json()['number']}").json()
        assert created.json() == read
    library = client_as(Role.LIBRARY_STAFF)
    created = post(library, f"{API}/", {"queue": "it-help-desk", "subject": "Scanner will not start"})
    assert created.json()["referring_departments"] and created.json()["followers"]
    assert created.json() == library.get(f"{API}/{created.json()['number']}").json()
