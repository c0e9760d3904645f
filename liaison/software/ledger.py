"""What software access adds to the partnership ledger (contract: liaison/core/ledger.py).

- `software.requests_to_it` (a REQUEST): a course's software need the library (or any other
  department) asked IT for: one row per request, dated by when it was asked. A request that
  is deleted (with its need) stops counting.
- `software.installs_by_it` (a CONTRIBUTION): a request IT resolved, by installing,
  upgrading, unblocking or licensing the title: one row per request, dated by the
  resolution. Declined requests are not gifts and do not count.

Both read this app's own rows only. The requesting and IT departments are recorded on the
request when it is asked (the asker's department and the queue's), so a person moving
department later does not move the row. Requests asked within one department (IT asking
IT) are not between departments and are left out. Labels name the course and the title
(catalogue and timetable facts), never notes or resolutions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import F
from django.urls import reverse

from liaison.core import ledger
from liaison.software.models import Request

REQUESTS_TO_IT = "software.requests_to_it"
INSTALLS_BY_IT = "software.installs_by_it"


def _between_departments():
    return (
        Request.objects.filter(requesting_department__isnull=False, it_department__isnull=False)
        .exclude(requesting_department=F("it_department"))
        .select_related("requesting_department", "it_department", "need__course", "need__title")
    )


def _label(request: Request, verb: str) -> str:
    return f"{verb} {request.need.title.name} for {request.need.course.code} (software request #{request.pk})"


def request_rows(start: dt.date, end: dt.date) -> Iterator[ledger.LedgerRow]:
    since, until = ledger.day_bounds(start, end)
    for request in _between_departments().filter(created_at__gte=since, created_at__lt=until).order_by("pk"):
        yield ledger.LedgerRow(
            source_key=f"software:request:{request.pk}",
            occurred_on=ledger.local_date(request.created_at),
            giver=request.it_department.code,
            receiver=request.requesting_department.code,
            kind="software_request",
            direction=ledger.REQUEST,
            source_url=reverse("software:request", args=[request.pk]),
            label=_label(request, "Asked IT for"),
        )


def install_rows(start: dt.date, end: dt.date) -> Iterator[ledger.LedgerRow]:
    since, until = ledger.day_bounds(start, end)
    resolved = _between_departments().filter(
        state=Request.State.RESOLVED, resolved_at__gte=since, resolved_at__lt=until
    )
    for request in resolved.order_by("pk"):
        yield ledger.LedgerRow(
            source_key=f"software:request:{request.pk}:resolved",
            occurred_on=ledger.local_date(request.resolved_at),
            giver=request.it_department.code,
            receiver=request.requesting_department.code,
            kind="software_install",
            direction=ledger.CONTRIBUTION,
            source_url=reverse("software:request", args=[request.pk]),
            label=_label(request, "IT provided"),
        )


ledger.register_feed(
    ledger.LedgerFeed(
        key=REQUESTS_TO_IT,
        label="Course software asked of IT",
        kind="software_request",
        kind_label="Software request",
        direction=ledger.REQUEST,
        rows=request_rows,
        description="Each gap in the course software matrix another department asked IT to close, dated by the asking.",
    )
)
ledger.register_feed(
    ledger.LedgerFeed(
        key=INSTALLS_BY_IT,
        label="Course software IT provided",
        kind="software_install",
        kind_label="Software provided",
        direction=ledger.CONTRIBUTION,
        rows=install_rows,
        description="Software requests IT resolved (installed, upgraded, unblocked or licensed), dated by the "
        "resolution. Declined requests do not count.",
    )
)
