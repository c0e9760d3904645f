"""A pilot in a real browser, as the issue tells it: IT proposes a pilot, the library agrees to
it and starts it, IT makes a form, three patrons answer from their phones (one taps twice), and
the report shows their answers."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import PASSWORD, make_user
from liaison.core.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def college(transactional_db):
    from liaison.accounts.models import Department

    library = Department.objects.create(code="library", name="College Library", kind="library")
    it = Department.objects.create(code="it", name="IT Services", kind="it")
    make_user(Role.LIBRARY_STAFF, username="lena", department=library, first_name="Lena")
    make_user(Role.IT_STAFF, username="ivan", department=it, first_name="Ivan")


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home/$"))


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/sign-in/"))


def answer_from_a_phone(chromium_browser, link: str, audience: str, rating: str, *, tap_twice: bool = False) -> str:
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    try:
        phone.goto(link)
        phone.get_by_role("radio", name=audience, exact=True).check()
        phone.locator(f"input[name=ease][value='{rating}']").check()
        phone.get_by_role("radio", name="It worked", exact=True).check()
        phone.get_by_label("What happened? (optional)").fill("<b>Found it</b> under Send")
        sent = {
            "csrfmiddlewaretoken": phone.locator("input[name=csrfmiddlewaretoken]").input_value(),
            "token": phone.locator("input[name=token]").input_value(),
            "audience": audience.lower(),
            "ease": rating,
            "scan": "worked",
        }
        phone.get_by_role("button", name="Send my answers").click()
        phone.wait_for_url(re.compile(r"/thanks/"))
        if tap_twice:  # the same form sent again (a double tap on a bad connection): counted once
            again = context.request.post(link, form=sent)
            assert again.ok and "already in" in again.text()
        return phone.locator("main").inner_text()
    finally:
        context.close()


def test_it_proposes_the_library_agrees_three_phones_answer_and_the_report_shows_them(
    page, live_server, college, chromium_browser
):
    base = live_server.url
    today = dt.date.today()

    sign_in(page, base, "ivan")
    page.goto(f"{base}/pilots/")
    page.get_by_role("link", name="Propose a pilot").click()
    page.get_by_label("Title").fill("Scan-to-e-mail copier")
    page.get_by_label("What", exact=True).fill("A copier that scans to e-mail, in the Learning Commons.")
    page.get_by_label("What IT wants to learn").fill("Can students scan to e-mail without help?")
    page.get_by_label("IT side").select_option(label="IT Services")
    page.get_by_label("Library side").select_option(label="College Library")
    page.get_by_label("Starts").fill(today.isoformat())
    page.get_by_label("Ends").fill((today + dt.timedelta(days=21)).isoformat())
    page.get_by_label("Other devices").fill("Copier LC-1")
    page.get_by_role("button", name="Propose").click()
    page.wait_for_url(re.compile(r"/pilots/\d+/$"))
    pilot_url = page.url
    assert "Proposed" in page.locator("h1").inner_text()
    assert page.get_by_role("button", name="Agree to host it").count() == 0  # not IT's to agree
    sign_out(page)

    sign_in(page, base, "lena")
    page.goto(pilot_url)
    page.get_by_role("button", name="Agree to host it").click()
    page.get_by_role("button", name="Start the pilot").click()
    assert "Running" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Make a feedback form").click()
    page.get_by_label("Questions").fill(
        "rating [ease]*: How easy was the copier to use?\ntask [scan]: Scan a page to your e-mail. Did it work?"
    )
    page.get_by_role("button", name="Make the form").click()
    page.wait_for_url(re.compile(r"/poster/$"))
    link = page.locator(".pilot-poster__link").inner_text().strip()
    assert link.startswith(base + "/p/")
    assert page.locator("img.pilot-poster__qr").count() == 1

    said = [
        answer_from_a_phone(chromium_browser, link, "Student", "5", tap_twice=True),
        answer_from_a_phone(chromium_browser, link, "Faculty", "3"),
        answer_from_a_phone(chromium_browser, link, "Student", "4"),
    ]
    assert all("Your answers are in" in text for text in said)

    page.goto(pilot_url + "report/")
    report = page.locator("main").inner_text()
    assert "3 answers" in report
    assert "How easy was the copier to use?" in report
    assert "Fewer than 5 answers: not shown." in report  # three answers: small groups suppressed
    page.goto(pilot_url + "themes/")
    assert page.get_by_text("<b>Found it</b> under Send").count() == 3  # shown as text, never markup
