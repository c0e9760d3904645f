"""The desk journey, in a real browser: a librarian logs three questions by keyboard,
promotes one to a ticket and hands it to IT; IT resolves it; the librarian sees the
resolution; the patron's status page shows it resolved."""

import importlib
import re

import pytest
from django.apps import apps

from liaison.demo.seed import DEMO_PASSWORD, seed_demo
from liaison.desk.models import Interaction
from liaison.tickets.models import Queue, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo_college(transactional_db):
    # Transactional tests empty the tables between tests: put the desk's starting lists back.
    importlib.import_module("liaison.desk.migrations.0002_seed_kinds_and_categories").seed(apps, None)
    seed_demo()


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home/$"))


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/sign-in/"))


def test_a_question_crosses_from_the_library_desk_to_it_and_back(page, live_server, demo_college):
    base = live_server.url
    before = Interaction.objects.count()

    # 1. A librarian logs three interactions with the keyboard alone: kind letter, READ digit.
    sign_in(page, base, "library")
    page.goto(f"{base}/desk/joint-desk/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("heading", name="Log an interaction").click()  # focus the page, not a field
    # The demo college may already hold this shift's entries for this person (it depends on
    # the time of day the suite runs), so count what the list shows before logging.
    listed_before = page.locator(".entries .entry").count()
    for count, (kind_key, level, label) in enumerate(
        [("r", "3", "Research"), ("t", "2", "Technology"), ("d", "1", "Directional")], start=1
    ):
        page.keyboard.press(kind_key)
        page.keyboard.press(level)  # "log as soon as I pick a READ level" is on by default
        page.locator("[data-desk-status]").get_by_text(f"Saved: {label} · READ {level}.").wait_for()
        assert Interaction.objects.count() == before + count
    page.reload()
    assert page.locator(".entries .entry").count() == listed_before + 3
    technology = Interaction.objects.filter(kind__slug="technology").order_by("-logged_at").first()
    assert technology.read_level == 2

    # 2. Promote the technology question to a ticket in a library queue, then hand it to IT.
    page.reload()
    page.locator(f'a[href$="/tickets/promote/{technology.client_id}/"]').click()
    page.get_by_label("Queue").select_option(str(Queue.objects.get(slug="lib-printing").pk))
    page.get_by_label("Subject").fill("Laptop will not print to the library printers")
    page.get_by_label("Patron's e-mail").fill("pat.doe@students.college.example")
    page.get_by_role("button", name="Make ticket").click()
    page.wait_for_url(re.compile(r"/tickets/[0-9a-f-]{36}/$"))
    ticket = Ticket.objects.get(interaction=technology)
    assert str(ticket.reference) in page.url or ticket.subject in page.content()
    # The patron has no account: the librarian hands over a status link (shown once).
    page.get_by_role("button", name="Make a link for the patron").click()
    page.wait_for_load_state()
    status_link = page.get_by_label("Status link to give the patron").input_value()
    assert "/status/" in status_link
    page.get_by_label("Hand off or move to").select_option(str(Queue.objects.get(slug="it-printing").pk))
    page.get_by_label("Note for the receiving side").fill("Driver issue, not a library printer fault.")
    page.get_by_role("button", name="Hand off / move").click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert ticket.queue.slug == "it-printing"
    assert Interaction.objects.count() == before + 3  # promoting counted nothing twice
    sign_out(page)

    # 3. IT signs in, finds it in the queue and resolves it.
    sign_in(page, base, "it")
    page.goto(f"{base}/tickets/queue/?queue=it-printing")
    page.get_by_role("link", name="Laptop will not print to the library printers").click()
    page.get_by_role("button", name="Open it").click()
    page.wait_for_load_state()
    page.get_by_label("Reply or note").fill("Reinstalled the print driver; it prints now.")
    page.get_by_role("button", name=re.compile("public reply", re.I)).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Resolve").click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert ticket.state == "resolved"
    sign_out(page)

    # 4. The librarian who handed it off sees the resolution among what they follow.
    sign_in(page, base, "library")
    page.goto(f"{base}/tickets/")
    resolved = page.get_by_role("region", name=re.compile("Recently resolved"))
    assert resolved.get_by_text("Laptop will not print to the library printers").first.is_visible()
    sign_out(page)

    # 5. The patron's status page shows it resolved, with the public reply and no staff notes.
    page.goto(status_link)
    body = page.locator("main").inner_text()
    assert "Resolved" in body or "resolved" in body
    assert "Reinstalled the print driver" in body
    assert "Driver issue, not a library printer fault." not in body
    assert "pat.doe@" not in body
