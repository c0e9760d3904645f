"""Every desk route that takes an entry's id, tried with another person's entry, a deleted
entry and a made-up id, as every role and signed out: a 404 or 403 (or, for pages, a
redirect that changes nothing), never another person's note, never a 500."""

import uuid

import pytest
from django.urls import reverse

from conftest import make_user
from liaison.core.roles import Role
from liaison.desk import services
from liaison.desk.models import Interaction

from .conftest import API

pytestmark = pytest.mark.django_db

NOTE = "Colleague's private working note"
ROLES = [Role.ADMINISTRATOR, Role.SUPERVISOR, Role.LIBRARY_STAFF, Role.IT_STAFF, Role.STUDENT_WORKER, None]


@pytest.fixture
def entries(point, departments):
    other = make_user(Role.LIBRARY_STAFF, username="t_colleague", department=departments["library"])

    def log(**fields):
        values = {"kind": "research", "read_level": 3, "mode": None, "client_id": uuid.uuid4(), "note": NOTE}
        return services.interaction_log(actor=other, service_point=point, **(values | fields))[0]

    deleted = log()
    deleted_id = deleted.client_id
    Interaction.objects.filter(pk=deleted.pk).delete()
    return {"another person's": log().client_id, "deleted": deleted_id, "made-up": uuid.uuid4()}


def _sign_in(client, users, role):
    if role is not None:
        client.force_login(users[role])
    return client


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("which", ["another person's", "deleted", "made-up"])
def test_reading_an_entry_by_id(client, users, entries, role, which):
    response = _sign_in(client, users, role).get(f"{API}/{entries[which]}")
    sees_everyones = role in (Role.ADMINISTRATOR, Role.SUPERVISOR, Role.LIBRARY_STAFF, Role.IT_STAFF)
    if role is None:
        assert response.status_code == 401
    elif which == "another person's" and sees_everyones:
        assert response.status_code == 200
        assert response.json()["note"] == NOTE
    else:
        assert response.status_code == 404
        assert NOTE not in response.content.decode()


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("which", ["another person's", "deleted", "made-up"])
@pytest.mark.parametrize("method", ["patch", "delete", "undo page"])
def test_changing_an_entry_by_id(client, users, entries, point, role, which, method):
    client = _sign_in(client, users, role)
    client_id = entries[which]
    if method == "undo page":
        response = client.post(reverse("desk:undo", args=[point.slug, client_id]))
    elif method == "patch":
        response = client.patch(f"{API}/{client_id}", data={"read_level": 5}, content_type="application/json")
    else:
        response = client.delete(f"{API}/{client_id}")
    assert response.status_code < 500
    may_change_any = role in (Role.ADMINISTRATOR, Role.SUPERVISOR)
    if which != "another person's":
        expected = {302} if role is None and method == "undo page" else {401} if role is None else {404}
        assert response.status_code in expected
        assert NOTE not in response.content.decode()
        return
    stored = Interaction.objects.filter(client_id=client_id).first()
    if may_change_any:
        assert response.status_code in (200, 204, 302)
        assert stored is None or stored.read_level == 5
        return
    if role is None:
        assert response.status_code == (302 if method == "undo page" else 401)
    elif role == Role.STUDENT_WORKER:
        assert response.status_code == 404  # not even seen
    elif method == "undo page":
        assert response.status_code == 302  # back to the screen, saying why
    else:
        assert response.status_code == 403
    assert NOTE not in response.content.decode()
    assert stored is not None and stored.read_level == 3
