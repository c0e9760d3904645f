"""What the student-worker pool adds to the partnership ledger (contract: liaison/core/ledger.py).

`staffing.hours_at_the_other_departments_desk` (a CONTRIBUTION): a published shift worked by a
student paid by one department at the other department's desk: an IT-paid worker at the
library's joint desk is IT giving the library hours; a library-paid worker at IT's help desk is
the library giving IT hours. One row per shift, with its hours, dated by the shift's day; only
days that have passed count (Liaison has no time clock, so a published shift whose day is over
counts as worked). A shift that is cancelled, or handed to a worker paid by the desk's own
department, stops counting (the ledger marks its entry orphaned).

Whose desk a service point is comes from `selectors.host_department_kind`: the library's when
the library staffs it (the joint desk), otherwise IT's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from liaison.core import ledger
from liaison.staffing import selectors

CROSS_DESK_HOURS = "staffing.hours_at_the_other_departments_desk"


def cross_desk_rows(start: dt.date, end: dt.date) -> Iterator[ledger.LedgerRow]:
    end = min(end, timezone.localdate())  # only days that are over
    if end <= start:
        return
    for shift in selectors.cross_department_shifts(start, end):
        worker = shift.worker
        assert worker is not None
        host = next(
            (
                d
                for d in shift.service_point.departments.all()
                if d.kind == selectors.host_department_kind(shift.service_point)
            ),
            None,
        )
        if host is None:
            continue
        yield ledger.LedgerRow(
            source_key=f"staffing:shift:{shift.pk}",
            occurred_on=shift.date,
            giver=worker.paying_department.code,
            receiver=host.code,
            kind="student_hours",
            direction=ledger.CONTRIBUTION,
            count=1,
            hours=Decimal(shift.hours),
            source_url=reverse("staffing:shift", args=[shift.pk]),
            label=f"{shift.hours} h at {shift.service_point.name} by a student paid by {worker.paying_department.name}",
        )


ledger.register_feed(
    ledger.LedgerFeed(
        key=CROSS_DESK_HOURS,
        label="Student-worker hours at the other department's desk",
        kind="student_hours",
        kind_label="Student hours at the other desk",
        direction=ledger.CONTRIBUTION,
        rows=cross_desk_rows,
        description=(
            "Published shifts, once their day is over, worked by a student paid by one department at the other "
            "department's desk (IT-paid at the library's joint desk, library-paid at IT's help desk): one per shift, "
            "with its hours. Cancelled or handed-over shifts stop counting."
        ),
    )
)
