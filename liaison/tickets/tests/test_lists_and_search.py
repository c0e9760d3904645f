import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liaison.core.roles import Role
from liaison.tickets import selectors, services
from liaison.tickets.models import Ticket

pytestmark = pytest.mark.django_db
State = Ticket.State


def _numbers(response):
    return sorted(t.pk for t in response.context["tickets"])


def _make_many(make_ticket, users, people, count, offset=0):
    it = users[Role.IT_STAFF]
    made = []
    for i in range(count):
        queue = ["help_desk", "printing", "research"][i % 3]
        actor = users[Role.LIBRARY_STAFF] if queue == "research" else it
        ticket = make_ticket(queue=queue, actor=actor, subject=f"Ticket {offset + i}")
        if queue != "research" and i % 2:
            services.ticket_assign(actor=it, ticket=ticket, assignee=people["it2"])
        made.append(ticket)
    return made


def test_the_queue_list_runs_the_same_number_of_queries_however_many_tickets(
    client_as, make_ticket, users, people, django_assert_max_num_queries
):
    client = client_as(Role.IT_STAFF)
    _make_many(make_ticket, users, people, 3)
    client.get("/tickets/queue/?state=all")  # the first request also fills the queue menu's cache
    with CaptureQueriesContext(connection) as few:
        assert client.get("/tickets/queue/?state=all").status_code == 200
    _make_many(make_ticket, users, people, 40, offset=3)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/tickets/queue/?state=all&sort=-updated")
    assert response.status_code == 200 and len(response.context["tickets"]) == 25
    assert len(many) == len(few)
    with django_assert_max_num_queries(12):
        client.get("/tickets/queue/?queue=it-help-desk&q=Ticket&assignee=none&due=week&sort=priority")


def test_my_work_and_the_api_list_are_constant_too(client_as, make_ticket, users, people):
    client = client_as(Role.IT_STAFF)
    _make_many(make_ticket, users, people, 3)
    client.get("/tickets/")  # the first request also fills the queue menu's cache
    with CaptureQueriesContext(connection) as few_page:
        client.get("/tickets/")
    with CaptureQueriesContext(connection) as few_api:
        client.get("/api/v1/tickets/?state=all")
    _make_many(make_ticket, users, people, 30, offset=3)
    with CaptureQueriesContext(connection) as many_page:
        client.get("/tickets/")
    with CaptureQueriesContext(connection) as many_api:
        response = client.get("/api/v1/tickets/?state=all")
    assert response.json()["count"] == 22  # IT sees its own queues only: 2/3 of 33
    assert len(many_page) == len(few_page)
    assert len(many_api) == len(few_api)


def test_a_queue_includes_its_sub_queues(client_as, make_ticket, users):
    desk = make_ticket(queue="help_desk", actor=users[Role.IT_STAFF])
    printing = make_ticket(queue="printing", actor=users[Role.IT_STAFF])
    make_ticket(queue="research")
    client = client_as(Role.ADMINISTRATOR)
    assert _numbers(client.get("/tickets/queue/?queue=it-help-desk")) == [desk.pk, printing.pk]
    assert _numbers(client.get("/tickets/queue/?queue=it-printing")) == [printing.pk]


def test_filters_by_state_priority_assignee_and_due(client_as, make_ticket, users, people):
    it = users[Role.IT_STAFF]
    mine = make_ticket(queue="help_desk", actor=it, priority="urgent")
    services.ticket_assign(actor=it, ticket=mine, assignee=it)
    overdue = make_ticket(queue="help_desk", actor=it)
    Ticket.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    done = make_ticket(queue="help_desk", actor=it)
    for state in (State.OPEN, State.RESOLVED):
        services.ticket_change_state(actor=it, ticket=done, state=state)
    client = client_as(Role.IT_STAFF)
    assert _numbers(client.get("/tickets/queue/")) == [mine.pk, overdue.pk]  # active by default
    assert _numbers(client.get("/tickets/queue/?state=resolved")) == [done.pk]
    assert _numbers(client.get("/tickets/queue/?state=all")) == [mine.pk, overdue.pk, done.pk]
    assert _numbers(client.get("/tickets/queue/?priority=urgent")) == [mine.pk]
    assert _numbers(client.get("/tickets/queue/?assignee=me")) == [mine.pk]
    assert _numbers(client.get("/tickets/queue/?assignee=none")) == [overdue.pk]
    assert _numbers(client.get("/tickets/queue/?due=overdue")) == [overdue.pk]
    ordered = client.get("/tickets/queue/?sort=due").context["tickets"]
    assert [t.pk for t in ordered] == [overdue.pk, mine.pk]


@pytest.mark.parametrize(
    "query",
    ["state=bogus", "priority=whenever", "sort=password", "due=yesterday", "queue=nope", "assignee=x';--"],
)
def test_bad_filters_are_named_never_a_500(client_as, make_ticket, query):
    make_ticket()
    response = client_as(Role.LIBRARY_STAFF).get(f"/tickets/queue/?{query}")
    assert response.status_code == 400
    field = query.split("=")[0]
    assert field.capitalize() + ":" in response.content.decode()
    api = client_as(Role.LIBRARY_STAFF).get(f"/api/v1/tickets/?{query}")
    assert api.status_code == 400
    assert api.json()["errors"][0]["field"] == field


def test_search_finds_words_in_subject_description_and_replies_on_sqlite(client_as, make_ticket, users):
    librarian = users[Role.LIBRARY_STAFF]
    subject = make_ticket(subject="Microfilm reader crashes")
    description = make_ticket(subject="Reader problem", description="The microfilm software freezes on save")
    reply = make_ticket(subject="Scanner")
    services.ticket_reply(actor=librarian, ticket=reply, body="Looks like the MICROFILM driver", is_internal=True)
    make_ticket(subject="Unrelated printer jam")
    client = client_as(Role.LIBRARY_STAFF)
    assert _numbers(client.get("/tickets/queue/?q=microfilm")) == sorted([subject.pk, description.pk, reply.pk])
    assert _numbers(client.get("/tickets/queue/?q=microfilm+software")) == [description.pk]
    assert _numbers(client.get(f"/tickets/queue/?q=%23{reply.pk}")) == [reply.pk]  # "#12" finds ticket 12
    assert _numbers(client.get(f"/tickets/queue/?q={reply.reference}")) == [reply.pk]
    assert _numbers(client.get("/tickets/queue/?q=%28%28%28%27%22")) == []  # junk is just no match


def test_search_never_matches_patron_contact(client_as, make_ticket):
    make_ticket(subject="Laptop", patron_name="Zebediah Quill", patron_email="zq@students.college.example")
    assert _numbers(client_as(Role.LIBRARY_STAFF).get("/tickets/queue/?q=Zebediah")) == []


def test_on_postgresql_search_is_full_text_through_the_stored_vector(users, settings):
    settings.DATABASE_IS_POSTGRES = True
    filters = selectors.TicketFilters.from_params({"q": "printer jam"})
    sql = str(selectors.ticket_list(user=users[Role.LIBRARY_STAFF], filters=filters).query)
    assert '"tickets_ticket"."search_vector" @@' in sql
    assert "to_tsvector" not in sql  # nothing computed per row
    assert "websearch_to_tsquery" in sql
    assert "LIKE" not in sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
def test_postgresql_full_text_search_runs_and_has_its_gin_index(client_as, make_ticket):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'ticket_search_vector_gin'")
        assert "gin" in cursor.fetchone()[0].lower()
    printers = make_ticket(subject="Printers jammed in the commons")
    make_ticket(subject="Wi-Fi drops")
    assert _numbers(client_as(Role.LIBRARY_STAFF).get("/tickets/queue/?q=printer+jams")) == [printers.pk]


def test_bulk_checkboxes_show_for_staff_not_student_workers(client_as, make_ticket, users):
    make_ticket(queue="help_desk", actor=users[Role.IT_STAFF])
    assert 'name="tickets"' in client_as(Role.IT_STAFF).get("/tickets/queue/").content.decode()
    assert 'name="tickets"' not in client_as(Role.STUDENT_WORKER).get("/tickets/queue/").content.decode()


def test_htmx_filtering_returns_only_the_results(client_as, make_ticket):
    make_ticket()
    response = client_as(Role.LIBRARY_STAFF).get("/tickets/queue/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"') and "<html" not in body
