"""The pages as a librarian, an IT technician and an instructor use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liaison.core.roles import Role
from liaison.software import selectors
from liaison.software.models import Course, ImageItem, Need, Request, Term
from liaison.software.tests.conftest import make_title


def one_time_key() -> str:
    import uuid

    return uuid.uuid4().hex


def test_the_matrix_shows_each_gap_with_a_button_to_ask_it(world, need, client_as):
    gap = need(lab=world.media)
    page = client_as(Role.LIBRARY_STAFF).get("/software/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Missing from the image" in html and "BIO 210" in html and "Dr Ada Park" in html
    assert f"/software/needs/{gap.pk}/request/" in html


def test_the_matrix_page_reads_a_constant_number_of_queries(world, need, client_as, django_assert_max_num_queries):
    client = client_as(Role.LIBRARY_STAFF)
    for i in range(30):
        course = Course.objects.create(term=world.term, code=f"GEN {i}", name="x", department="General", enrolment=5)
        title = make_title(f"Tool {i}")
        ImageItem.objects.create(image=world.commons_image, title=title, version="1.0")
        Need.objects.create(
            course=course, title=title, needed_by=world.term.starts_on, min_version="2" if i % 2 else ""
        )
    with django_assert_max_num_queries(25):
        assert client.get("/software/").status_code == 200


def test_the_matrix_filters_by_department_through_htmx(world, need, client_as):
    need()
    chem = Course.objects.create(term=world.term, code="CHM 1", name="Chem", department="Chemistry")
    need(course=chem, title=world.office_title)
    page = client_as(Role.IT_STAFF).get(
        "/software/?department=Chemistry", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="matrix-results"
    )
    html = page.content.decode()
    assert 'id="matrix-results"' in html and "<html" not in html
    assert "CHM 1" in html and "BIO 210" not in html


def test_a_librarian_adds_a_need_and_a_conflict_is_named_on_the_form(world, client_as):
    client = client_as(Role.LIBRARY_STAFF)
    data = {
        "idempotency_key": one_time_key(),
        "course": world.course.pk,
        "title": world.rstudio.pk,
        "min_version": "2024.01",
    }
    response = client.post("/software/needs/new/", data)
    assert response.status_code == 302
    assert Need.objects.filter(course=world.course, title=world.rstudio).count() == 1
    again = client.post("/software/needs/new/", {**data, "idempotency_key": one_time_key(), "min_version": "2025"})
    assert again.status_code == 400
    assert "already needs RStudio 2024.01 or later" in again.content.decode()


def test_sending_the_need_form_twice_saves_once(world, client_as):
    client = client_as(Role.LIBRARY_STAFF)
    data = {"idempotency_key": one_time_key(), "course": world.course.pk, "title": world.rstudio.pk}
    assert client.post("/software/needs/new/", data).status_code == 302
    assert client.post("/software/needs/new/", data).status_code == 302
    assert Need.objects.count() == 1


def test_asking_it_from_the_page_opens_a_request_and_it_resolves_it(world, need, client_as):
    gap = need(lab=world.media)
    librarian = client_as(Role.LIBRARY_STAFF)
    due = (world.term.starts_on - dt.timedelta(days=3)).isoformat()
    response = librarian.post(f"/software/needs/{gap.pk}/request/", {"idempotency_key": one_time_key(), "due_on": due})
    request = Request.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/software/requests/{request.pk}/"
    assert librarian.post(f"/software/requests/{request.pk}/resolve/", {}).status_code == 403
    it = client_as(Role.IT_STAFF)
    response = it.post(f"/software/requests/{request.pk}/resolve/", {"version": "2024.04"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == Request.State.RESOLVED
    page = it.get("/software/").content.decode()
    assert "Yes" in page and "Missing from the image" not in page.split('id="matrix-results"')[1].split("</p>")[1]


def test_overdue_requests_are_shown_to_both_departments(world, need, client_as):
    request = Request.objects.create(
        need=need(lab=world.media), answer="missing", due_on=timezone.localdate() - dt.timedelta(days=2)
    )
    for role in (Role.LIBRARY_STAFF, Role.IT_STAFF):
        page = client_as(role).get("/software/requests/?state=overdue").content.decode()
        assert f"#{request.pk} RStudio" in page and "overdue" in page


def test_an_instructor_link_lets_them_add_a_need_for_their_course_only(world, client):
    token = selectors.instructor_link_token(instructor=world.instructor, term=world.term)
    page = client.get(f"/software/faculty/{token}/")
    assert page.status_code == 200 and "Hello Dr Ada Park" in page.content.decode()
    response = client.post(
        f"/software/faculty/{token}/",
        {"idempotency_key": one_time_key(), "course": world.course.pk, "title": world.rstudio.pk},
    )
    assert response.status_code == 302
    assert Need.objects.get().entered_by_instructor == world.instructor
    other = Course.objects.create(term=world.term, code="ART 1", name="Art", department="Art")
    refused = client.post(
        f"/software/faculty/{token}/",
        {"idempotency_key": one_time_key(), "course": other.pk, "title": world.rstudio.pk},
    )
    assert refused.status_code == 400 and Need.objects.count() == 1


@pytest.mark.parametrize("token", ["nonsense", "eyJpIjoxLCJ0IjoxfQ:tampered:sig"])
def test_a_broken_instructor_link_is_a_plain_404(world, client, token):
    assert client.get(f"/software/faculty/{token}/").status_code == 404


def test_an_instructor_link_expires_with_its_term(world, client):
    token = selectors.instructor_link_token(instructor=world.instructor, term=world.term)
    Term.objects.filter(pk=world.term.pk).update(
        starts_on=timezone.localdate() - dt.timedelta(days=100),
        ends_on=timezone.localdate() - dt.timedelta(days=1),
        needs_deadline=timezone.localdate() - dt.timedelta(days=120),
    )
    assert client.get(f"/software/faculty/{token}/").status_code == 404


def test_student_workers_and_visitors_do_not_see_software_pages(world, client, client_as):
    assert client.get("/software/").status_code == 302  # to sign in
    assert client_as(Role.STUDENT_WORKER).get("/software/").status_code == 403


def test_the_drift_page_records_an_exception(world, client_as):
    from liaison.software import services

    services.baseline_create(actor=world.users[Role.SUPERVISOR], role="library_staff", grant=[world.printers])
    station, _ = services.workstation_upsert(hostname="LIB-09", role="library_staff", permissions=[world.usb])
    client = client_as(Role.SUPERVISOR)
    page = client.get("/software/drift/").content.decode()
    assert "LIB-09" in page and "USB storage" in page and "1 of 1 workstation drift" in page
    response = client.post(
        f"/software/drift/{station.pk}/{world.usb.pk}/decide/",
        {
            "kind": "exception",
            "reason": "Scanner",
            "expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    # The missing printers permission is still open; the USB item is an exception now.
    page = client.get("/software/drift/").content.decode()
    assert "Accepted exception" in page and "Scanner" in page


def test_the_baseline_form_refuses_a_contradiction_naming_it(world, client_as):
    client = client_as(Role.SUPERVISOR)
    response = client.post("/software/baselines/new/", {"role": "library_staff", "grant": [world.install.pk]})
    assert response.status_code == 400
    assert "Install software is granted but needs Run as administrator" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/software/catalogue/", "/software/images/", "/software/courses/", "/software/unneeded/", "/software/requests/"],
)
def test_every_list_page_opens(world, need, client_as, url):
    need()
    assert client_as(Role.LIBRARY_STAFF).get(url).status_code == 200


def test_unneeded_lists_installed_software_no_course_needs(world, need, client_as):
    need()  # RStudio is needed; SPSS and Office are not
    page = client_as(Role.LIBRARY_STAFF).get("/software/unneeded/").content.decode()
    assert "SPSS" in page and "Office" in page and "RStudio" not in page


def test_the_home_page_shows_overdue_requests_to_both_departments(world, need, client_as):
    Request.objects.create(
        need=need(lab=world.media), answer="missing", due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    for role in (Role.LIBRARY_STAFF, Role.IT_STAFF):
        page = client_as(role).get("/home/").content.decode()
        assert "Course software" in page and "1 overdue" in page


def test_one_button_asks_it_about_every_unasked_gap(world, need, client_as):
    need(lab=world.media)
    need(title=world.office_title, lab=world.media)
    client = client_as(Role.LIBRARY_STAFF)
    assert "2 gaps have no owner or date yet" in client.get("/software/").content.decode()
    response = client.post("/software/requests/ask-all/?term=spring")
    assert response.status_code == 302 and Request.objects.count() == 2
    assert "no owner or date yet" not in client.get("/software/").content.decode()


def test_the_matrix_downloads_as_csv_with_formulas_neutralised(world, need, client_as):
    need(lab=world.media, note="x")
    Course.objects.filter(pk=world.course.pk).update(name='=HYPERLINK("http://evil")')
    response = client_as(Role.IT_STAFF).get("/software/matrix.csv?answer=gaps")
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert response.status_code == 200 and "text/csv" in response["Content-Type"]
    assert "Missing from the image" in body and "BIO 210" in body
    assert "'=HYPERLINK" in body
