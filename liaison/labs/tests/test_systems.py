"""The library's systems that IT supports (issue 11, item 9): the catalogue with owners on both
sides, support contacts, a status and known issues; incidents and tickets that name a system;
its trouble over time; and its status on every desk screen before patrons say so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liaison.core.roles import Role
from liaison.labs import board_cache, selectors, services
from liaison.labs.models import LibrarySystem, SystemTicket
from liaison.tickets import services as ticket_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(users):
    it = users[Role.IT_STAFF]
    data = {
        "name": "Library catalogue (Alma)",
        "url": "https://library.example.edu/catalogue",
        "library_owner": users[Role.LIBRARY_STAFF].pk,
        "it_owner": it.pk,
        "support_contacts": "Ex Libris support: +1 555 0100\nIT on call: ext. 4357",
        "known_issues": "Saved searches vanish after 30 days",
    }
    made = {
        "catalogue": services.library_system_create(actor=it, data=data),
        "proxy": services.library_system_create(actor=it, data={"name": "EZproxy"}),
    }
    cache.delete(board_cache.SYSTEMS_KEY)
    return made


def codes(exc: ValidationError) -> set[str]:
    return {e.code for errs in exc.error_dict.values() for e in errs}


def test_a_system_keeps_both_owners_contacts_and_known_issues(catalogue, users):
    system = catalogue["catalogue"]
    assert system.slug == "library-catalogue-alma" and system.status == "operational"
    assert system.library_owner == users[Role.LIBRARY_STAFF] and system.it_owner == users[Role.IT_STAFF]
    assert "Ex Libris" in system.support_contacts


def test_bad_entries_are_refused_by_field_and_nothing_is_kept(catalogue, users):
    it = users[Role.IT_STAFF]
    cases = [
        ({"name": ""}, "labs.system_name_required"),
        ({"name": "library catalogue (alma)"}, "labs.system_name_taken"),
        ({"name": "Discovery", "status": "on fire"}, "labs.system_status_unknown"),
        ({"name": "Discovery", "status": "outage"}, "labs.system_note_required"),
        ({"name": "Discovery", "it_owner": 999999}, "labs.system_owner_unknown"),
        ({"name": "Discovery", "url": "javascript:alert(1)"}, "labs.system_url_invalid"),
        ({"name": "Discovery", "colour": "red"}, "labs.field_not_editable"),
    ]
    for data, code in cases:
        with pytest.raises(ValidationError) as caught:
            services.library_system_create(actor=it, data=data)
        assert code in codes(caught.value), data
    assert LibrarySystem.objects.count() == 2


def test_library_staff_may_not_add_a_system_but_an_owner_may_change_theirs(catalogue, users):
    with pytest.raises(PermissionDenied):
        services.library_system_create(actor=users[Role.LIBRARY_STAFF], data={"name": "Website"})
    changed = services.library_system_update(
        actor=users[Role.LIBRARY_STAFF], system=catalogue["catalogue"],
        data={"status": "degraded", "status_note": "Searches take 30 s; requests still work."},
    )  # fmt: skip
    assert changed.status == "degraded" and changed.status_changed_at is not None
    with pytest.raises(PermissionDenied):  # not an owner of the proxy
        services.library_system_update(actor=users[Role.LIBRARY_STAFF], system=catalogue["proxy"],
                                       data={"status": "outage", "status_note": "x"})  # fmt: skip


def test_working_again_clears_the_desk_note(catalogue, users):
    it = users[Role.IT_STAFF]
    system = services.library_system_update(actor=it, system=catalogue["proxy"],
                                            data={"status": "outage", "status_note": "Off campus access is down."})  # fmt: skip
    system = services.library_system_update(actor=it, system=system, data={"status": "operational"})
    assert system.status_note == ""


def test_the_desk_banner_shows_systems_in_trouble_from_a_cache(catalogue, users, django_capture_on_commit_callbacks):
    it = users[Role.IT_STAFF]
    librarian = users[Role.LIBRARY_STAFF]
    assert selectors.systems_with_trouble_for_user(librarian) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.library_system_update(actor=it, system=catalogue["proxy"],
                                       data={"status": "outage", "status_note": "Off-campus access is down."})  # fmt: skip
    banner = selectors.systems_with_trouble_for_user(librarian)
    assert [(s["name"], s["status"], s["note"]) for s in banner] == [
        ("EZproxy", "outage", "Off-campus access is down.")
    ]
    with CaptureQueriesContext(connection) as queries:
        assert selectors.systems_with_trouble_for_user(librarian) == banner
    assert len(queries) == 0  # served from the cache
    assert selectors.systems_with_trouble_for_user(None) == []


def test_the_desk_screen_shows_the_outage_and_costs_no_more_queries(catalogue, users, client_as, joint_desk,
                                                                    django_capture_on_commit_callbacks):  # fmt: skip
    client = client_as(Role.STUDENT_WORKER)
    url = f"/desk/{joint_desk.slug}/"
    client.get(url)  # warm the session and the banner's cache
    with CaptureQueriesContext(connection) as before:
        page = client.get(url)
    assert page.status_code == 200 and "systems-banner" not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.library_system_update(actor=users[Role.IT_STAFF], system=catalogue["catalogue"],
                                       data={"status": "degraded", "status_note": "Searches are slow."})  # fmt: skip
    with CaptureQueriesContext(connection) as first:
        page = client.get(url)
    text = page.content.decode()
    assert "Library catalogue (Alma): degraded." in text and "Searches are slow." in text
    assert len(first) <= len(before) + 1  # the cache was forgotten: one query fills it again
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_an_incident_and_a_ticket_name_a_system_and_its_trouble_is_counted_by_month(
    catalogue, users, make_asset, it_queues, client_as
):
    it = users[Role.IT_STAFF]
    label_printer = make_asset("label")
    incident = services.fault_report_staff(actor=it, asset=label_printer, problem="misaligned").incident
    services.incident_name_system(actor=users[Role.LIBRARY_STAFF], incident=incident, system=catalogue["catalogue"])
    ticket = ticket_services.ticket_create(actor=users[Role.LIBRARY_STAFF], queue=it_queues["help_desk"],
                                           subject="Catalogue times out", description="Since 9 am.")  # fmt: skip
    link = services.ticket_name_system(actor=users[Role.LIBRARY_STAFF], system=catalogue["catalogue"],
                                       ticket_key=f"#{ticket.pk}")  # fmt: skip
    assert link.ticket == ticket
    # The same system again is no change; another system is refused by name.
    assert services.ticket_name_system(actor=it, system=catalogue["catalogue"], ticket_key=str(ticket.pk)) == link
    with pytest.raises(ValidationError) as caught:
        services.ticket_name_system(actor=it, system=catalogue["proxy"], ticket_key=str(ticket.pk))
    assert "labs.system_already_linked" in codes(caught.value)
    months = selectors.system_trouble_by_month(system=catalogue["catalogue"])
    assert len(months) == 12 and months[-1]["month"] == timezone.localtime().strftime("%Y-%m")
    assert months[-1]["incidents"] == 1 and months[-1]["tickets"] == 1
    assert sum(m["incidents"] + m["tickets"] for m in months[:-1]) == 0
    page = client_as(Role.STUDENT_WORKER).get(f"/labs/systems/{catalogue['catalogue'].pk}/").content.decode()
    assert 'src="data:image/svg+xml;base64,' in page  # the chart, beside its table
    assert f"#{ticket.pk} Catalogue times out" in page and "Labels print misaligned" in page
    empty = client_as(Role.STUDENT_WORKER).get(f"/labs/systems/{catalogue['proxy'].pk}/").content.decode()
    assert "No incident or ticket has named it in the last 12 months." in empty and "data:image/svg" not in empty


def test_a_ticket_you_cannot_see_cannot_be_named(catalogue, users, it_queues, departments):
    from liaison.tickets.models import Queue

    library_queue = Queue.objects.create(name="Research", slug="lib-research", department=departments["library"])
    ticket = ticket_services.ticket_create(actor=users[Role.LIBRARY_STAFF], queue=library_queue, subject="Citation")
    from django.http import Http404

    with pytest.raises(Http404):
        services.ticket_name_system(actor=users[Role.STUDENT_WORKER], system=catalogue["proxy"],
                                    ticket_key=str(ticket.pk))  # fmt: skip
    assert not SystemTicket.objects.exists()


def test_the_catalogue_pages_list_trouble_first_and_draw_the_months(catalogue, users, client_as,
                                                                    django_capture_on_commit_callbacks):  # fmt: skip
    services.library_system_update(actor=users[Role.IT_STAFF], system=catalogue["proxy"],
                                   data={"status": "outage", "status_note": "Down since 8:10."})  # fmt: skip
    client = client_as(Role.STUDENT_WORKER)
    listing = client.get("/labs/systems/").content.decode()
    assert listing.index("EZproxy") < listing.index("Library catalogue (Alma)")
    assert "Down since 8:10." in listing and "Add a system" not in listing
    detail = client.get(f"/labs/systems/{catalogue['catalogue'].pk}/").content.decode()
    assert "Ex Libris support: +1 555 0100" in detail and "Saved searches vanish after 30 days" in detail
    assert "Trouble over the last 12 months" in detail and "Change the status" not in detail


def test_an_it_member_changes_the_status_on_the_page(catalogue, client_as):
    client = client_as(Role.IT_STAFF)
    url = f"/labs/systems/{catalogue['proxy'].pk}/status/"
    refused = client.post(url, {"status": "outage", "status_note": ""}, follow=True)
    assert "Say in a line what the desk should know" in refused.content.decode()
    assert LibrarySystem.objects.get(pk=catalogue["proxy"].pk).status == "operational"
    client.post(url, {"status": "outage", "status_note": "Off-campus access is down."})
    assert LibrarySystem.objects.get(pk=catalogue["proxy"].pk).status == "outage"


def test_the_api_lists_changes_and_counts(catalogue, client_as, users):
    client = client_as(Role.IT_STAFF)
    listing = client.get("/api/v1/labs/systems").json()
    assert {s["name"] for s in listing["results"]} == {"Library catalogue (Alma)", "EZproxy"}
    proxy = catalogue["proxy"].pk
    bad = client.patch(f"/api/v1/labs/systems/{proxy}", {"status": "outage"}, content_type="application/json")
    assert bad.status_code == 400 and "status_note" in bad.content.decode()
    ok = client.patch(f"/api/v1/labs/systems/{proxy}", {"status": "outage", "status_note": "Down."},
                      content_type="application/json")  # fmt: skip
    assert ok.status_code == 200 and ok.json()["status"] == "outage"
    trouble = client.get(f"/api/v1/labs/systems/{proxy}/trouble").json()
    assert len(trouble) == 12
    made = client.post("/api/v1/labs/systems", {"name": "Website", "status": "operational"},
                       content_type="application/json")  # fmt: skip
    assert made.status_code == 201 and made.json()["slug"] == "website"
    assert client_as(Role.LIBRARY_STAFF).post("/api/v1/labs/systems", {"name": "X"},
                                              content_type="application/json").status_code == 403  # fmt: skip


def test_trouble_months_reach_back_a_year_and_ignore_older_incidents(catalogue, users, make_asset, it_queues):
    from liaison.labs.models import Incident

    it = users[Role.IT_STAFF]
    asset = make_asset("printer")
    old = services.fault_report_staff(actor=it, asset=asset, problem="paper_jam").incident
    services.incident_change_state(actor=it, incident=old, state="resolved")
    Incident.objects.filter(pk=old.pk).update(
        started_at=timezone.now() - dt.timedelta(days=400), system=catalogue["proxy"]
    )
    months = selectors.system_trouble_by_month(system=catalogue["proxy"])
    assert sum(m["incidents"] for m in months) == 0
