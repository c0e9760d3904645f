"""What software access gives the partnership ledger, and the demo college's software."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from liaison.core import ledger
from liaison.core.roles import Role
from liaison.software import services
from liaison.software.ledger import INSTALLS_BY_IT, REQUESTS_TO_IT, install_rows, request_rows


def window():
    today = timezone.localdate()
    return today - dt.timedelta(days=1), today + dt.timedelta(days=1)


def test_a_library_request_is_an_ask_of_it_and_its_resolution_a_gift(world, need):
    request = services.request_open(actor=world.users[Role.LIBRARY_STAFF], need=need(lab=world.media))
    (asked,) = request_rows(*window())
    assert (asked.giver, asked.receiver, asked.direction) == ("it", "library", ledger.REQUEST)
    assert asked.source_key == f"software:request:{request.pk}" and "RStudio for BIO 210" in asked.label
    assert list(install_rows(*window())) == []
    services.request_resolve(actor=world.users[Role.IT_STAFF], request=request, version="2024.04")
    (gift,) = install_rows(*window())
    assert (gift.giver, gift.receiver, gift.direction) == ("it", "library", ledger.CONTRIBUTION)


def test_declined_requests_and_it_asking_itself_do_not_count_as_gifts(world, need):
    declined = services.request_open(actor=world.users[Role.LIBRARY_STAFF], need=need(lab=world.media))
    services.request_decline(actor=world.users[Role.IT_STAFF], request=declined, reason="No budget")
    own = services.request_open(actor=world.users[Role.IT_STAFF], need=need(title=world.office_title, lab=world.media))
    assert [r.source_key for r in request_rows(*window())] == [f"software:request:{declined.pk}"]
    assert list(install_rows(*window())) == []
    assert own.requesting_department == own.it_department


def test_both_feeds_are_registered():
    from liaison.core.ledger import _feeds

    assert {REQUESTS_TO_IT, INSTALLS_BY_IT} <= set(_feeds)


def test_the_demo_college_has_every_kind_of_gap_and_drifted_librarians(db):
    from django.core.management import call_command

    from liaison.demo.seed import seed_foundation
    from liaison.software import drift, matrix, selectors
    from liaison.software.demo import seed_software
    from liaison.software.models import Course, Request, Workstation
    from liaison.tickets.demo import _seed_queues

    seed_foundation(lambda _m: None)
    _seed_queues()
    first = seed_software(lambda _m: None)
    term = selectors.term_current()
    result = matrix.gap_matrix(term=term)
    assert Course.objects.filter(term=term).count() == 60 and first["software courses"] == 60
    assert all(result.counts[a] > 0 for a in ("yes", "missing", "blocked", "seats", "too_old")), result.counts
    assert Request.objects.filter(due_on__lt=timezone.localdate(), state="open").exists()  # one overdue
    report = drift.drift_report(role="library_staff")
    assert len(report) == 8 and Workstation.objects.count() == 8
    assert sum(1 for r in report if r.items) == 4  # four drifted (one of them an accepted exception)
    assert seed_software(lambda _m: None) == first  # idempotent
    call_command("check")
