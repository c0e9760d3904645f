"""The desk screen in a real browser: logging by keyboard, working through a dropped
connection without losing or doubling an entry, undo, and a phone-sized screen."""

import importlib
import json
import re

import pytest
from django.apps import apps

from conftest import wait_for_js
from liaison.demo.seed import DEMO_PASSWORD, seed_foundation
from liaison.desk.models import Interaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OUTBOX = "liaison.desk.outbox.v1"


@pytest.fixture
def demo_college(transactional_db):
    seed_foundation(lambda _msg: None)
    # Transactional tests empty the tables between tests: put the desk's starting lists back.
    importlib.import_module("liaison.desk.migrations.0002_seed_kinds_and_categories").seed(apps, None)


def open_desk(page, base_url, username="student", desk="joint-desk"):
    page.goto(f"{base_url}/accounts/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home/$"))
    page.goto(f"{base_url}/desk/{desk}/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("heading", name="Log an interaction").click()  # focus on the page, not a field


def status(page):
    return page.locator("[data-desk-status]")


def test_a_student_worker_logs_three_interactions_by_keyboard(page, live_server, demo_college):
    open_desk(page, live_server.url)
    for kind_key, level, label in [("r", "3", "Research"), ("t", "2", "Technology"), ("d", "1", "Directional")]:
        page.keyboard.press(kind_key)
        page.keyboard.press(level)  # "log as soon as I pick a READ level" is on by default
        status(page).get_by_text(f"Saved: {label} · READ {level}.").wait_for()
    wait_for_js(page, "document.querySelectorAll('#desk-recent .entry').length === 3")
    wait_for_js(page, "document.querySelector('#desk-tally [data-tally-total]').dataset.tallyTotal === '3'")
    stored = sorted(Interaction.objects.values_list("kind__slug", "read_level", "source"))
    assert stored == [("directional", 1, "desk"), ("research", 3, "desk"), ("technology", 2, "desk")]


def test_entries_made_offline_wait_in_the_browser_and_are_sent_once_when_back(page, live_server, demo_college):
    open_desk(page, live_server.url)
    page.context.set_offline(True)
    page.keyboard.press("a")
    page.keyboard.press("2")
    pending = page.locator("[data-desk-pending]")
    pending.get_by_text("Waiting to send (1)").wait_for()
    page.keyboard.press("t")
    page.keyboard.press("3")
    pending.get_by_text("Waiting to send (2)").wait_for()
    # Every entry waiting says where it is, not only the first.
    assert pending.get_by_text("kept on this computer").count() == 2
    assert "Offline" in page.locator("[data-desk-conn]").inner_text()
    assert not Interaction.objects.exists()
    saved_outbox = page.evaluate(f"localStorage.getItem('{OUTBOX}')")

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_for_js(page, f"JSON.parse(localStorage.getItem('{OUTBOX}')).length === 0")
    assert Interaction.objects.count() == 2

    # The same entry arrives again (another tab, a lost response): the server keeps one.
    page.evaluate(f"localStorage.setItem('{OUTBOX}', {json.dumps(saved_outbox)})")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    # A send the server could not take (503: the test database's shared cache is briefly
    # locked by another of the page's requests) stays in the outbox and is retried after
    # RETRY_MS (15 s): wait long enough for one retry.
    wait_for_js(page, "document.querySelector('[data-desk-status]').textContent.startsWith('Already saved')", 20)
    wait_for_js(page, f"JSON.parse(localStorage.getItem('{OUTBOX}')).length === 0", 20)
    assert Interaction.objects.count() == 2
    wait_for_js(page, "document.querySelector('[data-desk-pending]').innerText.trim() === ''")


def test_a_stray_enter_or_digit_after_logging_does_not_log_a_copy(page, live_server, demo_college):
    open_desk(page, live_server.url)
    page.keyboard.press("r")
    page.keyboard.press("3")
    status(page).get_by_text("Saved: Research · READ 3.").wait_for()
    page.keyboard.press("Enter")
    page.keyboard.press("3")
    status(page).get_by_text("Pick a kind first").wait_for()
    page.wait_for_timeout(300)
    assert Interaction.objects.filter(source="desk").count() == 1
    # A deliberate kind, then a level, still logs at once.
    page.keyboard.press("t")
    page.keyboard.press("2")
    status(page).get_by_text("Saved: Technology · READ 2.").wait_for()
    assert Interaction.objects.filter(source="desk").count() == 2


def test_u_undoes_the_last_entry_within_two_minutes(page, live_server, demo_college):
    open_desk(page, live_server.url, username="library")
    page.keyboard.press("r")
    page.keyboard.press("4")
    wait_for_js(page, "document.querySelectorAll('#desk-recent [data-undo]').length === 1")
    assert Interaction.objects.count() == 1
    page.keyboard.press("u")
    wait_for_js(page, "document.querySelector('[data-desk-status]').textContent === 'Undone.'")
    assert not Interaction.objects.exists()


def test_a_note_that_looks_like_an_email_is_warned_about_then_saved_on_request(page, live_server, demo_college):
    open_desk(page, live_server.url)
    page.keyboard.press("n")
    page.keyboard.type("wrote to jdoe@example.edu")
    page.keyboard.press("Escape")
    page.keyboard.press("o")
    page.keyboard.press("1")  # would log at once, but the note is checked first
    page.get_by_text("Log again to save it as it is").wait_for()
    assert not Interaction.objects.exists()
    page.keyboard.press("Enter")
    wait_for_js(page, "document.querySelector('[data-desk-status]').textContent.startsWith('Saved')")
    assert Interaction.objects.get().note == "wrote to jdoe@example.edu"


def test_on_a_phone_two_taps_log_an_entry_and_nothing_scrolls_sideways(phone_page, live_server, demo_college):
    page = phone_page
    open_desk(page, live_server.url, desk="commons-lab-desk")
    page.locator("label.chip", has_text="Equipment/printing").click()
    page.locator("label.chip--level", has_text="Quick").click()
    wait_for_js(page, "document.querySelector('[data-desk-status]').textContent.startsWith('Saved')")
    assert Interaction.objects.get().kind.slug == "equipment-printing"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
