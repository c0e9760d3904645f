import pytest

from liaison.accounts.models import ApiToken
from liaison.accounts.services import api_token_create
from liaison.audit.models import AuditEvent
from liaison.core.roles import Role

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_stored_only_as_a_hash(client_as):
    client = client_as(Role.IT_STAFF)
    response = client.post("/accounts/tokens/new/", {"name": "Lab agent", "idempotency_key": "t" * 32})
    assert response.status_code == 201
    plain = response.context["new_token_plain"]
    assert plain.startswith("lsn_")
    token = ApiToken.objects.get(name="Lab agent")
    assert plain not in token.key_hash and token.key_hash != plain
    assert plain not in client.get("/accounts/tokens/").content.decode()
    assert AuditEvent.objects.filter(action="api_token.create").exists()


def test_a_token_authenticates_api_calls_until_revoked(client, users):
    token, plain = api_token_create(actor=users[Role.LIBRARY_STAFF], name="Report script")
    me = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert me.status_code == 200
    assert me.json()["username"] == "t_library"
    assert me.json()["role"] == "library_staff"
    client.force_login(users[Role.LIBRARY_STAFF])
    assert client.delete(f"/api/v1/accounts/tokens/{token.id}").status_code == 204
    client.logout()
    refused = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert refused.status_code == 401
    assert refused.json()["detail"].startswith("Sign in or send a valid API token")


@pytest.mark.parametrize("header", ["Bearer lsn_deadbeef_nothing", "Bearer garbage", "Basic dXNlcjpwYXNz", "Bearer "])
def test_unknown_or_malformed_tokens_get_401_with_the_error_format(client, db, header):
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == "not_authenticated"


def test_the_token_list_is_a_page_of_your_own_tokens(client_as, users):
    api_token_create(actor=users[Role.LIBRARY_STAFF], name="Not mine")
    client = client_as(Role.IT_STAFF)
    client.post("/api/v1/accounts/tokens", data={"name": "Lab agent"}, content_type="application/json")
    page = client.get("/api/v1/accounts/tokens").json()
    assert (page["count"], page["page"], page["pages"]) == (1, 1, 1)
    assert [token["name"] for token in page["results"]] == ["Lab agent"]
    assert "token" not in page["results"][0]  # the secret is shown once, when made


def test_a_token_cannot_be_revoked_by_someone_else(client_as, users):
    token, _ = api_token_create(actor=users[Role.LIBRARY_STAFF], name="Mine")
    client = client_as(Role.IT_STAFF)
    assert client.post(f"/accounts/tokens/{token.id}/revoke/").status_code == 404
    assert client.delete(f"/api/v1/accounts/tokens/{token.id}").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_revoke_service_itself_refuses_someone_else_but_not_an_administrator(users):
    from django.core.exceptions import PermissionDenied

    from liaison.accounts.services import api_token_revoke

    token, _ = api_token_create(actor=users[Role.LIBRARY_STAFF], name="Mine")
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=users[Role.IT_STAFF], token=token)
    token.refresh_from_db()
    assert token.revoked_at is None
    api_token_revoke(actor=users[Role.ADMINISTRATOR], token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_token_without_a_name_is_refused_with_the_field_named(client_as):
    client = client_as(Role.IT_STAFF)
    response = client.post("/api/v1/accounts/tokens", data={"name": "  "}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "name"
    assert response.json()["errors"][0]["code"] == "accounts.token_name_missing"
    page = client.post("/accounts/tokens/new/", {"name": "", "idempotency_key": "u" * 32})
    assert page.status_code == 400
    assert ApiToken.objects.count() == 0


def test_malformed_json_bodies_get_a_400_naming_the_field(client_as):
    client = client_as(Role.IT_STAFF)
    missing = client.post("/api/v1/accounts/tokens", data={}, content_type="application/json")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "name"
    broken = client.post("/api/v1/accounts/tokens", data="{not json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json()["errors"][0]["field"] == "body"


def test_session_writes_to_the_api_need_the_csrf_token(users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users[Role.IT_STAFF])
    response = client.post("/api/v1/accounts/tokens", data={"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("role", [None, *Role.values], ids=lambda r: r or "anonymous")
def test_revoking_a_token_by_a_made_up_or_someone_elses_id_changes_nothing(client, users, role):
    token, _ = api_token_create(actor=users[Role.LIBRARY_STAFF], name="Mine")
    if role is not None:
        client.force_login(users[role])
    for token_id in (token.id, 999999):
        api = client.delete(f"/api/v1/accounts/tokens/{token_id}")
        page = client.post(f"/accounts/tokens/{token_id}/revoke/")
        if role is None:
            assert (api.status_code, page.status_code) == (401, 302)
        elif role in (Role.ADMINISTRATOR, Role.LIBRARY_STAFF) and token_id == token.id:
            assert api.status_code == 204  # the owner, or an administrator
        elif role == Role.STUDENT_WORKER:
            assert (api.status_code, page.status_code) == (403, 403)  # tokens are for staff roles
        else:
            assert (api.status_code, page.status_code) == (404, 404)
    token.refresh_from_db()
    assert (token.revoked_at is not None) == (role in (Role.ADMINISTRATOR, Role.LIBRARY_STAFF))


def test_api_tokens_and_the_api_docs_are_for_staff_not_student_workers(client_as):
    student = client_as(Role.STUDENT_WORKER)
    assert student.get("/accounts/tokens/").status_code == 403
    assert student.post("/api/v1/accounts/tokens", {"name": "x"}, content_type="application/json").status_code == 403
    assert student.get("/api/v1/docs").status_code == 403
    assert "API tokens" not in student.get("/home/").content.decode()
    staff = client_as(Role.IT_STAFF)
    assert staff.get("/accounts/tokens/").status_code == 200
    assert staff.get("/api/v1/docs").status_code == 200


def test_a_token_request_sent_twice_makes_one_token_and_never_shows_its_secret_again(client_as):
    client = client_as(Role.IT_STAFF)
    key = client.get("/accounts/tokens/").context["form"]["idempotency_key"].value()
    first = client.post("/accounts/tokens/new/", {"name": "Lab agent", "idempotency_key": key})
    plain = first.context["new_token_plain"]
    again = client.post("/accounts/tokens/new/", {"name": "Lab agent", "idempotency_key": key})
    assert again.status_code == 400
    assert "already made the token “Lab agent”" in again.content.decode()
    assert plain not in again.content.decode()
    assert ApiToken.objects.count() == 1

    headers = {"HTTP_IDEMPOTENCY_KEY": "token-retry-0123456789"}
    body = {"name": "Report script"}
    made = client.post("/api/v1/accounts/tokens", body, content_type="application/json", **headers)
    assert made.status_code == 201 and made.json()["token"].startswith("lsn_")
    repeat = client.post("/api/v1/accounts/tokens", body, content_type="application/json", **headers)
    assert repeat.status_code == 409
    assert repeat.json()["errors"][0]["code"] == "idempotency_already_done"
    assert made.json()["token"] not in repeat.content.decode()
    assert ApiToken.objects.count() == 2
    # The secret is not kept anywhere for the replay.
    from liaison.core.models import IdempotencyRecord

    assert all(made.json()["token"] not in str(r.response) for r in IdempotencyRecord.objects.all())
