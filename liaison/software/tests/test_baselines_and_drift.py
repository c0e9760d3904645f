"""Each staff role has a versioned baseline; a workstation's drift from it is listed until it
becomes a change request or an exception with a reason and an expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from liaison.core.roles import Role
from liaison.software import drift, services
from liaison.software.models import DriftDecision, Workstation
from liaison.tickets.models import Ticket


@pytest.fixture
def librarian_baseline(world):
    return services.baseline_create(
        actor=world.users[Role.SUPERVISOR], role=Role.LIBRARY_STAFF, grant=[world.printers], note="Standard"
    )


def station(world, name, *permissions, role=Role.LIBRARY_STAFF):
    ws, _ = services.workstation_upsert(hostname=name, role=role, permissions=list(permissions))
    return ws


def test_baselines_are_versioned_and_the_latest_is_current(world, librarian_baseline):
    second = services.baseline_create(
        actor=world.users[Role.SUPERVISOR], role=Role.LIBRARY_STAFF, grant=[world.printers, world.usb]
    )
    assert (librarian_baseline.version, second.version) == (1, 2)
    current = drift.current_baselines()[Role.LIBRARY_STAFF]
    assert current.pk == second.pk and current.granted_ids == {world.printers.pk, world.usb.pk}


def test_a_baseline_that_contradicts_itself_is_refused(world):
    supervisor = world.users[Role.SUPERVISOR]
    with pytest.raises(ValidationError) as exc:
        services.baseline_create(actor=supervisor, role=Role.LIBRARY_STAFF, grant=[world.usb], deny=[world.usb])
    assert "USB storage is both granted and denied" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.baseline_create(actor=supervisor, role=Role.LIBRARY_STAFF, grant=[world.install])
    assert "Install software is granted but needs Run as administrator" in str(exc.value)
    assert exc.value.error_dict["permissions"][0].code == "software.baseline_contradiction"


def test_only_supervisors_set_baselines(world):
    with pytest.raises(PermissionDenied):
        services.baseline_create(actor=world.users[Role.IT_STAFF], role=Role.LIBRARY_STAFF, grant=[])


def test_drift_lists_what_is_granted_beyond_and_missing_from_the_baseline(world, librarian_baseline):
    station(world, "LIB-01", world.printers)
    station(world, "LIB-02", world.admin_rights)
    report = {r.workstation.hostname: r for r in drift.drift_report()}
    assert report["LIB-01"].at_standard
    items = {(i.permission.key, i.direction) for i in report["LIB-02"].items}
    assert items == {("run_as_admin", "beyond"), ("add_printers", "missing")}


def test_an_exception_needs_a_reason_and_expiry_and_hides_the_item_until_it_expires(world, librarian_baseline):
    ws = station(world, "LIB-02", world.printers, world.admin_rights)
    it = world.users[Role.IT_STAFF]
    with pytest.raises(ValidationError) as exc:
        services.drift_decide(actor=it, workstation=ws, permission=world.admin_rights, kind="exception", reason="x")
    assert exc.value.error_dict["expires_on"][0].code == "software.expiry_required"
    services.drift_decide(
        actor=it,
        workstation=ws,
        permission=world.admin_rights,
        kind="exception",
        reason="Runs the microfilm scanner driver",
        expires_on=timezone.localdate() + dt.timedelta(days=90),
    )
    (entry,) = drift.drift_report()
    assert entry.at_standard and entry.items[0].status == "exception"
    DriftDecision.objects.update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    (entry,) = drift.drift_report()
    assert not entry.at_standard


def test_a_change_request_opens_an_it_ticket_and_the_next_import_clears_the_item(world, librarian_baseline):
    ws = station(world, "LIB-03", world.printers, world.usb)
    decision = services.drift_decide(
        actor=world.users[Role.SUPERVISOR], workstation=ws, permission=world.usb, kind="change", reason="Not standard"
    )
    assert decision.ticket.queue == world.it_queue and "Remove USB storage on LIB-03" in decision.ticket.subject
    assert drift.drift_report()[0].items[0].status == "change"
    station(world, "LIB-03", world.printers)  # the inventory sees it fixed
    assert drift.drift_report()[0].items == []
    assert Ticket.objects.count() == 1


def test_no_decision_on_a_permission_that_does_not_drift(world, librarian_baseline):
    ws = station(world, "LIB-04", world.printers)
    with pytest.raises(ValidationError) as exc:
        services.drift_decide(
            actor=world.users[Role.IT_STAFF], workstation=ws, permission=world.printers, kind="change", reason="x"
        )
    assert exc.value.error_dict["permission"][0].code == "software.no_drift"


def test_the_drift_report_reads_each_table_once(world, librarian_baseline, django_assert_max_num_queries):
    for i in range(30):
        station(world, f"LIB-{i:02}", world.usb if i % 2 else world.printers)
    with django_assert_max_num_queries(6):
        report = drift.drift_report()
    assert len(report) == 30 and Workstation.objects.count() == 30
