"""What hosting pilots adds to the partnership ledger: hosting costs (with their hours) once
the library agreed, and a delivered report; a proposal's costs do not count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liaison.core import ledger as core_ledger
from liaison.pilots import ledger, services

pytestmark = pytest.mark.django_db


def rows(feed, pilot):
    start, end = pilot.starts_on - dt.timedelta(days=90), timezone.localdate() + dt.timedelta(days=90)
    return list(core_ledger.registered_feeds()[feed].rows(start, end))


def test_hosting_costs_count_as_the_librarys_contribution_once_agreed(make_pilot, people):
    pilot = make_pilot()
    # An administrator records a cost before the library agreed: it does not count yet.
    services.hosting_cost_record(
        actor=people["admin"], pilot=pilot, kind="staff_hours", occurred_on=pilot.starts_on, hours="2"
    )
    assert rows(ledger.HOSTING, pilot) == []
    services.pilot_transition(actor=people["library"], pilot=pilot, to_state="agreed")
    [row] = rows(ledger.HOSTING, pilot)
    assert (row.giver, row.receiver, row.direction, str(row.hours)) == ("library", "it", "contribution", "2.00")
    assert "Campus copier" not in row.label  # the label names the pilot by number only


def test_a_delivered_report_counts_once_on_its_day(running_pilot, people):
    assert rows(ledger.REPORTS, running_pilot) == []
    pilot = services.pilot_transition(actor=people["it"], pilot=running_pilot, to_state="reporting")
    pilot = services.pilot_transition(actor=people["library"], pilot=pilot, to_state="closed", recommendation="Buy it.")
    [row] = rows(ledger.REPORTS, pilot)
    assert row.occurred_on == pilot.report_delivered_on and row.source_key == f"pilots:report:{pilot.pk}"


def test_the_derivation_job_stores_both_feeds(running_pilot, people):
    from liaison.partnership.models import LedgerEntry
    from liaison.partnership.services import ledger_derive

    services.hosting_cost_record(
        actor=people["library"], pilot=running_pilot, kind="signage", occurred_on=timezone.localdate(), amount="40"
    )
    ledger_derive(feed_keys=[ledger.HOSTING, ledger.REPORTS])
    entry = LedgerEntry.objects.get(feed_key=ledger.HOSTING)
    assert entry.giver.code == "library" and entry.receiver.code == "it" and entry.hours is None
