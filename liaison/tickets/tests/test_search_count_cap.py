import pytest

from liaison.core.roles import Role
from liaison.tickets import selectors
from liaison.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_printer_tickets(queues):
    # Saved one by one, so on PostgreSQL the search trigger fills each search_vector.
    for n in range(12):
        Ticket.objects.create(subject=f"Printer jam {n}", queue=queues["help_desk"], search_text=f"Printer jam {n}")


def test_a_search_matching_more_than_the_cap_says_so_instead_of_counting_everything(
    client_as, many_printer_tickets, monkeypatch
):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 5)
    client = client_as(Role.SUPERVISOR)
    html = client.get("/tickets/queue/?q=printer&state=all").content.decode()
    assert "More than 5 tickets match" in html
    body = client.get("/api/v1/tickets/?q=printer&state=all&page_size=2").json()
    assert body["count"] == 5 and body["count_is_capped"] is True
    assert body["pages"] == 3
    assert len(body["results"]) == 2


def test_lists_without_a_search_count_exactly(client_as, many_printer_tickets, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 5)
    client = client_as(Role.SUPERVISOR)
    assert "12 tickets" in client.get("/tickets/queue/?state=all").content.decode()
    body = client.get("/api/v1/tickets/?state=all").json()
    assert body["count"] == 12 and body["count_is_capped"] is False


def test_a_search_under_the_cap_counts_exactly(client_as, many_printer_tickets):
    body = client_as(Role.SUPERVISOR).get("/api/v1/tickets/?q=printer&state=all").json()
    assert body["count"] == 12 and body["count_is_capped"] is False


def test_a_bulk_insert_and_a_text_change_are_both_searchable(client_as, queues):
    Ticket.objects.bulk_create([Ticket(subject="Toner", queue=queues["help_desk"], search_text="toner smudges")])
    ticket = Ticket.objects.get(subject="Toner")
    client = client_as(Role.SUPERVISOR)
    assert client.get("/api/v1/tickets/?q=smudges&state=all").json()["count"] == 1
    ticket.search_text = "toner streaks"
    ticket.save(update_fields=["search_text"])
    assert client.get("/api/v1/tickets/?q=streaks&state=all").json()["count"] == 1
    assert client.get("/api/v1/tickets/?q=smudges&state=all").json()["count"] == 0
