"""What hosting pilots adds to the partnership ledger (contract: liaison/core/ledger.py).

Two feeds, both CONTRIBUTIONS from the pilot's library department to its IT department:

- `pilots.hosting`: each hosting cost the library recorded for a pilot it agreed to host (staff
  hours, space, signage), dated by the day it was spent, with its hours. A proposal the library
  has not agreed to costs nothing, so its costs do not count until it is agreed.
- `pilots.reports_delivered`: each report delivered to IT (the pilot closed), dated by the day
  it was delivered.

Labels name the pilot by number only (its title may say more than the ledger should).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from liaison.core import ledger
from liaison.pilots import selectors

HOSTING = "pilots.hosting"
REPORTS = "pilots.reports_delivered"


def hosting_rows(start: dt.date, end: dt.date) -> Iterator[ledger.LedgerRow]:
    for cost in selectors.hosting_costs_between(start, end):
        pilot = cost.pilot
        yield ledger.LedgerRow(
            source_key=f"pilots:cost:{cost.pk}",
            occurred_on=cost.occurred_on,
            giver=pilot.library_department.code,
            receiver=pilot.it_department.code,
            kind="pilot_hosting",
            direction=ledger.CONTRIBUTION,
            count=1,
            hours=cost.hours,
            source_url=reverse("pilots:detail", args=[pilot.pk]),
            label=f"Hosting pilot #{pilot.pk}: {cost.get_kind_display().lower()}",
        )


def report_rows(start: dt.date, end: dt.date) -> Iterator[ledger.LedgerRow]:
    for pilot in selectors.pilots_with_delivered_reports(start, end):
        if pilot.report_delivered_on is None:
            continue
        yield ledger.LedgerRow(
            source_key=f"pilots:report:{pilot.pk}",
            occurred_on=pilot.report_delivered_on,
            giver=pilot.library_department.code,
            receiver=pilot.it_department.code,
            kind="pilot_report",
            direction=ledger.CONTRIBUTION,
            count=1,
            source_url=reverse("pilots:report", args=[pilot.pk]),
            label=f"Report on pilot #{pilot.pk} delivered to IT",
        )


ledger.register_feed(
    ledger.LedgerFeed(
        key=HOSTING,
        label="Hosting IT's pilots in the library",
        kind="pilot_hosting",
        kind_label="Pilot hosted (cost)",
        direction=ledger.CONTRIBUTION,
        rows=hosting_rows,
        description=(
            "Each hosting cost the library recorded for a pilot it agreed to host (staff hours, space, signage), "
            "with its hours, dated by the day it was spent. Costs of a pilot still only proposed do not count."
        ),
    )
)

ledger.register_feed(
    ledger.LedgerFeed(
        key=REPORTS,
        label="Pilot reports delivered to IT",
        kind="pilot_report",
        kind_label="Pilot report delivered",
        direction=ledger.CONTRIBUTION,
        rows=report_rows,
        description="Each pilot report the library delivered to IT (the pilot closed), dated by the day it was delivered.",
    )
)
