"""Every refusal carries a stable code, listed in errors.py; clients branch on the code."""

import json
import re
from pathlib import Path

import pytest

from liaison.core.roles import Role
from liaison.tickets.errors import CODES

APP = Path(__file__).resolve().parent.parent


def _codes_in_the_code() -> set[str]:
    found = set()
    for path in APP.rglob("*.py"):
        if "tests" not in path.parts and path.name != "errors.py":
            found |= set(re.findall(r'code="(tickets\.[a-z_]+)"', path.read_text()))
    return found


def test_errors_py_lists_exactly_the_codes_the_app_raises():
    assert _codes_in_the_code() == set(CODES)


def test_the_readme_lists_every_code():
    readme = (APP / "README.md").read_text()
    assert [code for code in CODES if f"`{code}`" not in readme] == []


@pytest.mark.django_db
def test_an_api_refusal_names_the_field_and_its_code(client_as, make_ticket):
    ticket = make_ticket()
    response = client_as(Role.LIBRARY_STAFF).post(
        f"/api/v1/tickets/{ticket.pk}/state", data=json.dumps({"state": "closed"}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "state",
            "message": "A new ticket cannot go to closed; it can go to open, waiting or resolved.",
            "code": "tickets.transition_not_allowed",
        }
    ]


@pytest.mark.django_db
def test_an_unknown_queue_in_the_api_has_its_code(client_as, queues):
    response = client_as(Role.LIBRARY_STAFF).post(
        "/api/v1/tickets/", data=json.dumps({"queue": "nope", "subject": "x"}), content_type="application/json"
    )
    assert response.json()["errors"] == [
        {"field": "queue", "message": "No queue 'nope'.", "code": "tickets.queue_unknown"}
    ]
