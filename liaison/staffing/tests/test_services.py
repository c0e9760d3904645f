"""The pool's services, read as what a supervisor or a worker would notice."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from liaison.audit.models import AuditEvent
from liaison.staffing import selectors, services
from liaison.staffing.models import Schedule, ScheduleRun, Shift, ShiftOffer, Training
from liaison.staffing.tests.factories import (
    desks,
    make_term,
    make_worker,
    next_monday,
    research,
    set_needs,
    supervisor,
)

pytestmark = pytest.mark.django_db


def _codes(exc: ValidationError) -> set[str]:
    return {e.code for errors in exc.error_dict.values() for e in errors}


@pytest.fixture
def pool():
    points = desks()
    boss = supervisor()
    term = make_term(boss)
    services.budget_set(actor=boss, term=term, department=points["it"].departments.get(), weekly_hours=40)
    morning = {d: range(8, 14) for d in range(5)}
    workers = [
        make_worker(term, username="ana", hours=morning, trained=True),
        make_worker(term, username="ben", hours=morning),
        make_worker(term, username="cai", hours=morning),
    ]
    set_needs(term, points["joint"], {(d, h): (1, 1) for d in range(5) for h in range(9, 13)})
    set_needs(term, points["it"], {(d, h): (1, 1) for d in range(5) for h in range(9, 11)})
    set_needs(term, points["joint"], {(0, h): (1, 1) for h in range(11, 13)}, skill=research())
    return {"term": term, "boss": boss, "workers": workers, "points": points}


def _generate_and_apply(pool, seconds=2):
    run = services.schedule_generate(actor=pool["boss"], term=pool["term"], time_limit_s=seconds)
    run = services.schedule_run_execute(run_id=run.pk)
    summary = services.schedule_run_apply(actor=pool["boss"], run=run)
    return run, summary


# --- Set-up -------------------------------------------------------------------------------------


def test_a_term_that_ends_before_it_starts_is_refused_by_name(users):
    boss = supervisor()
    with pytest.raises(ValidationError) as caught:
        services.term_create(actor=boss, name="Backwards", starts_on=dt.date(2027, 5, 1), ends_on=dt.date(2027, 1, 1))
    assert "staffing.term_dates" in _codes(caught.value)


def test_only_supervisors_set_up_terms(users):
    with pytest.raises(PermissionDenied):
        services.term_create(
            actor=users["student_worker"], name="Mine", starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 5, 1)
        )


def test_overlapping_availability_blocks_are_refused_naming_both_blocks_and_the_hour(pool):
    worker = pool["workers"][1]
    with pytest.raises(ValidationError) as caught:
        services.availability_save_blocks(
            actor=worker.user,
            worker=worker,
            term=pool["term"],
            blocks=[{"weekday": 1, "start": 9, "end": 12}, {"weekday": 1, "start": 11, "end": 14}],
        )
    assert "staffing.blocks_overlap" in _codes(caught.value)
    assert "Blocks 1 and 2 both cover Tuesday 11:00" in str(caught.value)
    # Nothing half-saved: the old grid is intact.
    assert len(selectors.availability_grid(worker=worker, term=pool["term"])) == 30


def test_a_worker_cannot_edit_another_workers_availability(pool):
    ana, ben = pool["workers"][:2]
    with pytest.raises(PermissionDenied):
        services.availability_save(actor=ana.user, worker=ben, term=pool["term"], cells=[(0, 9, False)])


def test_notes_are_for_supervisors_only_and_stay_out_of_the_audit_trail(pool):
    worker = pool["workers"][0]
    services.note_add(actor=pool["boss"], worker=worker, body="Great with patrons; wants more evening hours.")
    assert selectors.notes_for_user(user=pool["boss"], worker=worker).count() == 1
    with pytest.raises(PermissionDenied):
        selectors.notes_for_user(user=worker.user, worker=worker)
    with pytest.raises(PermissionDenied):
        services.note_add(actor=worker.user, worker=worker, body="Note to self")
    audit = AuditEvent.objects.get(action="staffing_note.create")
    assert "evening" not in str(audit.before) + str(audit.after) + audit.object_repr


def test_a_workers_own_training_counts_only_once_a_supervisor_signs_it_off(pool):
    ben = pool["workers"][1]
    training = services.training_record(
        actor=ben.user, worker=ben, skill=research(), completed_on=timezone.localdate() - dt.timedelta(days=3)
    )
    assert not training.valid_on(timezone.localdate())
    services.training_sign_off(actor=pool["boss"], training=training)
    training.refresh_from_db()
    assert training.valid_on(timezone.localdate()) and training.signed_off_by == pool["boss"]


def test_training_expiring_before_a_shift_makes_the_worker_ineligible_for_that_shift(pool):
    ana = pool["workers"][0]
    Training.objects.filter(worker=ana).update(expires_on=next_monday() + dt.timedelta(days=2))
    schedule = Schedule.objects.get(term=pool["term"])
    later = Shift(
        schedule=schedule,
        service_point=pool["points"]["joint"],
        skill=research(),
        date=next_monday() + dt.timedelta(days=7),
        start_hour=11,
        end_hour=13,
    )
    problems = selectors.assignment_problems(worker=ana, shift=later)
    assert [p.code for p in problems] == ["untrained"]
    assert "expired" in problems[0].message


# --- Generate, apply, publish --------------------------------------------------------------------


def test_a_generated_schedule_respects_availability_training_and_hours(pool):
    run, summary = _generate_and_apply(pool)
    assert run.result["unmet_minimum_hours"] == 0
    assert summary["created"] > 0
    shifts = list(Shift.objects.filter(schedule__term=pool["term"], worker__isnull=False))
    for shift in shifts:
        assert selectors.assignment_problems(worker=shift.worker, shift=shift) == []
    research_shifts = [s for s in shifts if s.skill_id]
    assert research_shifts and {s.worker.user.username for s in research_shifts} == {"ana"}


def test_unmet_hours_say_why(pool):
    # Saturday at the IT desk: nobody's grid has a Saturday.
    set_needs(pool["term"], pool["points"]["it"], {(5, 12): (1, 1), (0, 9): (1, 1)})
    run = services.schedule_generate(actor=pool["boss"], term=pool["term"], time_limit_s=2)
    run = services.schedule_run_execute(run_id=run.pk)
    saturday = [u for u in run.result["unmet"] if u[1] == 5]
    assert saturday == [["it-help-desk", 5, 12, 1, 1, "nobody_available"]]


def test_generating_without_needs_is_refused_at_once(pool):
    term = make_term(pool["boss"])
    with pytest.raises(ValidationError) as caught:
        services.schedule_generate(actor=pool["boss"], term=term)
    assert "staffing.no_needs" in _codes(caught.value)


def test_publishing_publishes_every_draft_and_a_second_publisher_is_told(
    pool, django_capture_on_commit_callbacks, mailoutbox
):
    _generate_and_apply(pool)
    schedule = Schedule.objects.get(term=pool["term"])
    seen = schedule.version
    with django_capture_on_commit_callbacks(execute=True):
        count = services.schedule_publish(actor=pool["boss"], schedule=schedule, expected_version=seen)
    assert count == Shift.objects.filter(schedule=schedule, state="published").count() > 0
    assert not Shift.objects.filter(schedule=schedule, state="draft").exists()
    assert {m.to[0] for m in mailoutbox} == {"ana@students.example", "ben@students.example", "cai@students.example"}
    with pytest.raises(ValidationError) as caught:
        services.schedule_publish(actor=pool["boss"], schedule=schedule, expected_version=seen)
    assert "staffing.already_published" in _codes(caught.value)


def test_publishing_a_version_someone_else_has_changed_is_refused_and_publishes_nothing(pool):
    _generate_and_apply(pool)
    schedule = Schedule.objects.get(term=pool["term"])
    stale = schedule.version - 1
    with pytest.raises(ValidationError) as caught:
        services.schedule_publish(actor=pool["boss"], schedule=schedule, expected_version=stale)
    assert "staffing.publish_conflict" in _codes(caught.value)
    assert not Shift.objects.filter(schedule=schedule, state="published").exists()


def test_a_run_started_before_another_was_applied_cannot_be_applied(pool):
    first = services.schedule_run_execute(
        run_id=services.schedule_generate(actor=pool["boss"], term=pool["term"], time_limit_s=1).pk
    )
    second = services.schedule_run_execute(
        run_id=services.schedule_generate(actor=pool["boss"], term=pool["term"], time_limit_s=1).pk
    )
    services.schedule_run_apply(actor=pool["boss"], run=first)
    with pytest.raises(ValidationError) as caught:
        services.schedule_run_apply(actor=pool["boss"], run=second)
    assert "staffing.run_stale" in _codes(caught.value)


def test_resolving_keeps_published_shifts_and_shows_the_difference(pool):
    _generate_and_apply(pool)
    schedule = Schedule.objects.get(term=pool["term"])
    services.schedule_publish(actor=pool["boss"], schedule=schedule, expected_version=schedule.version)
    published = set(Shift.objects.filter(schedule=schedule, state="published").values_list("pk", flat=True))
    run = services.schedule_run_execute(
        run_id=services.schedule_generate(actor=pool["boss"], term=pool["term"], time_limit_s=2).pk
    )
    assert run.result["added"] == [] and run.result["removed"] == []
    summary = services.schedule_run_apply(actor=pool["boss"], run=run)
    assert summary["created"] == summary["cancelled"] == 0
    assert set(Shift.objects.filter(schedule=schedule, state="published").values_list("pk", flat=True)) == published


def test_a_date_marked_unavailable_leaves_that_days_shift_open_with_the_reason(pool):
    ana = pool["workers"][0]
    monday = next_monday()
    services.unavailability_add(actor=ana.user, worker=ana, term=pool["term"], date=monday, note="Exam")
    _generate_and_apply(pool)
    assert not Shift.objects.filter(worker=ana, date=monday).exists()


# --- Offers ------------------------------------------------------------------------------------------


@pytest.fixture
def published(pool):
    _generate_and_apply(pool)
    schedule = Schedule.objects.get(term=pool["term"])
    services.schedule_publish(actor=pool["boss"], schedule=schedule, expected_version=schedule.version)
    return pool


def _plain_shift_of(worker):
    return Shift.objects.filter(worker=worker, skill__isnull=True, state="published").order_by("date").first()


def test_offer_pick_up_and_approval_move_the_shift_once_with_history(published):
    ana, ben, cai = published["workers"]
    giver = next(w for w in (ben, cai, ana) if _plain_shift_of(w))
    shift = _plain_shift_of(giver)
    taker = make_worker(published["term"], username="dee")
    offer = services.shift_offer(actor=giver.user, shift=shift)
    assert services.shift_offer(actor=giver.user, shift=shift).pk == offer.pk  # a double click
    services.offer_take(actor=taker.user, offer=offer)
    services.offer_take(actor=taker.user, offer=offer)  # and again
    services.offer_decide(actor=published["boss"], offer=offer, approve=True)
    services.offer_decide(actor=published["boss"], offer=offer, approve=True)
    shift.refresh_from_db()
    assert shift.worker == taker and shift.sequence == 1
    kinds = list(shift.events.values_list("kind", flat=True))
    assert kinds.count("approved") == 1 and kinds.count("offered") == 1 and kinds.count("taken") == 1
    assert ShiftOffer.objects.filter(shift=shift).count() == 1


def test_a_worker_not_trained_for_a_shift_cannot_pick_it_up_and_is_told_why(published):
    ana, ben, _cai = published["workers"]
    shift = Shift.objects.filter(worker=ana, skill__isnull=False, state="published").first()
    offer = services.shift_offer(actor=ana.user, shift=shift)
    with pytest.raises(ValidationError) as caught:
        services.offer_take(actor=ben.user, offer=offer)
    assert "staffing.not_eligible" in _codes(caught.value)
    assert "Research help" in str(caught.value)
    offer.refresh_from_db()
    assert offer.status == "open" and offer.taken_by is None


def test_a_worker_over_their_hours_cannot_pick_up_a_shift(published):
    ana, ben, cai = published["workers"]
    cai.max_hours_week = sum(
        s.hours for s in Shift.objects.filter(worker=cai, date__lt=next_monday() + dt.timedelta(days=7))
    )
    cai.save()
    shift = _plain_shift_of(ben) or _plain_shift_of(ana)
    offer = services.shift_offer(actor=shift.worker.user, shift=shift)
    problems = selectors.assignment_problems(worker=cai, shift=shift)
    assert "week_hours" in {p.code for p in problems}
    with pytest.raises(ValidationError):
        services.offer_take(actor=cai.user, offer=offer)


def test_without_approval_a_pick_up_changes_hands_at_once(published):
    term = published["term"]
    term.swaps_need_approval = False
    term.save()
    ana, ben, cai = published["workers"]
    giver = next(w for w in (ben, cai, ana) if _plain_shift_of(w))
    shift = _plain_shift_of(giver)
    takers = [make_worker(term, username="dee")]
    offer = services.shift_offer(actor=giver.user, shift=shift)
    offer = services.offer_take(actor=takers[0].user, offer=offer)
    assert offer.status == "approved" and offer.decided_by is None
    shift.refresh_from_db()
    assert shift.worker == takers[0]


def test_a_manual_assignment_that_breaks_a_rule_is_refused_unless_overridden(published):
    ana, ben, _cai = published["workers"]
    shift = Shift.objects.filter(worker=ana, skill__isnull=False).first()
    with pytest.raises(ValidationError) as caught:
        services.shift_assign(actor=published["boss"], shift=shift, worker=ben)
    assert "not trained" in str(caught.value) or "no signed-off training" in str(caught.value)
    overridden = services.shift_assign(actor=published["boss"], shift=shift, worker=ben, override=True)
    assert overridden and shift.events.filter(kind="assigned", note__startswith="Overridden").exists()


# --- Calendar links -----------------------------------------------------------------------------------


def test_resetting_the_calendar_link_makes_the_old_one_stop_working(pool):
    ana = pool["workers"][0]
    old = services.feed_link_reset(actor=ana.user)
    assert selectors.feed_user_by_token(token=old) == ana.user
    new = services.feed_link_reset(actor=ana.user)
    assert selectors.feed_user_by_token(token=new) == ana.user
    from django.http import Http404

    for bad in (old, new[:-1] + ("A" if new[-1] != "A" else "B"), "", "x" * 500):
        with pytest.raises(Http404):
            selectors.feed_user_by_token(token=bad)


def test_schedule_runs_are_kept_with_their_status(pool):
    run, _ = _generate_and_apply(pool)
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.APPLIED and run.finished_at is not None
