"""The API: the page shape, the same services as the pages, codes clients can branch on."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from liaison.core.roles import Role
from liaison.software.errors import CODES
from liaison.software.models import Need, Request


def post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", **headers)


def test_the_matrix_is_a_page_of_answers(world, need, client_as):
    need(lab=world.media)
    need(title=world.office_title)
    client = client_as(Role.IT_STAFF)
    body = client.get("/api/v1/software/matrix?answer=gaps").json()
    assert {"count", "count_is_capped", "page", "pages", "page_size", "results"} <= set(body)
    assert body["count"] == 1
    (cell,) = body["results"]
    assert cell["answer"] == "missing" and cell["place"] == "Media Lab" and cell["course"]["code"] == "BIO 210"
    summary = client.get("/api/v1/software/matrix/summary").json()
    assert summary["counts"]["missing"] == 1 and summary["counts"]["yes"] == 1


def test_a_need_through_the_api_is_created_once_per_idempotency_key(world, client_as):
    client = client_as(Role.LIBRARY_STAFF)
    body = {"course_id": world.course.pk, "title": "rstudio", "min_version": "2024.01"}
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    first = post(client, "/api/v1/software/needs", body, **key)
    second = post(client, "/api/v1/software/needs", body, **key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and Need.objects.count() == 1


def test_unknown_titles_and_bad_versions_are_named_with_codes(world, client_as):
    client = client_as(Role.LIBRARY_STAFF)
    unknown = post(client, "/api/v1/software/needs", {"course_id": world.course.pk, "title": "Photoshopp"})
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == [
        {
            "field": "title",
            "message": "No title in the catalogue is called 'Photoshopp'.",
            "code": "software.title_unknown",
        }
    ]
    bad = post(
        client, "/api/v1/software/needs", {"course_id": world.course.pk, "title": "RStudio", "min_version": "new"}
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "software.version_invalid"


def test_a_request_through_the_api_and_its_resolution(world, need, client_as):
    gap = need(lab=world.media)
    asked = post(client_as(Role.LIBRARY_STAFF), f"/api/v1/software/needs/{gap.pk}/request", {})
    assert asked.status_code == 201 and asked.json()["state"] == "open" and asked.json()["ticket_number"]
    request_id = asked.json()["id"]
    it = client_as(Role.IT_STAFF)
    resolved = post(it, f"/api/v1/software/requests/{request_id}/resolve", {"version": "2024.04"})
    assert resolved.status_code == 200 and resolved.json()["state"] == "resolved"
    assert it.get("/api/v1/software/matrix").json()["results"][0]["answer"] == "yes"
    listed = it.get("/api/v1/software/requests?state=resolved").json()
    assert [r["id"] for r in listed["results"]] == [request_id]


def test_only_it_resolves_through_the_api(world, need, client_as):
    gap = need(lab=world.media)
    request_id = post(client_as(Role.LIBRARY_STAFF), f"/api/v1/software/needs/{gap.pk}/request", {}).json()["id"]
    refused = post(client_as(Role.LIBRARY_STAFF), f"/api/v1/software/requests/{request_id}/resolve", {})
    assert refused.status_code == 403
    assert Request.objects.get().state == "open"


def test_a_contradictory_baseline_is_400_with_its_code(world, client_as):
    response = post(
        client_as(Role.SUPERVISOR),
        "/api/v1/software/baselines",
        {"role": "library_staff", "grant": ["usb_storage"], "deny": ["usb_storage"]},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "software.baseline_contradiction"
    unknown = post(
        client_as(Role.SUPERVISOR), "/api/v1/software/baselines", {"role": "library_staff", "grant": ["fly"]}
    )
    assert unknown.json()["errors"][0]["code"] == "software.permission_unknown"


def test_errors_py_lists_every_code_the_app_raises():
    source = "".join(p.read_text() for p in Path(__file__).parents[1].glob("*.py"))
    raised = set(re.findall(r'code="(software\.[a-z_]+)"', source)) | set(
        re.findall(r', "(software\.[a-z_]+)"\)', source)
    )
    assert raised and raised <= set(CODES), sorted(raised - set(CODES))


def test_ask_all_through_the_api(world, need, client_as):
    need(lab=world.media)
    response = post(client_as(Role.LIBRARY_STAFF), "/api/v1/software/matrix/ask-it?term=spring", {})
    assert response.status_code == 201 and len(response.json()["created"]) == 1
