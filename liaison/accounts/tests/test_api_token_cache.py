"""A verified API token is remembered briefly (no database read per call), and anything that
changes what the token may do takes effect on the very next call."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.accounts.models import ApiToken
from liaison.accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from liaison.audit.models import AuditEvent
from liaison.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def token_cache_on(settings):
    # On by default only with Redis (a cache every worker shares); here one process and its
    # local cache stand in for it.
    settings.API_TOKEN_CACHE_SECONDS = 30


ME = "/api/v1/accounts/me"
PASSWORD = "correct-horse-battery-staple"  # conftest's


def bearer(plain: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def test_a_remembered_token_is_checked_without_reading_the_database(users):
    _token, plain = api_token_create(actor=users[Role.IT_STAFF], name="Lab agent")
    first = api_token_authenticate(plain)
    with CaptureQueriesContext(connection) as queries:
        again = api_token_authenticate(plain)
    assert len(queries) == 0
    assert again.pk == first.pk and again.role == Role.IT_STAFF and again.username == "t_it"


def test_the_cache_holds_no_password_hash(users):
    user = users[Role.IT_STAFF]
    token, plain = api_token_create(actor=user, name="Lab agent")
    api_token_authenticate(plain)
    remembered = cache.get(f"apitoken:{token.key_hash}")
    assert remembered is not None, "the verification should be cached"
    assert "t_it" in repr(remembered)
    assert user.password not in repr(remembered) and "password" not in repr(remembered)


def test_saving_a_remembered_user_keeps_their_password(users):
    user = users[Role.IT_STAFF]
    _token, plain = api_token_create(actor=user, name="Lab agent")
    api_token_authenticate(plain)
    remembered = api_token_authenticate(plain)
    remembered.first_name = "Renamed"
    remembered.save()
    user.refresh_from_db()
    assert user.first_name == "Renamed"
    assert user.check_password(PASSWORD)


def test_a_revoked_token_is_refused_on_the_next_call(client, users):
    token, plain = api_token_create(actor=users[Role.LIBRARY_STAFF], name="Report script")
    assert client.get(ME, **bearer(plain)).status_code == 200  # now remembered
    api_token_revoke(actor=users[Role.LIBRARY_STAFF], token=token)
    assert client.get(ME, **bearer(plain)).status_code == 401


def test_a_deleted_token_is_refused_on_the_next_call(client, users):
    token, plain = api_token_create(actor=users[Role.LIBRARY_STAFF], name="Report script")
    assert client.get(ME, **bearer(plain)).status_code == 200
    ApiToken.objects.get(pk=token.pk).delete()
    assert client.get(ME, **bearer(plain)).status_code == 401


def test_deactivating_the_user_refuses_their_tokens_on_the_next_call(client, users):
    user = users[Role.LIBRARY_STAFF]
    _token, plain = api_token_create(actor=user, name="Report script")
    assert client.get(ME, **bearer(plain)).status_code == 200
    user.is_active = False
    user.save()
    assert client.get(ME, **bearer(plain)).status_code == 401


def test_a_role_change_applies_on_the_next_call(client, users):
    user = users[Role.LIBRARY_STAFF]
    _token, plain = api_token_create(actor=user, name="Report script")
    assert client.get(ME, **bearer(plain)).json()["role"] == "library_staff"
    user.role = Role.SUPERVISOR
    user.save(update_fields=["role"])
    assert client.get(ME, **bearer(plain)).json()["role"] == "supervisor"
    # A role without API tokens (student workers use the desk screen) ends the token at once.
    user.role = Role.STUDENT_WORKER
    user.save(update_fields=["role"])
    assert client.get(ME, **bearer(plain)).status_code == 401


def test_signing_in_does_not_clear_remembered_tokens(client, users):
    user = users[Role.LIBRARY_STAFF]
    _token, plain = api_token_create(actor=user, name="Report script")
    api_token_authenticate(plain)
    assert client.login(username=user.username, password=PASSWORD)
    with CaptureQueriesContext(connection) as queries:
        api_token_authenticate(plain)
    assert len(queries) == 0


def test_with_the_cache_turned_off_every_call_reads_the_database(settings, users):
    settings.API_TOKEN_CACHE_SECONDS = 0
    _token, plain = api_token_create(actor=users[Role.IT_STAFF], name="Lab agent")
    api_token_authenticate(plain)
    with CaptureQueriesContext(connection) as queries:
        assert api_token_authenticate(plain) is not None
    assert len(queries) == 1


@pytest.mark.parametrize(("redis_url", "expected"), [("", "0"), ("redis://127.0.0.1:6379/9", "30")])
def test_tokens_are_remembered_by_default_only_with_a_shared_cache(redis_url, expected):
    """Each worker's local cache cannot be cleared by the others, so without Redis a revoked
    token would live on in them: the default is then to check every call."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "LIAISON_API_TOKEN_CACHE_SECONDS")}
    env.update({"REDIS_URL": redis_url, "DJANGO_DEBUG": "1"})
    shown = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.API_TOKEN_CACHE_SECONDS)"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert shown == expected


def test_deactivating_a_user_ends_their_sessions(client, users, django_capture_on_commit_callbacks):
    from django.contrib.sessions.models import Session

    from liaison.accounts.services import user_deactivate

    user = users[Role.LIBRARY_STAFF]
    client.force_login(user)
    assert client.get("/home/").status_code == 200
    assert Session.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(actor=users[Role.ADMINISTRATOR], user=user)
    assert Session.objects.count() == 0
    assert client.get("/home/").status_code == 302  # back to sign-in
    user.refresh_from_db()
    assert user.is_active is False
    assert AuditEvent.objects.filter(action="user.deactivate", object_id=str(user.pk)).exists()


def test_unticking_active_in_the_admin_ends_their_sessions_and_tokens(
    client, users, django_capture_on_commit_callbacks
):
    from django.contrib.sessions.models import Session
    from django.test import Client

    user = users[Role.LIBRARY_STAFF]
    _token, plain = api_token_create(actor=user, name="Report script")
    assert client.get(ME, **bearer(plain)).status_code == 200  # now remembered
    theirs = Client()
    theirs.force_login(user)
    admin = Client()
    admin.force_login(users[Role.ADMINISTRATOR])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            f"/admin/accounts/user/{user.pk}/change/",
            {
                "username": user.username,
                "role": user.role,
                "department": user.department_id,
                "date_joined_0": "2026-01-01",
                "date_joined_1": "10:00",
            },  # "is_active" left out: the box unticked
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.is_active is False
    assert not Session.objects.filter(session_key=theirs.session.session_key).exists()
    assert theirs.get("/home/").status_code == 302
    assert client.get(ME, **bearer(plain)).status_code == 401


def test_only_administrators_deactivate_people(users):
    from django.core.exceptions import PermissionDenied

    from liaison.accounts.services import user_deactivate

    with pytest.raises(PermissionDenied):
        user_deactivate(actor=users[Role.SUPERVISOR], user=users[Role.STUDENT_WORKER])
    users[Role.STUDENT_WORKER].refresh_from_db()
    assert users[Role.STUDENT_WORKER].is_active is True


def test_with_sessions_in_a_shared_cache_deactivating_still_ends_them_at_once(
    client, users, settings, django_capture_on_commit_callbacks
):
    """With Redis, sessions are read from the cache (cached_db): ending them must clear the
    cached copy too, or a deactivated person would stay signed in until it expired."""
    from django.core.cache import cache

    from liaison.accounts.services import user_deactivate

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache.clear()
    user = users[Role.LIBRARY_STAFF]
    client.force_login(user)
    assert client.get("/home/").status_code == 200
    key = client.session.session_key
    assert cache.get(f"django.contrib.sessions.cached_db{key}") is not None
    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(actor=users[Role.ADMINISTRATOR], user=user)
    assert cache.get(f"django.contrib.sessions.cached_db{key}") is None
    assert client.get("/home/").status_code == 302


def test_no_token_is_taken_as_a_claim_without_redis(users):
    """A claim is confirmed against the shared Redis entry; a per-process cache has none to
    confirm it against, so without Redis every call checks the token as before."""
    from liaison.accounts.services import api_token_recall

    _token, plain = api_token_create(actor=users[Role.IT_STAFF], name="Lab agent")
    assert api_token_authenticate(plain) is not None
    assert api_token_authenticate(plain) is not None  # remembered in the local cache
    assert api_token_recall(plain) is None
