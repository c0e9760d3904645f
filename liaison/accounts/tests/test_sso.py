import pytest
from django.test import override_settings

from liaison.core.roles import Role

pytestmark = pytest.mark.django_db

SSO_BACKENDS = [
    "liaison.accounts.backends.CampusRemoteUserBackend",
    "django.contrib.auth.backends.ModelBackend",
    "liaison.accounts.backends.AdministratorRoleBackend",
]


def test_the_remote_user_header_is_ignored_when_sso_is_off(client, users):
    response = client.get("/home/", REMOTE_USER="t_library")
    assert response.status_code == 302  # still sent to sign in


@override_settings(SSO_REMOTE_USER_ENABLED=True, AUTHENTICATION_BACKENDS=SSO_BACKENDS)
def test_sso_signs_in_a_known_account_from_the_header(client, users):
    response = client.get("/home/", REMOTE_USER="t_library")
    assert response.status_code == 200
    assert "t_library" in response.content.decode() or "Hello" in response.content.decode()


@override_settings(SSO_REMOTE_USER_ENABLED=True, AUTHENTICATION_BACKENDS=SSO_BACKENDS, SSO_CREATE_UNKNOWN_USERS=False)
def test_sso_does_not_create_unknown_people_by_default(client, users):
    from liaison.accounts.models import User

    response = client.get("/home/", REMOTE_USER="newcomer")
    assert response.status_code == 302
    assert not User.objects.filter(username="newcomer").exists()


@override_settings(SSO_REMOTE_USER_ENABLED=True, AUTHENTICATION_BACKENDS=SSO_BACKENDS, SSO_CREATE_UNKNOWN_USERS=True)
def test_sso_can_create_accounts_as_student_workers_without_a_password(client, users):
    from liaison.accounts.models import User

    assert client.get("/home/", REMOTE_USER="newcomer").status_code == 200
    created = User.objects.get(username="newcomer")
    assert created.role == Role.STUDENT_WORKER
    assert not created.has_usable_password()
