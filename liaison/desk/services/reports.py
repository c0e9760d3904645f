"""Saved desk reports: a report's settings kept under a name for its owner (the counts are read
afresh each time it is opened; see liaison/desk/reports.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from liaison.core.errors import reject
from liaison.desk import events, policy
from liaison.desk.models import SavedReport

if TYPE_CHECKING:
    from liaison.accounts.models import User


@transaction.atomic
def saved_report_create(*, actor: User, name: str, report: dict[str, Any]) -> SavedReport:
    if not policy.can_read_reports(actor):
        raise PermissionDenied("Desk reports are for staff and supervisors.")
    name = (name or "").strip()
    if not name:
        raise reject("name", "Give the report a name.", code="desk.report_name_missing")
    if SavedReport.objects.filter(owner=actor, name=name).exists():
        raise reject(
            "name", f"You already have a report called “{name}”; choose another name.", code="desk.report_name_taken"
        )
    saved = SavedReport.objects.create(
        owner=actor,
        name=name[:80],
        period=report["period"],
        first=report.get("first") if report["period"] == "custom" else None,
        last=report.get("last") if report["period"] == "custom" else None,
        rows=report["rows"],
        columns=report.get("columns") or "",
        service_point=report.get("service_point"),
    )
    events.report_saved(actor=actor, report=saved)
    return saved


@transaction.atomic
def saved_report_delete(*, actor: User, report: SavedReport) -> None:
    if report.owner_id != actor.pk:
        raise PermissionDenied("Only the person who saved a report can remove it.")
    events.report_deleted(actor=actor, report=report)
    report.delete()
