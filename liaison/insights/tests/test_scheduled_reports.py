"""Scheduled reports: a supervisor schedules one; when the month has ended and its figures are
in the count tables, it is mailed once, with the PDF (or XLSX) and a PNG chart attached; a
second run, or a retry, does not mail again; a failed send is retried."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from liaison.core import counts
from liaison.core.roles import Role
from liaison.insights import services
from liaison.insights.models import ReportDelivery, ScheduledReport

pytestmark = pytest.mark.django_db


def _fill_all() -> None:
    for stat in counts.registered().values():
        if isinstance(stat, counts.CountStat):
            counts.fill(stat)


def _schedule(users, **extra):
    data = {"name": "Monthly desk", "dashboard": "desk", "period": "month", "format": "pdf",
            "recipients": "director@college.example, it-lead@college.example"}  # fmt: skip
    data.update(extra)
    return services.scheduled_report_create(actor=users[Role.SUPERVISOR], **data)


def test_a_due_report_is_mailed_once_with_the_pdf_and_a_png(users, joint_desk, django_capture_on_commit_callbacks):
    from liaison.desk import services as desk_services

    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=3)
    desk_services.interaction_log(
        actor=users[Role.LIBRARY_STAFF], service_point=joint_desk, kind="research", read_level=2, mode="in_person",
        client_id="0d9c2a9e-2b3f-4c1e-9a51-6b1d0c7b5e11",
        occurred_at=timezone.make_aware(dt.datetime.combine(last_month, dt.time(11))).isoformat(),
    )  # fmt: skip
    _schedule(users)
    _fill_all()
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.deliveries_queue_due()
    assert len(queued) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["director@college.example", "it-lead@college.example"]
    names = {name: mimetype for name, _content, mimetype in message.attachments}
    assert any(n.endswith(".pdf") for n in names) and "image/png" in names.values()
    pdf = next(content for name, content, _m in message.attachments if name.endswith(".pdf"))
    assert pdf.startswith(b"%PDF")
    assert "1 questions" in message.body or "1 question" in message.body
    # Run again (the daily task, the command): nothing more is sent for that month.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_queue_due() == []
        call_command("send_due_reports")
    assert len(mail.outbox) == 1
    delivery = ReportDelivery.objects.get()
    assert delivery.status == ReportDelivery.Status.SENT
    # A retried task for a delivery already sent does not mail again.
    assert services.delivery_send(delivery_id=delivery.pk) is False
    assert len(mail.outbox) == 1


def test_a_report_waits_until_the_figures_are_in_the_count_tables(users, django_capture_on_commit_callbacks):
    _schedule(users)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_queue_due() == []  # nothing filled yet
    assert mail.outbox == []


def test_an_xlsx_report_attaches_the_workbook(users, django_capture_on_commit_callbacks):
    _schedule(users, format="xlsx", dashboard="tech")
    _fill_all()
    with django_capture_on_commit_callbacks(execute=True):
        services.deliveries_queue_due()
    assert mail.outbox[0].attachments[0][0].endswith(".xlsx")


def test_a_failed_send_is_marked_and_raised_for_the_queue_to_retry(users):
    report = _schedule(users)
    delivery = ReportDelivery.objects.create(report=report, period_first=dt.date(2026, 1, 1),
                                             period_last=dt.date(2026, 1, 31))  # fmt: skip
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")),
        pytest.raises(OSError),
    ):
        services.delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == ReportDelivery.Status.FAILED and delivery.attempts == 1
    assert services.delivery_send(delivery_id=delivery.pk) is True  # the retry
    delivery.refresh_from_db()
    assert delivery.status == ReportDelivery.Status.SENT and len(mail.outbox) == 1


def test_bad_schedules_name_the_field(users):
    with pytest.raises(ValidationError) as caught:
        _schedule(users, recipients="not-an-address")
    assert "recipients" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        _schedule(users, dashboard="payroll")
    assert "dashboard" in caught.value.error_dict
    with pytest.raises(PermissionDenied):
        services.scheduled_report_create(actor=users[Role.LIBRARY_STAFF], name="x", dashboard="desk",
                                         period="month", format="pdf", recipients="a@b.example")  # fmt: skip
    assert not ScheduledReport.objects.exists()


def test_a_supervisor_schedules_and_deletes_a_report_from_the_page(client_as):
    client = client_as(Role.SUPERVISOR)
    page = client.get("/insights/reports/").content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    posted = {"name": "Term IT issues", "dashboard": "tech", "period": "term", "format": "pdf",
              "recipients": "it@college.example", "idempotency_key": key}  # fmt: skip
    response = client.post("/insights/reports/", posted)
    assert response.status_code == 302
    # A double click or a resend on a bad connection schedules the report once.
    assert client.post("/insights/reports/", posted).status_code == 302
    report = ScheduledReport.objects.get()
    assert "Term IT issues" in client.get("/insights/reports/").content.decode()
    assert client.post(f"/insights/reports/{report.pk}/delete/").status_code == 302
    assert not ScheduledReport.objects.exists()


def test_library_staff_see_the_schedule_but_cannot_change_it(client_as, users):
    report = _schedule(users)
    client = client_as(Role.LIBRARY_STAFF)
    assert client.get("/insights/reports/").status_code == 200
    assert client.post(f"/insights/reports/{report.pk}/delete/").status_code == 403
    assert ScheduledReport.objects.filter(pk=report.pk).exists()
