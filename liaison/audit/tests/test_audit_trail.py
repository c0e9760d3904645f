import json

import pytest

from liaison.accounts.models import Department, User
from liaison.audit.models import AuditEvent
from liaison.core.roles import Role

pytestmark = pytest.mark.django_db


def test_admin_changes_are_recorded_with_before_and_after(client_as, departments):
    client = client_as(Role.ADMINISTRATOR)
    dept = departments["library"]
    response = client.post(
        f"/admin/accounts/department/{dept.pk}/change/",
        {"name": "The Library", "code": "library", "kind": "library", "contact_email": ""},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.change")
    assert event.actor_label == "t_admin"
    assert event.before["name"] == "Library"
    assert event.after["name"] == "The Library"
    assert Department.objects.get(pk=dept.pk).name == "The Library"


def test_passwords_never_reach_the_trail(client_as, users):
    client = client_as(Role.ADMINISTRATOR)
    student = users[Role.STUDENT_WORKER]
    # The stored hash, whatever hasher is configured (the suite's fast one, or PBKDF2 in production).
    stored_hash = User.objects.get(pk=student.pk).password
    assert stored_hash and "$" in stored_hash
    response = client.post(
        f"/admin/accounts/user/{student.pk}/change/",
        {
            "username": "t_student",
            "role": "student_worker",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.change", object_id=str(student.pk))
    assert event.before and event.after  # the change was recorded …
    for recorded in AuditEvent.objects.all():
        trail = json.dumps([recorded.before, recorded.after, recorded.object_repr])
        assert stored_hash not in trail  # … without the password hash
        assert stored_hash.split("$")[-1] not in trail


def test_only_administrators_read_the_audit_trail(client_as, users):
    from liaison.audit.services import audit_record

    audit_record(actor=users[Role.IT_STAFF], action="ticket.hand_off", object_type="tickets.ticket", object_id="7")
    admin = client_as(Role.ADMINISTRATOR)
    page = admin.get("/audit/?action=ticket")
    assert page.status_code == 200
    assert "ticket.hand_off" in page.content.decode()
    admin.logout()
    assert client_as(Role.SUPERVISOR).get("/audit/").status_code == 403


def test_the_trail_cannot_be_edited_in_the_admin(client_as, users):
    from liaison.audit.services import audit_record

    event = audit_record(actor=users[Role.IT_STAFF], action="x.y", object_type="a.b", object_id="1")
    client = client_as(Role.ADMINISTRATOR)
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_bulk_deletes_in_the_admin_are_recorded_row_by_row(client_as, departments):
    extra = [Department.objects.create(name=f"Office {n}", code=f"office-{n}") for n in range(2)]
    client = client_as(Role.ADMINISTRATOR)
    response = client.post(
        "/admin/accounts/department/",
        {"action": "delete_selected", "_selected_action": [d.pk for d in extra], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Department.objects.filter(pk__in=[d.pk for d in extra]).exists()
    deleted = AuditEvent.objects.filter(action="admin.delete").values_list("object_id", flat=True)
    assert sorted(deleted) == sorted(str(d.pk) for d in extra)


def test_the_trail_is_refused_to_anyone_but_administrators_whatever_the_way_in(users):
    from django.core.exceptions import PermissionDenied

    from liaison.audit.selectors import audit_event_list_for_user

    for role in (Role.SUPERVISOR, Role.LIBRARY_STAFF, Role.IT_STAFF, Role.STUDENT_WORKER):
        with pytest.raises(PermissionDenied):
            audit_event_list_for_user(user=users[role])
    assert audit_event_list_for_user(user=users[Role.ADMINISTRATOR]).count() == 0
