"""Shared fixtures for the desk's tests: a joint desk, a chat service point, a directory entry,
and a payload builder for the API."""

from __future__ import annotations

import json
import uuid

import pytest

from liaison.directory.services import entry_create
from liaison.directory.tests.factories import editor
from liaison.places.models import ServicePoint

API = "/api/v1/desk/interactions"


@pytest.fixture
def point(joint_desk):
    return joint_desk


@pytest.fixture
def chat_point(departments):
    chat = ServicePoint.objects.create(name="Ask Us Chat", slug="ask-us-chat", kind=ServicePoint.Kind.CHAT)
    chat.departments.set([departments["library"]])
    return chat


@pytest.fixture
def registrar(departments):
    return entry_create(
        actor=editor(),
        department=departments["library"],
        name="Registrar",
        handles="transcripts, enrollment verification, grades",
        location="Student Services Center, Room 210",
    )


@pytest.fixture
def payload(point):
    """payload(read_level=4) -> a fresh, valid API body with a new client id."""

    def build(**overrides):
        body = {
            "client_id": str(uuid.uuid4()),
            "service_point": point.slug,
            "kind": "research",
            "read_level": 3,
            "mode": "in_person",
        }
        body.update(overrides)
        return body

    return build


def post_json(client, body, url=API):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def field_errors(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}
