"""Linking knowledge-base articles: only published ones, and only ones the person may see.
The rule lives in the service, so the page, the API and any new adapter all keep it."""

import pytest
from django.core.exceptions import ValidationError

from liaison.core.roles import Role
from liaison.kb.services import article_create
from liaison.tickets import services
from liaison.tickets.models import TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(users):
    writer = users[Role.LIBRARY_STAFF]
    return {
        "published": article_create(
            actor=writer, title="Reaching databases from home", body="Use the VPN.", publish=True
        ),
        "draft": article_create(actor=writer, title="Half-written VPN guide", body="Not ready."),
    }


def _code(refused: pytest.ExceptionInfo) -> str:
    return refused.value.error_dict["article"][0].code


def test_the_service_refuses_to_link_a_draft(make_ticket, users, articles):
    ticket = make_ticket()
    with pytest.raises(ValidationError) as refused:
        services.ticket_link_article(actor=users[Role.LIBRARY_STAFF], ticket=ticket, article_id=articles["draft"].pk)
    assert refused.value.message_dict == {"article": ["Only published articles can be linked."]}
    assert _code(refused) == "tickets.article_not_published"
    assert not ticket.linked_articles.exists()
    assert not ticket.events.filter(kind=TicketEvent.Kind.ARTICLE_LINKED).exists()


def test_a_published_article_is_linked_once_with_a_history_line(make_ticket, users, articles):
    ticket = make_ticket()
    for _ in range(2):
        linked = services.ticket_link_article(
            actor=users[Role.LIBRARY_STAFF], ticket=ticket, article_id=articles["published"].pk
        )
    assert linked == articles["published"]
    assert list(ticket.linked_articles.all()) == [articles["published"]]
    assert ticket.events.filter(kind=TicketEvent.Kind.ARTICLE_LINKED).count() == 1


def test_an_unknown_article_is_named(make_ticket, users):
    ticket = make_ticket()
    with pytest.raises(ValidationError) as refused:
        services.ticket_link_article(actor=users[Role.LIBRARY_STAFF], ticket=ticket, article_id=999_999)
    assert _code(refused) == "tickets.article_not_found"


def test_the_page_says_why_a_draft_is_not_linked(client_as, make_ticket, articles):
    ticket = make_ticket()
    response = client_as(Role.LIBRARY_STAFF).post(
        f"/tickets/{ticket.reference}/articles/", {"article": articles["draft"].pk}, follow=True
    )
    assert "Only published articles can be linked." in response.content.decode()
    assert not ticket.linked_articles.exists()


def test_unlinking_an_article_that_is_not_linked_here_is_a_404(client_as, make_ticket, users, articles):
    ticket = make_ticket()
    client = client_as(Role.LIBRARY_STAFF)
    assert client.post(f"/tickets/{ticket.reference}/articles/{articles['published'].pk}/unlink/").status_code == 404
    assert client.post(f"/tickets/{ticket.reference}/articles/999999/unlink/").status_code == 404
    services.ticket_link_article(actor=users[Role.LIBRARY_STAFF], ticket=ticket, article_id=articles["published"].pk)
    response = client.post(f"/tickets/{ticket.reference}/articles/{articles['published'].pk}/unlink/")
    assert response.status_code == 302 and not ticket.linked_articles.exists()
