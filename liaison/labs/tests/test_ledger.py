"""The ledger feed: IT's repairs of the library's equipment count; IT's own do not."""

import datetime as dt

from django.utils import timezone

from liaison.core import ledger
from liaison.core.roles import Role
from liaison.labs import services
from liaison.labs.ledger import REPAIRS, repair_rows


def test_a_repair_of_library_equipment_is_the_library_asking_it(make_asset, users):
    library_printer = make_asset("printer", owner="library")
    it_pc = make_asset("pc", owner="it")
    for asset, problem in ((library_printer, "paper_jam"), (it_pc, "frozen")):
        incident = services.fault_report_public(asset=asset, problem=problem).incident
        services.incident_change_state(actor=users[Role.IT_STAFF], incident=incident, state="resolved")
    today = timezone.localdate()
    rows = list(repair_rows(today - dt.timedelta(days=1), today + dt.timedelta(days=1)))
    assert len(rows) == 1
    row = rows[0]
    assert (row.giver, row.receiver, row.direction, row.kind) == ("it", "library", ledger.REQUEST, "equipment_repair")
    assert row.source_key.startswith("labs:incident:") and library_printer.tag in row.label


def test_an_open_incident_does_not_count_yet(printer):
    services.fault_report_public(asset=printer, problem="paper_jam")
    today = timezone.localdate()
    assert list(repair_rows(today - dt.timedelta(days=1), today + dt.timedelta(days=1))) == []


def test_the_feed_is_registered():
    assert REPAIRS in ledger.registered_feeds()
