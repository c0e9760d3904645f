"""What happened to a pilot, one function per kind (the shape of `liaison/core/events.py`).

Each function writes the `PilotEvent` row (the pilot's history, on its page) where the pilot
has history, and the audit row, in the caller's transaction. No event sends mail today; a
side effect would be scheduled here with `core.events.after_commit`.

Answers are not audited one by one: an anonymous answer has no actor, and an audit row per
answer would record the time of day the answers are kept without. A desk answer writes an
audit row naming the member of staff, not the answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from liaison.audit.services import audit_record, snapshot
from liaison.core.events import EventText
from liaison.pilots.models import FeedbackForm, HostingCost, Pilot, PilotEvent, Theme

if TYPE_CHECKING:
    from liaison.accounts.models import User

EVENT_TEXT = EventText(
    staff={
        "proposed": "proposed the pilot",
        "changed": "changed the pilot's details",
        "agreed": "agreed to host the pilot",
        "started": "started the pilot: answers are collected",
        "reporting": "ended collection: the pilot is being reported on",
        "closed": "delivered the report to IT and closed the pilot",
        "cost_recorded": "recorded a hosting cost",
        "form_created": "made a feedback form",
        "form_changed": "changed a feedback form",
    },
    public={},
)

AUDIT_FIELDS = [
    "title",
    "kind",
    "summary",
    "reason",
    "learning_goals",
    "proposed_by",
    "it_department",
    "library_department",
    "it_owner",
    "library_owner",
    "devices",
    "desk_tag",
    "starts_on",
    "ends_on",
    "state",
    "recommendation",
    "report_delivered_on",
]


def pilot_snapshot(pilot: Pilot) -> dict[str, Any]:
    return snapshot(pilot, AUDIT_FIELDS)


def _history(pilot: Pilot, kind: str, actor: User | None, from_state: str = "", to_state: str = "") -> None:
    PilotEvent.objects.create(
        pilot=pilot, kind=kind, actor=actor, at=timezone.now(), from_state=from_state, to_state=to_state
    )


def pilot_proposed(*, actor: User, pilot: Pilot) -> None:
    _history(pilot, "proposed", actor, to_state=pilot.state)
    audit_record(actor=actor, action="pilot.propose", obj=pilot, after=pilot_snapshot(pilot))


def pilot_changed(*, actor: User, pilot: Pilot, before: dict[str, Any]) -> None:
    _history(pilot, "changed", actor)
    audit_record(actor=actor, action="pilot.update", obj=pilot, before=before, after=pilot_snapshot(pilot))


def pilot_moved(*, actor: User, pilot: Pilot, kind: str, from_state: str, before: dict[str, Any]) -> None:
    """agreed, started, reporting, closed."""
    _history(pilot, kind, actor, from_state=from_state, to_state=pilot.state)
    audit_record(actor=actor, action=f"pilot.{kind}", obj=pilot, before=before, after=pilot_snapshot(pilot))


def cost_recorded(*, actor: User, cost: HostingCost) -> None:
    _history(cost.pilot, "cost_recorded", actor)
    audit_record(
        actor=actor,
        action="pilot.cost_record",
        obj=cost,
        after=snapshot(cost, ["pilot", "kind", "occurred_on", "hours", "amount", "note"]),
    )


def form_saved(*, actor: User, form: FeedbackForm, created: bool, version_number: int) -> None:
    _history(form.pilot, "form_created" if created else "form_changed", actor)
    after = snapshot(form, ["pilot", "title", "code", "is_open", "quota_student", "quota_faculty", "quota_staff"])
    audit_record(
        actor=actor,
        action="pilot.form_create" if created else "pilot.form_update",
        obj=form,
        after={**after, "version": version_number},
    )


def desk_answer_recorded(*, actor: User, form: FeedbackForm) -> None:
    audit_record(
        actor=actor,
        action="pilot.desk_answer",
        object_type="pilots.feedbackform",
        object_id=str(form.pk),
        object_repr=str(form)[:200],
    )


def theme_set(*, actor: User, theme: Theme | None, answer_id: str, pilot: Pilot) -> None:
    audit_record(
        actor=actor,
        action="pilot.theme_set",
        obj=pilot,
        after={"answer": answer_id, "theme": theme.name if theme else None},
    )


def describe(event: PilotEvent) -> str:
    return EVENT_TEXT.render(event.kind)
