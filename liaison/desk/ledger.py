"""What the desk adds to the partnership ledger (contract: liaison/core/ledger.py).

`desk.technology_answered_for_it` (a CONTRIBUTION): technology questions the library's own
staff answered at a service point the library and IT staff together (the joint desk, the
shared chat), so IT's desk did not have to take them. Counted per service point, IT
category, day and library department ("6 Wi-Fi questions at the Research & IT Desk on
3 March"), with the hours the entries' durations add up to where they were given.

What it does not count, on purpose:

- questions referred on (the referral feed counts those) or made into a ticket (IT took
  them after all; the tickets feeds count the hand-off);
- questions logged by someone outside a library department. The shared student-worker pool
  belongs to IT in this model, so what those students answer at the joint desk is IT's own
  work in the library's space, not a library contribution;
- questions without an IT category (the category is what makes it a technology question).

Reads only this app's rows (Interaction) and the departments they point at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from liaison.core import ledger
from liaison.desk.models import Interaction

TECHNOLOGY_ANSWERED = "desk.technology_answered_for_it"
# accounts.Department.Kind values.
LIBRARY, IT = "library", "it"


def _promoted_field() -> str | None:
    """The tickets app marks a promoted interaction with a one-to-one back to it."""
    try:
        Interaction._meta.get_field("ticket")
    except FieldDoesNotExist:
        return None
    return "ticket"


def technology_rows(start: dt.date, end: dt.date) -> Iterator[ledger.LedgerRow]:
    since, until = ledger.day_bounds(start, end)
    entries = Interaction.objects.filter(
        occurred_at__gte=since,
        occurred_at__lt=until,
        tech_category__isnull=False,
        referred_to__isnull=True,
        recorded_by__department__kind=LIBRARY,
        service_point__departments__kind=IT,
    )
    promoted = _promoted_field()
    if promoted:
        entries = entries.filter(**{f"{promoted}__isnull": True})
    rows = (
        entries.annotate(day=TruncDate("occurred_at", tzinfo=timezone.get_current_timezone()))
        .values(
            "day",
            "service_point_id",
            "service_point__slug",
            "service_point__name",
            "tech_category_id",
            "tech_category__name",
            "recorded_by__department__code",
            "service_point__departments__code",
        )
        .annotate(n=Sum("weight"), minutes=Sum("duration_minutes"))
        .order_by("day", "service_point_id", "tech_category_id", "recorded_by__department__code")
    )
    for row in rows:
        day: dt.date = row["day"]
        n = row["n"]
        giver = row["recorded_by__department__code"]
        minutes = row["minutes"]
        query = urlencode(
            {"service_point": row["service_point__slug"], "since": day.isoformat(), "until": day.isoformat()}
        )
        yield ledger.LedgerRow(
            source_key=(
                f"desk:point:{row['service_point_id']}:tech:{row['tech_category_id']}:{day.isoformat()}:{giver}"
            ),
            occurred_on=day,
            giver=giver,
            receiver=row["service_point__departments__code"],
            kind="desk_technology_answer",
            direction=ledger.CONTRIBUTION,
            count=n,
            hours=(Decimal(minutes) / 60).quantize(Decimal("0.01")) if minutes else None,
            source_url=f"{reverse('api:interaction_list')}?{query}",
            label=(
                f"{n} {row['tech_category__name']} question{'s' if n != 1 else ''} answered at "
                f"{row['service_point__name']} on {day:%-d %b %Y}"
            ),
        )


ledger.register_feed(
    ledger.LedgerFeed(
        key=TECHNOLOGY_ANSWERED,
        label="Technology questions the library answered at the joint desk",
        kind="desk_technology_answer",
        kind_label="Technology question answered at the joint desk",
        direction=ledger.CONTRIBUTION,
        rows=technology_rows,
        description=(
            "Questions with an IT category that library staff answered at a service point staffed with IT, "
            "not referred on and not made into a ticket. Counted per service point, IT category and day."
        ),
    )
)
