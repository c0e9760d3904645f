"""The API's one page shape, its error codes, and creates that are safe to send twice."""

import json
import re
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from liaison.core.roles import Role
from liaison.directory import errors, services
from liaison.directory.models import DirectoryEntry
from liaison.directory.tests.factories import make_entry

pytestmark = pytest.mark.django_db
API = "/api/v1/directory/entries"
NEW = {"name": "Registrar", "handles": "transcripts", "department": "library"}


def _post(client, payload: dict, key: str | None = None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(API, data=json.dumps(payload), content_type="application/json", **headers)


def test_the_entry_list_is_paged(client_as, departments):
    for n in range(5):
        make_entry(department=departments["library"], name=f"Office {n}")
    page = client_as(Role.STUDENT_WORKER).get(API, {"page": 3, "page_size": 2}).json()
    assert (page["count"], page["page"], page["pages"], page["page_size"]) == (5, 3, 3, 2)
    assert [e["name"] for e in page["results"]] == ["Office 4"]
    assert page["results"][0]["referral_count"] == 0


def test_an_unknown_department_filter_is_404(client_as):
    response = client_as(Role.STUDENT_WORKER).get(API, {"department": "nowhere"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"review_by": "2001-01-01"}, "review_by", "directory.review_by_past"),
        ({"email": "nope"}, "email", "directory.email_invalid"),
        ({"department": "nowhere"}, "department", "directory.department_unknown"),
        ({"owner": "nobody"}, "owner", "directory.owner_unknown"),
        ({"building": "nowhere"}, "building", "directory.building_unknown"),
        ({"handles": " , "}, "handles", "directory.handles_required"),
    ],
)
def test_a_refused_entry_carries_a_stable_code(client_as, departments, payload, field, code):
    make_entry(department=departments["library"], name="Taken", slug="taken")
    response = _post(client_as(Role.SUPERVISOR), NEW | payload)
    assert response.status_code == 400
    found = [{"field": e["field"], "code": e["code"]} for e in response.json()["errors"]]
    assert {"field": field, "code": code} in found
    assert DirectoryEntry.objects.count() == 1


def test_a_taken_short_name_is_refused_with_its_code(users, departments):
    make_entry(department=departments["library"], name="Taken", slug="taken")
    with pytest.raises(ValidationError) as refused:
        services.entry_create(
            actor=users[Role.SUPERVISOR], name="Other", handles="x", department=departments["it"], slug="taken"
        )
    assert refused.value.error_dict["slug"][0].code == "directory.slug_taken"


def test_unknown_codes_are_all_named_at_once(client_as):
    response = _post(client_as(Role.SUPERVISOR), NEW | {"department": "x", "owner": "y", "building": "z"})
    assert {e["field"] for e in response.json()["errors"]} == {"department", "owner", "building"}


def test_a_next_review_date_in_the_past_carries_its_code(client_as, departments):
    entry = make_entry(department=departments["library"])
    response = client_as(Role.SUPERVISOR).post(
        f"{API}/{entry.pk}/review", {"next_review_by": "2001-01-01"}, content_type="application/json"
    )
    assert response.json()["errors"][0]["code"] == "directory.next_review_not_future"


def test_every_code_the_directory_raises_is_listed_in_errors():
    here = Path(services.__file__)
    source = here.read_text() + here.with_name("api.py").read_text()
    raised = set(re.findall(r'code="(directory\.[a-z_]+)"', source))
    assert raised and raised <= set(errors.CODES), raised - set(errors.CODES)


def test_the_same_key_and_content_creates_one_entry_and_answers_the_same(client_as, departments):
    client = client_as(Role.SUPERVISOR)
    key = uuid.uuid4().hex
    first, again = _post(client, NEW, key), _post(client, NEW, key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert DirectoryEntry.objects.count() == 1


def test_without_a_key_each_create_is_new(client_as, departments):
    client = client_as(Role.SUPERVISOR)
    assert _post(client, NEW).status_code == _post(client, NEW).status_code == 201
    assert DirectoryEntry.objects.count() == 2


def test_the_same_key_with_other_content_is_422(client_as, departments):
    client = client_as(Role.SUPERVISOR)
    key = uuid.uuid4().hex
    _post(client, NEW, key)
    response = _post(client, NEW | {"name": "Bursar"}, key)
    assert response.status_code == 422 and response.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert DirectoryEntry.objects.count() == 1


def test_a_repeat_while_the_first_is_in_flight_is_409(client_as, departments, monkeypatch):
    client = client_as(Role.SUPERVISOR)
    key = uuid.uuid4().hex
    real_create, seen = services.entry_create, {}

    def create_while_a_duplicate_arrives(**kwargs):
        seen["duplicate"] = _post(client, NEW, key)
        return real_create(**kwargs)

    monkeypatch.setattr(services, "entry_create", create_while_a_duplicate_arrives)
    assert _post(client, NEW, key).status_code == 201
    assert seen["duplicate"].status_code == 409
    assert seen["duplicate"].json()["code"] == "idempotency_in_flight"
    assert DirectoryEntry.objects.count() == 1


@pytest.mark.parametrize("key", ["", "short", "has spaces but is long enough"])
def test_a_malformed_key_is_400_and_creates_nothing(client_as, departments, key):
    response = _post(client_as(Role.SUPERVISOR), NEW, key)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "idempotency_key_malformed"
    assert not DirectoryEntry.objects.exists()


def test_a_refused_create_frees_its_key(client_as, departments):
    client = client_as(Role.SUPERVISOR)
    key = uuid.uuid4().hex
    assert _post(client, NEW | {"department": "nowhere"}, key).status_code == 400
    assert _post(client, NEW, key).status_code == 201
