"""The derivation job: feeds in, ledger entries out, idempotent, concurrency-safe, and never
deleting an entry whose source vanished."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from liaison.core import ledger as core_ledger
from liaison.partnership import services
from liaison.partnership.models import LedgerEntry, LedgerFeedState
from liaison.tickets import services as tickets

HANDED = "tickets.handed_to_other_department"
RESOLVED = "tickets.resolved_for_other_department"

pytestmark = pytest.mark.django_db


def entries(feed_key):
    return list(LedgerEntry.objects.filter(feed_key=feed_key).order_by("pk"))


def test_a_ticket_handed_from_the_library_to_it_is_the_library_asking_it(handed_ticket, derive, departments):
    ticket = handed_ticket(resolve=False)
    derive()
    [ask] = entries(HANDED)
    assert ask.direction == "request"
    assert ask.receiver == departments["library"]  # the library asked
    assert ask.giver == departments["it"]  # of IT
    assert ask.origin == "derived"
    assert ask.source_key.startswith(f"tickets:ticket:{ticket.pk}:handoff:")
    assert ask.source_url == f"/tickets/{ticket.reference}/"
    assert ask.occurred_on == timezone.localdate()
    assert "Laptop" not in ask.label  # no ticket text is copied into the ledger
    assert entries(RESOLVED) == []  # not resolved yet


def test_it_resolving_the_handed_ticket_is_it_giving_the_library(handed_ticket, derive, departments):
    ticket = handed_ticket()
    derive()
    [gave] = entries(RESOLVED)
    assert (gave.direction, gave.giver, gave.receiver) == ("contribution", departments["it"], departments["library"])
    assert gave.source_key == f"tickets:ticket:{ticket.pk}:resolved_for_other_department"


def test_running_twice_adds_nothing(handed_ticket, derive):
    handed_ticket()
    handed_ticket(subject="Second")
    first = derive()
    before = list(LedgerEntry.objects.values_list("pk", "feed_key", "source_key", "count", "updated_at"))
    second = derive()
    assert first.totals["created"] == 4
    assert second.totals["created"] == 0 and second.totals["updated"] == 0
    assert second.totals["unchanged"] == 4
    assert list(LedgerEntry.objects.values_list("pk", "feed_key", "source_key", "count", "updated_at")) == before


def test_a_changed_source_updates_its_entry_instead_of_adding_one(handed_ticket, derive, people):
    ticket = handed_ticket()
    derive()
    [entry] = entries(RESOLVED)
    # Reopened and resolved again a day later: the same source, a new date.
    tickets.ticket_change_state(actor=people["it"], ticket=ticket, state="open")
    tickets.ticket_change_state(actor=people["it"], ticket=ticket, state="resolved")
    later = timezone.now() + dt.timedelta(days=1)
    type(ticket).objects.filter(pk=ticket.pk).update(resolved_at=later)
    report = derive(end=timezone.localdate() + dt.timedelta(days=3))
    [again] = entries(RESOLVED)
    assert again.pk == entry.pk
    assert again.occurred_on == timezone.localtime(later).date()
    assert report.totals["updated"] == 1 and report.totals["created"] == 0


def test_a_deleted_source_leaves_its_entry_marked_orphaned(handed_ticket, derive):
    ticket = handed_ticket()
    derive()
    type(ticket).objects.filter(pk=ticket.pk).delete()  # purged outright, events and all
    report = derive()
    assert report.totals["orphaned"] == 2
    kept = LedgerEntry.objects.filter(feed_key__in=[HANDED, RESOLVED])
    assert kept.count() == 2  # never deleted
    assert all(e.orphaned_at is not None for e in kept)
    assert derive().totals["orphaned"] == 0  # marked once


def test_a_reopened_ticket_stops_counting_and_comes_back_when_resolved_again(handed_ticket, derive, people):
    ticket = handed_ticket()
    derive()
    tickets.ticket_change_state(actor=people["it"], ticket=ticket, state="open")
    derive()
    [entry] = entries(RESOLVED)
    assert entry.orphaned_at is not None
    tickets.ticket_change_state(actor=people["it"], ticket=ticket, state="resolved")
    derive()
    [entry] = entries(RESOLVED)
    assert entry.orphaned_at is None


def test_entries_outside_the_window_are_left_alone(handed_ticket, derive):
    handed_ticket()
    derive()
    LedgerEntry.objects.update(occurred_on=dt.date(2021, 3, 1))
    report = derive()  # the window does not reach 2021: nothing orphaned there
    assert LedgerEntry.objects.filter(orphaned_at__isnull=False).count() == 0
    assert report.totals["updated"] == 2  # the sources moved them back into the window


def test_the_database_refuses_a_second_entry_for_one_source(handed_ticket, derive):
    handed_ticket()
    derive()
    entry = LedgerEntry.objects.first()
    entry.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()


def test_a_writer_that_read_before_another_run_committed_still_writes_one_entry_per_source(handed_ticket, derive):
    """Run B derived and committed between run A's read of the ledger and A's write: A's
    insert of the same sources becomes an update (ON CONFLICT), not a second entry."""
    handed_ticket()
    derive()
    [entry] = entries(HANDED)
    stale = LedgerEntry(
        origin="derived",
        feed_key=HANDED,
        source_key=entry.source_key,
        kind=entry.kind,
        direction=entry.direction,
        giver_id=entry.giver_id,
        receiver_id=entry.receiver_id,
        occurred_on=entry.occurred_on,
        count=1,
        label="written by the slower run",
    )
    services.upsert_entries([stale])
    [after] = entries(HANDED)
    assert after.pk == entry.pk
    assert after.label == "written by the slower run"


def test_a_broken_feed_does_not_stop_the_others_and_is_reported(handed_ticket, derive):
    handed_ticket()

    def broken(start, end):
        raise RuntimeError("the source database is down")

    core_ledger.register_feed(
        core_ledger.LedgerFeed(key="tests.broken", label="Broken", kind="x", direction="request", rows=broken)
    )
    try:
        report = derive()
    finally:
        core_ledger.unregister_feed("tests.broken")
    assert [r.feed_key for r in report.failed] == ["tests.broken"]
    assert LedgerEntry.objects.filter(feed_key=HANDED).count() == 1
    assert "the source database is down" in LedgerFeedState.objects.get(feed_key="tests.broken").last_error


def test_rows_a_feed_gets_wrong_are_skipped_not_stored(derive, departments):
    today = timezone.localdate()

    def sloppy(start, end):
        good = dict(occurred_on=today, giver="library", receiver="it", kind="x", direction="contribution")
        yield core_ledger.LedgerRow(source_key="ok", **good)
        yield core_ledger.LedgerRow(source_key="", **good)  # no key
        yield core_ledger.LedgerRow(source_key="nowhere", **{**good, "giver": "nowhere"})  # unknown department
        yield core_ledger.LedgerRow(source_key="self", **{**good, "receiver": "library"})  # gives itself
        yield core_ledger.LedgerRow(source_key="neg", count=-3, **good)  # negative
        yield core_ledger.LedgerRow(source_key="old", **{**good, "occurred_on": dt.date(1999, 1, 1)})  # outside window

    core_ledger.register_feed(
        core_ledger.LedgerFeed(key="tests.sloppy", label="Sloppy", kind="x", direction="contribution", rows=sloppy)
    )
    try:
        report = derive(feed_keys=["tests.sloppy"])
    finally:
        core_ledger.unregister_feed("tests.sloppy")
    assert report.totals["skipped"] == 5
    assert list(LedgerEntry.objects.values_list("source_key", flat=True)) == ["ok"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_make_no_duplicates(queues, people, departments):
    """Two real workers (threads with their own connections). On PostgreSQL the feed's state
    row lock serialises them; the test database on SQLite is an in-memory shared cache, which
    answers "table is locked" at once instead of waiting as a file database (WAL, immediate
    transactions, busy timeout) does, so this runs on PostgreSQL (DATABASE_URL)."""
    from django.db import connection as main_connection

    if main_connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the in-memory SQLite test database cannot wait for a lock")
    for n in range(5):
        ticket = tickets.ticket_create(actor=people["library"], queue=queues["library"], subject=f"T{n}")
        tickets.ticket_hand_off(actor=people["library"], ticket=ticket, queue=queues["it"])
    errors = []
    barrier = threading.Barrier(2)

    def worker():
        from django.db import connection

        try:
            barrier.wait()
            services.ledger_derive(start=timezone.localdate() - dt.timedelta(days=2))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert LedgerEntry.objects.filter(feed_key=HANDED).count() == 5
    assert LedgerEntry.objects.values("feed_key", "source_key").distinct().count() == LedgerEntry.objects.count()


def test_the_command_runs_the_job(handed_ticket, capsys):
    from django.core.management import call_command

    handed_ticket()
    call_command("ledger_derive", "--days", "5")
    out = capsys.readouterr().out
    assert "tickets.handed_to_other_department: 1 new" in out
    call_command("ledger_derive", "--all")
    assert "1 new" not in capsys.readouterr().out.split("tickets.handed_to_other_department")[1].splitlines()[0]
