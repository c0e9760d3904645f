"""Typed ledger entries and corrections: who may type what, sizes that are refused with a
field and a code, and corrections that replace an entry without editing it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from liaison.partnership import selectors, services
from liaison.partnership.errors import CODES
from liaison.partnership.models import LedgerEntry

pytestmark = pytest.mark.django_db


def code_of(exc: ValidationError, field: str) -> str:
    return exc.error_dict[field][0].code


def type_entry(actor, **overrides):
    data = {
        "kind": "committee_service",
        "direction": "contribution",
        "giver": "library",
        "receiver": "it",
        "occurred_on": timezone.localdate() - dt.timedelta(days=2),
        "label": "Technology committee, spring",
        "count": 1,
        "hours": "2",
    }
    data.update(overrides)
    return services.ledger_entry_create(actor=actor, **data)


def test_staff_type_what_their_department_gave(people, departments):
    entry = type_entry(people["library"])
    assert entry.origin == "manual"
    assert entry.feed_key == LedgerEntry.MANUAL_FEED
    assert (entry.giver, entry.receiver) == (departments["library"], departments["it"])
    assert entry.hours == Decimal("2.00")
    assert entry.created_by == people["library"]


@pytest.mark.parametrize(
    ("field", "value", "code", "words"),
    [
        ("count", -1, "partnership.count_invalid", "cannot be negative"),
        ("count", 0, "partnership.count_invalid", "at least 1"),
        ("count", 10_000, "partnership.count_absurd", "more than one entry can hold"),
        ("count", "three", "partnership.count_invalid", "whole number"),
        ("hours", "-2", "partnership.hours_invalid", "cannot be negative"),
        ("hours", "99999", "partnership.hours_absurd", "more than one entry can honestly hold"),
        ("hours", "NaN", "partnership.hours_invalid", "as a number"),
        ("occurred_on", timezone.localdate() + dt.timedelta(days=3), "partnership.date_invalid", "in the future"),
        ("kind", "ticket_handoff", "partnership.kind_unknown", "Choose a kind"),
        ("label", "   ", "partnership.text_required", "Write what it was"),
        ("receiver", "library", "partnership.same_department", "cannot give to itself"),
    ],
)
def test_bad_sizes_and_fields_are_refused_with_the_field_and_a_code(people, field, value, code, words):
    with pytest.raises(ValidationError) as caught:
        type_entry(people["library"], **{field: value})
    assert code_of(caught.value, field) == code
    assert code in CODES
    assert words in " ".join(caught.value.message_dict[field])
    assert LedgerEntry.objects.count() == 0


def test_staff_cannot_type_for_two_other_departments(people, departments):
    from liaison.accounts.models import Department

    Department.objects.create(code="writing", name="Writing Center")
    with pytest.raises(ValidationError) as caught:
        type_entry(people["library"], giver="it", receiver="writing")
    assert "your department" in caught.value.message_dict["giver"][0]
    assert type_entry(people["library_boss"], giver="it", receiver="writing").pk  # a supervisor may


def test_student_workers_do_not_type_ledger_entries(people):
    with pytest.raises(PermissionDenied):
        type_entry(people["student"])


def test_a_correction_is_a_new_entry_that_replaces_the_old_in_every_total(people):
    entry = type_entry(people["library"], count=3)
    correction = services.ledger_entry_correct(actor=people["library"], entry=entry, count=2, note="One was a repeat")
    entry.refresh_from_db()
    assert entry.count == 3  # not edited in place
    assert correction.corrects == entry and correction.count == 2
    assert list(selectors.counted_entries()) == [correction]
    balance = selectors.balance(
        start=timezone.localdate() - dt.timedelta(days=30), end=timezone.localdate() + dt.timedelta(days=1)
    )
    assert balance.department("library").gives == 2


def test_a_correction_of_zero_withdraws_the_entry(people):
    entry = type_entry(people["library"])
    services.ledger_entry_correct(actor=people["library"], entry=entry, count=0, note="Did not happen")
    balance = selectors.balance(
        start=timezone.localdate() - dt.timedelta(days=30), end=timezone.localdate() + dt.timedelta(days=1)
    )
    assert balance.department("library").gives == 0


def test_an_entry_is_corrected_once_then_its_correction_is(people):
    entry = type_entry(people["library"])
    first = services.ledger_entry_correct(actor=people["library"], entry=entry, count=2, note="two")
    with pytest.raises(ValidationError) as caught:
        services.ledger_entry_correct(actor=people["library"], entry=entry, count=4, note="four")
    assert code_of(caught.value, "entry") == "partnership.already_corrected"
    second = services.ledger_entry_correct(actor=people["library"], entry=first, count=4, note="four")
    assert [e.pk for e in selectors.ledger_entry_chain(second)] == [entry.pk, first.pk, second.pk]


def test_a_correction_needs_its_reason_and_no_negative_count(people):
    entry = type_entry(people["library"])
    with pytest.raises(ValidationError) as caught:
        services.ledger_entry_correct(actor=people["library"], entry=entry, count=-1, note="x")
    assert code_of(caught.value, "count") == "partnership.count_invalid"
    with pytest.raises(ValidationError) as caught:
        services.ledger_entry_correct(actor=people["library"], entry=entry, count=1, note="")
    assert code_of(caught.value, "note") == "partnership.text_required"


def test_only_the_author_or_a_supervisor_corrects_a_typed_entry(people):
    entry = type_entry(people["library"])
    with pytest.raises(PermissionDenied):
        services.ledger_entry_correct(actor=people["library2"], entry=entry, count=2, note="mine now")
    assert services.ledger_entry_correct(actor=people["library_boss"], entry=entry, count=2, note="checked").pk


def test_a_live_derived_entry_follows_its_source_and_an_orphaned_one_may_be_withdrawn(handed_ticket, derive, people):
    ticket = handed_ticket(resolve=False)
    derive()
    entry = LedgerEntry.objects.get(feed_key="tickets.handed_to_other_department")
    with pytest.raises(ValidationError) as caught:
        services.ledger_entry_correct(actor=people["library_boss"], entry=entry, count=0, note="wrong")
    assert code_of(caught.value, "entry") == "partnership.correct_live_derived"
    type(ticket).objects.filter(pk=ticket.pk).delete()
    derive()
    entry.refresh_from_db()
    assert entry.orphaned_at is not None
    with pytest.raises(PermissionDenied):  # staff do not withdraw derived entries
        services.ledger_entry_correct(actor=people["library"], entry=entry, count=0, note="gone")
    withdrawn = services.ledger_entry_correct(actor=people["library_boss"], entry=entry, count=0, note="test ticket")
    assert withdrawn.origin == "manual" and withdrawn.corrects == entry


def test_typing_and_correcting_write_audit_rows(people):
    from liaison.audit.models import AuditEvent

    entry = type_entry(people["library"])
    services.ledger_entry_correct(actor=people["library"], entry=entry, count=2, note="two")
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "partnership.ledger_entry_typed" in actions and "partnership.ledger_entry_corrected" in actions
