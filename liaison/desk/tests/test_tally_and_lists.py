"""The day's tally, the interaction list and referral counts."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liaison.core.roles import Role
from liaison.desk import selectors, services

from .conftest import API, field_errors

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 4)


def at(hour, minute=0, day=DAY):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def log(user, point, **fields):
    values = {"kind": "research", "read_level": 3, "mode": None, "client_id": uuid.uuid4()} | fields
    return services.interaction_log(actor=user, service_point=point, **values)[0]


def test_the_tally_counts_a_day_by_kind_and_read_level(point, chat_point, users):
    user = users[Role.LIBRARY_STAFF]
    log(user, point, occurred_at=at(9))
    log(user, point, occurred_at=at(13), read_level=4)
    log(user, point, occurred_at=at(23, 59), kind="technology", read_level=1)
    log(user, point, occurred_at=at(0, 0, DAY + dt.timedelta(days=1)))  # the next day
    log(user, point, occurred_at=at(23, 59, DAY - dt.timedelta(days=1)))  # the day before
    log(user, chat_point, occurred_at=at(10))  # another service point
    with CaptureQueriesContext(connection) as queries:
        tally = selectors.interaction_tally_for_day(point, DAY)
    # The fill state, the filled hours, the live rest, and the kinds: four, whatever the traffic.
    assert len(queries) <= 4
    assert tally.total == 3
    from liaison.core import counts as count_tables
    from liaison.desk import stats

    count_tables.fill(stats.INTERACTIONS)
    assert selectors.interaction_tally_for_day(point, DAY) == tally
    counts = {row.kind.slug: row.count for row in tally.by_kind}
    assert counts["research"] == 2 and counts["technology"] == 1 and counts["directional"] == 0
    assert dict(tally.by_level) == {1: 1, 2: 0, 3: 1, 4: 1, 5: 0, 6: 0}


def test_the_tally_api_reports_the_same_counts(client_as, point, users):
    log(users[Role.LIBRARY_STAFF], point, occurred_at=at(9), read_level=2)
    response = client_as(Role.STUDENT_WORKER).get(
        f"/api/v1/desk/service-points/{point.slug}/tally", {"date": "2025-03-04"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 1
    assert {"level": 2, "count": 1} in data["by_read_level"]
    assert client_as(Role.STUDENT_WORKER).get("/api/v1/desk/service-points/nowhere/tally").status_code == 404


def test_the_list_filters_and_pages(client_as, point, chat_point, users):
    user = users[Role.LIBRARY_STAFF]
    for n in range(5):
        log(user, point, occurred_at=at(9 + n), read_level=n % 2 + 1)
    log(user, chat_point, occurred_at=at(15))
    client = client_as(Role.SUPERVISOR)
    page = client.get(API, {"service_point": "joint-desk", "page_size": 2, "page": 2}).json()
    assert (page["count"], page["pages"], len(page["results"])) == (5, 3, 2)
    assert (page["page"], page["page_size"], page["count_is_capped"]) == (2, 2, False)
    assert client.get(API, {"page": 9}).json()["results"] == []  # past the end: empty, not an error
    newest_first = client.get(API, {"service_point": "joint-desk"}).json()["results"]
    assert [r["occurred_at"][11:13] for r in newest_first] == ["13", "12", "11", "10", "09"]
    assert client.get(API, {"read_level": 2}).json()["count"] == 2
    assert client.get(API, {"since": "2025-03-04T14:00:00", "until": "2025-03-04"}).json()["count"] == 1


def test_the_list_costs_the_same_queries_for_one_page_however_long(client_as, point, users):
    user = users[Role.LIBRARY_STAFF]
    client = client_as(Role.SUPERVISOR)
    log(user, point, occurred_at=at(9), tags=["thesis"])
    client.get(API, {"page_size": 50})
    with CaptureQueriesContext(connection) as few:
        client.get(API, {"page_size": 50})
    for n in range(30):
        log(user, point, occurred_at=at(10, n), tags=["thesis", "databases"])
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(API, {"page_size": 50}).json()["results"]) == 31
    assert len(many) == len(few)


def test_an_unknown_filter_value_is_a_400_naming_it(client_as, point):
    client = client_as(Role.SUPERVISOR)
    response = client.get(API, {"service_point": "nowhere"})
    assert response.status_code == 400
    assert "service_point" in field_errors(response)
    assert "kind" in field_errors(client.get(API, {"kind": "xyz"}))
    assert "read_level" in field_errors(client.get(API, {"read_level": 9}))


def test_student_workers_list_only_their_own_entries(client_as, point, users):
    log(users[Role.STUDENT_WORKER], point)
    log(users[Role.LIBRARY_STAFF], point)
    assert client_as(Role.STUDENT_WORKER).get(API).json()["count"] == 1


def test_staff_list_every_entry_and_can_ask_for_their_own(client, point, users):
    log(users[Role.STUDENT_WORKER], point)
    log(users[Role.LIBRARY_STAFF], point)
    client.force_login(users[Role.IT_STAFF])
    assert client.get(API).json()["count"] == 2
    assert client.get(API, {"mine": "true"}).json()["count"] == 0


def test_referrals_are_counted_per_target(point, users, registrar, departments):
    from liaison.directory.services import entry_create
    from liaison.directory.tests.factories import editor

    other = entry_create(actor=editor(), department=departments["it"], name="IT Help Desk", handles="laptops")
    user = users[Role.STUDENT_WORKER]
    old = timezone.now() - dt.timedelta(days=100)
    log(user, point, referred_to=registrar)
    log(user, point, referred_to=registrar.pk)
    log(user, point, referred_to=other, occurred_at=old)
    log(user, point)
    assert selectors.referral_counts() == {registrar.pk: 2, other.pk: 1}
    assert selectors.referral_counts(timezone.now() - dt.timedelta(days=30)) == {registrar.pk: 2}


def test_the_kind_category_and_tag_lists_are_served(client_as):
    client = client_as(Role.STUDENT_WORKER)
    kinds = client.get("/api/v1/desk/kinds").json()["results"]
    assert [k["slug"] for k in kinds] == [
        "research",
        "technology",
        "directional",
        "equipment-printing",
        "account-access",
        "other",
    ]
    assert {k["slug"]: k["shortcut"] for k in kinds}["research"] == "r"
    categories = {c["slug"] for c in client.get("/api/v1/desk/tech-categories").json()["results"]}
    assert {"wifi-network", "printing", "lms-canvas", "av-classroom"} <= categories
    assert client.get("/api/v1/desk/tags").status_code == 200


def test_a_malformed_date_filter_is_a_400_naming_it(client_as):
    response = client_as(Role.SUPERVISOR).get(API, {"since": "last tuesday"})
    assert response.status_code == 400
    assert "since" in field_errors(response)
