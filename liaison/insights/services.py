"""Writes: scheduled reports (create, change, delete), and the sending of due reports.

`deliveries_queue_due` is a named system job (no actor): for each active report, the last
period of its kind that has ended, once its figures are in the count tables, gets one
`ReportDelivery` row (unique per report and period) and a mail task queued after commit.
`delivery_send` (run by the task) builds the attachment and mails it, then marks the delivery
sent; a delivery already sent is skipped, so a retried task never mails twice."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from liaison.core.errors import reject
from liaison.insights import events, exports, periods, policy, selectors
from liaison.insights.models import DASHBOARD_CHOICES, ReportDelivery, ScheduledReport

logger = logging.getLogger(__name__)
MAX_RECIPIENTS = 50


def _clean(*, name: str, dashboard: str, period: str, format: str, recipients: str) -> dict[str, Any]:
    name = (name or "").strip()
    if not name:
        raise reject("name", "Give the report a name.", code="insights.name_required")
    if len(name) > 120:
        raise reject("name", "Use at most 120 characters.", code="insights.name_required")
    if dashboard not in dict(DASHBOARD_CHOICES):
        raise reject("dashboard", "Choose one of the dashboards.", code="insights.choice_unknown")
    if period not in ScheduledReport.Period.values:
        raise reject("period", "Choose month, term or fiscal year.", code="insights.choice_unknown")
    if format not in ScheduledReport.Format.values:
        raise reject("format", "Choose PDF or XLSX.", code="insights.choice_unknown")
    addresses = [a.strip() for a in (recipients or "").replace(",", "\n").splitlines() if a.strip()]
    if not addresses:
        raise reject("recipients", "Give at least one e-mail address.", code="insights.recipients_required")
    if len(addresses) > MAX_RECIPIENTS:
        raise reject("recipients", f"Send to at most {MAX_RECIPIENTS} addresses.", code="insights.too_many_recipients")
    for address in addresses:
        try:
            validate_email(address)
        except Exception:
            raise reject(
                "recipients", f"“{address[:80]}” is not an e-mail address.", code="insights.recipient_invalid"
            ) from None
    return {
        "name": name,
        "dashboard": dashboard,
        "period": period,
        "format": format,
        "recipients": "\n".join(dict.fromkeys(addresses)),
    }


def _require(actor: Any) -> None:
    if not policy.can_schedule_reports(actor):
        raise PermissionDenied("Only supervisors schedule reports.")


@transaction.atomic
def scheduled_report_create(
    *, actor: Any, name: str, dashboard: str, period: str, format: str, recipients: str
) -> ScheduledReport:
    _require(actor)
    data = _clean(name=name, dashboard=dashboard, period=period, format=format, recipients=recipients)
    report = ScheduledReport.objects.create(created_by=actor, **data)
    events.scheduled_report_created(report=report, actor=actor)
    return report


@transaction.atomic
def scheduled_report_update(
    *,
    actor: Any,
    report: ScheduledReport,
    name: str,
    dashboard: str,
    period: str,
    format: str,
    recipients: str,
    is_active: bool,
) -> ScheduledReport:
    _require(actor)
    data = _clean(name=name, dashboard=dashboard, period=period, format=format, recipients=recipients)
    before = events.report_snapshot(report)
    for key, value in {**data, "is_active": bool(is_active)}.items():
        setattr(report, key, value)
    report.save()
    events.scheduled_report_changed(report=report, actor=actor, before=before)
    return report


@transaction.atomic
def scheduled_report_delete(*, actor: Any, report: ScheduledReport) -> None:
    _require(actor)
    before = events.report_snapshot(report)
    events.scheduled_report_deleted(report=report, actor=actor, before=before)
    report.delete()


# --- Sending (system jobs) ------------------------------------------------------------------------


def deliveries_queue_due(*, today: dt.date | None = None) -> list[ReportDelivery]:
    """System job: queue every active report whose last ended period has no delivery yet and
    whose figures are ready (the desk count tables are filled past the period's end). Safe to
    run any number of times: the unique (report, period) row is created once."""
    today = today or timezone.localdate()
    ready_until = selectors.data_ready_until()
    queued = []
    for report in ScheduledReport.objects.filter(is_active=True):
        period = periods.last_complete(report.period, today=today)
        if ready_until is None or ready_until < period.end:
            logger.info("Report %s waits: figures for %s are not in the count tables yet.", report.pk, period.label)
            continue
        if ReportDelivery.objects.filter(report=report, period_first=period.first).exists():
            continue
        try:
            with transaction.atomic():
                delivery = ReportDelivery.objects.create(
                    report=report, period_first=period.first, period_last=period.last
                )
                events.delivery_queued(delivery=delivery)
        except IntegrityError:
            continue  # another worker queued it first
        queued.append(delivery)
    return queued


def _period_kind(report: ScheduledReport) -> str:
    return report.period


def delivery_build(*, delivery: ReportDelivery) -> tuple[str, str, list[tuple[str, bytes, str]]]:
    """Subject, body and attachments for a delivery (no writes)."""
    report = delivery.report
    period = periods.last_complete(report.period, today=delivery.period_last + dt.timedelta(days=1))
    span = periods.span_for(period, report.period)
    dashboard = selectors.dashboard_build(key=report.dashboard, span=span, user=report.created_by)
    name = exports.filename(dashboard)
    attachments: list[tuple[str, bytes, str]] = []
    if report.format == ScheduledReport.Format.XLSX:
        from liaison.core.exports import XLSX_TYPE

        attachments.append((f"{name}.xlsx", exports.dashboard_xlsx(dashboard), XLSX_TYPE))
    else:
        attachments.append((f"{name}.pdf", exports.dashboard_pdf(dashboard), "application/pdf"))
    first_chart = next((c for c in dashboard.charts if c.spec), None)
    png = exports.chart_png(first_chart) if first_chart else None
    if png and first_chart:
        attachments.append((f"{first_chart.key}.png", png, "image/png"))
    lines = [f"{report.name}: {dashboard.title}, {period.label}", "", dashboard.summary, ""]
    lines += [f"- {c.title}: {c.answer}" for c in dashboard.charts]
    base = getattr(settings, "LIAISON_BASE_URL", "").rstrip("/")
    if base:
        lines += ["", f"Open it: {base}/insights/{report.dashboard}/?{span.as_query()}"]
    lines += ["", "Sent by Liaison because a supervisor scheduled this report."]
    return f"{report.name}: {period.label}", "\n".join(lines), attachments


def delivery_send(*, delivery_id: int) -> bool:
    """System job (the task): send a queued delivery once. Returns False when it was already
    sent or is gone. Raises on a failed send, after noting it, so the queue retries."""
    with transaction.atomic():
        delivery = (
            ReportDelivery.objects.select_for_update(of=("self",))  # not the outer-joined creator (PostgreSQL)
            .select_related("report__created_by")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status == ReportDelivery.Status.SENT:
            return False
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
    try:
        subject, body, attachments = delivery_build(delivery=delivery)
        message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, delivery.report.recipient_list)
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
        message.send(fail_silently=False)
    except Exception as exc:
        ReportDelivery.objects.filter(pk=delivery.pk).update(status=ReportDelivery.Status.FAILED, error=str(exc)[:300])
        raise
    ReportDelivery.objects.filter(pk=delivery.pk).update(
        status=ReportDelivery.Status.SENT, sent_at=timezone.now(), error=""
    )
    return True
