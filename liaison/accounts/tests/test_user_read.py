"""Who is asking, read on every signed-in request (`User.objects.get(pk=…)`, Django's
ModelBackend): compiled once per connection, and the same person as Django's own read."""

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from liaison.accounts.models import User
from liaison.core.roles import Role

pytestmark = pytest.mark.django_db


def test_the_compiled_read_gives_the_person_djangos_read_gives(users, departments):
    for person in users.values():
        compiled = User.objects.get(pk=person.pk)
        plain = User._base_manager.get(pk=person.pk)
        assert type(compiled) is User and compiled.pk == plain.pk
        assert model_to_dict(compiled) == model_to_dict(plain)
        assert compiled.password == plain.password and compiled.last_login == plain.last_login
    with CaptureQueriesContext(connection) as queries:
        User.objects.get(pk=users[Role.IT_STAFF].pk)
    assert len(queries) == 1 and "ORDER BY" not in queries[0]["sql"]


def test_nobody_by_that_id_is_does_not_exist(users):
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=10**9)


def test_a_related_manager_keeps_its_own_filter(users, departments):
    """`department.members.get(pk=…)` must not find someone from another department."""
    it_person = users[Role.IT_STAFF]
    other = next(d for d in departments.values() if d.pk != it_person.department_id)
    with pytest.raises(User.DoesNotExist):
        other.members.get(pk=it_person.pk)
    assert it_person.department.members.get(pk=it_person.pk) == it_person


def test_a_signed_in_request_sees_a_deactivated_account_at_once(client_as, users):
    client = client_as(Role.LIBRARY_STAFF)
    assert client.get("/home/").status_code == 200
    User.objects.filter(pk=users[Role.LIBRARY_STAFF].pk).update(is_active=False)
    assert client.get("/home/").status_code == 302  # signed out: sent to sign in
