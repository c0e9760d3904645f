"""Logging an interaction: stored once per client id, both through the API and the service,
and bad input refused with the field named and nothing written."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liaison.core.roles import Role
from liaison.desk import services
from liaison.desk.models import Interaction, InteractionKind, TopicTag

from .conftest import field_errors, post_json

pytestmark = pytest.mark.django_db


def test_an_interaction_logged_through_the_api_is_stored_with_who_and_when(client_as, payload, users):
    body = payload(tags=["databases"], note="Compared two databases", duration_minutes=7)
    response = post_json(client_as(Role.STUDENT_WORKER), body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["client_id"] == body["client_id"]
    assert (data["kind"], data["read_level"], data["mode"]) == ("research", 3, "in_person")
    assert data["tags"] == ["databases"]
    assert data["warnings"] == []
    stored = Interaction.objects.get(client_id=body["client_id"])
    assert stored.recorded_by == users[Role.STUDENT_WORKER]
    assert stored.source == "api"
    assert [t.slug for t in stored.tags.all()] == ["databases"]
    assert stored.duration_minutes == 7


def test_sending_the_same_entry_twice_through_the_api_stores_it_once(client_as, payload):
    client = client_as(Role.LIBRARY_STAFF)
    body = payload(tags=["thesis"], occurred_at="2025-03-04T10:15:00-05:00")
    first = post_json(client, body)
    again = post_json(client, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Interaction.objects.filter(client_id=body["client_id"]).count() == 1
    assert Interaction.objects.count() == 1


def test_a_resend_without_a_time_still_counts_as_the_same_entry(client_as, payload):
    """No occurred_at means "now", which differs on every send: the rest of the content decides."""
    client = client_as(Role.LIBRARY_STAFF)
    body = payload()
    assert post_json(client, body).status_code == 201
    assert post_json(client, body).status_code == 200
    assert Interaction.objects.count() == 1


def test_the_same_id_with_different_content_is_a_conflict_naming_the_client_id(client_as, payload):
    client = client_as(Role.LIBRARY_STAFF)
    body = payload()
    assert post_json(client, body).status_code == 201
    response = post_json(client, {**body, "read_level": 5})
    assert response.status_code == 409
    assert "already used for a different interaction" in field_errors(response)["client_id"]
    assert response.json()["detail"]
    assert response.json()["code"] == "conflict"
    assert response.json()["errors"][0]["code"] == "desk.client_id_reused"
    assert Interaction.objects.get().read_level == 3


def test_the_same_id_sent_by_someone_else_is_a_conflict(client, payload, users):
    body = payload()
    client.force_login(users[Role.LIBRARY_STAFF])
    assert post_json(client, body).status_code == 201
    client.force_login(users[Role.IT_STAFF])
    assert post_json(client, body).status_code == 409
    assert Interaction.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message", "code"),
    [
        ({"read_level": 9}, "read_level", "READ level must be 1–6; got 9.", "desk.read_level_invalid"),
        ({"read_level": 0}, "read_level", "READ level must be 1–6; got 0.", "desk.read_level_invalid"),
        ({"kind": "xyz"}, "kind", "Unknown kind 'xyz'.", "desk.unknown"),
        ({"service_point": "nowhere"}, "service_point", "Unknown service point 'nowhere'.", "desk.unknown"),
        ({"mode": "carrier pigeon"}, "mode", "Unknown mode 'carrier pigeon'", "desk.unknown"),
        ({"tech_category": "quantum"}, "tech_category", "Unknown technology category 'quantum'.", "desk.unknown"),
        ({"tags": ["no-such-tag"]}, "tags", "Unknown tag 'no-such-tag'.", "desk.unknown"),
        ({"tags": [f"t{n}" for n in range(11)]}, "tags", "Use at most 10 tags; got 11.", "desk.too_many_tags"),
        ({"referred_to": 999999}, "referred_to", "Unknown directory entry '999999'.", "desk.unknown"),
        (
            {"duration_minutes": 5000},
            "duration_minutes",
            "Duration must be 0–1440 minutes; got 5000.",
            "desk.duration_invalid",
        ),
        ({"note": "x" * 501}, "note", "Keep the note to 500 characters; it has 501.", "desk.note_too_long"),
        ({"read_level": "high"}, "read_level", "", "invalid"),  # not a number: the schema's own check
        ({"client_id": "not-a-uuid"}, "client_id", "", "invalid"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(client_as, payload, change, field, message, code):
    response = post_json(client_as(Role.STUDENT_WORKER), payload(**change))
    assert response.status_code == 400, response.content
    errors = field_errors(response)
    assert field in errors
    assert errors[field].startswith(message)
    assert {e["field"]: e["code"] for e in response.json()["errors"]}[field] == code
    assert not Interaction.objects.exists()


def test_several_bad_fields_are_reported_together(client_as, payload):
    response = post_json(client_as(Role.STUDENT_WORKER), payload(kind="xyz", read_level=7, service_point="nope"))
    assert response.status_code == 400
    assert {"kind", "read_level", "service_point"} <= set(field_errors(response))


def test_a_missing_body_field_is_named(client_as, payload):
    body = payload()
    del body["kind"]
    response = post_json(client_as(Role.STUDENT_WORKER), body)
    assert response.status_code == 400
    assert "kind" in field_errors(response)


def test_a_future_time_is_refused(client_as, payload):
    soon = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    response = post_json(client_as(Role.STUDENT_WORKER), payload(occurred_at=soon))
    assert response.status_code == 400
    assert "future" in field_errors(response)["occurred_at"]


def test_a_kind_taken_out_of_use_is_refused_at_the_desk(client_as, payload):
    InteractionKind.objects.filter(slug="other").update(is_active=False)
    response = post_json(client_as(Role.STUDENT_WORKER), payload(kind="other"))
    assert response.status_code == 400
    assert "no longer in use" in field_errors(response)["kind"]


def test_a_back_dated_entry_keeps_both_times(client_as, payload):
    happened = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=40)
    response = post_json(client_as(Role.LIBRARY_STAFF), payload(occurred_at=happened.isoformat()))
    assert response.status_code == 201
    data = response.json()
    assert data["back_dated"] is True
    stored = Interaction.objects.get()
    assert stored.occurred_at == happened
    assert stored.logged_at - stored.occurred_at >= dt.timedelta(minutes=39)
    assert stored.back_dated


def test_an_entry_logged_now_is_not_back_dated(client_as, payload):
    response = post_json(client_as(Role.LIBRARY_STAFF), payload())
    assert response.json()["back_dated"] is False


def test_mode_defaults_to_the_service_points_usual_mode(client_as, payload, chat_point):
    response = post_json(client_as(Role.LIBRARY_STAFF), payload(service_point="ask-us-chat", mode=None))
    assert response.status_code == 201
    assert response.json()["mode"] == "chat"


def test_a_referral_is_stored_against_the_directory_entry(client_as, payload, registrar):
    response = post_json(
        client_as(Role.STUDENT_WORKER), payload(kind="directional", read_level=1, referred_to=registrar.pk)
    )
    assert response.status_code == 201
    assert response.json()["referred_to"] == {"id": registrar.pk, "name": "Registrar"}
    assert registrar.referrals.count() == 1


def test_script_in_a_note_is_stored_as_plain_text(client_as, payload):
    note = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = post_json(client_as(Role.STUDENT_WORKER), payload(note=note))
    assert response.status_code == 201
    assert Interaction.objects.get().note == note
    assert response.json()["note"] == note


def test_a_note_with_a_nul_byte_is_cleaned_not_a_server_error(client_as, payload):
    response = post_json(client_as(Role.STUDENT_WORKER), payload(note="printer\x00 jam"))
    assert response.status_code == 201
    assert Interaction.objects.get().note == "printer jam"


def test_the_response_warns_when_a_note_looks_like_patron_identity(client_as, payload):
    response = post_json(client_as(Role.STUDENT_WORKER), payload(note="student jdoe@example.edu asked"))
    assert response.status_code == 201
    assert any("e-mail" in warning for warning in response.json()["warnings"])


def test_anonymous_callers_cannot_log(client, payload):
    assert post_json(client, payload()).status_code == 401
    assert not Interaction.objects.exists()


# --- the service directly ------------------------------------------------------------------


def test_interaction_log_returns_the_stored_row_on_a_replay(point, users):
    fields = {
        "service_point": point,
        "kind": "technology",
        "read_level": "2",
        "mode": "phone",
        "client_id": uuid.uuid4(),
        "tech_category": "wifi-network",
        "tags": ["vpn", "vpn"],
    }
    first, created = services.interaction_log(actor=users[Role.IT_STAFF], **fields)
    again, created_again = services.interaction_log(actor=users[Role.IT_STAFF], **fields)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert [t.slug for t in first.tags.all()] == ["vpn"]


def test_a_replay_costs_no_extra_writes_and_leaves_the_transaction_usable(point, users):
    fields = {"service_point": point, "kind": "research", "read_level": 3, "mode": None, "client_id": uuid.uuid4()}
    services.interaction_log(actor=users[Role.LIBRARY_STAFF], **fields)
    with CaptureQueriesContext(connection) as queries:
        services.interaction_log(actor=users[Role.LIBRARY_STAFF], **fields)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1  # the attempt that the unique constraint refused
    assert Interaction.objects.count() == 1  # and the connection still works


def test_a_known_service_point_and_kind_are_not_looked_up_again(point, users):
    """The desk's busiest write: once the reference lists are warm, logging by slugs reads nothing."""
    fields = {"service_point": "joint-desk", "kind": "research", "read_level": 3, "mode": None}
    services.interaction_log(actor=users[Role.LIBRARY_STAFF], client_id=uuid.uuid4(), **fields)
    with CaptureQueriesContext(connection) as queries:
        services.interaction_log(actor=users[Role.LIBRARY_STAFF], client_id=uuid.uuid4(), **fields)
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert "SELECT" not in statements
    assert statements.count("INSERT") == 1
    assert Interaction.objects.count() == 2


def test_interaction_build_returns_an_unsaved_instance_with_its_tags(point):
    built = services.interaction_build(
        service_point="joint-desk",
        kind="research",
        read_level=4,
        mode="e-mail",
        client_id=str(uuid.uuid4()),
        tags=["Thesis", "databases"],
        source="import:gimlet",
    )
    assert built.pk is None
    assert built.mode == "email"
    assert sorted(t.slug for t in built.pending_tags) == ["databases", "thesis"]
    assert len(built.content_fingerprint) == 64
    assert not Interaction.objects.exists()


def test_imports_may_use_kinds_and_tags_no_longer_in_use(point):
    InteractionKind.objects.filter(slug="other").update(is_active=False)
    TopicTag.objects.filter(slug="thesis").update(is_active=False)
    built = services.interaction_build(
        service_point=point, kind="other", read_level=1, mode=None, client_id=uuid.uuid4(), tags=["thesis"],
        source="import:libanswers",
    )  # fmt: skip
    assert built.kind.slug == "other"
    with pytest.raises(ValidationError) as refused:
        services.interaction_build(
            service_point=point, kind="other", read_level=1, mode=None, client_id=uuid.uuid4(), source="desk"
        )
    assert "kind" in refused.value.message_dict


def test_an_unknown_source_is_refused(point):
    with pytest.raises(ValidationError) as refused:
        services.interaction_build(
            service_point=point, kind="research", read_level=1, mode=None, client_id=uuid.uuid4(), source="fax"
        )
    assert "source" in refused.value.message_dict


def test_bulk_create_skips_ids_already_stored_and_reports_changed_ones(point, users):
    def build(client_id, level=2, tags=()):
        return services.interaction_build(
            service_point=point, kind="research", read_level=level, mode=None, client_id=client_id,
            occurred_at="2025-02-03T10:00:00", tags=tags, source="import:test",
        )  # fmt: skip

    ids = [uuid.uuid4() for _ in range(3)]
    first = services.interactions_bulk_create([build(ids[0], tags=["thesis"]), build(ids[1]), build(ids[1])])
    assert len(first.created) == 2
    assert first.unchanged == 1  # the repeated row inside the batch
    assert Interaction.objects.get(client_id=ids[0]).tags.get().slug == "thesis"
    again = services.interactions_bulk_create([build(ids[0], tags=["thesis"]), build(ids[1], level=5), build(ids[2])])
    assert len(again.created) == 1
    assert again.unchanged == 1
    assert again.conflicting == [ids[1]]
    assert Interaction.objects.count() == 3


BATCH_CASES = [
    {"kind": "research", "read_level": 3, "mode": None},
    {"kind": "technology", "read_level": "2", "mode": "phone", "duration_minutes": 12, "note": 'Said "hi" — café\x07'},
    {"kind": "directional", "read_level": 1, "mode": "e-mail", "tags": ["thesis", "databases"], "weight": 12},
    {"kind": "research", "read_level": 6, "mode": "chat", "duration_minutes": "0", "referred_to": "registrar"},
    {"kind": "research", "read_level": 1, "mode": None, "occurred_at": "2025-02-03T10:00:00.123456"},
]
BATCH_REFUSED = [
    {"kind": "no-such-kind", "read_level": 3, "mode": None},
    {"kind": "research", "read_level": 9, "mode": "fax", "duration_minutes": 5000},
    {"kind": "research", "read_level": True, "mode": None, "weight": 0},
    {"kind": "research", "read_level": 2, "mode": None, "occurred_at": "2999-01-01T10:00:00"},
    {"kind": "research", "read_level": 2, "mode": None, "note": "x" * 600},
]


@pytest.mark.parametrize("case", BATCH_CASES)
def test_a_batch_builds_the_row_interaction_build_builds(point, registrar, case):
    """Imports build rows through InteractionBatch: the same values and the same fingerprint
    (the desk's conflict check) as interaction_build, asked twice (the second from memory)."""
    values = {"occurred_at": "2025-02-03T10:00:00", **case, "service_point": point, "source": "import:test"}
    client_id = uuid.uuid4()
    built = services.interaction_build(client_id=client_id, **values)
    batch = services.InteractionBatch(source="import:test")
    source = values.pop("source")
    for _ in range(2):
        row, errors = batch.build(client_id=client_id, **values)
        assert errors == {}
        for name in ("client_id", "service_point_id", "kind_id", "read_level", "tech_category_id", "mode", "note"):
            assert getattr(row, name) == getattr(built, name), name
        for name in ("referred_to_id", "duration_minutes", "weight", "occurred_at", "content_fingerprint"):
            assert getattr(row, name) == getattr(built, name), name
        assert sorted(t.pk for t in row.pending_tags) == sorted(t.pk for t in built.pending_tags)
        assert row.source == source and row.as_model().content_fingerprint == built.content_fingerprint


@pytest.mark.parametrize("case", BATCH_REFUSED)
def test_a_batch_refuses_what_interaction_build_refuses_with_the_same_words(point, case):
    values = {"occurred_at": "2025-02-03T10:00:00", **case, "service_point": point, "source": "import:test"}
    with pytest.raises(ValidationError) as refused:
        services.interaction_build(client_id=uuid.uuid4(), **values)
    expected = {name: " ".join(messages) for name, messages in refused.value.message_dict.items()}
    batch = services.InteractionBatch(source=values.pop("source"))
    for _ in range(2):  # the second time from memory
        assert batch.build(client_id=uuid.uuid4(), **values) == (None, expected)


def test_a_batch_row_is_written_like_a_built_interaction(point, users):
    batch = services.InteractionBatch(source="import:test", recorded_by=users[Role.LIBRARY_STAFF])
    rows = [
        batch.build(service_point=point, kind="research", read_level=level, mode=None, client_id=str(uuid.uuid4()),
                    occurred_at="2025-02-03T10:00:00", tags=tags)[0]
        for level, tags in ((1, ()), (2, ["thesis"]))
    ]  # fmt: skip
    result = services.interactions_bulk_create(rows, known_new=True)
    assert len(result.created) == 2
    stored = Interaction.objects.get(client_id=rows[1].client_id)
    assert (stored.read_level, stored.recorded_by, stored.source) == (2, users[Role.LIBRARY_STAFF], "import:test")
    assert stored.content_fingerprint == rows[1].content_fingerprint
    assert [t.slug for t in stored.tags.all()] == ["thesis"]
