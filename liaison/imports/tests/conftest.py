"""Fixtures for the import tests: service points to import into, a private upload folder,
and helpers to read the sample exports kept next to the tests."""

from pathlib import Path

import pytest

from liaison.places.models import ServicePoint

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Kept uploads go to a fresh folder per test, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def points(db, departments):
    made = {}
    for slug, name, kind, depts in [
        ("joint-desk", "Joint Desk", ServicePoint.Kind.DESK, ["library", "it"]),
        ("it-help-desk", "IT Help Desk", ServicePoint.Kind.DESK, ["it"]),
        ("film-study-center", "Film Library & Study Center", ServicePoint.Kind.DESK, ["library"]),
    ]:
        point, _ = ServicePoint.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})
        point.departments.set([departments[d] for d in depts])
        made[slug] = point
    return made
