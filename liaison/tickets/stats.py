"""What tickets count in the count tables (liaison/core/counts.py).

`UNASSIGNED` is a gauge: how many active tickets wait unassigned in each queue *now*. A reader
gets a snapshot at most `max_age` old (the first reader after that takes a new one), so the
home page does not count a department's whole backlog on every visit; the panel says when the
snapshot was taken. The queue page lists the exact tickets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count

from liaison.core import counts
from liaison.core.counts import Dimension
from liaison.tickets.models import Ticket


def _unassigned_active_per_queue() -> Iterator[tuple[tuple[int], int]]:
    rows = (
        Ticket.objects.filter(state__in=Ticket.ACTIVE_STATES, assignee__isnull=True)
        .values("queue_id")
        .annotate(waiting=Count("id"))
        .order_by()
    )
    for row in rows:
        yield (row["queue_id"],), row["waiting"]


UNASSIGNED = counts.register(
    counts.GaugeStat(
        property="tickets.unassigned_active",
        compute=_unassigned_active_per_queue,
        dimensions=(Dimension("queue", "queue_id", int),),
        max_age=dt.timedelta(minutes=5),
        description="Active (new, open, waiting) tickets nobody holds, per queue, now.",
    )
)


OPENED = counts.register(
    counts.CountStat(
        property="tickets.opened_daily",
        source=lambda: Ticket.objects.all(),
        time_field="created_at",
        dimensions=(
            Dimension("queue", "queue_id", int),
            Dimension("tech_category", "interaction__tech_category_id", int),
        ),
        value=Count("id"),
        frequency=counts.DAY,
        description="Tickets opened per day, by queue and by the IT category of the desk entry they came from.",
    )
)
