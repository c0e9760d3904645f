"""The fault journey in a real browser (issue 11, item 12): a patron opens a printer's QR link
on a phone and reports a paper jam; the board shows the printer down; IT signs in and resolves
it; the board shows it working again; the reliability page counts the outage."""

import re

import pytest
from django.core.cache import cache

from conftest import PASSWORD
from liaison.labs.models import Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def board_line(page, base, name):
    page.goto(f"{base}/labs/status/")
    return page.locator(".devices li", has_text=name).inner_text()


def test_a_patron_reports_a_jam_and_it_fixes_it(phone_page, page, live_server, printer, users):
    base = live_server.url
    cache.clear()

    # 1–2. The patron scans the code (a phone) and reports a paper jam: no account, a few taps.
    phone_page.goto(f"{base}/labs/d/{printer.public_code}/")
    assert "Working" in phone_page.locator(".device-state").inner_text()
    phone_page.get_by_label("Paper jam").check()
    phone_page.get_by_label("Anything else? (optional)").fill("Tray 2, the light is orange")
    phone_page.get_by_role("button", name="Send report").click()
    phone_page.wait_for_url(re.compile(r"thanks=new"))
    assert "IT has been told" in phone_page.locator(".message").inner_text()
    assert "Out of order" in phone_page.locator(".device-state").inner_text()

    # 3. The board shows the printer down.
    assert board_line(phone_page, base, "Printer by the door").endswith("Down")

    # 4. IT signs in, opens the incident from the overview and resolves it.
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Username").fill(users["it_staff"].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home/$"))
    page.goto(f"{base}/labs/")
    incident = Incident.objects.get()
    page.get_by_role("link", name=f"#{incident.pk}", exact=True).click()
    page.get_by_label("What was done (optional)").fill("Cleared tray 2")
    page.get_by_role("button", name="Resolve: it works again").click()
    assert "is resolved" in page.locator(".messages").inner_text()

    # 5. The board shows it working again (the phone reloads the board).
    assert board_line(phone_page, base, "Printer by the door").endswith("Working")

    # 6. The reliability page counts the outage: one failure, and a repair time.
    page.goto(f"{base}/labs/reliability/?days=30")
    row = page.locator("tr", has_text=printer.tag)
    cells = row.locator("td").all_inner_texts()
    assert cells[3] == "1"  # failures
    assert cells[6] not in ("—", "")  # mean time to repair
