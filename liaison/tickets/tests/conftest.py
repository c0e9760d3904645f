"""Fixtures for the ticket tests: the two departments' queues, people in them, a ticket
factory that goes through the services, and desk interactions to promote."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from liaison.core.roles import Role
from liaison.tickets import services
from liaison.tickets.models import Queue

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def image_bytes(fmt: str = "PNG", size=(24, 16), **save_options) -> bytes:
    """A real, decodable image (uploads are decoded and re-encoded, so fakes are refused)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, fmt, **save_options)
    return buffer.getvalue()


def one_time_key() -> str:
    """What a form's hidden idempotency key holds (a new one per form shown)."""
    return uuid.uuid4().hex


PNG_BYTES = image_bytes("PNG")
JPEG_BYTES = image_bytes("JPEG")


@pytest.fixture
def queues(departments):
    library, it = departments["library"], departments["it"]
    research = Queue.objects.create(
        name="Research help", slug="lib-research", department=library, target_response_hours=48,
        notify_email="research-help@college.example",
    )  # fmt: skip
    help_desk = Queue.objects.create(
        name="Help Desk", slug="it-help-desk", department=it, target_response_hours=24,
        notify_email="helpdesk@college.example",
    )  # fmt: skip
    printing = Queue.objects.create(
        name="Printing", slug="it-printing", department=it, parent=help_desk, target_response_hours=8
    )
    collections = Queue.objects.create(name="Collections", slug="lib-collections", department=library)
    return {"research": research, "help_desk": help_desk, "printing": printing, "collections": collections}


@pytest.fixture
def people(users, departments):
    """The role fixtures plus a second person in each department."""
    return {
        **users,
        "library2": make_user(Role.LIBRARY_STAFF, username="t_library2", department=departments["library"]),
        "it2": make_user(Role.IT_STAFF, username="t_it2", department=departments["it"]),
    }


@pytest.fixture
def make_ticket(queues, users):
    """make_ticket(queue="research", actor=users[...], **service kwargs) → a ticket via ticket_create."""

    def build(queue="research", actor=None, **kwargs):
        kwargs.setdefault("subject", "Cannot reach the article database from home")
        return services.ticket_create(
            actor=actor or users[Role.LIBRARY_STAFF], queue=queues[queue] if isinstance(queue, str) else queue, **kwargs
        )

    return build


@pytest.fixture
def make_interaction(joint_desk, users):
    """A desk interaction logged through the desk's own service."""
    from liaison.desk.services import interaction_log

    def build(note="Patron's laptop will not print to the library printer", kind="technology", actor=None):
        interaction, _created = interaction_log(
            actor=actor or users[Role.LIBRARY_STAFF],
            service_point=joint_desk,
            kind=kind,
            read_level=2,
            mode="in_person",
            client_id=uuid.uuid4(),
            note=note,
        )
        return interaction

    return build


@pytest.fixture
def pdf_upload():
    def build(name="notes.pdf", content=PDF_BYTES):
        return SimpleUploadedFile(name, content, content_type="application/pdf")

    return build


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploads go to a throw-away directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The people fixtures hash passwords; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
