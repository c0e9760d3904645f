"""A pilot's life, as the two departments live it: IT proposes, the library agrees, starts it,
records what hosting cost, and delivers the report, which closes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison.audit.models import AuditEvent
from liaison.pilots import services
from liaison.pilots.models import Pilot

pytestmark = pytest.mark.django_db


def codes(exc: ValidationError) -> set[str]:
    return {e.code for errors in exc.error_dict.values() for e in errors}


def test_it_proposes_and_the_library_agrees_starts_reports_and_closes(make_pilot, people):
    pilot = make_pilot(actor=people["it"])
    assert pilot.state == "proposed" and pilot.proposed_by.code == "it"
    pilot = services.pilot_transition(actor=people["library"], pilot=pilot, to_state="agreed")
    pilot = services.pilot_transition(actor=people["library"], pilot=pilot, to_state="running")
    pilot = services.pilot_transition(actor=people["it"], pilot=pilot, to_state="reporting")
    pilot = services.pilot_transition(
        actor=people["library"], pilot=pilot, to_state="closed", recommendation="Buy it for every building."
    )
    assert pilot.state == "closed" and pilot.report_delivered_on is not None
    assert [e.kind for e in pilot.events.all()] == ["proposed", "agreed", "started", "reporting", "closed"]
    actions = set(AuditEvent.objects.filter(object_type="pilots.pilot").values_list("action", flat=True))
    assert {"pilot.propose", "pilot.agreed", "pilot.started", "pilot.reporting", "pilot.closed"} <= actions


def test_the_side_that_proposed_cannot_agree_to_its_own_pilot(make_pilot, people):
    pilot = make_pilot(actor=people["it"])
    with pytest.raises(PermissionDenied):
        services.pilot_transition(actor=people["it_boss"], pilot=pilot, to_state="agreed")
    library_pilot = make_pilot(actor=people["library"], title="Quiet study booking screens")
    with pytest.raises(PermissionDenied):
        services.pilot_transition(actor=people["supervisor"], pilot=library_pilot, to_state="agreed")
    assert services.pilot_transition(actor=people["it"], pilot=library_pilot, to_state="agreed").state == "agreed"


def test_only_the_library_starts_a_pilot_and_steps_cannot_be_skipped(make_pilot, people):
    pilot = make_pilot()
    with pytest.raises(ValidationError) as exc:
        services.pilot_transition(actor=people["library"], pilot=pilot, to_state="running")
    assert codes(exc.value) == {"pilots.transition_not_allowed"}
    pilot = services.pilot_transition(actor=people["library"], pilot=pilot, to_state="agreed")
    with pytest.raises(PermissionDenied):
        services.pilot_transition(actor=people["it"], pilot=pilot, to_state="running")
    with pytest.raises(PermissionDenied):
        services.pilot_transition(actor=people["student"], pilot=pilot, to_state="running")


def test_delivering_the_report_needs_a_recommendation(running_pilot, people):
    pilot = services.pilot_transition(actor=people["it"], pilot=running_pilot, to_state="reporting")
    with pytest.raises(ValidationError) as exc:
        services.pilot_transition(actor=people["library"], pilot=pilot, to_state="closed", recommendation="  ")
    assert codes(exc.value) == {"pilots.recommendation_required"}
    assert Pilot.objects.get(pk=pilot.pk).state == "reporting"


def test_a_closed_pilot_no_longer_changes(running_pilot, people):
    pilot = services.pilot_transition(actor=people["it"], pilot=running_pilot, to_state="reporting")
    pilot = services.pilot_transition(actor=people["library"], pilot=pilot, to_state="closed", recommendation="Yes.")
    with pytest.raises(ValidationError) as exc:
        services.pilot_update(actor=people["it"], pilot=pilot, data={"title": "Renamed"})
    assert codes(exc.value) == {"pilots.closed"}
    with pytest.raises(ValidationError):
        services.hosting_cost_record(
            actor=people["library"], pilot=pilot, kind="signage", occurred_on=pilot.starts_on, amount="12"
        )


def test_bad_proposals_name_every_field_and_store_nothing(departments, people):
    with pytest.raises(ValidationError) as exc:
        services.pilot_propose(
            actor=people["it"],
            title="",
            summary="",
            it_department=departments["library"],
            library_department=departments["library"],
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 2, 1),
            devices=["x" * 200],
        )
    assert set(exc.value.error_dict) == {"title", "summary", "it_department", "ends_on", "devices"}
    assert not Pilot.objects.exists()


def test_only_library_or_it_staff_propose(make_pilot, people):
    with pytest.raises(PermissionDenied):
        make_pilot(actor=people["student"])
    with pytest.raises(PermissionDenied):
        make_pilot(actor=people["outsider"])


def test_devices_are_kept_as_a_clean_list_until_the_inventory_is_wired(make_pilot, people):
    pilot = make_pilot(devices="  Copier LC-1 \n\nCopier LC-1\nScanner  SC-2")
    assert pilot.devices == ["Copier LC-1", "Scanner SC-2"]


def test_hosting_costs_are_recorded_by_the_library_and_need_a_figure(running_pilot, people):
    cost = services.hosting_cost_record(
        actor=people["library"],
        pilot=running_pilot,
        kind="staff_hours",
        occurred_on=running_pilot.starts_on,
        hours="3.5",
    )
    assert str(cost.hours) == "3.50"
    with pytest.raises(PermissionDenied):
        services.hosting_cost_record(
            actor=people["it"], pilot=running_pilot, kind="staff_hours", occurred_on=running_pilot.starts_on, hours="1"
        )
    with pytest.raises(ValidationError) as exc:
        services.hosting_cost_record(
            actor=people["library"], pilot=running_pilot, kind="signage", occurred_on=running_pilot.starts_on
        )
    assert codes(exc.value) == {"pilots.cost_figure_required"}
    with pytest.raises(ValidationError) as exc:
        services.hosting_cost_record(
            actor=people["library"], pilot=running_pilot, kind="space", occurred_on=None, hours="-2"
        )
    assert codes(exc.value) == {"pilots.cost_figure_invalid", "pilots.cost_date_invalid"}
