"""Needs are entered once per title and by the deadline; a gap becomes a request in IT's
queue, due before term; IT resolving it applies the fix, so the matrix turns green."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.software import matrix, services
from liaison.software.models import Answer, ImageItem, Need, ProfileRule, Request, Term, Title
from liaison.tickets.models import Ticket


def codes(exc: ValidationError) -> set[str]:
    return {e.code for errors in exc.error_dict.values() for e in errors}


def test_staff_record_a_need_with_an_audit_row(world):
    need = services.need_create(
        actor=world.users[Role.LIBRARY_STAFF], course=world.course, title=world.rstudio, min_version="2024.01"
    )
    assert need.needed_by == world.term.starts_on  # default: the first day of term
    assert not need.is_late
    assert AuditEvent.objects.filter(action="software_need.create", object_id=str(need.pk)).exists()


def test_student_workers_cannot_enter_needs(world):
    with pytest.raises(PermissionDenied):
        services.need_create(actor=world.users[Role.STUDENT_WORKER], course=world.course, title=world.rstudio)


def test_a_second_need_for_the_same_title_is_refused_naming_the_first(world):
    library = world.users[Role.LIBRARY_STAFF]
    services.need_create(actor=library, course=world.course, title=world.rstudio, min_version="2023.06")
    with pytest.raises(ValidationError) as exc:
        services.need_create(actor=library, course=world.course, title=world.rstudio, min_version="2024.04")
    assert codes(exc.value) == {"software.need_conflict"}
    assert "2023.06 or later" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.need_create(actor=library, course=world.course, title=world.rstudio, min_version="2023.6")
    assert codes(exc.value) == {"software.need_duplicate"}  # 2023.6 is 2023.06 as a version
    assert Need.objects.count() == 1


def test_bad_fields_are_named_together(world):
    with pytest.raises(ValidationError) as exc:
        services.need_create(
            actor=world.users[Role.LIBRARY_STAFF],
            course=world.course,
            title=world.rstudio,
            min_version="latest",
            lab=world.office,
            needed_by=world.term.ends_on + dt.timedelta(days=1),
        )
    assert set(exc.value.error_dict) == {"min_version", "lab", "needed_by"}
    assert codes(exc.value) == {"software.version_invalid", "software.place_not_lab", "software.needed_by_after_term"}


def test_after_the_deadline_only_it_and_supervisors_add_late_needs(world):
    Term.objects.filter(pk=world.term.pk).update(needs_deadline=timezone.localdate() - dt.timedelta(days=1))
    world.course.refresh_from_db()
    world.course.term.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.need_create(actor=world.users[Role.LIBRARY_STAFF], course=world.course, title=world.rstudio)
    assert codes(exc.value) == {"software.needs_deadline_passed"}
    need = services.need_create(actor=world.users[Role.IT_STAFF], course=world.course, title=world.rstudio)
    assert need.is_late


def test_an_instructor_enters_needs_only_for_their_own_courses(world):
    need = services.need_create_by_instructor(instructor=world.instructor, course=world.course, title=world.rstudio)
    assert need.entered_by_instructor == world.instructor and need.entered_by is None
    from liaison.software.models import Course, Instructor

    other = Course.objects.create(term=world.term, code="ART 1", name="Art", department="Art")
    stranger = Instructor.objects.create(name="Someone", email="someone@college.example")
    with pytest.raises(ValidationError) as exc:
        services.need_create_by_instructor(instructor=stranger, course=other, title=world.rstudio)
    assert codes(exc.value) == {"software.instructor_not_teaching"}


# --- Requests ----------------------------------------------------------------------------------


def test_a_gap_becomes_a_request_with_a_ticket_in_its_queue_due_before_term(world, need):
    gap = need(lab=world.media)
    request = services.request_open(actor=world.users[Role.LIBRARY_STAFF], need=gap)
    assert request.answer == Answer.MISSING and request.lab == world.media
    assert request.due_on < world.term.starts_on
    assert request.ticket.queue == world.it_queue
    assert "BIO 210" in request.ticket.subject
    assert request.requesting_department.code == "library" and request.it_department.code == "it"
    with pytest.raises(ValidationError) as exc:
        services.request_open(actor=world.users[Role.LIBRARY_STAFF], need=gap)
    assert codes(exc.value) == {"software.request_exists"}


def test_no_request_for_a_need_already_met_nor_due_after_term(world, need):
    met = need()
    with pytest.raises(ValidationError) as exc:
        services.request_open(actor=world.users[Role.LIBRARY_STAFF], need=met)
    assert codes(exc.value) == {"software.no_gap"}
    gap = need(title=world.office_title, lab=world.media)
    with pytest.raises(ValidationError) as exc:
        services.request_open(actor=world.users[Role.LIBRARY_STAFF], need=gap, due_on=world.term.starts_on)
    assert codes(exc.value) == {"software.request_due_after_term"}
    assert not Request.objects.exists() and not Ticket.objects.exists()


def test_resolving_a_missing_title_installs_it_and_the_matrix_turns_green(world, need):
    gap = need(lab=world.media, min_version="2024.01")
    request = services.request_open(actor=world.users[Role.LIBRARY_STAFF], need=gap)
    it = world.users[Role.IT_STAFF]
    services.request_take(actor=it, request=request)
    request = services.request_resolve(actor=it, request=request, version="2024.04")
    assert request.state == Request.State.RESOLVED and request.owner == it
    assert ImageItem.objects.get(image=world.media_image, title=world.rstudio).version == "2024.04"
    assert matrix.gap_matrix(term=world.term).cell_for(gap.pk).answer == Answer.YES
    request.ticket.refresh_from_db()
    assert request.ticket.state == Ticket.State.RESOLVED


def test_resolving_a_blocked_title_allows_it_and_grants_what_it_requires(world, need):
    ProfileRule.objects.create(profile=world.student, title=world.rstudio, allowed=False)
    world.rstudio.requires.add(world.usb)
    gap = need()
    request = services.request_open(actor=world.users[Role.LIBRARY_STAFF], need=gap)
    assert request.answer == Answer.BLOCKED
    services.request_resolve(actor=world.users[Role.IT_STAFF], request=request)
    assert ProfileRule.objects.get(profile=world.student, title=world.rstudio).allowed
    assert world.student.permissions.filter(pk=world.usb.pk).exists()
    assert matrix.gap_matrix(term=world.term).cell_for(gap.pk).answer == Answer.YES


def test_resolving_an_old_version_refuses_an_older_one_and_changes_nothing(world, need):
    gap = need(min_version="2025.1")
    request = services.request_open(actor=world.users[Role.LIBRARY_STAFF], need=gap)
    assert request.answer == Answer.TOO_OLD
    with pytest.raises(ValidationError) as exc:
        services.request_resolve(actor=world.users[Role.IT_STAFF], request=request, version="2024.12")
    assert codes(exc.value) == {"software.version_invalid"}
    assert ImageItem.objects.get(image=world.commons_image, title=world.rstudio).version == "2024.04"
    services.request_resolve(actor=world.users[Role.IT_STAFF], request=request, version="2025.1.3")
    assert matrix.gap_matrix(term=world.term).cell_for(gap.pk).answer == Answer.YES


def test_resolving_seats_raises_the_licence(world, need):
    Title.objects.filter(pk=world.spss.pk).update(seats=10)  # BIO 210 has 30 students
    gap = need(title=world.spss)
    request = services.request_open(actor=world.users[Role.LIBRARY_STAFF], need=gap)
    with pytest.raises(ValidationError):
        services.request_resolve(actor=world.users[Role.IT_STAFF], request=request)
    services.request_resolve(actor=world.users[Role.IT_STAFF], request=request, seats=40)
    world.spss.refresh_from_db()
    assert world.spss.seats == 40


def test_only_it_works_requests_and_a_decline_needs_a_reason(world, need):
    request = services.request_open(actor=world.users[Role.LIBRARY_STAFF], need=need(lab=world.media))
    with pytest.raises(PermissionDenied):
        services.request_resolve(actor=world.users[Role.LIBRARY_STAFF], request=request)
    with pytest.raises(ValidationError) as exc:
        services.request_decline(actor=world.users[Role.IT_STAFF], request=request, reason="  ")
    assert codes(exc.value) == {"software.reason_required"}
    request = services.request_decline(actor=world.users[Role.IT_STAFF], request=request, reason="No licence budget")
    assert request.state == Request.State.DECLINED
    with pytest.raises(ValidationError) as exc:
        services.request_take(actor=world.users[Role.IT_STAFF], request=request)
    assert codes(exc.value) == {"software.request_closed"}


def test_the_owner_must_be_in_it(world, need):
    with pytest.raises(ValidationError) as exc:
        services.request_open(
            actor=world.users[Role.LIBRARY_STAFF], need=need(lab=world.media), owner=world.users[Role.LIBRARY_STAFF]
        )
    assert codes(exc.value) == {"software.owner_not_it"}


def test_asking_about_every_unasked_gap_gives_each_an_owner_and_a_date(world, need):
    first = need(lab=world.media)
    services.request_open(actor=world.users[Role.LIBRARY_STAFF], need=first)
    need(title=world.office_title, lab=world.media)
    need(title=world.spss)  # met: no request
    made = services.requests_open_for_gaps(actor=world.users[Role.LIBRARY_STAFF], term=world.term)
    assert [r.need.title for r in made] == [world.office_title]
    assert matrix.gap_matrix(term=world.term).unasked == []
    assert Ticket.objects.count() == 2


def test_resolving_an_old_web_title_records_the_version_now_delivered(world, need):
    from liaison.software.tests.conftest import make_title

    overleaf = make_title("Overleaf", versions=("2.0",), delivery=Title.Delivery.WEB)
    request = services.request_open(actor=world.users[Role.LIBRARY_STAFF], need=need(title=overleaf, min_version="3"))
    services.request_resolve(actor=world.users[Role.IT_STAFF], request=request, version="3.1")
    assert overleaf.versions.filter(version="3.1").exists()
