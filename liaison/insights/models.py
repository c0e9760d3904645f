"""Scheduled reports: a dashboard, a period, recipients and a format, sent by e-mail when a
period has ended and its figures are in the count tables; and one delivery row per report and
period, so a report is never sent twice for the same period (ADR 0047)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from liaison.core.models import TimeStampedModel

DASHBOARD_CHOICES = [
    ("director", "Overview (the director's page)"),
    ("desk", "Desk"),
    ("tech", "Student technology issues"),
    ("equipment", "Equipment"),
    ("staffing", "Staffing"),
    ("partnership", "Partnership"),
]


class ScheduledReport(TimeStampedModel):
    class Period(models.TextChoices):
        MONTH = "month", "Every month (the month just ended)"
        TERM = "term", "Every term (the term just ended)"
        FISCAL_YEAR = "fiscal_year", "Every fiscal year (the year just ended)"

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX workbook"

    name = models.CharField(max_length=120)
    dashboard = models.CharField(max_length=20, choices=DASHBOARD_CHOICES)
    period = models.CharField(max_length=12, choices=Period.choices, default=Period.MONTH)
    format = models.CharField(max_length=4, choices=Format.choices, default=Format.PDF)
    recipients = models.TextField(help_text="E-mail addresses, one a line or separated by commas.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def recipient_list(self) -> list[str]:
        return [a.strip() for a in self.recipients.replace(",", "\n").splitlines() if a.strip()]


class ReportDelivery(models.Model):
    """One sending of a report for one period. Created once (the unique constraint), before the
    mail is queued; the task marks it sent, so a retry or a second run never mails twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (will be retried)"

    report = models.ForeignKey(ScheduledReport, on_delete=models.CASCADE, related_name="deliveries")
    period_first = models.DateField()
    period_last = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-period_first", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "period_first"], name="insights_one_delivery_per_period"),
            models.CheckConstraint(
                condition=Q(period_last__gte=models.F("period_first")), name="insights_delivery_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.period_first}–{self.period_last}"
