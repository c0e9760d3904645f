import pytest
from django.core import mail

from liaison.demo.seed import seed_foundation
from liaison.tickets.demo import TICKET_COUNT, seed_tickets
from liaison.tickets.models import Queue, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_the_demo_has_tickets_in_every_state_with_hand_offs_both_ways_and_runs_twice_safely():
    seed_foundation(lambda msg: None)
    summary = seed_tickets(lambda msg: None)

    assert Queue.objects.count() == 8
    assert Queue.objects.get(slug="it-printing").parent.slug == "it-help-desk"
    assert summary["tickets"] == Ticket.objects.count() >= TICKET_COUNT
    for state in Ticket.State.values:
        assert Ticket.objects.filter(state=state).count() >= 5, state
    directions = set(
        TicketEvent.objects.filter(kind=TicketEvent.Kind.HANDED_OFF).values_list(
            "from_department__code", "to_department__code"
        )
    )
    assert directions == {("library", "it"), ("it", "library")}
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.REPLY).exists()
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.INTERNAL_NOTE).exists()
    purged = Ticket.objects.filter(contact_purged_at__isnull=False)
    assert purged.exists() and not purged.exclude(patron_email="").exists()
    assert Ticket.objects.filter(state="closed", contact_purged_at__isnull=True).exists()  # recently closed
    assert mail.outbox == []  # replaying history sends nothing

    counts = (Ticket.objects.count(), TicketEvent.objects.count())
    seed_tickets(lambda msg: None)
    assert (Ticket.objects.count(), TicketEvent.objects.count()) == counts
