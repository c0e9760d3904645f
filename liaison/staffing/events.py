"""What happened in the pool, one function per kind (the shape of `liaison/core/events.py`).

Shift changes write a `ShiftEvent` (the shift's history, which the calendars also read: a shift
handed to someone else is cancelled in the first worker's calendar) and an audit row; the rest
write the audit row only. Mail goes after commit (`tasks.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liaison.audit.services import audit_record, snapshot
from liaison.core.events import EventText, after_commit
from liaison.staffing.models import Shift, ShiftEvent, ShiftOffer, Worker

if TYPE_CHECKING:
    from liaison.accounts.models import User
    from liaison.staffing.models import Schedule, ScheduleRun, Term, Training, WorkerNote

EVENT_TEXT = EventText(
    staff={
        "created": "Scheduled by {actor}",
        "published": "Published by {actor}",
        "cancelled": "Cancelled by {actor}",
        "assigned": "Given to {to} by {actor}",
        "offered": "Offered by {from}",
        "offer_withdrawn": "Offer withdrawn by {actor}",
        "taken": "Picked up by {to}",
        "approved": "Handed from {from} to {to}, approved by {actor}",
        "handed_over": "Handed from {from} to {to} (no approval needed)",
        "declined": "Pick-up by {to} declined by {actor}",
        "opened": "Left open: {note}",
    },
    public={},
)


def describe(event: ShiftEvent) -> str:
    context: dict[str, Any] = {
        "actor": str(event.actor) if event.actor else "Liaison",
        "to": str(event.to_worker) if event.to_worker else "nobody",
        "note": event.note,
        "from": str(event.from_worker) if event.from_worker else "the open pool",
    }
    return EVENT_TEXT.render(event.kind, **context)


def _shift_event(
    shift: Shift,
    kind: str,
    *,
    actor: User | None,
    from_worker: Worker | None = None,
    to_worker: Worker | None = None,
    note: str = "",
) -> ShiftEvent:
    return ShiftEvent.objects.create(
        shift=shift, kind=kind, actor=actor, from_worker=from_worker, to_worker=to_worker, note=note[:300]
    )


def shift_snapshot(shift: Shift) -> dict[str, Any]:
    return snapshot(shift, ["worker", "service_point", "skill", "date", "start_hour", "end_hour", "state"])


# --- Pool set-up (audit only) -------------------------------------------------------------------


def term_saved(*, actor: User, term: Term, created: bool) -> None:
    audit_record(
        actor=actor,
        action="staffing_term.create" if created else "staffing_term.update",
        obj=term,
        after=snapshot(term),
    )


def budget_set(*, actor: User, term: Term, department_code: str, before: int | None, after: int) -> None:
    audit_record(
        actor=actor,
        action="staffing_budget.set",
        obj=term,
        before={"department": department_code, "weekly_hours": before},
        after={"department": department_code, "weekly_hours": after},
    )


def worker_saved(*, actor: User, worker: Worker, before: dict[str, Any] | None) -> None:
    audit_record(
        actor=actor,
        action="staffing_worker.update" if before else "staffing_worker.create",
        obj=worker,
        before=before,
        after=snapshot(worker, ["paying_department", "max_hours_week", "max_hours_day", "is_active"]),
    )


def training_recorded(*, actor: User, training: Training) -> None:
    audit_record(
        actor=actor,
        action="staffing_training.record",
        obj=training,
        after=snapshot(training, ["worker", "skill", "completed_on", "expires_on", "signed_off_at"]),
    )


def training_signed_off(*, actor: User, training: Training) -> None:
    audit_record(
        actor=actor,
        action="staffing_training.sign_off",
        obj=training,
        after=snapshot(training, ["worker", "skill", "completed_on", "expires_on", "signed_off_at"]),
    )


def note_added(*, actor: User, note: WorkerNote) -> None:
    # The note's text stays out of the audit trail: only supervisors may read it.
    audit_record(actor=actor, action="staffing_note.create", obj=note, object_repr=f"Note on {note.worker}")


def availability_saved(*, actor: User, worker: Worker, term: Term, hours: int) -> None:
    audit_record(
        actor=actor, action="staffing_availability.save", obj=worker, after={"term": term.pk, "available_hours": hours}
    )


def needs_saved(*, actor: User, term: Term, point_slug: str, skill: str, hours: int) -> None:
    audit_record(
        actor=actor,
        action="staffing_needs.save",
        obj=term,
        after={"service_point": point_slug, "skill": skill, "hours_needed": hours},
    )


def need_rule_set(*, actor: User, term: Term, before: int, after: int) -> None:
    audit_record(
        actor=actor,
        action="staffing_needs.rule",
        obj=term,
        before={"questions_per_worker": before},
        after={"questions_per_worker": after},
    )


def needs_suggestion_accepted(*, actor: User, term: Term, point_slug: str, skill: str, cells: int, rule: int) -> None:
    audit_record(
        actor=actor,
        action="staffing_needs.accept_suggested",
        obj=term,
        after={"service_point": point_slug, "skill": skill, "cells": cells, "questions_per_worker": rule},
    )


def run_requested(*, actor: User, run: ScheduleRun) -> None:
    audit_record(actor=actor, action="staffing_run.request", obj=run, object_repr=f"Solver run {run.pk}")


def run_applied(*, actor: User, run: ScheduleRun, summary: dict[str, int]) -> None:
    audit_record(actor=actor, action="staffing_run.apply", obj=run, object_repr=f"Solver run {run.pk}", after=summary)


# --- Shifts ---------------------------------------------------------------------------------------


def shift_created(*, actor: User | None, shift: Shift) -> None:
    _shift_event(shift, "created", actor=actor, to_worker=shift.worker)
    if shift.worker is None and shift.open_reason:
        _shift_event(shift, "opened", actor=actor, note=shift.open_reason)


def shift_cancelled(*, actor: User | None, shift: Shift) -> None:
    _shift_event(shift, "cancelled", actor=actor, from_worker=shift.worker)


def schedule_published(*, actor: User, schedule: Schedule, shifts: list[Shift], notify_user_ids: list[int]) -> None:
    for shift in shifts:
        _shift_event(shift, "published", actor=actor, to_worker=shift.worker)
    audit_record(
        actor=actor,
        action="staffing_schedule.publish",
        obj=schedule,
        after={"version": schedule.version, "shifts_published": len(shifts)},
    )
    if notify_user_ids:
        from liaison.staffing.tasks import mail_schedule_published

        after_commit(mail_schedule_published, user_ids=notify_user_ids, term_name=schedule.term.name)


def shift_assigned(*, actor: User, shift: Shift, before: dict[str, Any], from_worker: Worker | None, note: str) -> None:
    _shift_event(shift, "assigned", actor=actor, from_worker=from_worker, to_worker=shift.worker, note=note)
    audit_record(actor=actor, action="staffing_shift.assign", obj=shift, before=before, after=shift_snapshot(shift))


def shift_offered(*, actor: User, offer: ShiftOffer) -> None:
    _shift_event(offer.shift, "offered", actor=actor, from_worker=offer.offered_by, note=offer.note)
    audit_record(actor=actor, action="staffing_offer.create", obj=offer, object_repr=str(offer.shift))


def offer_withdrawn(*, actor: User, offer: ShiftOffer) -> None:
    _shift_event(offer.shift, "offer_withdrawn", actor=actor, from_worker=offer.offered_by)
    audit_record(actor=actor, action="staffing_offer.withdraw", obj=offer, object_repr=str(offer.shift))


def offer_taken(*, actor: User, offer: ShiftOffer) -> None:
    _shift_event(offer.shift, "taken", actor=actor, from_worker=offer.offered_by, to_worker=offer.taken_by)
    audit_record(actor=actor, action="staffing_offer.take", obj=offer, object_repr=str(offer.shift))


def offer_approved(*, actor: User, offer: ShiftOffer, from_worker: Worker | None, automatic: bool) -> None:
    kind = "handed_over" if automatic else "approved"
    _shift_event(offer.shift, kind, actor=actor, from_worker=from_worker, to_worker=offer.taken_by)
    audit_record(
        actor=actor,
        action="staffing_offer.approve",
        obj=offer,
        object_repr=str(offer.shift),
        after={
            "from": from_worker.pk if from_worker else None,
            "to": offer.taken_by.pk if offer.taken_by else None,
            "automatic": automatic,
        },
    )
    user_ids = [w.user_id for w in (from_worker, offer.taken_by) if w is not None]
    from liaison.staffing.tasks import mail_shift_changed_hands

    after_commit(mail_shift_changed_hands, user_ids=user_ids, shift_label=str(offer.shift))


def offer_declined(*, actor: User, offer: ShiftOffer) -> None:
    _shift_event(offer.shift, "declined", actor=actor, from_worker=offer.offered_by, to_worker=offer.taken_by)
    audit_record(actor=actor, action="staffing_offer.decline", obj=offer, object_repr=str(offer.shift))


def feed_link_made(*, actor: User) -> None:
    audit_record(
        actor=actor,
        action="staffing_feed.reset",
        object_type="staffing.feedtoken",
        object_id=str(actor.pk),
        object_repr=f"Shift calendar link of {actor}",
    )
