"""What happened in software access, one function per kind. Software access keeps no
history table of its own: the audit trail is its history (each request also has its ticket's
timeline in IT's queue). Each function writes the audit row in the caller's transaction; none
sends mail today (the ticket's own events notify IT)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liaison.audit.services import audit_record, snapshot
from liaison.core.events import EventText

if TYPE_CHECKING:
    from liaison.accounts.models import User
    from liaison.software.models import Baseline, DriftDecision, Image, Need, Request

EVENT_TEXT = EventText(
    staff={
        "need_created": "{who} recorded that {course} needs {title}.",
        "need_deleted": "{who} removed {title} from {course}'s needs.",
        "request_opened": "{who} asked IT for {title} for {course} (due {due}).",
        "request_taken": "{who} took the request for {title}.",
        "request_resolved": "{who} resolved the request for {title}.",
        "request_declined": "{who} declined the request for {title}.",
        "image_changed": "{who} changed {image}.",
        "baseline_created": "{who} set version {version} of the {role} baseline.",
        "drift_decided": "{who} decided on {permission} at {workstation}.",
    },
    public={},
)

NEED_FIELDS = ["course", "title", "min_version", "lab", "needed_by", "note", "is_late", "entered_by_instructor"]
REQUEST_FIELDS = ["need", "answer", "lab", "state", "due_on", "owner", "ticket", "resolved_at", "resolution"]


def need_snapshot(need: Need) -> dict[str, Any]:
    return snapshot(need, NEED_FIELDS)


def request_snapshot(request: Request) -> dict[str, Any]:
    return snapshot(request, REQUEST_FIELDS)


def need_created(*, actor: User | None, need: Need) -> None:
    audit_record(actor=actor, action="software_need.create", obj=need, after=need_snapshot(need))


def need_deleted(*, actor: User, need: Need, before: dict[str, Any]) -> None:
    audit_record(actor=actor, action="software_need.delete", obj=need, before=before)


def request_opened(*, actor: User, request: Request) -> None:
    audit_record(actor=actor, action="software_request.open", obj=request, after=request_snapshot(request))


def request_changed(*, actor: User, request: Request, action: str, before: dict[str, Any]) -> None:
    """`action`: take, assign, resolve or decline."""
    audit_record(
        actor=actor, action=f"software_request.{action}", obj=request, before=before, after=request_snapshot(request)
    )


def image_changed(*, actor: User | None, image: Image, before: dict[str, Any], after: dict[str, Any]) -> None:
    audit_record(actor=actor, action="software_image.change", obj=image, before=before, after=after)


def profile_changed(*, actor: User | None, profile: Any, before: dict[str, Any], after: dict[str, Any]) -> None:
    audit_record(actor=actor, action="software_profile.change", obj=profile, before=before, after=after)


def title_changed(*, actor: User | None, title: Any, before: dict[str, Any], after: dict[str, Any]) -> None:
    audit_record(actor=actor, action="software_title.change", obj=title, before=before, after=after)


def baseline_created(*, actor: User, baseline: Baseline, permissions: list[str]) -> None:
    audit_record(
        actor=actor,
        action="software_baseline.create",
        obj=baseline,
        after={"role": baseline.role, "version": baseline.version, "permissions": permissions, "note": baseline.note},
    )


def drift_decided(*, actor: User, decision: DriftDecision) -> None:
    audit_record(
        actor=actor,
        action="software_drift.decide",
        obj=decision,
        after=snapshot(decision, ["workstation", "permission", "direction", "kind", "reason", "expires_on", "ticket"]),
    )


def imported(*, actor: User | None, what: str, summary: dict[str, Any]) -> None:
    audit_record(actor=actor, action=f"software_import.{what}", object_type="software.import", after=summary)
