"""What tickets add to the partnership ledger (the contract is liaison/core/ledger.py).

Two feeds, both read from this app's own rows only:

- `tickets.handed_to_other_department` (a REQUEST): every hand-off event from one
  department's queue to another's. The department that handed the ticket on asked the other
  for help: the receiver is the asking department, the giver the one asked. One row per
  hand-off, so a ticket handed library → IT → library → IT asks twice of IT and once of the
  library. Dated by the hand-off.
- `tickets.resolved_for_other_department` (a CONTRIBUTION): a ticket resolved (or resolved
  and closed) in a queue of a department that received it by hand-off. The department
  holding it gave; the department that handed it over received. One row per ticket, dated
  by its resolution; reopened, it stops counting (the ledger marks the entry orphaned) until
  it is resolved again.

No subject, note or patron detail is copied into the ledger: the label names the ticket by
number only, and the link goes to the ticket page, which applies the tickets policy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import F
from django.urls import reverse

from liaison.core import ledger
from liaison.tickets.models import Ticket, TicketEvent

HANDED_OFF = "tickets.handed_to_other_department"
RESOLVED_FOR_OTHER = "tickets.resolved_for_other_department"


def _ticket_url(reference) -> str:
    return reverse("tickets:detail", args=[reference])


def handoff_rows(start: dt.date, end: dt.date) -> Iterator[ledger.LedgerRow]:
    since, until = ledger.day_bounds(start, end)
    events = (
        TicketEvent.objects.filter(
            kind=TicketEvent.Kind.HANDED_OFF,
            at__gte=since,
            at__lt=until,
            from_department__isnull=False,
            to_department__isnull=False,
        )
        .exclude(from_department=F("to_department"))
        .select_related("from_department", "to_department", "ticket")
        .only(
            "pk",
            "at",
            "ticket__id",
            "ticket__reference",
            "from_department__code",
            "from_department__name",
            "to_department__code",
            "to_department__name",
        )
        .order_by("at", "pk")
    )
    for event in events.iterator(chunk_size=500):
        asker, asked = event.from_department, event.to_department
        if asker is None or asked is None:
            continue
        yield ledger.LedgerRow(
            source_key=f"tickets:ticket:{event.ticket_id}:handoff:{event.pk}",
            occurred_on=ledger.local_date(event.at),
            giver=asked.code,
            receiver=asker.code,
            kind="ticket_handoff",
            direction=ledger.REQUEST,
            count=1,
            source_url=_ticket_url(event.ticket.reference),
            label=f"Ticket #{event.ticket_id} handed from {asker.name} to {asked.name}",
        )


def resolved_rows(start: dt.date, end: dt.date) -> Iterator[ledger.LedgerRow]:
    since, until = ledger.day_bounds(start, end)
    tickets = list(
        Ticket.objects.filter(
            state__in=[Ticket.State.RESOLVED, Ticket.State.CLOSED], resolved_at__gte=since, resolved_at__lt=until
        )
        .select_related("queue__department")
        .only("pk", "reference", "resolved_at", "queue__department__code", "queue__department__name")
        .order_by("resolved_at", "pk")
    )
    # The department each ticket was last handed over from, into the department that holds it.
    handed_from: dict[int, tuple[str, str]] = {}
    holder = {ticket.pk: ticket.queue.department_id for ticket in tickets}
    for start_at in range(0, len(tickets), 500):
        batch = [ticket.pk for ticket in tickets[start_at : start_at + 500]]
        events = (
            TicketEvent.objects.filter(ticket_id__in=batch, kind=TicketEvent.Kind.HANDED_OFF)
            .select_related("from_department")
            .only("ticket_id", "at", "to_department_id", "from_department__code", "from_department__name")
            .order_by("at", "pk")
        )
        for event in events:
            if (
                event.from_department is not None
                and event.to_department_id == holder[event.ticket_id]
                and event.from_department.pk != holder[event.ticket_id]
            ):
                handed_from[event.ticket_id] = (event.from_department.code, event.from_department.name)
    for ticket in tickets:
        if ticket.pk not in handed_from or ticket.resolved_at is None:
            continue
        receiver_code, receiver_name = handed_from[ticket.pk]
        giver = ticket.queue.department
        yield ledger.LedgerRow(
            source_key=f"tickets:ticket:{ticket.pk}:resolved_for_other_department",
            occurred_on=ledger.local_date(ticket.resolved_at),
            giver=giver.code,
            receiver=receiver_code,
            kind="ticket_resolved",
            direction=ledger.CONTRIBUTION,
            count=1,
            source_url=_ticket_url(ticket.reference),
            label=f"Ticket #{ticket.pk} resolved by {giver.name} for {receiver_name}",
        )


ledger.register_feed(
    ledger.LedgerFeed(
        key=HANDED_OFF,
        label="Tickets handed to the other department",
        kind="ticket_handoff",
        kind_label="Ticket handed over",
        direction=ledger.REQUEST,
        rows=handoff_rows,
        description=(
            "Each hand-off of a ticket from one department's queue to another's: the department handing "
            "it on asked the other for help. Dated by the hand-off."
        ),
    )
)
ledger.register_feed(
    ledger.LedgerFeed(
        key=RESOLVED_FOR_OTHER,
        label="Tickets resolved for the other department",
        kind="ticket_resolved",
        kind_label="Ticket resolved for the other side",
        direction=ledger.CONTRIBUTION,
        rows=resolved_rows,
        description=(
            "Tickets resolved in a department's queue after the other department handed them over. "
            "Dated by the resolution; a reopened ticket stops counting until it is resolved again."
        ),
    )
)
