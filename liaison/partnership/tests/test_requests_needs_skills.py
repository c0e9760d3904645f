"""Requests for library resources, goals and needs with offers, and the skills exchange."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from liaison.partnership import selectors, services

pytestmark = pytest.mark.django_db


# --- Requests for library resources ---------------------------------------------------------------


def test_it_asks_the_library_and_the_library_fulfils_with_a_note(people, departments):
    request = services.resource_request_create(
        actor=people["it"], kind="database", title="IEEE Xplore access", details="For a network refresh"
    )
    assert request.department == departments["it"] and request.status == "new"
    with pytest.raises(PermissionDenied):
        services.resource_request_triage(actor=people["it2"], request=request)
    request = services.resource_request_triage(actor=people["library"], request=request, note="Checking our licence")
    with pytest.raises(ValidationError) as caught:
        services.resource_request_fulfil(actor=people["library"], request=request, note="")
    assert caught.value.error_dict["note"][0].code == "partnership.note_required"
    request = services.resource_request_fulfil(actor=people["library"], request=request, note="Access set up for IT")
    assert request.status == "fulfilled" and request.handling_department == departments["library"]
    with pytest.raises(ValidationError) as caught:
        services.resource_request_decline(actor=people["library"], request=request, note="too late")
    assert caught.value.error_dict["request"][0].code == "partnership.request_not_open"


def test_the_library_does_not_ask_itself(people):
    with pytest.raises(PermissionDenied):
        services.resource_request_create(actor=people["library"], kind="book", title="x")


def test_requests_are_seen_by_their_department_and_the_library_only(people, departments):
    from conftest import make_user
    from liaison.accounts.models import Department
    from liaison.core.roles import Role

    writing = Department.objects.create(code="writing", name="Writing Center")
    tutor = make_user(Role.IT_STAFF, username="t_writing", department=writing)
    mine = services.resource_request_create(actor=people["it"], kind="book", title="Kubernetes in Action")
    theirs = services.resource_request_create(actor=tutor, kind="training_material", title="APA workshop slides")
    assert set(selectors.resource_request_list_for_user(user=people["it2"])) == {mine}
    assert set(selectors.resource_request_list_for_user(user=people["library"])) == {mine, theirs}
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.resource_request_get_for_user(user=people["it"], pk=theirs.pk)


# --- Goals and needs ------------------------------------------------------------------------------------


def test_supervisors_post_their_own_departments_goals_and_needs(people):
    goal = services.goal_create(actor=people["it_boss"], department="it", year=2025, title="Move labs to the new image")
    with pytest.raises(PermissionDenied):
        services.goal_create(actor=people["it_boss"], department="library", year=2025, title="Not ours")
    with pytest.raises(PermissionDenied):
        services.need_create(actor=people["it"], department="it", title="Staff do not post needs")
    with pytest.raises(ValidationError) as caught:
        services.goal_create(actor=people["it_boss"], department="it", year=1850, title="x")
    assert caught.value.error_dict["year"][0].code == "partnership.year_invalid"
    need = services.need_create(actor=people["it_boss"], department="it", title="Pilot testers", goal=goal)
    assert need.goal == goal and need.status == "open"


def test_the_other_department_offers_and_the_needing_one_accepts_or_declines(people):
    need = services.need_create(actor=people["it_boss"], department="it", title="Pilot testers")
    with pytest.raises(PermissionDenied, match="Your own department posted this need"):
        services.offer_create(actor=people["it2"], need=need, description="Me")
    first = services.offer_create(actor=people["library"], need=need, description="The commons")
    second = services.offer_create(actor=people["library2"], need=need, description="The archive")
    with pytest.raises(PermissionDenied):
        services.offer_accept(actor=people["library"], offer=first)
    match = services.offer_accept(actor=people["it_boss"], offer=first, note="Yes please")
    services.offer_decline(actor=people["it_boss"], offer=second)
    with pytest.raises(ValidationError) as caught:
        services.offer_accept(actor=people["it_boss"], offer=second)
    assert caught.value.error_dict["offer"][0].code == "partnership.offer_not_pending"
    assert match.status == "agreed"
    with pytest.raises(ValidationError) as caught:
        services.match_deliver(actor=people["library"], match=match, delivered_on=timezone.localdate(), hours="-1")
    assert caught.value.error_dict["hours"][0].code == "partnership.hours_invalid"
    services.match_deliver(actor=people["library"], match=match, delivered_on=timezone.localdate())
    services.need_update(actor=people["it_boss"], need=need, data={"status": "met"})
    with pytest.raises(ValidationError) as caught:
        services.offer_create(actor=people["library"], need=need, description="late")
    assert caught.value.error_dict["need"][0].code == "partnership.need_not_open"


# --- Skills exchange --------------------------------------------------------------------------------------


def test_people_list_what_they_teach_and_record_sessions(people):
    skill = services.skill_create(actor=people["student"], title="Copy and paste basics", level="basics")
    with pytest.raises(ValidationError) as caught:
        services.skill_create(actor=people["student"], title="copy and paste BASICS")
    assert caught.value.error_dict["title"][0].code == "partnership.skill_exists"
    with pytest.raises(PermissionDenied):
        services.skill_session_record(
            actor=people["it2"], skill=skill, held_on=timezone.localdate(), hours=1, attendee_department="library"
        )
    for hours, code in (("0", "partnership.hours_invalid"), ("30", "partnership.hours_absurd")):
        with pytest.raises(ValidationError) as caught:
            services.skill_session_record(
                actor=people["student"],
                skill=skill,
                held_on=timezone.localdate(),
                hours=hours,
                attendee_department="library",
            )
        assert caught.value.error_dict["hours"][0].code == code
    with pytest.raises(ValidationError) as caught:
        services.skill_session_record(
            actor=people["student"],
            skill=skill,
            held_on=timezone.localdate(),
            hours=1,
            attendee_department="library",
            attendees=0,
        )
    assert caught.value.error_dict["attendees"][0].code == "partnership.attendees_invalid"
    session = services.skill_session_record(
        actor=people["library_boss"],
        skill=skill,
        held_on=timezone.localdate(),
        hours="1.5",
        attendee_department="library",
        attendees=6,
    )
    assert session.teacher_department == people["student"].department and session.taught_by == people["student"]
    skill = services.skill_update(actor=people["student"], skill=skill, data={"is_active": False})
    with pytest.raises(ValidationError) as caught:
        services.skill_session_record(
            actor=people["student"], skill=skill, held_on=timezone.localdate(), hours=1, attendee_department="library"
        )
    assert caught.value.error_dict["skill"][0].code == "partnership.skill_inactive"
