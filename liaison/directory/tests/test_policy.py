"""Who may read and change the directory: one policy for the pages, the API and the services."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.directory import policy, services
from liaison.directory.models import DirectoryEntry
from liaison.directory.selectors import entry_find, entry_get_for_user
from liaison.directory.tests.factories import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrar(departments):
    return make_entry(department=departments["library"], name="Registrar", slug="registrar", review_in_days=-3)


@pytest.mark.parametrize("role", [Role.STUDENT_WORKER, None])
def test_the_services_refuse_anyone_who_may_not_edit(users, departments, registrar, role):
    actor = users[role] if role else AnonymousUser()
    with pytest.raises(PermissionDenied):
        services.entry_create(actor=actor, name="Bursar", handles="bills", department=departments["library"])
    with pytest.raises(PermissionDenied):
        services.entry_update(actor=actor, entry=registrar, data={"name": "Renamed"})
    with pytest.raises(PermissionDenied):
        services.entry_mark_reviewed(actor=actor, entry=registrar)
    with pytest.raises(PermissionDenied):
        services.entry_retire(actor=actor, entry=registrar)
    registrar.refresh_from_db()
    assert (registrar.name, registrar.is_active, registrar.last_reviewed_at) == ("Registrar", True, None)
    assert DirectoryEntry.objects.count() == 1


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.LIBRARY_STAFF, Role.IT_STAFF, Role.ADMINISTRATOR])
def test_any_editor_may_change_any_entry_whoever_owns_it(users, registrar, role):
    assert registrar.owner is None and policy.can_edit_entry(users[role], registrar)
    services.entry_update(actor=users[role], entry=registrar, data={"hours": "Mon–Fri 9–5"})
    assert DirectoryEntry.objects.get(pk=registrar.pk).hours == "Mon–Fri 9–5"


def test_the_pages_and_the_api_allow_the_same_roles(users):
    """The views' EDITOR_ROLES and the API's EDITORS were two lists; they are now the policy's one."""
    from liaison.directory import api, views

    assert api.EDITORS.rule.allowed_roles == frozenset(policy.EDITOR_ROLES)
    assert api.READERS.rule.allowed_roles == frozenset(policy.READER_ROLES)
    assert views.entry_edit.liaison_access.allowed_roles == frozenset(policy.EDITOR_ROLES)
    assert views.entry_detail.liaison_access.allowed_roles == frozenset(policy.READER_ROLES)


def test_an_entry_is_404_for_someone_without_a_desk_role_and_403_for_editing_by_a_reader(users, registrar):
    assert entry_get_for_user(user=users[Role.STUDENT_WORKER], pk=registrar.pk) == registrar
    with pytest.raises(PermissionDenied):
        entry_get_for_user(user=users[Role.STUDENT_WORKER], pk=registrar.pk, for_edit=True)
    with pytest.raises(Http404):
        entry_get_for_user(user=AnonymousUser(), pk=registrar.pk)
    with pytest.raises(Http404):
        entry_get_for_user(user=users[Role.SUPERVISOR], pk=999_999)


def test_a_retired_entry_can_still_be_read(users, registrar):
    services.entry_retire(actor=users[Role.SUPERVISOR], entry=registrar)
    assert entry_get_for_user(user=users[Role.STUDENT_WORKER], pk=registrar.pk).is_active is False


def test_other_apps_find_an_entry_by_id_or_slug(registrar):
    assert entry_find(key=registrar.pk) == registrar
    assert entry_find(key=str(registrar.pk)) == registrar
    assert entry_find(key=" Registrar ") == registrar
    assert entry_find(key="no-such-office") is None


def test_an_unchanged_save_writes_nothing_and_audits_nothing(users, registrar):
    before = AuditEvent.objects.count()
    services.entry_update(actor=users[Role.IT_STAFF], entry=registrar, data={"name": "Registrar"})
    assert AuditEvent.objects.count() == before


def test_an_update_keeps_an_overdue_date_and_audits_what_changed(users, registrar):
    services.entry_update(
        actor=users[Role.IT_STAFF],
        entry=registrar,
        data={"name": "Registrar's Office", "review_by": registrar.review_by},
    )
    event = AuditEvent.objects.get(action="directory_entry.update")
    assert event.before["name"] == "Registrar" and event.after["name"] == "Registrar's Office"
    assert DirectoryEntry.objects.get(pk=registrar.pk).review_by < timezone.localdate() + dt.timedelta(days=1)
