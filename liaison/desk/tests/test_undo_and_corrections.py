"""Undo for two minutes by the person who logged it; supervisors correct and remove later.
Both leave an audit trail; logging itself does not."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.desk import services
from liaison.desk.models import Interaction

from .conftest import API, field_errors

pytestmark = pytest.mark.django_db


def log(user, point, **fields):
    values = {"kind": "research", "read_level": 3, "mode": None, "client_id": uuid.uuid4()} | fields
    return services.interaction_log(actor=user, service_point=point, **values)[0]


def age(interaction, minutes):
    Interaction.objects.filter(pk=interaction.pk).update(logged_at=timezone.now() - dt.timedelta(minutes=minutes))


def test_logging_is_not_audited(point, users):
    log(users[Role.STUDENT_WORKER], point)
    assert not AuditEvent.objects.exists()


def test_the_logger_can_undo_within_two_minutes_through_the_api(client_as, point, users):
    entry = log(users[Role.STUDENT_WORKER], point)
    age(entry, 1)
    response = client_as(Role.STUDENT_WORKER).delete(f"{API}/{entry.client_id}")
    assert response.status_code == 204
    assert not Interaction.objects.exists()
    event = AuditEvent.objects.get(action="interaction.undo")
    assert event.before["client_id"] == str(entry.client_id)
    assert event.actor == users[Role.STUDENT_WORKER]


def test_undo_after_two_minutes_is_refused_with_a_reason(client_as, point, users):
    entry = log(users[Role.STUDENT_WORKER], point)
    age(entry, 3)
    response = client_as(Role.STUDENT_WORKER).delete(f"{API}/{entry.client_id}")
    assert response.status_code == 400
    assert "2 minutes" in field_errors(response)["client_id"]
    assert response.json()["errors"][0]["code"] == "desk.undo_window_closed"
    assert Interaction.objects.filter(pk=entry.pk).exists()
    assert not AuditEvent.objects.exists()


def test_someone_elses_entry_cannot_be_undone(client_as, point, users):
    entry = log(users[Role.LIBRARY_STAFF], point)
    assert client_as(Role.IT_STAFF).delete(f"{API}/{entry.client_id}").status_code == 403
    assert Interaction.objects.filter(pk=entry.pk).exists()


def test_a_colleague_who_sees_an_entry_still_cannot_correct_it(client_as, point, users):
    entry = log(users[Role.LIBRARY_STAFF], point)
    client = client_as(Role.IT_STAFF)
    assert client.get(f"{API}/{entry.client_id}").status_code == 200
    response = client.patch(f"{API}/{entry.client_id}", data={"read_level": 5}, content_type="application/json")
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.read_level == 3


def test_a_student_worker_cannot_even_see_someone_elses_entry(client_as, point, users):
    entry = log(users[Role.LIBRARY_STAFF], point)
    client = client_as(Role.STUDENT_WORKER)
    assert client.get(f"{API}/{entry.client_id}").status_code == 404
    assert client.delete(f"{API}/{entry.client_id}").status_code == 404


def test_a_supervisor_can_remove_an_entry_any_time(client_as, point, users):
    entry = log(users[Role.STUDENT_WORKER], point)
    age(entry, 60 * 24)
    assert client_as(Role.SUPERVISOR).delete(f"{API}/{entry.client_id}").status_code == 204
    assert not Interaction.objects.exists()


def test_undo_through_the_form_without_javascript(client_as, point, users):
    entry = log(users[Role.STUDENT_WORKER], point)
    client = client_as(Role.STUDENT_WORKER)
    response = client.post(reverse("desk:undo", args=[point.slug, entry.client_id]))
    assert response.status_code == 302
    assert not Interaction.objects.exists()
    assert "Undone: Research · READ 3." in client.get(response["Location"]).content.decode()


def test_a_late_undo_through_the_form_explains_itself(client_as, point, users):
    entry = log(users[Role.STUDENT_WORKER], point)
    age(entry, 5)
    client = client_as(Role.STUDENT_WORKER)
    response = client.post(reverse("desk:undo", args=[point.slug, entry.client_id]), follow=True)
    assert "for 2 minutes after logging it" in response.content.decode()
    assert Interaction.objects.exists()


def test_undo_buttons_disappear_after_two_minutes(client_as, point, users):
    fresh = log(users[Role.STUDENT_WORKER], point)
    old = log(users[Role.STUDENT_WORKER], point)
    age(old, 3)
    page = client_as(Role.STUDENT_WORKER).get(reverse("desk:screen", args=[point.slug])).content.decode()
    assert reverse("desk:undo", args=[point.slug, fresh.client_id]) in page
    assert reverse("desk:undo", args=[point.slug, old.client_id]) not in page


def test_a_correction_is_validated_audited_and_changes_the_fingerprint(client_as, point, users):
    entry = log(users[Role.LIBRARY_STAFF], point)
    before = entry.content_fingerprint
    response = client_as(Role.LIBRARY_STAFF).patch(
        f"{API}/{entry.client_id}", data={"read_level": 4, "tags": ["thesis"]}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["read_level"] == 4
    entry.refresh_from_db()
    assert entry.read_level == 4
    assert entry.content_fingerprint != before
    assert [t.slug for t in entry.tags.all()] == ["thesis"]
    event = AuditEvent.objects.get(action="interaction.update")
    assert (event.before["read_level"], event.after["read_level"]) == (3, 4)


def test_a_bad_correction_names_the_field_and_changes_nothing(client_as, point, users):
    entry = log(users[Role.LIBRARY_STAFF], point)
    response = client_as(Role.LIBRARY_STAFF).patch(
        f"{API}/{entry.client_id}", data={"read_level": 8}, content_type="application/json"
    )
    assert response.status_code == 400
    assert field_errors(response)["read_level"] == "READ level must be 1–6; got 8."
    entry.refresh_from_db()
    assert entry.read_level == 3
    assert not AuditEvent.objects.exists()


def test_nobody_signed_out_reaches_an_entry(point, users):
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    from liaison.desk import selectors

    entry = log(users[Role.LIBRARY_STAFF], point)
    with pytest.raises(Http404):
        selectors.interaction_get_for_user(user=AnonymousUser(), client_id=entry.client_id)
    assert not selectors.interaction_list_for_user(user=AnonymousUser()).exists()
