"""Opening a ticket or replying is safe to send twice (security reference Rel1): forms carry a
hidden one-time key, and API clients may send an Idempotency-Key header."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from liaison.core.idempotency import purge_expired
from liaison.core.models import IdempotencyRecord
from liaison.core.roles import Role
from liaison.tickets import services
from liaison.tickets.models import Reply, Ticket
from liaison.tickets.tests.conftest import one_time_key

pytestmark = pytest.mark.django_db
API = "/api/v1/tickets/"


def _api_post(client, payload: dict, key: str | None, url: str = API):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(url, data=json.dumps(payload), content_type="application/json", **headers)


def _new_ticket_form(queues, **extra) -> dict:
    return {"queue": queues["research"].pk, "subject": "Needs a research consult", "priority": 2, **extra}


# --- Forms ---------------------------------------------------------------------------------


def test_sending_the_new_ticket_form_twice_opens_one_ticket(client_as, queues):
    client = client_as(Role.LIBRARY_STAFF)
    form = _new_ticket_form(queues, idempotency_key=one_time_key())
    first = client.post("/tickets/new/", form)
    again = client.post("/tickets/new/", form)  # a double click
    ticket = Ticket.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == f"/tickets/{ticket.reference}/"
    page = client.get(again["Location"]).content.decode()
    assert f"The form was sent twice; ticket #{ticket.number} was opened once." in page


def test_a_form_without_its_key_is_refused_and_nothing_is_opened(client_as, queues):
    response = client_as(Role.LIBRARY_STAFF).post("/tickets/new/", _new_ticket_form(queues))
    assert response.status_code == 400
    assert "This form is out of date: reload the page and send it again." in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_new_ticket_page_carries_a_fresh_key_each_time(client_as):
    client = client_as(Role.LIBRARY_STAFF)
    keys = {client.get("/tickets/new/").context["form"]["idempotency_key"].value() for _ in range(2)}
    assert len(keys) == 2 and all(len(k) == 32 for k in keys)


def test_a_reply_sent_twice_is_saved_once(client_as, make_ticket):
    ticket = make_ticket()
    client = client_as(Role.LIBRARY_STAFF)
    form = {"body": "Checked the printer queue.", "visibility": "internal", "idempotency_key": one_time_key()}
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "conversation"}
    client.post(f"/tickets/{ticket.reference}/reply/", form, **htmx)
    again = client.post(f"/tickets/{ticket.reference}/reply/", form, **htmx)
    assert again.status_code == 200
    assert Reply.objects.filter(ticket=ticket).count() == 1
    # The re-rendered form carries a new key, so the next reply is a new one.
    assert form["idempotency_key"] not in again.content.decode()


# --- API -----------------------------------------------------------------------------------


def test_an_api_retry_with_the_same_key_gets_the_first_answer_and_opens_nothing(client_as, queues):
    client = client_as(Role.LIBRARY_STAFF)
    payload = {"queue": "lib-research", "subject": "Interlibrary loan stuck"}
    key = one_time_key()
    first = _api_post(client, payload, key)
    again = _api_post(client, payload, key)
    assert first.status_code == again.status_code == 201
    assert again.json()["number"] == first.json()["number"]
    assert Ticket.objects.count() == 1


def test_the_same_key_with_other_content_is_422(client_as, queues):
    client = client_as(Role.LIBRARY_STAFF)
    key = one_time_key()
    _api_post(client, {"queue": "lib-research", "subject": "First"}, key)
    response = _api_post(client, {"queue": "lib-research", "subject": "Something else"}, key)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Ticket.objects.count() == 1


def test_a_repeat_while_the_first_is_still_being_saved_is_409(client_as, queues, monkeypatch):
    client = client_as(Role.LIBRARY_STAFF)
    payload = {"queue": "lib-research", "subject": "Slow save"}
    key = one_time_key()
    real_create = services.ticket_create
    seen = {}

    def create_while_a_duplicate_arrives(**kwargs):
        seen["duplicate"] = _api_post(client, payload, key)  # sent while this one is in flight
        return real_create(**kwargs)

    monkeypatch.setattr(services, "ticket_create", create_while_a_duplicate_arrives)
    first = _api_post(client, payload, key)
    assert first.status_code == 201
    assert seen["duplicate"].status_code == 409
    assert "still being saved" in seen["duplicate"].json()["detail"]
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("key", ["", "short", "has spaces in it but long enough", "x" * 256])
def test_a_malformed_key_is_400(client_as, queues, key):
    response = _api_post(client_as(Role.LIBRARY_STAFF), {"queue": "lib-research", "subject": "Hi"}, key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not Ticket.objects.exists()


def test_a_request_that_fails_frees_its_key(client_as, queues):
    client = client_as(Role.LIBRARY_STAFF)
    key = one_time_key()
    refused = _api_post(client, {"queue": "no-such-queue", "subject": "Typo in the queue"}, key)
    assert refused.status_code == 400
    fixed = _api_post(client, {"queue": "lib-research", "subject": "Typo in the queue"}, key)
    assert fixed.status_code == 201 and Ticket.objects.count() == 1


def test_keys_belong_to_one_person(client, users, queues):
    key = one_time_key()
    payload = {"queue": "lib-research", "subject": "Same words, two people"}
    client.force_login(users[Role.LIBRARY_STAFF])
    assert _api_post(client, payload, key).status_code == 201
    client.force_login(users[Role.SUPERVISOR])
    assert _api_post(client, payload, key).status_code == 201
    assert Ticket.objects.count() == 2


def test_keys_are_forgotten_after_24_hours(client_as, queues):
    client = client_as(Role.LIBRARY_STAFF)
    key = one_time_key()
    payload = {"queue": "lib-research", "subject": "Asked again two days later"}
    _api_post(client, payload, key)
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert _api_post(client, payload, key).status_code == 201
    assert Ticket.objects.count() == 2
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert purge_expired() == 1 and not IdempotencyRecord.objects.exists()


def test_without_a_key_the_api_still_opens_a_ticket_each_time(client_as, queues):
    client = client_as(Role.LIBRARY_STAFF)
    payload = {"queue": "lib-research", "subject": "No key"}
    assert _api_post(client, payload, None).status_code == 201
    assert _api_post(client, payload, None).status_code == 201
    assert Ticket.objects.count() == 2


def test_an_api_reply_retried_with_its_key_is_saved_once(client_as, make_ticket):
    ticket = make_ticket()
    client = client_as(Role.LIBRARY_STAFF)
    key = one_time_key()
    url = f"{API}{ticket.pk}/replies"
    for _ in range(2):
        assert _api_post(client, {"body": "We ordered a new toner."}, key, url=url).status_code == 201
    assert Reply.objects.filter(ticket=ticket).count() == 1
