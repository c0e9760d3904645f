"""READ calibration: a seeded sample of last month's questions, rated blind, once per rater,
never by the person who logged the question; agreement per desk and per level."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import make_user
from liaison.core.roles import Role
from liaison.demand import selectors, services
from liaison.demand.models import CalibrationItem, CalibrationRating, CalibrationRound
from liaison.desk import services as desk_services
from liaison.places.models import ServicePoint

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Printer in the atrium jams on A3"


@pytest.fixture
def last_month_questions(users, joint_desk, departments):
    """Eighteen questions logged last month at two desks, by the student and by a librarian."""
    chat = ServicePoint.objects.create(name="Ask Us Chat", slug="ask-us-chat", kind=ServicePoint.Kind.CHAT)
    chat.departments.set([departments["library"]])
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    made = []
    for i in range(18):
        who = users[Role.STUDENT_WORKER] if i % 3 else users[Role.LIBRARY_STAFF]
        interaction, _ = desk_services.interaction_log(
            actor=who, service_point=joint_desk if i % 2 else chat, kind="technology" if i % 2 else "research",
            read_level=1 + i % 4, mode="in_person", client_id=uuid.uuid4(), note=f"{SECRET_NOTE} #{i}",
            occurred_at=dt.datetime.combine(first + dt.timedelta(days=i), dt.time(11), zone),
        )  # fmt: skip
        made.append(interaction)
    return made


def this_month():
    return timezone.localdate().replace(day=1)


def test_the_same_month_draws_the_same_sample_spread_over_desks(users, last_month_questions):
    round = services.calibration_round_start(actor=users[Role.SUPERVISOR], month=this_month(), size=8)
    first = list(round.items.values_list("interaction_id", flat=True))
    assert len(first) == 8
    desks = {i.interaction.service_point_id for i in round.items.select_related("interaction")}
    assert len(desks) == 2  # both desks are in the sample
    round.delete()
    again = services.calibration_round_start(actor=users[Role.SUPERVISOR], month=this_month(), size=8)
    assert list(again.items.values_list("interaction_id", flat=True)) == first


def test_a_round_per_month_once_and_the_monthly_task_starts_one(users, last_month_questions):
    made = services.calibration_round_start_as_system(month=timezone.localdate())
    assert made is not None and made.sample_size == 18  # all of last month: fewer than the 20 asked
    assert services.calibration_round_start_as_system(month=timezone.localdate()) == made
    assert CalibrationRound.objects.count() == 1
    with pytest.raises(ValidationError) as caught:
        services.calibration_round_start(actor=users[Role.SUPERVISOR], month=this_month())
    assert caught.value.error_dict["month"][0].code == "demand.round_exists"


def test_no_questions_last_month_means_no_round(users, db):
    assert services.calibration_round_start_as_system(month=timezone.localdate()) is None
    with pytest.raises(ValidationError) as caught:
        services.calibration_round_start(actor=users[Role.SUPERVISOR], month=this_month())
    assert caught.value.error_dict["month"][0].code == "demand.no_questions"


def test_only_supervisors_start_a_round(users, last_month_questions):
    for role in (Role.LIBRARY_STAFF, Role.IT_STAFF, Role.STUDENT_WORKER):
        with pytest.raises(PermissionDenied):
            services.calibration_round_start(actor=users[role], month=this_month())


def test_a_rater_never_sees_their_own_questions_nor_the_level_given(users, last_month_questions, client_as):
    round = services.calibration_round_start(actor=users[Role.SUPERVISOR], month=this_month(), size=18)
    student = users[Role.STUDENT_WORKER]
    _q, _done, total = selectors.calibration_progress(user=student, round=round)
    assert total == 6  # 12 of the 18 are the student's own
    page = client_as(Role.STUDENT_WORKER).get("/demand/calibration/").content.decode()
    assert SECRET_NOTE in page and "READ level" in page
    item = CalibrationItem.objects.get(pk=int(page.split('name="item" value="')[1].split('"')[0]))
    assert item.interaction.recorded_by_id != student.pk
    assert f"READ {item.interaction.read_level}" not in page and "read_level" not in page
    assert users[Role.LIBRARY_STAFF].username not in page and users[Role.LIBRARY_STAFF].email not in page
    own = CalibrationItem.objects.filter(round=round, interaction__recorded_by=student).first()
    with pytest.raises(ValidationError) as caught:
        services.calibration_rate(actor=student, item=own, level=2)
    assert caught.value.error_dict["item"][0].code == "demand.own_question"


def test_one_rating_per_rater_per_question_even_when_sent_twice(users, last_month_questions, client_as):
    services.calibration_round_start(actor=users[Role.SUPERVISOR], month=this_month(), size=18)
    client = client_as(Role.IT_STAFF)
    page = client.get("/demand/calibration/").content.decode()
    item = page.split('name="item" value="')[1].split('"')[0]
    for _ in range(2):
        response = client.post("/demand/calibration/", {"item": item, "level": "3"}, follow=True)
    assert CalibrationRating.objects.filter(item_id=item, rater=users[Role.IT_STAFF]).count() == 1
    assert "already" in response.content.decode()
    response = client.post("/demand/calibration/", {"item": item, "level": "9"}, follow=True)
    assert CalibrationRating.objects.filter(item_id=item).count() == 1
    assert client.post("/demand/calibration/", {"item": "99999999", "level": "2"}).status_code == 404


def test_agreement_per_desk_and_per_level(users, last_month_questions):
    round = services.calibration_round_start(actor=users[Role.SUPERVISOR], month=this_month(), size=18)
    items = list(round.items.select_related("interaction"))
    raters = [users[Role.SUPERVISOR], users[Role.IT_STAFF], make_user(Role.LIBRARY_STAFF, username="second_lib")]
    for rater in raters:
        for item in items:
            given = item.interaction.read_level
            # The second librarian always rates one higher; the others agree.
            level = min(6, given + 1) if rater.username == "second_lib" else given
            services.calibration_rate(actor=rater, item=item, level=level)
    report = selectors.calibration_agreement(round=round)
    assert report.overall.pairs == 54 and report.raters == 3
    assert report.overall.exact_pct == round_pct(36, 54)
    assert report.overall.within_one_pct == 100.0
    assert report.overall.kappa is not None and 0 < report.overall.kappa < 1
    assert {g.label for g in report.by_desk} == {"Ask Us Chat", "Research & IT Desk"}
    level_one = next(g for g in report.by_level if g.label == "READ 1")
    assert level_one.drift.startswith("re-rated higher")


def round_pct(a, b):
    return round(100 * a / b, 1)


def test_the_report_and_its_download_for_staff_not_students(users, last_month_questions, client_as):
    round = services.calibration_round_start(actor=users[Role.SUPERVISOR], month=this_month(), size=10)
    item = round.items.exclude(interaction__recorded_by=users[Role.IT_STAFF]).first()
    services.calibration_rate(actor=users[Role.IT_STAFF], item=item, level=2)
    page = client_as(Role.LIBRARY_STAFF).get("/demand/calibration/report/").content.decode()
    assert "Per desk" in page and "Per level" in page and "1 rating by 1 rater" in page
    csv = (
        client_as(Role.LIBRARY_STAFF)
        .get(f"/demand/calibration/report/export/?month={round.month:%Y-%m}")
        .content.decode()
    )
    assert csv.splitlines()[0].lstrip("\ufeff").startswith("group,by,pairs,exact %")
    assert SECRET_NOTE not in csv
    assert client_as(Role.STUDENT_WORKER).get("/demand/calibration/report/").status_code == 403
    assert client_as(Role.LIBRARY_STAFF).get("/demand/calibration/report/?month=1999-01").status_code == 404
