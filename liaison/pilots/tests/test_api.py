"""The API: IT proposes, the library agrees and starts, a form is made, three respondents
answer from their phones (one twice), and the results show them; errors carry codes."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from liaison.core.roles import Role
from liaison.pilots.tests.conftest import token

pytestmark = pytest.mark.django_db


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_a_pilot_from_proposal_to_results_through_the_api(client, users, departments):
    today = dt.date.today()
    client.force_login(users[Role.IT_STAFF])
    body = {
        "title": "Scan-to-e-mail copier",
        "summary": "A copier that scans to e-mail.",
        "it_department": "it",
        "library_department": "library",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=14)).isoformat(),
        "devices": ["Copier LC-1"],
    }
    key = str(uuid.uuid4())
    made = post(client, "/api/v1/pilots/pilots", body, HTTP_IDEMPOTENCY_KEY=key)
    assert made.status_code == 201, made.content
    again = post(client, "/api/v1/pilots/pilots", body, HTTP_IDEMPOTENCY_KEY=key)
    assert again.json()["id"] == made.json()["id"]
    pilot_id = made.json()["id"]
    client.force_login(users[Role.LIBRARY_STAFF])
    for state in ("agreed", "running"):
        moved = post(client, f"/api/v1/pilots/pilots/{pilot_id}/transition", {"to_state": state})
        assert moved.status_code == 200 and moved.json()["state"] == state
    form = post(
        client,
        f"/api/v1/pilots/pilots/{pilot_id}/forms",
        {
            "title": "The copier",
            "questions": [{"kind": "rating", "text": "How easy?", "key": "ease", "required": True}],
        },
    )
    assert form.status_code == 201, form.content
    code = form.json()["code"]
    client.logout()
    tokens = [token() for _ in range(3)]
    for i, t in enumerate(tokens):
        answer = post(
            client,
            f"/api/v1/pilots/public/forms/{code}/responses",
            {"audience": "student", "token": t, "answers": {"ease": str(3 + i)}},
        )
        assert answer.status_code == 201 and answer.json() == {"stored": True, "duplicate": False}
    repeat = post(
        client,
        f"/api/v1/pilots/public/forms/{code}/responses",
        {"audience": "student", "token": tokens[0], "answers": {"ease": "1"}},
    )
    assert repeat.status_code == 200 and repeat.json()["duplicate"] is True
    client.force_login(users[Role.IT_STAFF])
    results = client.get(f"/api/v1/pilots/pilots/{pilot_id}/results").json()
    assert results["total"] == 3
    ease = results["questions"][0]
    assert ease["n"] == 3 and ease["mean"] is None  # fewer than 5: suppressed
    assert [g["n"] for g in results["audiences"]] == [None, 0, 0]


def test_errors_name_the_field_with_a_code(client_as):
    client = client_as(Role.IT_STAFF)
    bad = post(
        client,
        "/api/v1/pilots/pilots",
        {"title": "X", "summary": "Y", "it_department": "nope", "library_department": "library",
         "starts_on": "2026-01-01", "ends_on": "2026-01-02"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert bad.json()["errors"][0] == {
        "field": "it_department",
        "message": "No department has the code 'nope'.",
        "code": "pilots.department_invalid",
    }


def test_a_closed_or_unknown_form_takes_no_answers(client, db):
    missing = post(
        client, "/api/v1/pilots/public/forms/zzzzzz/responses", {"audience": "student", "token": token(), "answers": {}}
    )
    assert missing.status_code == 404


def test_answers_to_a_form_not_yet_running_are_refused_with_a_code(client, make_pilot, people):
    from liaison.pilots import services

    pilot = make_pilot()
    form = services.feedback_form_create(
        actor=people["it"], pilot=pilot, title="Early", questions=services.parse_question_lines("text: Thoughts?")
    )
    early = post(
        client,
        f"/api/v1/pilots/public/forms/{form.code}/responses",
        {"audience": "staff", "token": token(), "answers": {}},
    )
    assert early.status_code == 400 and early.json()["errors"][0]["code"] == "pilots.not_collecting"
