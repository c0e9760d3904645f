"""The balance: each department's share of asks and gives, per month and by kind, and how
much of the ledger came from the work rather than from typing."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.partnership import selectors
from liaison.partnership.models import LedgerEntry

pytestmark = pytest.mark.django_db


def add(departments, *, day, direction, giver, receiver, count=1, kind="ticket_handoff", origin="derived", key=None):
    return LedgerEntry.objects.create(
        origin=origin,
        feed_key="tests.feed" if origin == "derived" else LedgerEntry.MANUAL_FEED,
        source_key=key or f"k{LedgerEntry.objects.count()}",
        kind=kind,
        direction=direction,
        giver=departments[giver],
        receiver=departments[receiver],
        occurred_on=day,
        count=count,
        label="x",
    )


def test_the_balance_counts_asks_for_the_asker_and_gives_for_the_giver(departments):
    jan, feb = dt.date(2025, 1, 10), dt.date(2025, 2, 10)
    add(
        departments, day=jan, direction="request", giver="it", receiver="library", count=9
    )  # the library asked IT 9 times
    add(departments, day=jan, direction="contribution", giver="library", receiver="it", count=1, kind="referral")
    add(departments, day=feb, direction="request", giver="it", receiver="library", count=6)
    add(
        departments,
        day=feb,
        direction="contribution",
        giver="library",
        receiver="it",
        count=4,
        kind="committee_service",
        origin="manual",
    )
    add(departments, day=feb, direction="contribution", giver="it", receiver="library", count=5, kind="ticket_resolved")
    b = selectors.balance(start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 1))
    library, it = b.department("library"), b.department("it")
    assert (library.asks, library.gives, library.give_share) == (15, 5, 25.0)
    assert (it.asks, it.gives, it.give_share) == (0, 5, 100.0)
    jan_library, feb_library = b.months_for("library")
    assert (jan_library.asks, jan_library.gives, jan_library.give_share) == (9, 1, 10.0)  # the seed's 90/10
    assert feb_library.give_share == 40.0  # and the line moves
    assert (b.derived_count, b.manual_count, b.derived_share) == (21, 4, 84.0)
    assert b.meets_derived_aim
    committee = next(k for k in b.by_kind if k.kind == "committee_service")
    assert (committee.count, committee.manual, committee.summary) == (4, 4, "Library gave IT")
    text = b.text_alternative()
    assert "from 10% in January 2025 to 40% in February 2025" in text
    assert "84% of the ledger was derived from the work" in text


def test_months_with_nothing_show_zeros_and_the_period_end_is_exclusive(departments):
    add(departments, day=dt.date(2025, 3, 1), direction="request", giver="it", receiver="library")
    b = selectors.balance(start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 1))
    assert b.entry_count == 0
    assert [m.month for m in b.months_for("library")] == [dt.date(2025, 1, 1), dt.date(2025, 2, 1)]
    assert all(m.give_share is None for m in b.months)
    assert b.text_alternative() == "The ledger holds no entries for this period yet."


def test_replaced_entries_do_not_count_and_orphaned_ones_still_do(departments):
    from django.utils import timezone

    old = add(
        departments,
        day=dt.date(2025, 1, 5),
        direction="contribution",
        giver="library",
        receiver="it",
        count=3,
        origin="manual",
    )
    LedgerEntry.objects.create(
        origin="manual", feed_key=LedgerEntry.MANUAL_FEED, source_key="fix", kind=old.kind, direction=old.direction,
        giver=old.giver, receiver=old.receiver, occurred_on=old.occurred_on, count=1, label="fix", corrects=old,
    )  # fmt: skip
    gone = add(departments, day=dt.date(2025, 1, 6), direction="contribution", giver="library", receiver="it", count=2)
    LedgerEntry.objects.filter(pk=gone.pk).update(orphaned_at=timezone.now())
    b = selectors.balance(start=dt.date(2025, 1, 1), end=dt.date(2025, 2, 1))
    assert b.department("library").gives == 3  # 1 (the correction) + 2 (orphaned, still counted)
    assert b.orphaned_entries == 1


def test_terms_are_spring_summer_and_fall():
    assert selectors.term_of(dt.date(2025, 3, 3)).name == "Spring 2025"
    assert selectors.term_of(dt.date(2025, 7, 3)).name == "Summer 2025"
    fall = selectors.term_of(dt.date(2025, 10, 3))
    assert (fall.name, fall.start, fall.end) == ("Fall 2025", dt.date(2025, 8, 16), dt.date(2026, 1, 1))
    assert selectors.previous_term(selectors.term_of(dt.date(2025, 2, 1))).name == "Fall 2024"
    assert selectors.previous_term(fall).name == "Spring 2025"  # summer is skipped
    assert selectors.previous_term(selectors.term_of(dt.date(2025, 7, 1))).name == "Spring 2025"
