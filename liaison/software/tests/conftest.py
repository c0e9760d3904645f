"""A small college for software tests: one term, two labs with an image each under the
student profile, a catalogue, a course, and IT's labs queue."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from liaison.places.models import Building, Room
from liaison.software.models import (
    Course,
    Image,
    ImageItem,
    Instructor,
    Need,
    Permission,
    Profile,
    Term,
    Title,
    TitleVersion,
)
from liaison.tickets.models import Queue


def make_title(name: str, *, versions=("1.0",), **extra) -> Title:
    from django.utils.text import slugify

    title = Title.objects.create(name=name, slug=slugify(name), platforms=["windows"], **extra)
    for v in versions:
        TitleVersion.objects.create(title=title, version=v)
    return title


@pytest.fixture
def world(db, departments, users):
    from liaison.software.services import permissions_ensure_builtin

    permissions_ensure_builtin()  # a browser test's flush empties what migration 0002 made
    today = timezone.localdate()
    term = Term.objects.create(
        name="Spring",
        slug="spring",
        starts_on=today + dt.timedelta(days=40),
        ends_on=today + dt.timedelta(days=150),
        needs_deadline=today + dt.timedelta(days=10),
    )
    building = Building.objects.create(name="Library", code="lib")
    commons = Room.objects.create(building=building, name="Commons Lab", kind=Room.Kind.LAB, capacity=40)
    media = Room.objects.create(building=building, name="Media Lab", kind=Room.Kind.LAB, capacity=12)
    office = Room.objects.create(building=building, name="Office", kind=Room.Kind.OFFICE)
    student = Profile.objects.create(name="Student profile", slug="student", kind=Profile.Kind.STUDENT)
    commons_image = Image.objects.create(name="Commons image", slug="commons", profile=student)
    commons_image.labs.set([commons])
    media_image = Image.objects.create(name="Media image", slug="media", profile=student)
    media_image.labs.set([media])
    rstudio = make_title("RStudio", versions=("2023.06", "2024.04"))
    spss = make_title("SPSS", versions=("28", "29"), licence=Title.Licence.SEATS, seats=100)
    office_title = make_title("Office", versions=("16.0",), licence=Title.Licence.SITE)
    ImageItem.objects.create(image=commons_image, title=rstudio, version="2024.04")
    ImageItem.objects.create(image=commons_image, title=spss, version="29")
    ImageItem.objects.create(image=commons_image, title=office_title, version="16.0")
    course = Course.objects.create(term=term, code="BIO 210", name="Biostatistics", department="Biology", enrolment=30)
    instructor = Instructor.objects.create(name="Dr Ada Park", email="apark@college.example")
    course.instructors.set([instructor])
    it_queue = Queue.objects.create(name="Labs", slug="it-labs", department=departments["it"])
    return SimpleNamespace(
        term=term,
        commons=commons,
        media=media,
        office=office,
        student=student,
        commons_image=commons_image,
        media_image=media_image,
        rstudio=rstudio,
        spss=spss,
        office_title=office_title,
        course=course,
        instructor=instructor,
        it_queue=it_queue,
        usb=Permission.objects.get(key="usb_storage"),
        admin_rights=Permission.objects.get(key="run_as_admin"),
        install=Permission.objects.get(key="install_software"),
        printers=Permission.objects.get(key="add_printers"),
        users=users,
    )


@pytest.fixture
def need(world):
    def build(title=None, course=None, min_version="", lab=None, **extra):
        return Need.objects.create(
            course=course or world.course,
            title=title or world.rstudio,
            min_version=min_version,
            lab=lab,
            needed_by=extra.pop("needed_by", world.term.starts_on),
            **extra,
        )

    return build
