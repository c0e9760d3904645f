"""IT's rollout calendar: IT plans, the library records its consultation, an unconsulted
change is flagged to both sides once before it happens, and the iCalendar feed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from liaison.partnership import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def inboxes(departments):
    departments["library"].contact_email = "library@college.example"
    departments["library"].save()
    departments["it"].contact_email = "helpdesk@college.example"
    departments["it"].save()


def plan(actor, days=7, **kwargs):
    data = {
        "title": "Print release stations replaced",
        "kind": "printer",
        "starts_on": timezone.localdate() + dt.timedelta(days=days),
        "effect_on_library": "Learning Commons printing is down for a morning.",
    }
    data.update(kwargs)
    return services.rollout_create(actor=actor, **data)


def test_it_plans_rollouts_and_the_library_does_not(people, departments):
    rollout = plan(people["it"])
    assert rollout.department == departments["it"] and not rollout.was_consulted
    with pytest.raises(PermissionDenied):
        plan(people["library"])


def test_a_rollout_says_what_it_does_to_the_library_and_ends_after_it_starts(people):
    with pytest.raises(ValidationError) as caught:
        plan(people["it"], effect_on_library="")
    assert caught.value.error_dict["effect_on_library"][0].code == "partnership.text_required"
    with pytest.raises(ValidationError) as caught:
        plan(people["it"], ends_on=timezone.localdate())
    assert caught.value.error_dict["ends_on"][0].code == "partnership.dates_invalid"


def test_the_library_records_when_it_was_consulted_and_what_it_said(people):
    rollout = plan(people["it"])
    with pytest.raises(PermissionDenied):
        services.rollout_record_consultation(
            actor=people["it"], rollout=rollout, consulted_on=timezone.localdate(), library_response="fine"
        )
    with pytest.raises(ValidationError) as caught:
        services.rollout_record_consultation(
            actor=people["library"], rollout=rollout, consulted_on=timezone.localdate(), library_response=""
        )
    assert caught.value.error_dict["library_response"][0].code == "partnership.text_required"
    rollout = services.rollout_record_consultation(
        actor=people["library"],
        rollout=rollout,
        consulted_on=timezone.localdate(),
        library_response="Do it before 8 am.",
    )
    assert rollout.was_consulted and rollout.consultation_recorded_by == people["library"]


def test_an_unconsulted_rollout_is_flagged_to_both_sides_once(people, inboxes):
    unconsulted = plan(people["it"], title="Lab image update")
    consulted = plan(people["it"], title="Wi-Fi controller firmware")
    services.rollout_record_consultation(
        actor=people["library"], rollout=consulted, consulted_on=timezone.localdate(), library_response="OK"
    )
    plan(people["it"], days=40, title="Next term's change")  # too far off to flag yet
    assert services.rollouts_flag_unconsulted() == 1
    unconsulted.refresh_from_db()
    assert unconsulted.flagged_at is not None
    assert services.rollouts_flag_unconsulted() == 0  # once


def test_the_flag_mail_reaches_both_inboxes_after_commit(people, inboxes, django_capture_on_commit_callbacks):
    plan(people["it"], title="Lab image update")
    with django_capture_on_commit_callbacks(execute=True):
        services.rollouts_flag_unconsulted()
    [message] = mail.outbox
    assert sorted(message.to) == ["helpdesk@college.example", "library@college.example"]
    assert "Not yet consulted: Lab image update" in message.subject
    assert "the library has not been consulted" in message.body
    assert "Learning Commons printing is down" in message.body


def test_moving_a_flagged_rollout_flags_it_again(people, inboxes):
    rollout = plan(people["it"])
    services.rollouts_flag_unconsulted()
    rollout = services.rollout_update(
        actor=people["it"], rollout=rollout, data={"starts_on": timezone.localdate() + dt.timedelta(days=9)}
    )
    assert rollout.flagged_at is None
    assert services.rollouts_flag_unconsulted() == 1


def test_only_the_planning_department_changes_a_rollout(people):
    rollout = plan(people["it"])
    with pytest.raises(PermissionDenied):
        services.rollout_update(actor=people["library"], rollout=rollout, data={"title": "x"})


def test_the_calendar_feed_works_with_the_secret_link_and_stops_with_a_new_one(client, people):
    plan(people["it"], title="Lab image update")
    token = services.calendar_link_make(actor=people["student"])
    response = client.get(f"/partnership/rollouts/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body and "SUMMARY:[Not consulted] Lab image update (Printers)" in body
    newer = services.calendar_link_make(actor=people["student"])
    assert client.get(f"/partnership/rollouts/calendar/{token}.ics").status_code == 404
    assert client.get(f"/partnership/rollouts/calendar/{newer}.ics").status_code == 200
    assert client.get("/partnership/rollouts/calendar/made-up.ics").status_code == 404
    people["student"].is_active = False
    people["student"].save()
    assert client.get(f"/partnership/rollouts/calendar/{newer}.ics").status_code == 404
    assert selectors.hash_calendar_token(newer) != newer  # only the hash is stored


def test_a_wrong_or_revoked_calendar_link_is_one_404_that_shows_nothing(client, people):
    """The feed is public by its secret alone (the object-access walk lists it as such): every
    link that is not a live one answers the same 404, without the calendar."""
    plan(people["it"], title="Lab image update")
    revoked = services.calendar_link_make(actor=people["library"])
    live = services.calendar_link_make(actor=people["library"])  # a new link revokes the old one
    wrong = [
        revoked,
        live[:-1],  # one character short
        live[:-1] + ("A" if live[-1] != "A" else "B"),  # one character off
        selectors.hash_calendar_token(live),  # the stored hash is not a key
        "x" * 101,  # longer than any link
        "made-up",
    ]
    answers = [client.get(f"/partnership/rollouts/calendar/{token}.ics") for token in wrong]
    assert [a.status_code for a in answers] == [404] * len(wrong)
    assert all(b"Lab image update" not in a.content and b"VCALENDAR" not in a.content for a in answers)
    assert client.get(f"/partnership/rollouts/calendar/{live}.ics").status_code == 200
