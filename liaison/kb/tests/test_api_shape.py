"""The API's one page shape, its error codes, and creates that are safe to send twice."""

import json
import re
import uuid
from pathlib import Path

import pytest

from liaison.core.roles import Role
from liaison.kb import errors, services
from liaison.kb.models import Article
from liaison.kb.tests.factories import make_article

pytestmark = pytest.mark.django_db
API = "/api/v1/kb/articles"


def _post(client, payload: dict, key: str | None = None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(API, data=json.dumps(payload), content_type="application/json", **headers)


def test_the_staff_list_is_paged(client_as):
    for n in range(5):
        make_article(title=f"Answer {n}", audience="staff")
    page = client_as(Role.STUDENT_WORKER).get(API, {"page": 2, "page_size": 2}).json()
    assert (page["count"], page["page"], page["pages"], page["page_size"]) == (5, 2, 3, 2)
    assert [a["title"] for a in page["results"]] == ["Answer 2", "Answer 3"]
    past_the_end = client_as(Role.STUDENT_WORKER).get(API, {"page": 9, "page_size": 2}).json()
    assert past_the_end["results"] == [] and past_the_end["count"] == 5


def test_a_bad_page_size_is_400_naming_the_field(client_as):
    response = client_as(Role.STUDENT_WORKER).get(API, {"page_size": 1000})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["page_size"]


def test_public_and_category_lists_are_paged_too(client):
    make_article(title="Eduroam")
    assert client.get("/api/v1/kb/public/articles").json()["count"] == 1
    assert client.get("/api/v1/kb/categories").json()["results"] == []


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"title": " "}, "title", "kb.title_required"),
        ({"slug": "eduroam"}, "slug", "kb.slug_taken"),
        ({"slug": "new"}, "slug", "kb.slug_reserved"),
        ({"category": "nowhere"}, "category", "kb.category_unknown"),
        ({"body": "<script>x()</script>"}, "body", "kb.body_empty_once_sanitised"),
    ],
)
def test_a_refused_article_carries_a_stable_code(client_as, payload, field, code):
    make_article(title="Eduroam", slug="eduroam")
    response = _post(client_as(Role.IT_STAFF), {"title": "VPN", "body": "Install it."} | payload)
    assert response.status_code == 400
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in response.json()["errors"]
    ]


def test_every_code_the_services_raise_is_listed_in_errors():
    source = Path(services.__file__).read_text() + Path(services.__file__).with_name("api.py").read_text()
    raised = set(re.findall(r'code="(kb\.[a-z_]+)"', source))
    assert raised and raised <= set(errors.CODES), raised - set(errors.CODES)


def test_the_same_key_and_content_creates_one_article_and_answers_the_same(client_as):
    client = client_as(Role.LIBRARY_STAFF)
    key = uuid.uuid4().hex
    first = _post(client, {"title": "Scanning", "body": "Tap your card."}, key)
    again = _post(client, {"title": "Scanning", "body": "Tap your card."}, key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Article.objects.count() == 1


def test_the_same_key_with_other_content_is_422_and_creates_nothing_more(client_as):
    client = client_as(Role.LIBRARY_STAFF)
    key = uuid.uuid4().hex
    _post(client, {"title": "Scanning", "body": "Tap your card."}, key)
    response = _post(client, {"title": "Printing", "body": "Upload first."}, key)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert Article.objects.count() == 1


def test_a_repeat_while_the_first_is_in_flight_is_409(client_as, monkeypatch):
    client = client_as(Role.LIBRARY_STAFF)
    key = uuid.uuid4().hex
    payload = {"title": "Slow", "body": "Saving."}
    real_create, seen = services.article_create, {}

    def create_while_a_duplicate_arrives(**kwargs):
        seen["duplicate"] = _post(client, payload, key)
        return real_create(**kwargs)

    monkeypatch.setattr(services, "article_create", create_while_a_duplicate_arrives)
    assert _post(client, payload, key).status_code == 201
    assert seen["duplicate"].status_code == 409
    assert Article.objects.count() == 1


@pytest.mark.parametrize("key", ["", "short", "has spaces but is long enough"])
def test_a_malformed_key_is_400_and_creates_nothing(client_as, key):
    response = _post(client_as(Role.LIBRARY_STAFF), {"title": "Scanning", "body": "Tap."}, key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "idempotency_key_malformed"
    assert not Article.objects.exists()
