"""A new person signs in with a demo sign-in, lands on their home page and moves around."""

import re

import pytest

from liaison.demo.seed import DEMO_PASSWORD, seed_foundation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo_college(transactional_db):
    seed_foundation(lambda _msg: None)


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/")
    page.get_by_role("link", name="Staff sign-in").first.click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_librarian_signs_in_lands_home_and_finds_the_hours(page, live_server, demo_college):
    sign_in(page, live_server.url, "library")
    page.wait_for_url(re.compile(r"/home/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Lena"
    assert page.get_by_role("heading", name="Service points today").is_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Places & hours").click()
    page.wait_for_url(re.compile(r"/places/$"))
    assert page.get_by_role("row", name=re.compile("Research & IT Desk")).first.is_visible()
    # Admin-only tools are not offered to library staff.
    assert page.get_by_role("link", name="Audit trail").count() == 0


def test_a_wrong_password_says_so_without_revealing_the_account(page, live_server, demo_college):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Username").fill("library")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("That user name and password do not match")


def test_the_administrator_reaches_the_audit_trail_and_setup(page, live_server, demo_college):
    sign_in(page, live_server.url, "admin")
    page.wait_for_url(re.compile(r"/home/$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Audit trail"


def test_on_a_phone_the_menu_folds_and_opens_by_keyboard(phone_page, live_server, demo_college):
    page = phone_page
    sign_in(page, live_server.url, "student")
    page.wait_for_url(re.compile(r"/home/$"))
    nav_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Places & hours")
    assert not nav_link.is_visible()
    toggle = page.get_by_role("button", name="Menu")
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    nav_link.click()
    page.wait_for_url(re.compile(r"/places/$"))
