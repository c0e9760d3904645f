"""In a real browser at 1280 and 390 px: the demand page shows its chart, forecast and labs
answer without sideways scrolling; a student rates a calibration question with the keyboard-
and thumb-sized radio buttons."""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid

import pytest
from django.core.cache import cache
from django.utils import timezone

from conftest import PASSWORD
from liaison.demand import services
from liaison.demand.models import CalibrationRating
from liaison.demand.tests.test_pages import months_back, put
from liaison.desk import services as desk_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, base, user):
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home/$"))


@pytest.mark.parametrize("which", ["page", "phone_page"])
def test_the_demand_page_in_a_browser(request, which, live_server, users):
    cache.clear()
    put("visits", "City", [(m, 1000 * (1 + 0.4 * math.sin(2 * math.pi * m.month / 12))) for m in months_back(36)])
    browser_page = request.getfixturevalue(which)
    sign_in(browser_page, live_server.url, users["supervisor"])
    browser_page.goto(f"{live_server.url}/demand/", timeout=90_000)  # the first view fits the model
    image = browser_page.locator(".demand-chart img")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "Forecast for the next 12 months" in browser_page.locator("#text-alternative").inner_text()
    assert browser_page.locator("#forecast-table tbody tr").count() == 12
    width = browser_page.evaluate("document.documentElement.scrollWidth")
    assert width <= browser_page.viewport_size["width"]


def test_a_student_rates_a_question_on_a_phone(phone_page, live_server, users, joint_desk):
    from liaison.desk.models import InteractionKind

    InteractionKind.objects.get_or_create(slug="research", defaults={"name": "Research"})
    zone = timezone.get_current_timezone()
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=5)
    for i in range(3):
        desk_services.interaction_log(
            actor=users["library_staff"], service_point=joint_desk, kind="research", read_level=3,
            mode="in_person", client_id=uuid.uuid4(), note=f"Finding a 1990s census table #{i}",
            occurred_at=dt.datetime.combine(last_month, dt.time(10 + i), zone),
        )  # fmt: skip
    services.calibration_round_start(actor=users["supervisor"], month=timezone.localdate(), size=3)
    sign_in(phone_page, live_server.url, users["student_worker"])
    phone_page.goto(f"{live_server.url}/demand/calibration/")
    assert "census table" in phone_page.locator(".demand-question").inner_text()
    phone_page.get_by_label("4").check()
    phone_page.get_by_role("button", name="Save and next").click()
    assert "rated" in phone_page.locator(".messages").inner_text()
    assert "1 of 3" in phone_page.locator("#progress").inner_text()
    assert CalibrationRating.objects.get().level == 4
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
