"""The issue's journey in a real browser: a faculty member asks for a title for their course
(through their link, no account); the matrix shows it blocked by the student profile; the
librarian asks IT; IT resolves the request; the matrix turns green."""

from __future__ import annotations

import re

import pytest

from conftest import PASSWORD
from liaison.core.roles import Role
from liaison.software import selectors
from liaison.software.models import Request
from liaison.software.tests.conftest import make_title

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home/$"))


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/sign-in/"))


def test_a_faculty_request_goes_from_blocked_to_green(page, live_server, world):
    base = live_server.url
    logger = make_title("Logger Pro", versions=("3.16",))
    logger.requires.add(world.usb)  # it reads sensors over USB; the student profile does not grant it
    from liaison.software.models import ImageItem

    ImageItem.objects.create(image=world.commons_image, title=logger, version="3.16")

    # 1. The instructor opens the link the library sent and asks for Logger Pro.
    token = selectors.instructor_link_token(instructor=world.instructor, term=world.term)
    page.goto(f"{base}/software/faculty/{token}/")
    page.get_by_role("heading", name=re.compile("Software for your courses")).wait_for()
    page.get_by_label("Course").select_option(str(world.course.pk))
    page.get_by_label("Software").select_option(str(logger.pk))
    page.get_by_label("Minimum version").fill("3.16")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Thank you").wait_for()

    # 2. The librarian sees it blocked by the profile, and asks IT.
    sign_in(page, base, world.users[Role.LIBRARY_STAFF].username)
    page.goto(f"{base}/software/?answer=gaps")
    row = page.locator("tr.is-gap", has_text="Logger Pro")
    row.get_by_text("Blocked by the profile").wait_for()
    assert "USB storage" in row.inner_text()
    row.get_by_role("link", name="Ask IT").click()
    page.get_by_role("button", name="Send to IT").click()
    page.wait_for_url(re.compile(r"/software/requests/\d+/$"))
    request = Request.objects.get()
    assert request.ticket is not None and request.due_on < world.term.starts_on
    sign_out(page)

    # 3. IT resolves it: the student profile now allows it and grants USB storage.
    sign_in(page, base, world.users[Role.IT_STAFF].username)
    page.goto(f"{base}/software/requests/{request.pk}/")
    page.get_by_label("What was done").fill("Allowed in the student profile, with USB storage for the sensors.")
    page.get_by_role("button", name="Resolve").click()
    page.get_by_text("Resolved: the course can run it now.").wait_for()

    # 4. The matrix turns green.
    page.goto(f"{base}/software/")
    green = page.locator("tr", has_text="Logger Pro")
    green.locator('[data-answer="yes"]').wait_for()
    assert "Request #" in green.inner_text() and "resolved" in green.inner_text()
