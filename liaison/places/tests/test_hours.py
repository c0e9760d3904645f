import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.places import selectors
from liaison.places.models import HoursException, OpeningHours, ServicePoint
from liaison.places.services import hours_exception_set

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 30)


@pytest.fixture
def desk(departments):
    point = ServicePoint.objects.create(name="Research & IT Desk", slug="joint-desk")
    point.departments.set([departments["library"], departments["it"]])
    OpeningHours.objects.create(service_point=point, weekday=0, opens=dt.time(8), closes=dt.time(12))
    OpeningHours.objects.create(service_point=point, weekday=0, opens=dt.time(13), closes=dt.time(22))
    return point


def test_weekly_hours_can_have_split_periods(desk):
    day = selectors.hours_on(desk, MONDAY)
    assert day.periods == ((dt.time(8), dt.time(12)), (dt.time(13), dt.time(22)))
    assert day.label() == "8:00 AM–12:00 PM, 1:00 PM–10:00 PM"


def test_a_day_with_no_hours_is_closed(desk):
    assert selectors.hours_on(desk, MONDAY + dt.timedelta(days=1)).is_closed


def test_a_holiday_overrides_the_weekly_hours(desk, users):
    hours_exception_set(actor=users[Role.SUPERVISOR], service_point=desk, date=MONDAY, reason="Reading day")
    day = selectors.hours_on(desk, MONDAY)
    assert day.is_closed
    assert day.label() == "Closed (Reading day)"
    assert AuditEvent.objects.filter(action="hours_exception.set").count() == 1


def test_special_hours_replace_the_weekly_pattern(desk, users):
    hours_exception_set(
        actor=users[Role.SUPERVISOR],
        service_point=desk,
        date=MONDAY,
        reason="Break",
        is_closed=False,
        opens=dt.time(10),
        closes=dt.time(16),
    )
    assert selectors.hours_on(desk, MONDAY).periods == ((dt.time(10), dt.time(16)),)
    tz_moment = dt.datetime.combine(MONDAY, dt.time(9, 30))
    from django.utils import timezone

    assert not selectors.is_open_at(desk, timezone.make_aware(tz_moment))
    assert selectors.is_open_at(desk, timezone.make_aware(tz_moment.replace(hour=11)))


def test_special_hours_must_close_after_they_open(desk, users):
    with pytest.raises(ValidationError) as error:
        hours_exception_set(
            actor=users[Role.SUPERVISOR],
            service_point=desk,
            date=MONDAY,
            reason="Oops",
            is_closed=False,
            opens=dt.time(16),
            closes=dt.time(10),
        )
    assert "closes" in error.value.message_dict
    assert not HoursException.objects.exists()


def test_only_supervisors_change_hours_whatever_the_way_in(desk, users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        hours_exception_set(actor=users[Role.LIBRARY_STAFF], service_point=desk, date=MONDAY, reason="Reading day")
    assert not HoursException.objects.exists()
    assert not selectors.hours_on(desk, MONDAY).is_closed


def test_a_write_finds_a_service_point_by_slug_name_or_id(desk):
    assert selectors.service_point_by_key("joint-desk") == desk
    assert selectors.service_point_by_key("research & it desk") == desk
    assert selectors.service_point_by_key(desk.pk) == desk
    assert selectors.service_point_by_key(str(desk.pk)) == desk
    assert selectors.service_point_by_key("nowhere") is None
    assert selectors.service_point_by_key("") is None


def test_the_database_refuses_hours_that_close_before_they_open(desk):
    with pytest.raises(IntegrityError):
        OpeningHours.objects.create(service_point=desk, weekday=2, opens=dt.time(18), closes=dt.time(9))


def test_public_hours_page_needs_no_account_and_lists_points(client, desk):
    response = client.get("/places/hours/")
    assert response.status_code == 200
    assert "Research &amp; IT Desk" in response.content.decode()


def test_the_hours_pages_use_a_constant_number_of_queries(client_as, desk, departments, django_assert_max_num_queries):
    for n in range(6):
        extra = ServicePoint.objects.create(name=f"Lab desk {n}", slug=f"lab-{n}")
        extra.departments.set([departments["it"]])
        OpeningHours.objects.create(service_point=extra, weekday=n % 7, opens=dt.time(9), closes=dt.time(17))
    client = client_as(Role.STUDENT_WORKER)
    with django_assert_max_num_queries(12):
        assert client.get("/places/").status_code == 200


def test_api_lists_service_points_with_a_week_of_hours(client, desk):
    page = client.get("/api/v1/places/service-points").json()
    assert page["count"] == 1
    body = page["results"]
    assert body[0]["slug"] == "joint-desk"
    assert len(body[0]["week"]) == 7
    assert set(body[0]["departments"]) == {"library", "it"}


def test_api_hours_exception_names_the_bad_field(client_as, desk):
    client = client_as(Role.SUPERVISOR)
    response = client.put(
        "/api/v1/places/service-points/joint-desk/exceptions",
        data={"date": "2026-12-01", "reason": "Break", "is_closed": False, "opens": "16:00", "closes": "10:00"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "closes", "message": "Closing time must be after opening time.", "code": "places.closes_before_opens"}
    ]
    bad_date = client.put(
        "/api/v1/places/service-points/joint-desk/exceptions",
        data={"date": "31/12/2026", "reason": "x"},
        content_type="application/json",
    )
    assert bad_date.status_code == 400
    assert bad_date.json()["errors"][0]["field"] == "date"


def test_library_staff_cannot_change_hours_through_the_api(client_as, desk):
    client = client_as(Role.LIBRARY_STAFF)
    response = client.put(
        "/api/v1/places/service-points/joint-desk/exceptions",
        data={"date": "2026-12-01", "reason": "Break"},
        content_type="application/json",
    )
    assert response.status_code == 403
