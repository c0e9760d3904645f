import logging
import time

import pytest
from django.test import Client, override_settings

from conftest import PASSWORD
from liaison.core.roles import Role

pytestmark = pytest.mark.django_db


def test_staff_pages_are_never_cached(client_as):
    response = client_as(Role.LIBRARY_STAFF).get("/home/")
    assert "no-store" in response["Cache-Control"]


def test_every_response_carries_a_request_id(client):
    assert len(client.get("/").headers["X-Request-ID"]) == 32


def test_sign_in_rotates_the_session_and_sign_out_clears_the_site(client, users):
    client.get("/accounts/sign-in/")
    client.session.save()
    before = client.session.session_key
    client.post("/accounts/sign-in/", {"username": "t_library", "password": PASSWORD})
    assert client.session.session_key != before
    response = client.post("/accounts/sign-out/")
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert client.get("/home/").status_code == 302


@override_settings(SESSION_IDLE_MINUTES=30)
def test_an_idle_session_ends(client, users):
    client.post("/accounts/sign-in/", {"username": "t_library", "password": PASSWORD})
    session = client.session
    session["last_seen"] = int(time.time()) - 31 * 60
    session.save()
    assert client.get("/home/").status_code == 302


@override_settings(SESSION_ABSOLUTE_HOURS=10)
def test_a_session_ends_after_its_absolute_lifetime_even_when_busy(client, users):
    client.post("/accounts/sign-in/", {"username": "t_library", "password": PASSWORD})
    session = client.session
    session["signed_in_at"] = int(time.time()) - 11 * 3600
    session.save()
    assert client.get("/home/").status_code == 302


def test_failed_sign_ins_are_logged_without_the_typed_name(client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="liaison.security"):
        client.post("/accounts/sign-in/", {"username": "sentinel\r\nFAKE LOG LINE", "password": "sentinel-pass"})
    records = [r for r in caplog.records if r.name == "liaison.security"]
    assert len(records) == 1
    assert records[0].getMessage().startswith("login_failed")
    assert "sentinel" not in caplog.text and "FAKE LOG LINE" not in caplog.text


def test_no_cross_origin_access_is_granted(client_as):
    client = client_as(Role.IT_STAFF)
    response = client.get("/api/v1/accounts/me", HTTP_ORIGIN="https://evil.test")
    assert "Access-Control-Allow-Origin" not in response
    preflight = client.options("/api/v1/accounts/me", HTTP_ORIGIN="https://evil.test")
    assert "Access-Control-Allow-Credentials" not in preflight


def test_a_crash_shows_a_generic_page_with_a_reference_and_no_internals(db):
    from django.urls import path

    from liaison.core.access import public

    @public
    def explode(request):
        raise RuntimeError("SELECT secret FROM SECRET_KEY")

    import config.urls

    urlpatterns = [path("explode/", explode), *config.urls.urlpatterns]
    with override_settings(
        ROOT_URLCONF=type("U", (), {"urlpatterns": urlpatterns, "handler500": config.urls.handler500})
    ):
        client = Client(raise_request_exception=False)
        response = client.get("/explode/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Traceback" not in body and "SELECT" not in body and "SECRET" not in body
    assert response.headers["X-Request-ID"] in body


def test_a_fresh_install_has_no_accounts(db):
    from liaison.accounts.models import User

    assert User.objects.count() == 0


@pytest.mark.parametrize(
    "path", ["/", "/home/", "/help/", "/places/hours/", "/api/v1/docs", "/healthz", "/no-such-page/"]
)
def test_every_page_carries_a_content_security_policy_and_a_permissions_policy(client_as, path):
    response = client_as(Role.LIBRARY_STAFF).get(path)
    assert response.status_code in (200, 302, 404)
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    assert policy["script-src"] == "'self'"  # no inline or outside script, ever
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_knowledge_base_images_may_come_only_from_listed_hosts(client):
    policy = client.get("/help/")["Content-Security-Policy"]
    img_src = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert img_src.split()[1:] == ["'self'", "data:"]


def test_no_page_has_inline_style_or_script_that_the_policy_would_block():
    """The policy forbids inline script and style attributes; keep the templates free of them."""
    import re
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for template in Path(settings.BASE_DIR).glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        if re.search(r"\sstyle=\"|\son[a-z]+=\"|<script>(?!</script>)|<style", text):
            offenders.append(str(template))
    assert offenders == []


def test_the_policy_built_once_is_the_policy_django_csp_builds(client):
    """The middleware builds the header once per process; it must be exactly what django-csp
    builds from the settings, on the floor path as on a page."""
    from csp.utils import build_policy

    for path in ("/healthz", "/accounts/sign-in/"):
        assert client.get(path)["Content-Security-Policy"] == build_policy()


def test_a_response_with_its_own_policy_still_gets_it(rf):
    """django-csp's per-view decorators keep working: such a response is built by django-csp."""
    from csp.decorators import csp_update
    from django.http import HttpResponse

    from liaison.core.middleware import ContentSecurityPolicyMiddleware

    @csp_update({"img-src": ["https://images.example.org"]})
    def view(request):
        return HttpResponse("ok")

    middleware = ContentSecurityPolicyMiddleware(view)
    response = middleware(rf.get("/x"))
    assert "https://images.example.org" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
