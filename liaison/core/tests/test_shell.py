import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from liaison.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", Role.values)
def test_every_role_has_a_home_page_with_its_own_navigation(client_as, role):
    response = client_as(role).get("/home/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<main id="main"' in html and 'href="#main"' in html  # landmark and skip link
    assert ("API tokens" in html) == (role != Role.STUDENT_WORKER)  # tokens are for staff roles
    assert ("Audit trail" in html) == (role == Role.ADMINISTRATOR)
    assert ("People by role" in html) == (role in (Role.ADMINISTRATOR, Role.SUPERVISOR))


def test_the_start_page_welcomes_visitors_and_points_to_hours(client):
    html = client.get("/").content.decode()
    assert "Staff sign-in" in html and "/places/hours/" in html and 'href="/help/"' in html


def test_health_check_is_public_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    # Up, and the database answers; nothing about users or data to an anonymous caller.
    assert response.json() == {"ok": True, "db": True}


def test_no_page_loads_assets_from_another_site(client_as):
    html = client_as(Role.LIBRARY_STAFF).get("/home/").content.decode()
    assert "https://" not in html.split("<body")[0]


def test_unknown_pages_get_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    # Our page, in the shell, with a way on; not Django's technical page or a bare status.
    assert "<h1>Page not found</h1>" in html
    assert 'href="/"' in html
    assert "Traceback" not in html and "URLconf" not in html and "/no-such-page/" not in html


def test_openapi_document_is_public_and_docs_need_sign_in(client, client_as):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Liaison API"
    assert client.get("/api/v1/docs").status_code == 302
    assert client_as(Role.IT_STAFF).get("/api/v1/docs").status_code == 200


def test_api_errors_share_one_format(client):
    response = client.get("/api/v1/places/service-points/nowhere")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "code", "errors"}


def _settings_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LIAISON_"))}
    env.update(extra)
    return env


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env=_settings_env(DJANGO_DEBUG="0"),
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        env=_settings_env(
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x" * 40 + "-9f8e7d6c5b4a",
            DJANGO_ALLOWED_HOSTS="liaison.college.example",
            LIAISON_SITE_URL="https://liaison.college.example",
            LIAISON_VAR_DIR=str(tmp_path),
        ),
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("site_url", "complaint"),
    [
        (None, "LIAISON_SITE_URL is not set"),
        ("http://127.0.0.1:8000", "is this machine"),
        ("https://localhost", "is this machine"),
        ("http://liaison.college.example", "is http while Liaison requires HTTPS"),
        ("liaison.college.example", "is not a web address"),
    ],
)
def test_the_deploy_check_catches_links_that_would_not_work(tmp_path: Path, site_url, complaint):
    env = _settings_env(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x" * 40 + "-9f8e7d6c5b4a",
        DJANGO_ALLOWED_HOSTS="liaison.college.example",
        LIAISON_VAR_DIR=str(tmp_path),
    )
    if site_url is not None:
        env["LIAISON_SITE_URL"] = site_url
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode != 0
    assert complaint in result.stderr + result.stdout


def test_an_administrator_finds_setup_in_the_menu_and_others_do_not(client_as):
    admin_page = client_as(Role.ADMINISTRATOR).get("/home/").content.decode()
    assert 'href="/admin/"' in admin_page and ">Setup<" in admin_page
    staff_page = client_as(Role.SUPERVISOR).get("/home/").content.decode()
    assert 'href="/admin/"' not in staff_page
