"""Each domain's feed, through the derivation job: what counts, who gave whom, and what does
not count (so the ledger's figures mean what its README says)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from liaison.core import ledger as core_ledger
from liaison.partnership import services
from liaison.partnership.models import LedgerEntry, Need

pytestmark = pytest.mark.django_db


def derived(feed_key):
    return list(LedgerEntry.objects.filter(feed_key=feed_key).select_related("giver", "receiver"))


def test_every_domain_offers_its_feed_through_its_own_ledger_module():
    feeds = core_ledger.registered_feeds()
    assert {
        "tickets.handed_to_other_department",
        "tickets.resolved_for_other_department",
        "directory.referrals_to_other_department",
        "desk.technology_answered_for_it",
        "kb.library_articles_used_by_it",
        "partnership.resource_requests_fulfilled",
        "partnership.skill_sessions",
        "partnership.needs_met",
    } <= set(feeds)
    assert all(feed.description for feed in feeds.values())  # each says what it measures


def test_a_feed_key_names_its_app_and_two_feeds_cannot_share_one():
    with pytest.raises(ValueError):
        core_ledger.LedgerFeed(key="NoDot", label="x", kind="x", direction="request", rows=lambda s, e: [])
    with pytest.raises(ValueError):
        core_ledger.LedgerFeed(key="a.b", label="x", kind="x", direction="sideways", rows=lambda s, e: [])
    first = core_ledger.LedgerFeed(key="tests.one", label="x", kind="x", direction="request", rows=lambda s, e: [])
    core_ledger.register_feed(first)
    try:
        with pytest.raises(ValueError):
            core_ledger.register_feed(
                core_ledger.LedgerFeed(key="tests.one", label="y", kind="y", direction="request", rows=lambda s, e: [])
            )
    finally:
        core_ledger.unregister_feed("tests.one")


@pytest.fixture
def it_office(departments):
    from liaison.directory.models import DirectoryEntry

    return DirectoryEntry.objects.create(name="IT Accounts", slug="it-accounts", department=departments["it"])


@pytest.fixture
def log(joint_desk, people):
    from liaison.desk.services import interaction_log

    def build(actor=None, kind="technology", category="wifi-network", referred_to=None, minutes=None, point=None):
        interaction, _ = interaction_log(
            actor=actor or people["library"],
            service_point=point or joint_desk,
            kind=kind,
            read_level=2,
            mode="in_person",
            client_id=uuid.uuid4(),
            tech_category=category,
            referred_to=referred_to,
            duration_minutes=minutes,
        )
        return interaction

    return build


def test_referrals_from_the_library_desk_to_an_it_office_are_the_library_giving(
    log, it_office, derive, departments, people
):
    log(referred_to=it_office)
    log(referred_to=it_office, actor=people["student"])  # whoever staffs the library's desk
    derive()
    [entry] = derived("directory.referrals_to_other_department")
    assert (entry.giver, entry.receiver, entry.direction) == (departments["library"], departments["it"], "contribution")
    assert entry.count == 2
    assert entry.source_url == f"/directory/{it_office.pk}/"
    assert "2 referrals to IT Accounts" in entry.label


def test_referrals_logged_at_an_it_only_desk_do_not_count(it_office, derive, departments, people):
    from liaison.desk.services import interaction_log
    from liaison.places.models import ServicePoint

    it_desk = ServicePoint.objects.create(name="IT Help Desk", slug="it-desk", kind=ServicePoint.Kind.DESK)
    it_desk.departments.set([departments["it"]])
    interaction_log(
        actor=people["it"], service_point=it_desk, kind="technology", read_level=1, mode="in_person",
        client_id=uuid.uuid4(), tech_category="wifi-network", referred_to=it_office,
    )  # fmt: skip
    derive()
    assert derived("directory.referrals_to_other_department") == []


def test_undoing_a_days_referrals_changes_its_count_then_orphans_it(log, it_office, derive):
    first = log(referred_to=it_office)
    second = log(referred_to=it_office)
    derive()
    second.delete()
    derive()
    [entry] = derived("directory.referrals_to_other_department")
    assert entry.count == 1 and entry.orphaned_at is None
    first.delete()
    derive()
    [entry] = derived("directory.referrals_to_other_department")
    assert entry.orphaned_at is not None


def test_technology_questions_library_staff_answer_at_the_joint_desk_are_the_library_giving_it(
    log, derive, departments, people
):
    log(minutes=6)
    log(minutes=12)
    log(category="printing")
    log(actor=people["student"])  # the shared student pool is IT's own work
    log(kind="research", category=None)  # not a technology question
    derive()
    rows = {e.label: e for e in derived("desk.technology_answered_for_it")}
    assert len(rows) == 2
    wifi = next(e for label, e in rows.items() if "Wi-Fi" in label)
    assert (wifi.giver, wifi.receiver, wifi.count) == (departments["library"], departments["it"], 2)
    assert str(wifi.hours) == "0.30"
    assert wifi.source_url.startswith("/api/v1/desk/interactions?service_point=joint-desk")


def test_a_technology_question_referred_on_or_made_a_ticket_is_not_the_desk_answering_it(
    log, it_office, derive, queues, people
):
    from liaison.tickets import services as tickets

    log(referred_to=it_office)
    promoted = log()
    tickets.ticket_promote_from_interaction(
        actor=people["library"], interaction=promoted, queue=queues["it"], subject="x"
    )
    derive()
    assert derived("desk.technology_answered_for_it") == []


def test_a_library_article_linked_on_an_it_ticket_is_the_library_giving_it(queues, people, derive, departments):
    from django.core.exceptions import ValidationError

    from liaison.kb import services as kb
    from liaison.tickets import services as tickets

    article = kb.article_create(actor=people["library"], title="Printing from your laptop", body="Steps.", publish=True)
    unused = kb.article_create(actor=people["library"], title="Citing a dataset", body="Steps.", publish=True)
    by_it = kb.article_create(actor=people["it"], title="VPN", body="Steps.", publish=True)
    draft = kb.article_create(actor=people["library"], title="Proxy trouble", body="Not ready.")
    it_ticket = tickets.ticket_create(actor=people["it"], queue=queues["it"], subject="Toner smudge on lab printer")
    library_ticket = tickets.ticket_create(actor=people["library"], queue=queues["library"], subject="Cite")
    tickets.ticket_link_article(actor=people["it"], ticket=it_ticket, article_id=article.pk)
    tickets.ticket_link_article(actor=people["it"], ticket=it_ticket, article_id=by_it.pk)  # IT's own article
    tickets.ticket_link_article(actor=people["library"], ticket=library_ticket, article_id=unused.pk)  # not IT's
    with pytest.raises(ValidationError):  # a draft cannot be linked, so it never counts
        tickets.ticket_link_article(actor=people["it"], ticket=it_ticket, article_id=draft.pk)
    derive()
    [entry] = derived("kb.library_articles_used_by_it")
    assert (entry.giver, entry.receiver, entry.direction) == (departments["library"], departments["it"], "contribution")
    assert entry.source_key == f"kb:article:{article.pk}:ticket:{it_ticket.pk}"
    assert entry.occurred_on == timezone.localdate()  # the later of the ticket's opening and the publication
    assert "Toner" not in entry.label  # the label names the article and ticket number, not the ticket's subject
    tickets.ticket_unlink_article(actor=people["it"], ticket=it_ticket, article_id=article.pk)
    derive()
    [entry] = derived("kb.library_articles_used_by_it")
    assert entry.orphaned_at is not None


def test_a_linked_article_stops_counting_when_unpublished_or_when_its_ticket_leaves_it(
    queues, people, derive, departments
):
    from liaison.kb import services as kb
    from liaison.tickets import services as tickets

    article = kb.article_create(actor=people["library"], title="Printing from your laptop", body="Steps.", publish=True)
    ticket = tickets.ticket_create(actor=people["it"], queue=queues["it"], subject="Print")
    tickets.ticket_link_article(actor=people["it"], ticket=ticket, article_id=article.pk)
    derive()
    assert [e.orphaned_at for e in derived("kb.library_articles_used_by_it")] == [None]
    kb.article_unpublish(actor=people["library"], article=article)  # the link stays on the ticket
    derive()
    assert [e.orphaned_at is not None for e in derived("kb.library_articles_used_by_it")] == [True]
    kb.article_publish(actor=people["library"], article=article)
    derive()
    assert [e.orphaned_at for e in derived("kb.library_articles_used_by_it")] == [None]
    tickets.ticket_hand_off(actor=people["it"], ticket=ticket, queue=queues["library"], note="theirs")
    derive()
    assert [e.orphaned_at is not None for e in derived("kb.library_articles_used_by_it")] == [True]


def test_a_fulfilled_resource_request_is_the_library_giving_the_requester(people, derive, departments):
    request = services.resource_request_create(actor=people["it"], kind="book", title="Site Reliability Engineering")
    services.resource_request_fulfil(actor=people["library"], request=request, note="On your desk", hours="1.5")
    declined = services.resource_request_create(actor=people["it"], kind="database", title="Gartner")
    services.resource_request_decline(actor=people["library"], request=declined, note="Not licensed")
    derive()
    [entry] = derived("partnership.resource_requests_fulfilled")
    assert (entry.giver, entry.receiver, str(entry.hours)) == (departments["library"], departments["it"], "1.50")
    assert entry.source_url == f"/partnership/requests/{request.pk}/"


def test_a_skills_session_for_the_other_department_counts_and_one_for_your_own_does_not(people, derive, departments):
    skill = services.skill_create(actor=people["library"], title="Regular expressions in OpenRefine")
    today = timezone.localdate()
    services.skill_session_record(
        actor=people["library"], skill=skill, held_on=today, hours="1", attendee_department="it", attendees=4
    )
    services.skill_session_record(
        actor=people["library"], skill=skill, held_on=today, hours="1", attendee_department="library"
    )
    derive()
    [entry] = derived("partnership.skill_sessions")
    assert (entry.giver, entry.receiver, entry.hours) == (departments["library"], departments["it"], 1)


def test_a_need_counts_once_the_help_is_delivered(people, derive, departments):
    need = services.need_create(actor=people["it_boss"], department="it", title="Someone to test the new print release")
    offer = services.offer_create(actor=people["library"], need=need, description="The Learning Commons will pilot it")
    match = services.offer_accept(actor=people["it_boss"], offer=offer)
    derive()
    assert derived("partnership.needs_met") == []
    services.match_deliver(actor=people["library"], match=match, delivered_on=timezone.localdate(), hours="6")
    derive()
    [entry] = derived("partnership.needs_met")
    assert (entry.giver, entry.receiver) == (departments["library"], departments["it"])
    assert Need.objects.get(pk=need.pk).status == "open"  # the need's owner marks it met


def test_the_window_reaches_back_as_far_as_asked(handed_ticket, derive):
    ticket = handed_ticket()
    type(ticket).events.rel.related_model.objects.filter(ticket=ticket).update(
        at=timezone.now() - dt.timedelta(days=300)
    )
    type(ticket).objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - dt.timedelta(days=300))
    services.ledger_derive()  # the default window: the last 120 days
    assert LedgerEntry.objects.count() == 0
    derive(start=timezone.localdate() - dt.timedelta(days=400))
    assert LedgerEntry.objects.count() == 2
