"""The partnership API: one page shape for lists, idempotent creates, errors with codes."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from liaison.partnership import services
from liaison.partnership.models import LedgerEntry

pytestmark = pytest.mark.django_db

API = "/api/v1/partnership"


@pytest.fixture
def api(client, people):
    def as_(who):
        client.force_login(people[who])
        return client

    return as_


def entry_body(**overrides):
    body = {
        "label": "Library Technology Committee",
        "kind": "committee_service",
        "direction": "contribution",
        "giver": "library",
        "receiver": "it",
        "occurred_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "count": 1,
        "hours": "1.5",
    }
    body.update(overrides)
    return body


def test_the_ledger_lists_one_page_shape(api, handed_ticket, derive):
    handed_ticket()
    derive()
    page = api("it").get(f"{API}/ledger?page_size=1&direction=request").json()
    assert set(page) == {"count", "count_is_capped", "page", "pages", "page_size", "results"}
    assert (page["count"], page["pages"], page["page_size"]) == (1, 1, 1)
    [entry] = page["results"]
    assert (entry["giver"], entry["receiver"], entry["direction"], entry["origin"]) == (
        "it",
        "library",
        "request",
        "derived",
    )
    assert entry["kind_label"] == "Ticket handed over"
    assert api("it").get(f"{API}/ledger?page=9").json()["results"] == []


def test_typing_an_entry_is_safe_to_send_twice(api):
    client = api("library")
    key = str(uuid.uuid4())
    first = client.post(f"{API}/ledger", entry_body(), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(f"{API}/ledger", entry_body(), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert LedgerEntry.objects.count() == 1
    other = client.post(f"{API}/ledger", entry_body(count=2), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"count": -5}, "count", "partnership.count_invalid"),
        ({"count": 1_000_000}, "count", "partnership.count_absurd"),
        ({"hours": "-1"}, "hours", "partnership.hours_invalid"),
        ({"hours": "250000"}, "hours", "partnership.hours_absurd"),
        ({"receiver": "library"}, "receiver", "partnership.same_department"),
        ({"kind": "ticket_handoff"}, "kind", "partnership.kind_unknown"),
    ],
)
def test_bad_sizes_answer_400_with_the_field_and_its_code(api, overrides, field, code):
    response = api("library").post(f"{API}/ledger", entry_body(**overrides), content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert {"field": field, "code": code} == {k: body["errors"][0][k] for k in ("field", "code")}


def test_corrections_through_the_api(api, people):
    entry = services.ledger_entry_create(
        actor=people["library"], **{**entry_body(), "occurred_on": timezone.localdate()}
    )
    client = api("library")
    response = client.post(
        f"{API}/ledger/{entry.pk}/corrections", {"count": 0, "note": "Cancelled"}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["corrects"] == entry.pk
    assert client.get(f"{API}/ledger/{entry.pk}").json()["corrected_by"] == response.json()["id"]
    again = client.post(
        f"{API}/ledger/{entry.pk}/corrections", {"count": 1, "note": "x"}, content_type="application/json"
    )
    assert again.status_code == 400 and again.json()["errors"][0]["code"] == "partnership.already_corrected"


def test_the_balance_and_the_feeds(api, handed_ticket, derive):
    handed_ticket()
    derive()
    client = api("it")
    balance = client.get(f"{API}/balance").json()
    library = next(d for d in balance["departments"] if d["code"] == "library")
    assert (library["asks"], library["gives"], library["give_share"]) == (1, 0, 0.0)
    assert balance["derived_share"] == 100.0 and "derived from the work" in balance["text"]
    bad = client.get(f"{API}/balance?start=2025-05-01&end=2025-01-01")
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "partnership.window_invalid"
    feeds = {f["key"]: f for f in client.get(f"{API}/feeds").json()}
    assert feeds["tickets.handed_to_other_department"]["entries"] == 1


@pytest.mark.parametrize(
    "query, field",
    [
        ("balance?end=0001-01-01", "end"),  # a month back from it was a 500 (OverflowError)
        ("balance?end=9999-12-31", "end"),
        ("balance?start=1999-12-31&end=2000-02-01", "start"),
        ("ledger?start=0001-01-01", "start"),
        ("ledger?end=9999-12-31", "end"),
    ],
)
def test_a_date_outside_2000_to_2100_is_refused_with_its_field_named(api, query, field):
    answer = api("it").get(f"{API}/{query}")
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert (error["field"], error["code"]) == (field, "partnership.date_invalid")
    assert "outside the years Liaison keeps (2000–2100)" in error["message"]


def test_only_supervisors_derive_through_the_api(api, handed_ticket):
    handed_ticket()
    assert api("it").post(f"{API}/ledger/derive").status_code == 403
    response = api("library_boss").post(f"{API}/ledger/derive")
    assert response.status_code == 200 and "2 new" in response.json()["summary"]


def test_a_resource_request_round_trip(api):
    created = api("it").post(
        f"{API}/requests",
        {"kind": "book", "title": "Designing Data-Intensive Applications"},
        content_type="application/json",
    )
    assert created.status_code == 201
    request_id = created.json()["id"]
    refused = api("library").post(f"{API}/requests/{request_id}/fulfil", {"note": ""}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "partnership.note_required"
    done = api("library").post(
        f"{API}/requests/{request_id}/fulfil", {"note": "On order"}, content_type="application/json"
    )
    assert done.json()["status"] == "fulfilled"
    listed = api("it").get(f"{API}/requests?status=fulfilled").json()
    assert [r["id"] for r in listed["results"]] == [request_id]


def test_the_survey_through_the_api(api):
    boss = api("library_boss")
    created = boss.post(
        f"{API}/surveys",
        {"title": "Spring", "period_start": "2025-01-01", "period_end": "2025-06-01"},
        content_type="application/json",
    ).json()
    assert [q["key"] for q in created["questions"]] == ["know_more", "student_technology", "infrastructure"]
    boss.post(f"{API}/surveys/{created['id']}/open")
    question = created["questions"][1]["id"]
    answered = api("it").post(
        f"{API}/surveys/{created['id']}/responses", {"answers": {str(question): "Printing from phones"}, "anonymous": True},
        content_type="application/json",
    )  # fmt: skip
    assert answered.status_code == 201 and answered.json() == {"round": created["id"], "anonymous": True, "answered": 1}
    twice = api("it").post(
        f"{API}/surveys/{created['id']}/responses",
        {"answers": {str(question): "again"}},
        content_type="application/json",
    )
    assert twice.status_code == 400 and twice.json()["errors"][0]["code"] == "partnership.already_answered"
    detail = api("it").get(f"{API}/surveys/{created['id']}").json()
    assert detail["questions"][1]["answers"] == ["Printing from phones"] and detail["anonymous_responses"] == 1


def test_rollouts_through_the_api(api):
    body = {
        "title": "Windows 11 in the labs", "kind": "software",
        "starts_on": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        "effect_on_library": "Lab PCs reimaged overnight",
    }  # fmt: skip
    assert api("library").post(f"{API}/rollouts", body, content_type="application/json").status_code == 403
    created = api("it").post(f"{API}/rollouts", body, content_type="application/json").json()
    assert created["flagged"] is True and created["consulted"] is False
    consulted = (
        api("library")
        .post(
            f"{API}/rollouts/{created['id']}/consultation",
            {"consulted_on": timezone.localdate().isoformat(), "library_response": "Avoid finals week"},
            content_type="application/json",
        )
        .json()
    )
    assert consulted["consulted"] is True and consulted["flagged"] is False
    moved = api("it").patch(f"{API}/rollouts/{created['id']}", {"status": "done"}, content_type="application/json")
    assert moved.json()["status"] == "done"
    assert api("student").get(f"{API}/rollouts?past=true").json()["count"] == 1


def test_a_ledger_page_costs_the_same_queries_however_many_entries(api, people, departments, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api("library")

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/ledger?page_size=100").status_code == 200
        return len(queries)

    for n in range(3):
        services.ledger_entry_create(
            actor=people["library"], **{**entry_body(), "occurred_on": timezone.localdate(), "label": f"E{n}"}
        )
    few = page_queries()
    for n in range(30):
        services.ledger_entry_create(
            actor=people["library"], **{**entry_body(), "occurred_on": timezone.localdate(), "label": f"F{n}"}
        )
    assert page_queries() == few
