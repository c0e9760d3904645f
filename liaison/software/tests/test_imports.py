"""CSV imports through the imports app's engine: every bad row reported by line and field,
nothing kept from a file with a bad row, and re-importing adds nothing."""

from __future__ import annotations

import pytest

from liaison.core.roles import Role
from liaison.imports import services as import_services
from liaison.imports.mapping import Mapping
from liaison.imports.models import ImportRun
from liaison.software import drift, services
from liaison.software.models import Course, Image, ImageItem, Profile, ProfileRule, Workstation


def run_import(key: str, csv: str, mapping: Mapping, actor):
    return import_services.import_file(
        actor=actor, importer_key=key, file_name="file.csv", content=csv.encode(), mapping=mapping
    )


def same_names(*fields: str, **constants: str) -> Mapping:
    return Mapping(columns={f: [f] for f in fields}, constants=constants)


COURSES = same_names(
    "code", "section", "name", "department", "enrolment", "instructors", "instructor_emails", term="spring"
)


def test_the_registrars_list_imports_courses_with_their_instructors(world):
    csv = (
        "code,section,name,department,enrolment,instructors,instructor_emails\n"
        "chm 101,01,General Chemistry,Chemistry,80,Dr Li; Dr Ode,li@college.example; ode@college.example\n"
        "BIO 210,,Biostatistics,Biology,34,Dr Ada Park,apark@college.example\n"
    )
    run, result = run_import("software_courses", csv, COURSES, world.users[Role.LIBRARY_STAFF])
    assert result.rejections == [] and run.status == ImportRun.Status.COMMITTED
    chem = Course.objects.get(code="CHM 101")
    assert chem.enrolment == 80 and sorted(i.name for i in chem.instructors.all()) == ["Dr Li", "Dr Ode"]
    assert Course.objects.get(code="BIO 210").enrolment == 34  # updated, not duplicated
    _run, again = run_import("software_courses", csv, COURSES, world.users[Role.LIBRARY_STAFF])
    assert again.already_imported == 2 and again.rows_new == 0


def test_a_bad_course_row_is_reported_and_nothing_is_kept(world):
    csv = (
        "code,section,name,department,enrolment,instructors,instructor_emails\n"
        "ART 1,01,Drawing,Art,12,Dr A,a@college.example\n"
        "ART 2,01,Painting,Art,many,Dr B; Dr C,b@college.example\n"
    )
    run, result = run_import("software_courses", csv, COURSES, world.users[Role.LIBRARY_STAFF])
    assert run.status == ImportRun.Status.REJECTED
    assert {(r.line, r.field) for r in result.rejections} == {(3, "enrolment"), (3, "instructor_emails")}
    assert not Course.objects.filter(code__startswith="ART").exists()


IMAGES = same_names("image", "title", "version", "lab")


def test_image_contents_import_installs_and_reversions(world, need):
    gap = need(lab=world.media, min_version="2024.04")
    csv = "image,title,version,lab\nMedia image,RStudio,2024.04,Media Lab\nNew Mac image,Office,16.0,Media Lab\n"
    _run, result = run_import("software_image_contents", csv, IMAGES, world.users[Role.IT_STAFF])
    assert result.rejections == [], result.rejections
    assert ImageItem.objects.get(image=world.media_image, title=world.rstudio).version == "2024.04"
    assert Image.objects.get(name="New Mac image").labs.get() == world.media
    from liaison.software import matrix

    assert matrix.gap_matrix(term=world.term).cell_for(gap.pk).answer == "yes"  # the matrix follows the image
    _run, again = run_import("software_image_contents", csv, IMAGES, world.users[Role.IT_STAFF])
    assert again.already_imported == 2


def test_unknown_titles_versions_and_labs_are_each_reported(world):
    csv = (
        "image,title,version,lab\n"
        "Media image,Photoshopp,2025,Media Lab\n"
        "Media image,RStudio,2099.1,Media Lab\n"
        "Media image,SPSS,29,Office\n"
        "Media image,Office,16.0,Media Lab\n"
    )
    run, result = run_import("software_image_contents", csv, IMAGES, world.users[Role.IT_STAFF])
    assert run.status == ImportRun.Status.REJECTED
    by_line = {(r.line, r.field): r.message for r in result.rejections}
    assert set(by_line) == {(2, "title"), (3, "version"), (4, "lab")}
    assert "not in the catalogue" in by_line[(2, "title")]
    assert "2023.06, 2024.04" in by_line[(3, "version")]
    assert not ImageItem.objects.filter(image=world.media_image).exists()


def test_library_staff_cannot_import_images(world):
    csv = "image,title,version,lab\nMedia image,Office,16.0,Media Lab\n"
    run, result = run_import("software_image_contents", csv, IMAGES, world.users[Role.LIBRARY_STAFF])
    assert run.status == ImportRun.Status.REJECTED
    assert "Only IT and supervisors" in result.rejections[0].message


def test_profiles_import_grants_and_rules(world):
    mapping = same_names("profile", "kind", "role", "permissions", "allows", "blocks")
    csv = (
        "profile,kind,role,permissions,allows,blocks\n"
        "Student profile,student,,Add printers; usb_storage,RStudio,Office\n"
        "Reference desk,staff,librarian,add_printers,,\n"
    )
    _run, result = run_import("software_profiles", csv, mapping, world.users[Role.IT_STAFF])
    assert result.rejections == [], result.rejections
    assert set(world.student.permissions.values_list("key", flat=True)) == {"add_printers", "usb_storage"}
    assert ProfileRule.objects.get(profile=world.student, title=world.office_title).allowed is False
    assert Profile.objects.get(name="Reference desk").role == Role.LIBRARY_STAFF


def test_a_profile_row_that_allows_and_blocks_a_title_is_refused(world):
    mapping = same_names("profile", "kind", "permissions", "allows", "blocks")
    csv = "profile,kind,permissions,allows,blocks\nStudent profile,student,fly,RStudio,RStudio\n"
    _run, result = run_import("software_profiles", csv, mapping, world.users[Role.IT_STAFF])
    assert {r.field for r in result.rejections} == {"permissions", "blocks"}


def test_workstations_import_feeds_the_drift_report(world):
    services.baseline_create(actor=world.users[Role.SUPERVISOR], role="library_staff", grant=[world.printers])
    mapping = same_names("hostname", "person", "permissions", role="library_staff")
    csv = "hostname,person,permissions\nlib-01,t_library,add_printers\nLIB-02,,Add printers; Run as administrator\n"
    _run, result = run_import("software_workstations", csv, mapping, world.users[Role.IT_STAFF])
    assert result.rejections == [], result.rejections
    report = {r.workstation.hostname: r for r in drift.drift_report()}
    assert report["LIB-01"].at_standard and report["LIB-01"].workstation.person == world.users[Role.LIBRARY_STAFF]
    assert [(i.permission.key, i.direction) for i in report["LIB-02"].items] == [("run_as_admin", "beyond")]
    _run, again = run_import("software_workstations", csv, mapping, world.users[Role.IT_STAFF])
    assert again.already_imported == 2 and Workstation.objects.count() == 2


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("LIB 03,,add_printers", "hostname"),
        ("LIB-03,nobody,add_printers", "person"),
        ("LIB-03,,teleport", "permissions"),
    ],
)
def test_bad_workstation_rows_name_the_field(world, row, field):
    mapping = same_names("hostname", "person", "permissions", role="library_staff")
    _run, result = run_import(
        "software_workstations", f"hostname,person,permissions\n{row}\n", mapping, world.users[Role.IT_STAFF]
    )
    assert [r.field for r in result.rejections] == [field]
