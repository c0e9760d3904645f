"""The pool in a real browser (issue 12, item 11): a supervisor generates a schedule and
publishes it; a worker sees their shifts on a phone and offers one; another worker picks it up;
the supervisor approves; both workers' calendar feeds change."""

from __future__ import annotations

import re
import urllib.request

import pytest
from icalendar import Calendar

from conftest import PASSWORD
from liaison.staffing import services
from liaison.staffing.models import Shift
from liaison.staffing.tests.factories import desks, make_term, make_worker, set_needs, supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pool(transactional_db):
    points = desks()
    boss = supervisor()
    boss.set_password(PASSWORD)
    boss.save()
    term = make_term(boss)
    mornings = {d: range(8, 14) for d in range(5)}
    ben = make_worker(term, username="ben", hours=mornings)
    cai = make_worker(term, username="cai", hours=mornings)
    for person in (ben.user, cai.user):
        person.set_password(PASSWORD)
        person.save()
    set_needs(term, points["joint"], {(d, h): (1, 1) for d in range(5) for h in range(9, 13)})
    return {"term": term, "boss": boss, "ben": ben, "cai": cai}


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home/$"))


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/sign-in/"))


def feed(base, token) -> dict[str, str]:
    with urllib.request.urlopen(f"{base}/staffing/feed/{token}.ics") as response:  # noqa: S310 - the test server
        cal = Calendar.from_ical(response.read())
    return {str(e["UID"]): str(e["STATUS"]) for e in cal.walk("VEVENT")}


def test_a_term_is_staffed_published_and_a_shift_changes_hands_from_a_phone(page, phone_page, live_server, pool):
    base = live_server.url
    # 1. The supervisor generates a schedule, applies it and publishes it.
    sign_in(page, base, pool["boss"].username)
    page.goto(f"{base}/staffing/")
    page.get_by_label("Time limit").select_option("5")
    page.get_by_role("button", name="Generate a schedule").click()
    page.wait_for_url(re.compile(r"/staffing/runs/\d+/$"))
    page.get_by_role("button", name="Apply as a draft").click()
    page.goto(f"{base}/staffing/")
    page.get_by_role("button", name=re.compile(r"Publish version \d+")).click()
    assert page.get_by_text(re.compile(r"Published \d+ shifts")).is_visible()

    # A worker with free mornings joins after publishing: nothing of theirs is scheduled yet.
    dee = make_worker(pool["term"], username="dee", hours={d: range(8, 14) for d in range(5)})
    dee.user.set_password(PASSWORD)
    dee.user.save()
    giver = pool["ben"]
    token_giver = services.feed_link_reset(actor=giver.user)
    token_dee = services.feed_link_reset(actor=dee.user)

    # 2. The worker sees their shifts on a phone and offers the first.
    sign_in(phone_page, base, giver.user.username)
    phone_page.goto(f"{base}/staffing/")
    first = Shift.objects.filter(worker=giver, state="published").order_by("date", "start_hour").first()
    uid = f"{first.uid}@liaison"
    assert feed(base, token_giver)[uid] == "CONFIRMED"
    phone_page.get_by_role("button", name="Offer").first.click()
    assert phone_page.get_by_text("Your shift is offered").is_visible()
    sign_out(phone_page)

    # 3. Another worker picks it up.
    sign_in(phone_page, base, "dee")
    phone_page.goto(f"{base}/staffing/")
    phone_page.get_by_role("button", name="Pick up").first.click()
    assert phone_page.get_by_text("a supervisor approves it").is_visible()

    # 4. The supervisor approves.
    page.goto(f"{base}/staffing/")
    page.get_by_role("button", name="Approve").click()
    assert page.get_by_text("Approved: the shift changed hands.").is_visible()

    # 5. Both workers' feeds change: gone from one (cancelled, same UID), in the other's.
    assert feed(base, token_giver)[uid] == "CANCELLED"
    assert feed(base, token_dee)[uid] == "CONFIRMED"
