"""The labs app's feed into the partnership ledger (the contract is `core/ledger.py`).

A fault on one department's equipment (the library's printers, label printers and lab PCs)
that the other department repaired (IT, through its queue) is the library asking IT and IT
giving: one row per resolved incident, dated by the repair, giver the department whose queue
worked it, receiver the equipment's owner. An incident on IT's own equipment is not counted.
A reopened or deleted incident simply stops appearing. Hours are not given: the time an
incident was open is not the time someone worked on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from liaison.core import ledger
from liaison.labs import selectors

REPAIRS = "labs.equipment_repaired"


def repair_rows(start: dt.date, end: dt.date) -> Iterator[ledger.LedgerRow]:
    since, until = ledger.day_bounds(start, end)
    for incident in selectors.repairs_for_other_department(start=since, end=until):
        if incident.resolved_at is None:
            continue
        giver = incident.ticket.queue.department.code
        receiver = incident.asset.owner.code
        yield ledger.LedgerRow(
            source_key=f"labs:incident:{incident.pk}",
            occurred_on=ledger.local_date(incident.resolved_at),
            giver=giver,
            receiver=receiver,
            kind="equipment_repair",
            direction=ledger.REQUEST,
            count=1,
            source_url=reverse("labs:incident", args=[incident.pk]),
            label=f"{incident.asset.tag} repaired: {incident.problem_label}",
        )


ledger.register_feed(
    ledger.LedgerFeed(
        key=REPAIRS,
        label="Equipment repaired for the other department",
        kind="equipment_repair",
        kind_label="Equipment repair",
        direction=ledger.REQUEST,
        rows=repair_rows,
        description=(
            "Lab incidents (printers, label printers, lab computers) on one department's equipment resolved "
            "through the other department's queue: the owner asked, the repairer gave. One per incident, "
            "dated by the repair; no hours (the time open is not the time worked)."
        ),
    )
)
