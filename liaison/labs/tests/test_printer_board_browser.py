"""Done when (issue 11): "a simulated printer running out of paper shows on the board without
anyone typing". The public board is open in Chromium (the entrance kiosk); CUPS's ippeveprinter
runs out of paper; the poller runs (as cron or the task would); the board, refreshing itself,
shows the printer down, then working once refilled, then "no signal" once it is switched off."""

import pytest
from django.core.cache import cache

from liaison.labs import services
from liaison.labs.printers import PollOptions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAST = PollOptions(timeout=2.0, concurrency=4)


def wait_for_text(page, locator, text: str, timeout_ms: int = 15_000) -> None:
    waited = 0
    while text not in locator.inner_text():
        if waited > timeout_ms:
            raise AssertionError(f"{text!r} never showed; the board says {locator.inner_text()!r}")
        page.wait_for_timeout(250)
        waited += 250


def test_the_kiosk_board_follows_the_printer_with_nobody_typing(page, live_server, ipp_printer, make_asset):
    cache.clear()
    make_asset("printer", name="Printer by the door", network_address=ipp_printer.address)
    services.printers_poll(options=FAST)
    page.goto(f"{live_server.url}/labs/status/?kiosk=1")
    line = page.locator(".devices li", has_text="Printer by the door")
    assert line.inner_text().endswith("Working")

    ipp_printer.trays(main=0, bypass=25)  # printed empty
    services.printers_poll(options=FAST)
    wait_for_text(page, line, "Down")  # the board refreshes itself every 5 s

    ipp_printer.trays(main=250, bypass=25)  # refilled
    services.printers_poll(options=FAST)
    wait_for_text(page, line, "Working")

    ipp_printer.kill()  # switched off at the wall
    services.printers_poll(options=FAST)
    wait_for_text(page, line, "No signal")
