"""What the partnership's own work adds to the ledger, through the same contract every domain
uses (liaison/core/ledger.py): nothing here writes entries directly.

- `partnership.resource_requests_fulfilled`: a request for library resources the library
  fulfilled; the handling department gave the requesting one. Dated by the fulfilment.
- `partnership.skill_sessions`: a skills-exchange session whose teacher's department differs
  from the attendees'; the teacher's department gave. Dated by the session; hours are its
  length.
- `partnership.needs_met`: a match on a need, delivered; the offering department gave the
  department that posted the need. Dated by the delivery.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import F
from django.urls import reverse

from liaison.core import ledger
from liaison.partnership.models import Match, ResourceRequest, SkillSession

REQUESTS_FULFILLED = "partnership.resource_requests_fulfilled"
SKILL_SESSIONS = "partnership.skill_sessions"
NEEDS_MET = "partnership.needs_met"


def fulfilled_request_rows(start: dt.date, end: dt.date) -> Iterator[ledger.LedgerRow]:
    since, until = ledger.day_bounds(start, end)
    requests = (
        ResourceRequest.objects.filter(
            status=ResourceRequest.Status.FULFILLED,
            closed_at__gte=since,
            closed_at__lt=until,
            handling_department__isnull=False,
        )
        .exclude(handling_department=F("department"))
        .select_related("department", "handling_department")
        .order_by("closed_at", "pk")
    )
    for request in requests:
        assert request.closed_at is not None and request.handling_department is not None
        yield ledger.LedgerRow(
            source_key=f"partnership:resource-request:{request.pk}",
            occurred_on=ledger.local_date(request.closed_at),
            giver=request.handling_department.code,
            receiver=request.department.code,
            kind="resource_request",
            direction=ledger.CONTRIBUTION,
            count=1,
            hours=request.hours,
            source_url=reverse("partnership:request", args=[request.pk]),
            label=f"Request #{request.pk} for {request.get_kind_display().lower()} fulfilled for {request.department.name}",
        )


def skill_session_rows(start: dt.date, end: dt.date) -> Iterator[ledger.LedgerRow]:
    sessions = (
        SkillSession.objects.filter(held_on__gte=start, held_on__lt=end)
        .exclude(teacher_department=F("attendee_department"))
        .select_related("skill", "teacher_department", "attendee_department")
        .order_by("held_on", "pk")
    )
    for session in sessions:
        yield ledger.LedgerRow(
            source_key=f"partnership:skill-session:{session.pk}",
            occurred_on=session.held_on,
            giver=session.teacher_department.code,
            receiver=session.attendee_department.code,
            kind="skill_session",
            direction=ledger.CONTRIBUTION,
            count=1,
            hours=session.hours,
            source_url=reverse("partnership:skill", args=[session.skill_id]),
            label=f"Skills session “{session.skill.title}” for {session.attendees} from {session.attendee_department.name}",
        )


def need_met_rows(start: dt.date, end: dt.date) -> Iterator[ledger.LedgerRow]:
    matches = (
        Match.objects.filter(status=Match.Status.DELIVERED, delivered_on__gte=start, delivered_on__lt=end)
        .select_related("need__department", "offer__department")
        .order_by("delivered_on", "pk")
    )
    for match in matches:
        giver, receiver = match.offer.department, match.need.department
        if giver.pk == receiver.pk or match.delivered_on is None:
            continue
        yield ledger.LedgerRow(
            source_key=f"partnership:match:{match.pk}",
            occurred_on=match.delivered_on,
            giver=giver.code,
            receiver=receiver.code,
            kind="need_met",
            direction=ledger.CONTRIBUTION,
            count=1,
            hours=match.hours,
            source_url=reverse("partnership:need", args=[match.need_id]),
            label=f"{giver.name} helped with {receiver.name}'s need #{match.need_id}",
        )


ledger.register_feed(
    ledger.LedgerFeed(
        key=REQUESTS_FULFILLED,
        label="Requests for library resources fulfilled",
        kind="resource_request",
        kind_label="Library resources provided",
        direction=ledger.CONTRIBUTION,
        rows=fulfilled_request_rows,
        description="Books, databases, articles and training material the library provided for another department's own work.",
    )
)
ledger.register_feed(
    ledger.LedgerFeed(
        key=SKILL_SESSIONS,
        label="Skills-exchange sessions given to the other department",
        kind="skill_session",
        kind_label="Skills session taught",
        direction=ledger.CONTRIBUTION,
        rows=skill_session_rows,
        description="Sessions from the skills exchange where the teacher's department taught the other's staff.",
    )
)
ledger.register_feed(
    ledger.LedgerFeed(
        key=NEEDS_MET,
        label="Needs met with the other department's help",
        kind="need_met",
        kind_label="Help delivered against a need",
        direction=ledger.CONTRIBUTION,
        rows=need_met_rows,
        description="Offers of help against a posted need, accepted and delivered.",
    )
)
