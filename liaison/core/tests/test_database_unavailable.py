"""When the database cannot be reached, requests get a clean 503 with Retry-After (never a
traceback), so clients such as the desk screen keep the entry and send it again (Rel3)."""

import uuid

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from liaison.core.roles import Role

pytestmark = pytest.mark.django_db


def _desk_entry() -> dict:
    return {"client_id": str(uuid.uuid4()), "service_point": "joint-desk", "kind": "research", "read_level": 2}


@pytest.mark.parametrize("error", [OperationalError("server closed the connection unexpectedly"), InterfaceError()])
def test_an_api_write_during_an_outage_gets_503_json(client_as, monkeypatch, error):
    from liaison.desk import services

    def outage(**kwargs):
        raise error

    monkeypatch.setattr(services, "interaction_log", outage)
    client = client_as(Role.LIBRARY_STAFF)
    response = client.post("/api/v1/desk/interactions", _desk_entry(), content_type="application/json")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "The database is briefly unavailable. Nothing was saved; try again in a few seconds.",
        "code": "database_unavailable",
        "errors": [],
    }


def test_a_page_during_an_outage_gets_a_503_page_not_a_traceback(users, monkeypatch):
    from liaison.core import views

    def outage(request):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(views, "panels_for", outage)
    client = Client(raise_request_exception=False)
    client.force_login(users[Role.LIBRARY_STAFF])
    response = client.get("/home/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    body = response.content.decode()
    assert "Back in a moment" in body and "Traceback" not in body and "OperationalError" not in body


def test_an_outage_met_in_middleware_is_also_503(users, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    client = Client(raise_request_exception=False)
    client.force_login(users[Role.LIBRARY_STAFF])

    def outage(self):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(SessionStore, "load", outage)
    response = client.get("/home/")
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


def test_other_errors_are_still_500(users, monkeypatch):
    from liaison.core import views

    def bug(request):
        raise ValueError("a bug")

    monkeypatch.setattr(views, "panels_for", bug)
    client = Client(raise_request_exception=False)
    client.force_login(users[Role.LIBRARY_STAFF])
    response = client.get("/home/")
    assert response.status_code == 500 and "Something went wrong" in response.content.decode()
