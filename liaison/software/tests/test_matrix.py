"""The gap matrix gives every answer kind, for the reason a person would give, and reads each
table once whatever the size of the term."""

from __future__ import annotations

import pytest

from liaison.software import matrix
from liaison.software.models import Answer, Course, ImageItem, Need, ProfileRule, Title
from liaison.software.tests.conftest import make_title


def answer_of(world, need_obj, **filters):
    result = matrix.gap_matrix(term=world.term, **filters)
    cell = result.cell_for(need_obj.pk)
    assert cell is not None
    return cell


def test_an_installed_title_at_a_new_enough_version_in_any_lab_is_a_yes(world, need):
    cell = answer_of(world, need(min_version="2024.01"))
    assert cell.answer == Answer.YES
    assert cell.lab == world.commons  # the lab where it runs
    assert "2024.04" in cell.detail


def test_a_title_in_no_image_of_the_named_lab_is_missing(world, need):
    cell = answer_of(world, need(lab=world.media))
    assert cell.answer == Answer.MISSING
    assert "Media image" in cell.detail


def test_any_lab_is_missing_only_when_no_lab_has_it(world, need):
    gis = make_title("QGIS")
    cell = answer_of(world, need(title=gis))
    assert cell.answer == Answer.MISSING


def test_an_older_installed_version_is_too_old_compared_as_versions_not_text(world, need):
    # As text "2024.04" < "2024.10" by luck; "9" > "10" is the case plain strings get wrong.
    ImageItem.objects.filter(title=world.rstudio).update(version="2023.9")
    cell = answer_of(world, need(min_version="2023.10"))
    assert cell.answer == Answer.TOO_OLD
    assert "2023.9" in cell.detail and "2023.10" in cell.detail


def test_vendor_versions_packaging_cannot_read_still_compare(world, need):
    matlab = make_title("MATLAB", versions=("R2023a", "R2023b"))
    ImageItem.objects.create(image=world.commons_image, title=matlab, version="R2023a")
    assert answer_of(world, need(title=matlab, min_version="R2023b")).answer == Answer.TOO_OLD
    ImageItem.objects.filter(title=matlab).update(version="R2023b")
    assert answer_of(world, Need.objects.get(title=matlab)).answer == Answer.YES


def test_an_unrecorded_installed_version_cannot_meet_a_minimum(world, need):
    ImageItem.objects.filter(title=world.rstudio).update(version="")
    cell = answer_of(world, need(min_version="2023.06"))
    assert cell.answer == Answer.TOO_OLD
    assert "not recorded" in cell.detail


def test_a_title_the_student_profile_blocks_is_blocked_by_the_profile(world, need):
    ProfileRule.objects.create(profile=world.student, title=world.rstudio, allowed=False)
    cell = answer_of(world, need())
    assert cell.answer == Answer.BLOCKED
    assert "Student profile blocks RStudio" in cell.detail


def test_a_title_needing_a_permission_the_profile_lacks_is_blocked(world, need):
    world.rstudio.requires.add(world.usb)
    cell = answer_of(world, need())
    assert cell.answer == Answer.BLOCKED
    assert "USB storage" in cell.detail
    world.student.permissions.add(world.usb)
    assert answer_of(world, Need.objects.get()).answer == Answer.YES


def test_a_title_not_allowed_on_campus_is_blocked(world, need):
    Title.objects.filter(pk=world.rstudio.pk).update(delivery=Title.Delivery.NOT_ALLOWED)
    assert answer_of(world, need()).answer == Answer.BLOCKED


def test_a_class_bigger_than_the_licensed_seats_is_out_of_licence_seats(world, need):
    big = Course.objects.create(term=world.term, code="PSY 300", name="Methods", department="Psychology", enrolment=120)
    small = need(title=world.spss)  # BIO 210: 30 students, 100 seats
    large = need(title=world.spss, course=big)
    assert answer_of(world, small).answer == Answer.YES
    cell = answer_of(world, large)
    assert cell.answer == Answer.SEATS
    assert "120 students take PSY 300" in cell.detail and "100 seats" in cell.detail
    Title.objects.filter(pk=world.spss.pk).update(seats=150)
    assert answer_of(world, large).answer == Answer.YES


def test_web_titles_need_no_install_but_their_version_still_counts(world, need):
    overleaf = make_title("Overleaf", versions=("2.0",), delivery=Title.Delivery.WEB)
    assert answer_of(world, need(title=overleaf, lab=world.media)).answer == Answer.YES
    Need.objects.filter(title=overleaf).update(min_version="3")
    assert answer_of(world, Need.objects.get(title=overleaf)).answer == Answer.TOO_OLD


def test_the_matrix_changes_when_the_image_changes(world, need):
    gap = need(lab=world.media)
    assert answer_of(world, gap).answer == Answer.MISSING
    ImageItem.objects.create(image=world.media_image, title=world.rstudio, version="2024.04")
    assert answer_of(world, gap).answer == Answer.YES


def test_filters_by_lab_department_deadline_and_answer(world, need):
    import datetime as dt

    early = need(title=world.office_title, needed_by=world.term.starts_on - dt.timedelta(days=5))
    late = need(lab=world.media)
    chem = Course.objects.create(term=world.term, code="CHM 101", name="Chem", department="Chemistry", enrolment=10)
    chem_need = need(title=world.office_title, course=chem)

    by_dept = matrix.gap_matrix(term=world.term, department="Chemistry")
    assert [c.need for c in by_dept.cells] == [chem_need]

    by_deadline = matrix.gap_matrix(term=world.term, deadline=world.term.starts_on - dt.timedelta(days=1))
    assert [c.need for c in by_deadline.cells] == [early]

    gaps = matrix.gap_matrix(term=world.term, answer="gaps")
    assert [c.need for c in gaps.cells] == [late]
    assert gaps.counts[Answer.YES] == 2 and gaps.gap_count == 1

    # Filtered to the Media Lab, "any lab" needs are answered there too.
    in_media = matrix.gap_matrix(term=world.term, lab=world.media)
    assert {c.need.pk: c.answer for c in in_media.cells} == {
        early.pk: Answer.MISSING,
        late.pk: Answer.MISSING,
        chem_need.pk: Answer.MISSING,
    }


def test_rows_are_courses_and_courses_without_needs_are_counted(world, need):
    need()
    Course.objects.create(term=world.term, code="ART 100", name="Drawing", department="Art")
    result = matrix.gap_matrix(term=world.term)
    assert [row.course.code for row in result.rows] == ["BIO 210"]
    assert result.rows[0].course.instructor_list == [world.instructor]
    assert result.courses_without_needs == 1


@pytest.mark.parametrize("courses", [5, 40])
def test_the_matrix_reads_each_table_once_whatever_its_size(world, need, django_assert_max_num_queries, courses):
    titles = [make_title(f"Tool {i}", versions=("1.0", "2.0")) for i in range(courses)]
    for i, title in enumerate(titles):
        course = Course.objects.create(term=world.term, code=f"GEN {i:03}", name="x", department="General", enrolment=5)
        Need.objects.create(course=course, title=title, min_version="2.0", needed_by=world.term.starts_on)
        ImageItem.objects.create(image=world.commons_image, title=title, version="1.0" if i % 2 else "2.0")
    with django_assert_max_num_queries(12):
        result = matrix.gap_matrix(term=world.term)
        assert len(result.cells) == courses
