"""The ticket page and its API read what they show in a fixed number of statements, whatever
the history's length; a long history is paged (issue: tickets ahead of the peer)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from liaison.core.roles import Role
from liaison.tickets import services
from liaison.tickets.models import TicketEvent
from liaison.tickets.selectors import TIMELINE_PAGE

pytestmark = pytest.mark.django_db


def _grow_history(ticket, users, queues, replies: int) -> None:
    it = users[Role.IT_STAFF]
    for i in range(replies):
        services.ticket_reply(actor=it, ticket=ticket, body=f"Step {i}: checked the toner", is_internal=i % 3 == 0)
    services.ticket_hand_off(actor=it, ticket=ticket, queue=queues["research"], note="Needs a librarian")


def _statements(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_ticket_with_a_long_history_costs_what_a_new_one_costs(client_as, make_ticket, users, queues):
    client = client_as(Role.SUPERVISOR)
    new = make_ticket(queue=queues["help_desk"])
    old = make_ticket(queue=queues["help_desk"])
    _grow_history(old, users, queues, replies=150)
    assert old.events.count() > TIMELINE_PAGE
    for ticket in (new, old):  # a first view fills the per-process menus (queues, each department's people)
        client.get(f"/tickets/{ticket.reference}/")

    assert _statements(client, f"/tickets/{old.reference}/") == _statements(client, f"/tickets/{new.reference}/")
    assert _statements(client, f"/api/v1/tickets/{old.pk}") == _statements(client, f"/api/v1/tickets/{new.pk}")


def _history_shown(page) -> tuple[list[str], int | None]:
    """The kinds of the history lines the page shows, in order, and the event id its "Earlier
    history" link pages back from (None when there is no such link)."""
    html = page.content.decode()
    earlier = re.search(r'href="\?before=(\d+)#history-h">Earlier history</a>', html)
    return re.findall(r'class="timeline__item timeline__item--(\w+)"', html), int(earlier[1]) if earlier else None


def test_a_long_history_shows_the_latest_events_and_pages_back_to_the_first(client_as, make_ticket, users, queues):
    client = client_as(Role.SUPERVISOR)
    ticket = make_ticket(queue=queues["help_desk"])
    _grow_history(ticket, users, queues, replies=120)
    shown, before = _history_shown(client.get(f"/tickets/{ticket.reference}/"))
    assert len(shown) == TIMELINE_PAGE and before is not None
    assert shown[-1] == TicketEvent.Kind.HANDED_OFF  # the latest is last, as in a conversation
    assert before == ticket.events.order_by("at", "pk")[ticket.events.count() - TIMELINE_PAGE].pk

    older, before_that = _history_shown(client.get(f"/tickets/{ticket.reference}/", {"before": before}))
    assert before_that is None
    assert older[0] == TicketEvent.Kind.CREATED
    assert len(older) + len(shown) == ticket.events.count()
    for bad in ("-1", "99999999999999999999999", "١٢", "abc", ""):
        assert client.get(f"/tickets/{ticket.reference}/", {"before": bad}).status_code == 200


def test_the_api_pages_a_history_latest_first(client_as, make_ticket, users, queues):
    client = client_as(Role.IT_STAFF)
    ticket = make_ticket(queue=queues["help_desk"])
    _grow_history(ticket, users, queues, replies=30)
    detail = client.get(f"/api/v1/tickets/{ticket.pk}").json()
    assert len(detail["timeline"]) == ticket.events.count() and not detail["timeline_has_earlier"]
    first = client.get(f"/api/v1/tickets/{ticket.pk}/events", {"limit": 10}).json()
    assert len(first["results"]) == 10 and first["has_earlier"]
    assert first["results"][-1]["kind"] == "handed_off"
    rest = client.get(f"/api/v1/tickets/{ticket.pk}/events", {"before": first["results"][0]["id"], "limit": 500}).json()
    assert not rest["has_earlier"] and rest["results"][0]["kind"] == "created"
    assert len(rest["results"]) + 10 == ticket.events.count()
    assert client.get(f"/api/v1/tickets/{ticket.pk}/events", {"limit": 0}).status_code == 400


def test_a_ticket_from_a_service_point_costs_no_extra_statement(client_as, make_ticket, joint_desk, queues):
    """The page names the desk a ticket came from; that must not be a lazy read of its own."""
    from django.utils.html import escape

    from liaison.tickets.models import Ticket

    client = client_as(Role.SUPERVISOR)
    plain = make_ticket(queue=queues["help_desk"])
    from_desk = make_ticket(queue=queues["help_desk"])
    Ticket.objects.filter(pk=from_desk.pk).update(service_point=joint_desk)
    client.get(f"/tickets/{plain.reference}/")
    page = client.get(f"/tickets/{from_desk.reference}/")
    assert escape(joint_desk.name) in page.content.decode()
    assert _statements(client, f"/tickets/{from_desk.reference}/") == _statements(
        client, f"/tickets/{plain.reference}/"
    )


def test_what_is_linked_to_a_ticket_is_named_in_one_statement(client_as, make_ticket, users, queues):
    """Followers, referring departments, attachments, articles, live patron links and contact
    views are found in one read; only the kinds a ticket has are then read in full. A ticket
    with none of them costs the session, the person, the ticket, that read, its history and the
    people it names, and the assignee menu."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from liaison.kb.services import article_create

    client = client_as(Role.SUPERVISOR)
    bare = make_ticket(queue=queues["help_desk"])
    client.get(f"/tickets/{bare.reference}/")
    bare_cost = _statements(client, f"/tickets/{bare.reference}/")
    assert bare_cost <= 7

    library, it = users[Role.LIBRARY_STAFF], users[Role.IT_STAFF]
    full = make_ticket(queue=queues["help_desk"], actor=library, patron_email="ana@students.college.example")
    services.ticket_attach(actor=it, ticket=full, upload=SimpleUploadedFile("jam.txt", b"paper jam", "text/plain"))
    article = article_create(actor=library, title="Clearing a paper jam", body="Open tray 2.", publish=True)
    services.ticket_link_article(actor=it, ticket=full, article_id=article.pk)
    page = client.get(f"/tickets/{full.reference}/").content.decode()
    assert "jam.txt" in page and "Clearing a paper jam" in page
    assert escape(library.department.name) in page  # the referring department
    # attachments and articles each add one read; nothing else grows
    assert _statements(client, f"/tickets/{full.reference}/") <= bare_cost + 2
