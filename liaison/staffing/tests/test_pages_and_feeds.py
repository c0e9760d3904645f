"""The pages a supervisor and a worker use, and the calendar feeds parsed back."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from liaison.staffing import selectors, services
from liaison.staffing.models import Schedule, Shift, ShiftOffer
from liaison.staffing.tests.factories import desks, make_term, make_worker, research, set_needs, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool():
    points = desks()
    boss = supervisor()
    term = make_term(boss)
    morning = {d: range(8, 14) for d in range(5)}
    workers = [
        make_worker(term, username="ana", hours=morning, trained=True),
        make_worker(term, username="ben", hours=morning),
        make_worker(term, username="cai", hours=morning),
        make_worker(term, username="dee", hours=morning),
    ]
    set_needs(term, points["joint"], {(d, h): (1, 1) for d in range(5) for h in range(9, 13)})
    set_needs(term, points["it"], {(d, h): (1, 1) for d in range(3) for h in range(9, 11)})
    set_needs(term, points["joint"], {(0, h): (1, 1) for h in range(11, 13)}, skill=research())
    return {"term": term, "boss": boss, "workers": workers, "points": points}


def _published(pool):
    run = services.schedule_run_execute(
        run_id=services.schedule_generate(actor=pool["boss"], term=pool["term"], time_limit_s=2).pk
    )
    services.schedule_run_apply(actor=pool["boss"], run=run)
    schedule = Schedule.objects.get(term=pool["term"])
    services.schedule_publish(actor=pool["boss"], schedule=schedule, expected_version=schedule.version)
    return schedule


def _events(body: bytes) -> dict[str, dict]:
    cal = Calendar.from_ical(body)
    assert cal.walk("VTIMEZONE"), "a VTIMEZONE for Outlook"
    return {
        str(e["UID"]): {"status": str(e["STATUS"]), "sequence": int(e["SEQUENCE"]), "start": e.decoded("DTSTART")}
        for e in cal.walk("VEVENT")
    }


def test_a_supervisor_generates_reviews_applies_and_publishes_through_the_pages(
    client, pool, django_capture_on_commit_callbacks
):
    client.force_login(pool["boss"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staffing/terms/{pool['term'].pk}/generate/", {"seconds": "2"})
    run_url = response["Location"]
    page = client.get(run_url).content.decode()
    assert "Where the need is not met" in page and "Apply as a draft" in page
    response = client.post(run_url + "apply/")
    assert response.status_code == 302
    schedule = Schedule.objects.get(term=pool["term"])
    assert schedule.has_unpublished_changes
    home = client.get("/staffing/").content.decode()
    assert f"Publish version {schedule.version}" in home
    client.post(f"/staffing/terms/{pool['term'].pk}/publish/", {"version": schedule.version})
    assert Shift.objects.filter(schedule=schedule, state="published").exists()
    again = client.post(f"/staffing/terms/{pool['term'].pk}/publish/", {"version": schedule.version}, follow=True)
    assert "already published" in again.content.decode()


def test_the_availability_grid_saves_what_was_painted_and_works_without_javascript(client, pool):
    ben = pool["workers"][1]
    client.force_login(ben.user)
    page = client.get("/staffing/availability/").content.decode()
    assert 'name="c-0-8"' in page and "staffing.js" in page and "<script>" not in page
    response = client.post(
        "/staffing/availability/", {"term": pool["term"].pk, "c-0-9": "a", "c-0-10": "p", "c-6-23": "x"}
    )
    assert response.status_code == 302
    grid = selectors.availability_grid(worker=ben, term=pool["term"])
    assert grid == {(0, 9): 1, (0, 10): 2}


def test_a_schedule_week_lists_a_desks_shifts_in_a_constant_number_of_queries(
    client, pool, django_assert_max_num_queries
):
    _published(pool)
    client.force_login(pool["workers"][0].user)
    week = selectors.week_start(pool["term"].starts_on)
    with django_assert_max_num_queries(25):
        page = client.get(f"/staffing/schedule/?term={pool['term'].pk}&position=joint-desk&week={week}")
    assert page.status_code == 200 and "Shifts this week" in page.content.decode()


def test_workers_feed_follows_a_swap_with_stable_uids(client, pool):
    schedule = _published(pool)
    _ana, ben, cai, dee = pool["workers"]
    shift = Shift.objects.filter(schedule=schedule, worker__in=[ben, cai], skill__isnull=True).order_by("date").first()
    giver = shift.worker
    token_giver = services.feed_link_reset(actor=giver.user)
    token_dee = services.feed_link_reset(actor=dee.user)
    before = _events(client.get(f"/staffing/feed/{token_giver}.ics").content)
    uid = f"{shift.uid}@liaison"
    assert before[uid]["status"] == "CONFIRMED"
    assert before[uid]["start"].hour == shift.start_hour and before[uid]["start"].tzinfo is not None

    # A worker offers, another picks up, the supervisor approves: both feeds change.
    offer = services.shift_offer(actor=giver.user, shift=shift)
    if selectors.assignment_problems(worker=dee, shift=shift):
        pytest.skip("dee happens to be busy then in this schedule")
    services.offer_take(actor=dee.user, offer=offer)
    services.offer_decide(actor=pool["boss"], offer=offer, approve=True)
    after_giver = _events(client.get(f"/staffing/feed/{token_giver}.ics").content)
    after_dee = _events(client.get(f"/staffing/feed/{token_dee}.ics").content)
    assert after_giver[uid]["status"] == "CANCELLED" and after_giver[uid]["sequence"] > before[uid]["sequence"]
    assert after_dee[uid]["status"] == "CONFIRMED"
    assert ShiftOffer.objects.get(pk=offer.pk).status == "approved"


def test_a_service_points_feed_names_who_works_and_a_cancelled_shift_stays_as_cancelled(client, pool):
    schedule = _published(pool)
    token = services.feed_link_reset(actor=pool["boss"])
    shift = Shift.objects.filter(schedule=schedule, service_point__slug="joint-desk").first()
    Shift.objects.filter(pk=shift.pk).update(state="cancelled", sequence=5)
    cal = Calendar.from_ical(client.get(f"/staffing/feed/{token}/joint-desk.ics").content)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert str(events[f"{shift.uid}@liaison"]["STATUS"]) == "CANCELLED"
    assert any(str(shift.worker) in str(e["SUMMARY"]) for e in events.values())


def test_a_tampered_or_reset_feed_link_is_a_plain_404(client, pool):
    ana = pool["workers"][0]
    old = services.feed_link_reset(actor=ana.user)
    new = services.feed_link_reset(actor=ana.user)
    for token in (old, new[:-2] + "zz", "../../etc", "x" * 150):
        response = client.get(f"/staffing/feed/{token}.ics")
        assert response.status_code == 404
    assert client.get(f"/staffing/feed/{new}.ics").status_code == 200
    assert client.get(f"/staffing/feed/{new}/no-such-desk.ics").status_code == 404


def test_payroll_hours_export_as_csv_and_xlsx_per_worker_and_department(client, pool):
    schedule = _published(pool)
    client.force_login(pool["boss"])
    start, end = pool["term"].starts_on, pool["term"].ends_on
    csv = client.get(f"/staffing/payroll/?start={start}&end={end}&format=csv")
    text = csv.content.decode("utf-8-sig")
    hours = sum(s.hours for s in Shift.objects.filter(schedule=schedule, state="published", worker__isnull=False))
    assert text.splitlines()[0].startswith("Worker,Username,Paying department")
    assert sum(int(line.split(",")[4]) for line in text.splitlines()[1:]) == hours
    xlsx = client.get(f"/staffing/payroll/?start={start}&end={end}&format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    bad = client.get(f"/staffing/payroll/?start={end}&end={start}")
    assert bad.status_code == 400 and "ends before it starts" in bad.content.decode()


def test_students_see_no_drafts_and_no_notes(client, pool):
    run = services.schedule_run_execute(
        run_id=services.schedule_generate(actor=pool["boss"], term=pool["term"], time_limit_s=1).pk
    )
    services.schedule_run_apply(actor=pool["boss"], run=run)
    draft = Shift.objects.filter(state="draft").first()
    ben = pool["workers"][1]
    client.force_login(ben.user)
    assert client.get(f"/staffing/shifts/{draft.pk}/").status_code == 404
    services.note_add(actor=pool["boss"], worker=ben, body="Private remark")
    assert "Private remark" not in client.get(f"/staffing/workers/{ben.pk}/").content.decode()


def test_the_ledger_counts_it_paid_hours_at_the_library_desk(pool):
    from liaison.staffing import ledger

    schedule = _published(pool)
    shifts = list(Shift.objects.filter(schedule=schedule, state="published", service_point__slug="joint-desk"))
    Shift.objects.filter(pk__in=[s.pk for s in shifts]).update(date=dt.date(2025, 3, 3))
    rows = list(ledger.cross_desk_rows(dt.date(2025, 3, 1), dt.date(2025, 3, 31)))
    assert len(rows) == len(shifts)
    assert {(r.giver, r.receiver) for r in rows} == {("it", "library")}
    assert sum(r.hours for r in rows) == sum(s.hours for s in shifts)


def test_needs_are_edited_as_a_grid_and_a_bad_cell_saves_nothing(client, pool):
    client.force_login(pool["boss"])
    url = f"/staffing/needs/?term={pool['term'].pk}&point=it-help-desk"
    assert client.get(url).status_code == 200
    bad = client.post(
        "/staffing/needs/",
        {"term": pool["term"].pk, "point": "it-help-desk", "n-0-9": "1/2", "n-1-9": "two", "n-2-9": "3/1"},
    )
    text = bad.content.decode()
    assert bad.status_code == 400 and "Tuesday 09:00" in text and "Nothing was saved" in text
    assert selectors.need_grid(term=pool["term"], point=pool["points"]["it"], skill=None)[(0, 9)] == (1, 1)
    good = client.post(
        "/staffing/needs/", {"term": pool["term"].pk, "point": "it-help-desk", "n-0-9": "1/2", "n-4-16": "1"}
    )
    assert good.status_code == 302
    assert selectors.need_grid(term=pool["term"], point=pool["points"]["it"], skill=None) == {
        (0, 9): (1, 2),
        (4, 16): (1, 1),
    }


def test_an_unchanged_feed_answers_304_and_a_change_gives_a_new_etag(client, pool):
    schedule = _published(pool)
    ana = pool["workers"][0]
    token = services.feed_link_reset(actor=ana.user)
    first = client.get(f"/staffing/feed/{token}.ics")
    etag = first["ETag"]
    assert client.get(f"/staffing/feed/{token}.ics", HTTP_IF_NONE_MATCH=etag).status_code == 304
    shift = Shift.objects.filter(schedule=schedule, worker=ana).first()
    Shift.objects.filter(pk=shift.pk).update(sequence=shift.sequence + 1, state="cancelled")
    changed = client.get(f"/staffing/feed/{token}.ics", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "STATUS:CANCELLED" in changed.content.decode()


def test_a_double_clicked_generate_runs_the_solver_once(client, pool, django_capture_on_commit_callbacks):
    from liaison.staffing.models import ScheduleRun

    client.force_login(pool["boss"])
    form = {"seconds": "1", "idempotency_key": "generate-key-0123456789"}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/staffing/terms/{pool['term'].pk}/generate/", form)
        second = client.post(f"/staffing/terms/{pool['term'].pk}/generate/", form)
    assert first["Location"] == second["Location"] != "/staffing/", first["Location"]
    assert ScheduleRun.objects.count() == 1


def test_a_shifts_page_weighs_every_worker_in_a_constant_number_of_queries(client, pool, django_assert_max_num_queries):
    """3 other workers or 30: the same queries (it cost about six a worker before)."""
    schedule = _published(pool)
    shift = Shift.objects.filter(schedule=schedule, worker__isnull=False, skill__isnull=True).order_by("date").first()
    client.force_login(pool["boss"])
    url = f"/staffing/shifts/{shift.pk}/"
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(27):
        make_worker(pool["term"], max_week=2)
    with django_assert_max_num_queries(len(few)):
        page = client.get(url)
    text = page.content.decode()
    assert text.count('name="worker" value="') == 30 + 1  # everyone else, and "leave it open"
    assert len(few) <= 20


def test_the_offers_a_worker_could_take_are_weighed_in_a_constant_number_of_queries(pool):
    """One offer or many: the same queries, and the same answer as weighing each on its own."""
    schedule = _published(pool)
    ana, *others = pool["workers"]
    today = dt.date.today()
    theirs = list(
        Shift.objects.filter(schedule=schedule, worker__in=others, state="published", date__gte=today).order_by("date")
    )
    services.shift_offer(actor=theirs[0].worker.user, shift=theirs[0])
    with CaptureQueriesContext(connection) as one:
        assert len(selectors.offers_open_to(worker=ana)) == 1
    for shift in theirs[1:]:
        services.shift_offer(actor=shift.worker.user, shift=shift)
    with CaptureQueriesContext(connection) as many:
        weighed = selectors.offers_open_to(worker=ana)
    assert len(weighed) == len(theirs) > 3
    assert len(many) == len(one)
    for offer, problems in weighed:
        alone = selectors.assignment_problems(worker=ana, shift=offer.shift)
        assert [p.message for p in problems] == [p.message for p in alone]
    assert any(problems for _offer, problems in weighed) and any(not problems for _offer, problems in weighed)
