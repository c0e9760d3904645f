"""The charts in a real browser under the real Content-Security-Policy: a supervisor opens the
desk dashboard on a laptop and on a phone; every chart draws live with Vega (no eval, no inline
script), the page raises no CSP violation, and the table opens below its chart."""

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone

from conftest import PASSWORD, wait_for_js
from liaison.core.roles import Role
from liaison.desk import services as desk_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_the_desk_dashboard_draws_live_charts_under_the_csp(request, viewport, live_server, users, joint_desk):
    page = request.getfixturevalue(viewport)
    from liaison.desk.models import InteractionKind

    InteractionKind.objects.get_or_create(slug="research", defaults={"name": "Research", "shortcut": "r"})
    when = timezone.now() - dt.timedelta(hours=2)
    for level in (1, 2, 3, 3, 4):
        desk_services.interaction_log(
            actor=users[Role.LIBRARY_STAFF],
            service_point=joint_desk,
            kind="research",
            read_level=level,
            mode="chat",
            client_id=uuid.uuid4(),
            occurred_at=when.isoformat(),
        )
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    base = live_server.url
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Username").fill(users[Role.SUPERVISOR].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home/$"))
    page.goto(f"{base}/insights/desk/?period=this_month")
    drawn = "document.querySelectorAll('.insights-plot.is-live svg').length"
    wait_for_js(page, f"{drawn} >= document.querySelectorAll('.insights-plot[data-vega]').length && {drawn} > 0")
    assert violations == []
    page.locator("#chart-modes summary").click()
    assert "Chat" in page.locator("#chart-modes table").inner_text()
