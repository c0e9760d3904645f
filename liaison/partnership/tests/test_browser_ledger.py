"""The ledger in a real browser: a ticket handed from the library to IT and resolved there;
a supervisor brings the ledger up to date; the ledger lists the new entries, each one click
from its ticket, and the balance on the partnership page moves."""

from __future__ import annotations

import re

import pytest

from conftest import PASSWORD, make_user
from liaison.core.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def college(transactional_db):
    from liaison.accounts.models import Department
    from liaison.tickets import services as tickets
    from liaison.tickets.models import Queue

    library = Department.objects.create(code="library", name="Library", kind="library")
    it = Department.objects.create(code="it", name="IT", kind="it")
    people = {
        "librarian": make_user(Role.LIBRARY_STAFF, username="lena", department=library, first_name="Lena"),
        "technician": make_user(Role.IT_STAFF, username="ivan", department=it, first_name="Ivan"),
        "director": make_user(Role.SUPERVISOR, username="simone", department=library, first_name="Simone"),
    }
    queues = {
        "library": Queue.objects.create(name="Library Printing", slug="lib-printing", department=library),
        "it": Queue.objects.create(name="Printing", slug="it-printing", department=it),
    }
    ticket = tickets.ticket_create(
        actor=people["librarian"], queue=queues["library"], subject="Laptop will not print to the library printers"
    )
    return {"people": people, "queues": queues, "ticket": ticket}


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home/$"))


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/sign-in/"))


def term_figures(page) -> dict[str, str]:
    """Each department's figure card on the partnership page: 'Asked 0 · gave 0'."""
    cards = page.locator(".pship-figure")
    return {
        cards.nth(i).locator("h3").inner_text(): cards.nth(i).locator("p").last.inner_text()
        for i in range(cards.count())
    }


def test_a_handed_and_resolved_ticket_reaches_the_ledger_and_moves_the_balance(page, live_server, college):
    base = live_server.url
    ticket = college["ticket"]

    # The director looks at the partnership before: nothing asked or given yet this term.
    sign_in(page, base, "simone")
    page.goto(f"{base}/partnership/")
    before = term_figures(page)
    assert before["Library"] == "Asked 0 · gave 0" and before["IT"] == "Asked 0 · gave 0"
    sign_out(page)

    # 1. The librarian hands the ticket to IT.
    sign_in(page, base, "lena")
    page.goto(f"{base}/tickets/{ticket.reference}/")
    page.get_by_label("Hand off or move to").select_option(str(college["queues"]["it"].pk))
    page.get_by_label("Note for the receiving side").fill("Driver issue, not a library printer fault.")
    page.get_by_role("button", name="Hand off / move").click()
    page.wait_for_load_state()
    sign_out(page)

    # 2. IT opens it and resolves it.
    sign_in(page, base, "ivan")
    page.goto(f"{base}/tickets/{ticket.reference}/")
    page.get_by_role("button", name="Open it").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Resolve").click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert (ticket.state, ticket.queue.slug) == ("resolved", "it-printing")
    sign_out(page)

    # 3. The director brings the ledger up to date (the job the schedule runs).
    sign_in(page, base, "simone")
    page.goto(f"{base}/partnership/ledger/")
    page.get_by_role("button", name="Update the ledger now").click()
    page.get_by_text(re.compile(r"2 new, 0 updated")).wait_for()

    # 4. The ledger shows the new entries, and each opens its ticket.
    results = page.locator("#ledger-results")
    asked = results.get_by_role("row").filter(has_text=f"Ticket #{ticket.pk} handed from Library to IT")
    assert "Library asked IT" in asked.inner_text()
    gave = results.get_by_role("row").filter(has_text=f"Ticket #{ticket.pk} resolved by IT for Library")
    assert "IT gave Library" in gave.inner_text()
    asked.get_by_role("link", name="Open the record").click()
    page.wait_for_url(re.compile(rf"/tickets/{ticket.reference}/$"))

    # 5. The balance moved: the library asked once, IT gave once.
    page.goto(f"{base}/partnership/")
    after = term_figures(page)
    assert after["Library"] == "Asked 1 · gave 0"
    assert after["IT"] == "Asked 0 · gave 1"
    library_card = page.locator(".pship-figure").filter(has_text="Library").first
    assert "0%" in library_card.locator(".pship-figure__big").inner_text()  # all asking, no giving yet
    assert page.locator(".pship-chart img").count() == 1
    assert "In words:" in page.locator(".pship-chart figcaption").inner_text()
    # One click from the balance to the records behind it.
    page.locator("#balance-table").get_by_role("link", name="1").first.click()
    page.wait_for_url(re.compile(r"/partnership/ledger/\?"))
    assert page.locator("#ledger-results tbody tr").count() == 1
