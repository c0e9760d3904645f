"""What insights records: changes to scheduled reports (audit rows, written in the service's
transaction), and the sending of a delivery (queued after commit)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liaison.audit.services import audit_record, snapshot
from liaison.core.events import after_commit

if TYPE_CHECKING:
    from liaison.insights.models import ReportDelivery, ScheduledReport

FIELDS = ["name", "dashboard", "period", "format", "recipients", "is_active"]


def report_snapshot(report: ScheduledReport) -> dict[str, Any]:
    return snapshot(report, FIELDS)


def scheduled_report_created(*, report: ScheduledReport, actor: Any) -> None:
    audit_record(actor=actor, action="insights_report.create", obj=report, after=report_snapshot(report))


def scheduled_report_changed(*, report: ScheduledReport, actor: Any, before: dict[str, Any]) -> None:
    audit_record(actor=actor, action="insights_report.update", obj=report, before=before, after=report_snapshot(report))


def scheduled_report_deleted(*, report: ScheduledReport, actor: Any, before: dict[str, Any]) -> None:
    audit_record(actor=actor, action="insights_report.delete", obj=report, before=before)


def delivery_queued(*, delivery: ReportDelivery) -> None:
    from liaison.insights import tasks

    after_commit(tasks.send_report_delivery, delivery.pk)
