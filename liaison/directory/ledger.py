"""What the referral directory adds to the partnership ledger (contract: liaison/core/ledger.py).

`directory.referrals_to_other_department` (a CONTRIBUTION): people the library's service
points sent to the right IT office. A referral is a desk interaction whose "referred to" is a
directory entry; it counts here when the entry is kept by an IT department and the
interaction was logged at a service point the library staffs (the joint desk, the shared
chat). The library gave: it spared IT a misrouted visit and sent the person where IT wanted
them. Rows are per entry, per day and per library department ("4 referrals to IT Accounts on
3 March"), so the count of a day changes when an interaction is undone or back-dated, and a
day whose referrals are all undone stops counting (the ledger marks its entry orphaned).

The referrals are the desk's rows, reached the way `selectors.py` reaches them: through the
`referrals` relation the desk adds to DirectoryEntry, never by importing the desk. Without the
desk installed the feed yields nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from liaison.core import ledger
from liaison.directory.models import DirectoryEntry
from liaison.directory.selectors import referral_time_field

REFERRALS = "directory.referrals_to_other_department"
# accounts.Department.Kind values (the directory reads departments only through its own rows).
LIBRARY, IT = "library", "it"


def referral_rows(start: dt.date, end: dt.date) -> Iterator[ledger.LedgerRow]:
    field = referral_time_field()
    if not field:
        return
    try:
        referral_model = DirectoryEntry._meta.get_field("referrals").related_model
        referral_model._meta.get_field("service_point")
    except FieldDoesNotExist:
        return
    since, until = ledger.day_bounds(start, end)
    rows = (
        referral_model._default_manager.filter(
            **{f"{field}__gte": since, f"{field}__lt": until},
            referred_to__department__kind=IT,
            service_point__departments__kind=LIBRARY,
        )
        .annotate(day=TruncDate(field, tzinfo=timezone.get_current_timezone()))
        .values(
            "day",
            "referred_to_id",
            "referred_to__name",
            "referred_to__department__code",
            "service_point__departments__code",
        )
        .annotate(n=Count("id", distinct=True))
        .order_by("day", "referred_to_id", "service_point__departments__code")
    )
    for row in rows:
        day: dt.date = row["day"]
        giver = row["service_point__departments__code"]
        n = row["n"]
        name = row["referred_to__name"]
        yield ledger.LedgerRow(
            source_key=f"directory:entry:{row['referred_to_id']}:referrals:{day.isoformat()}:{giver}",
            occurred_on=day,
            giver=giver,
            receiver=row["referred_to__department__code"],
            kind="referral",
            direction=ledger.CONTRIBUTION,
            count=n,
            source_url=reverse("directory:detail", args=[row["referred_to_id"]]),
            label=f"{n} referral{'s' if n != 1 else ''} to {name} on {day:%-d %b %Y}",
        )


ledger.register_feed(
    ledger.LedgerFeed(
        key=REFERRALS,
        label="Referrals sent to the other department's offices",
        kind="referral",
        kind_label="Referral to an IT office",
        direction=ledger.CONTRIBUTION,
        rows=referral_rows,
        description=(
            "Desk interactions at a service point the library staffs, referred to a directory entry an IT "
            "department keeps: the library sent the person to the right IT office. Counted per entry and day."
        ),
    )
)
