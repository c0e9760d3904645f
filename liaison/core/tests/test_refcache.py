import pytest

from liaison.core import refcache
from liaison.desk.models import InteractionKind

pytestmark = pytest.mark.django_db


def test_rows_are_found_by_slug_name_and_id():
    kind = InteractionKind.objects.get(slug="research")
    assert refcache.lookup(InteractionKind, "research") == kind
    assert refcache.lookup(InteractionKind, "Research") == kind
    assert refcache.lookup(InteractionKind, kind.pk) == kind


def test_a_change_in_setup_is_seen_at_once_by_this_process():
    refcache.lookup(InteractionKind, "research")  # warm the index
    kind = InteractionKind.objects.get(slug="research")
    kind.is_active = False
    kind.save()
    assert refcache.lookup(InteractionKind, "research").is_active is False
    InteractionKind.objects.create(name="Makerspace", slug="makerspace")
    assert refcache.lookup(InteractionKind, "makerspace") is not None


def test_a_deactivated_kind_is_refused_at_the_desk_right_away(client_as, departments):
    from liaison.core.roles import Role
    from liaison.places.models import ServicePoint

    point = ServicePoint.objects.create(name="Desk", slug="joint-desk")
    point.departments.set([departments["library"]])
    client = client_as(Role.LIBRARY_STAFF)
    payload = {"client_id": "3f2b8c1e-1111-4222-8333-444455556666", "service_point": "joint-desk", "kind": "research",
               "read_level": 2}  # fmt: skip
    InteractionKind.objects.filter(slug="other").first()  # nothing cached yet
    refcache.lookup(InteractionKind, "research")
    kind = InteractionKind.objects.get(slug="research")
    kind.is_active = False
    kind.save()
    response = client.post("/api/v1/desk/interactions", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "kind"
