"""Fault reports and incidents: one open incident per device, each tied to a ticket in IT's
queue, moved through its states by IT with the ticket following."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.labs import selectors, services
from liaison.labs.models import FaultReport, Incident
from liaison.labs.tests.conftest import image_bytes
from liaison.tickets.models import Attachment, Ticket


def codes(exc):
    return [e.code for errors in exc.error_dict.values() for e in errors]


def test_a_patron_report_opens_an_incident_and_a_ticket_in_the_printing_queue(printer, it_queues):
    outcome = services.fault_report_public(asset=printer, problem="paper_jam", note="Tray 2")
    incident = outcome.incident
    assert not outcome.joined
    assert incident.state == Incident.State.REPORTED and incident.source == "patron"
    assert incident.ticket.queue == it_queues["printing"]
    assert "Paper jam" in incident.ticket.subject and "Tray 2" in incident.ticket.description
    assert incident.opened_by is None  # the patron is nobody we know
    assert AuditEvent.objects.get(action="labs_incident.open").actor_label == "anonymous"


def test_a_second_report_joins_the_open_incident_and_opens_no_ticket(printer, it_queues):
    first = services.fault_report_public(asset=printer, problem="paper_jam")
    second = services.fault_report_public(asset=printer, problem="out_of_toner")
    assert second.joined and second.incident.pk == first.incident.pk
    assert Ticket.objects.count() == 1
    assert Incident.objects.get().report_count == 2
    assert selectors.asset_public_status(printer).working is False


def test_a_workstation_goes_to_the_labs_queue(pc, it_queues):
    incident = services.fault_report_public(asset=pc, problem="cant_sign_in").incident
    assert incident.ticket.queue == it_queues["labs"]


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"problem": "on_fire"}, "problem", "labs.problem_unknown"),
        ({"problem": "cant_sign_in"}, "problem", "labs.problem_unknown"),  # not a printer's problem
        ({"problem": "paper_jam", "note": "x" * 1001}, "note", "labs.note_too_long"),
        ({"problem": "paper_jam", "contact": "y" * 201}, "contact", "labs.contact_too_long"),
    ],
)
def test_bad_reports_are_refused_by_field_and_leave_nothing(printer, data, field, code):
    with pytest.raises(ValidationError) as exc:
        services.fault_report_public(asset=printer, **data)
    assert list(exc.value.error_dict) == [field] and codes(exc.value) == [code]
    assert not Incident.objects.exists() and not Ticket.objects.exists()


def test_a_photo_is_re_encoded_onto_the_ticket(printer):
    photo = SimpleUploadedFile("jam.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    outcome = services.fault_report_public(asset=printer, problem="paper_jam", photo=photo)
    assert outcome.report.has_photo
    assert Attachment.objects.get().ticket == outcome.incident.ticket


def test_a_disguised_photo_leaves_no_incident_and_no_ticket(printer):
    fake = SimpleUploadedFile("jam.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        services.fault_report_public(asset=printer, problem="paper_jam", photo=fake)
    assert codes(exc.value) == ["labs.photo_refused"]
    assert not Incident.objects.exists() and not Ticket.objects.exists() and not FaultReport.objects.exists()


def test_a_document_is_not_a_photo(printer):
    pdf = SimpleUploadedFile("jam.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.fault_report_public(asset=printer, problem="paper_jam", photo=pdf)
    assert codes(exc.value) == ["labs.photo_not_image"]


def test_reports_are_rate_limited_per_device(printer, make_asset):
    for _ in range(services.PER_ASSET_LIMIT[0]):
        services.fault_report_public(asset=printer, problem="paper_jam")
    with pytest.raises(ValidationError) as exc:
        services.fault_report_public(asset=printer, problem="paper_jam")
    assert codes(exc.value) == ["labs.reports_rate_limited"]
    other = make_asset("printer")
    assert services.fault_report_public(asset=other, problem="paper_jam").incident.asset == other


def test_reports_are_rate_limited_overall(make_asset, monkeypatch):
    monkeypatch.setattr(services, "OVERALL_LIMIT", (3, 600))
    devices = [make_asset("printer") for _ in range(4)]
    for device in devices[:3]:
        services.fault_report_public(asset=device, problem="paper_jam")
    with pytest.raises(ValidationError) as exc:
        services.fault_report_public(asset=devices[3], problem="paper_jam")
    assert codes(exc.value) == ["labs.reports_rate_limited"]


def test_a_device_in_storage_cannot_be_reported(printer, users):
    services.asset_update(actor=users[Role.IT_STAFF], asset=printer, data={"status": "in_storage"})
    with pytest.raises(ValidationError) as exc:
        services.fault_report_public(asset=printer, problem="paper_jam")
    assert codes(exc.value) == ["labs.asset_not_in_service"]


def test_it_works_the_incident_and_the_ticket_follows(printer, users):
    it = users[Role.IT_STAFF]
    incident = services.fault_report_public(asset=printer, problem="paper_jam").incident
    incident = services.incident_change_state(actor=it, incident=incident, state="acknowledged")
    assert incident.ticket.state == Ticket.State.OPEN and incident.acknowledged_at
    incident = services.incident_change_state(actor=it, incident=incident, state="in_repair")
    incident = services.incident_change_state(
        actor=it, incident=incident, state="resolved", resolution="Cleared tray 2"
    )
    assert incident.resolved_by == it and incident.resolved_at >= incident.started_at
    ticket = Ticket.objects.get(pk=incident.ticket_id)
    assert ticket.state == Ticket.State.RESOLVED
    assert ticket.replies.get().body == "Cleared tray 2"
    assert selectors.asset_public_status(printer).working is True
    # A new fault after the repair is a new incident with a new ticket.
    again = services.fault_report_public(asset=printer, problem="paper_jam")
    assert not again.joined and again.incident.pk != incident.pk


def test_refused_transitions_say_what_is_allowed(printer, users):
    it = users[Role.IT_STAFF]
    incident = services.fault_report_public(asset=printer, problem="paper_jam").incident
    services.incident_change_state(actor=it, incident=incident, state="in_repair")
    with pytest.raises(ValidationError) as exc:
        services.incident_change_state(actor=it, incident=incident, state="acknowledged")
    assert "can go to resolved" in exc.value.messages[0] and codes(exc.value) == ["labs.transition_not_allowed"]
    with pytest.raises(ValidationError) as exc:
        services.incident_change_state(actor=it, incident=incident, state="fixed")
    assert codes(exc.value) == ["labs.state_unknown"]


def test_only_it_and_supervisors_work_incidents(printer, users):
    incident = services.fault_report_public(asset=printer, problem="paper_jam").incident
    for role in (Role.LIBRARY_STAFF, Role.STUDENT_WORKER):
        with pytest.raises(PermissionDenied):
            services.incident_change_state(actor=users[role], incident=incident, state="resolved")
    services.incident_change_state(actor=users[Role.SUPERVISOR], incident=incident, state="resolved")


def test_a_library_colleague_reports_as_themselves(printer, users):
    library = users[Role.LIBRARY_STAFF]
    incident = services.fault_report_staff(actor=library, asset=printer, problem="out_of_toner").incident
    assert incident.opened_by == library and incident.ticket.opened_by == library
    assert incident.ticket.referring_departments.filter(code="library").exists()


def test_a_device_closes_only_what_it_opened(printer, pc):
    opened = services.fault_report_from_device(asset=printer, problem="out_of_paper").incident
    assert opened.source == "device"
    closed = services.incident_resolve_from_device(asset=printer)
    assert closed.state == "resolved" and closed.resolved_by is None
    services.fault_report_public(asset=printer, problem="paper_jam")
    assert services.incident_resolve_from_device(asset=printer) is None


def test_a_contact_is_purged_30_days_after_the_repair(printer, users):
    import datetime as dt

    from django.utils import timezone

    outcome = services.fault_report_public(asset=printer, problem="paper_jam", contact="sam@student.example")
    services.incident_change_state(actor=users[Role.IT_STAFF], incident=outcome.incident, state="resolved")
    assert services.fault_report_contacts_purge(now=timezone.now() + dt.timedelta(days=29)) == 0
    assert services.fault_report_contacts_purge(now=timezone.now() + dt.timedelta(days=31)) == 1
    outcome.report.refresh_from_db()
    assert outcome.report.contact == ""


def test_maintenance_windows_are_checked(printer, users):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    it = users[Role.IT_STAFF]
    with pytest.raises(ValidationError) as exc:
        services.maintenance_plan(actor=it, asset=printer, starts_at=now, ends_at=now, reason="Fuser")
    assert codes(exc.value) == ["labs.window_invalid"]
    with pytest.raises(ValidationError):
        services.maintenance_plan(
            actor=it, asset=printer, starts_at=now, ends_at=now + dt.timedelta(days=15), reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.maintenance_plan(actor=users[Role.LIBRARY_STAFF], asset=printer, starts_at=now,
                                  ends_at=now + dt.timedelta(hours=1), reason="x")  # fmt: skip
    window = services.maintenance_plan(actor=it, asset=printer, starts_at=now, ends_at=now + dt.timedelta(hours=2),
                                       reason="Fuser replacement")  # fmt: skip
    assert window.pk
