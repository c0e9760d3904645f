"""The pages, through the HTTP client: the public form from a phone (once per token, nothing
after the pilot closes, script shown as text), staff proposing and agreeing, the desk, and
the report with its PDF and XLSX."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from liaison.core.roles import Role
from liaison.pilots import services
from liaison.pilots.models import Pilot, Response
from liaison.pilots.tests.conftest import answers, token

pytestmark = pytest.mark.django_db


def answer_url(form):
    return reverse("pilots:answer", args=[form.code])


def test_a_phone_gets_the_form_and_its_answers_count_once(client, copier_form):
    page = client.get(answer_url(copier_form))
    assert page.status_code == 200 and b"How easy was the copier to use?" in page.content
    assert f"pilot_{copier_form.code}" in page.cookies
    body = {"audience": "student", "token": page.context["token"], **answers(5)}
    first = client.post(answer_url(copier_form), body)
    assert first.status_code == 302 and first["Location"].endswith("/thanks/")
    again = client.post(answer_url(copier_form), body)  # a double tap on a bad connection
    assert again.status_code == 302 and again["Location"].endswith("?again=1")
    assert Response.objects.count() == 1
    assert b"Your answers are in" in client.get(answer_url(copier_form)).content


def test_no_address_or_browser_is_stored(client, copier_form):
    page = client.get(answer_url(copier_form))
    client.post(
        answer_url(copier_form),
        {"audience": "staff", "token": page.context["token"], **answers()},
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone)",
        REMOTE_ADDR="10.1.2.3",
    )
    stored = Response.objects.values().get()
    assert not any("10.1.2.3" in str(v) or "iPhone" in str(v) for v in stored.values())


def test_bad_answers_come_back_named_and_nothing_is_stored(client, copier_form):
    page = client.get(answer_url(copier_form))
    bad = client.post(answer_url(copier_form), {"token": page.context["token"], "ease": "7"})
    assert bad.status_code == 400
    assert b"Say whether you are a student, faculty or staff." in bad.content
    assert not Response.objects.exists()


def test_answers_after_the_pilot_closed_are_refused_with_a_reason(client, copier_form, people):
    page = client.get(answer_url(copier_form))
    pilot = services.pilot_transition(actor=people["it"], pilot=copier_form.pilot, to_state="reporting")
    services.pilot_transition(actor=people["library"], pilot=pilot, to_state="closed", recommendation="Buy.")
    late = client.post(answer_url(copier_form), {"audience": "student", "token": page.context["token"], **answers()})
    assert late.status_code == 400 and b"This pilot has ended" in late.content
    assert not Response.objects.exists()


def test_a_made_up_short_link_is_not_found(client, db):
    assert client.get("/p/zzzzzz/").status_code == 404
    assert client.get("/p/%F0%9F%98%80/").status_code == 404


def test_script_in_free_text_is_shown_as_text(client_as, copier_form):
    services.response_submit(
        actor=None,
        form=copier_form,
        audience="student",
        answers=answers(**{"anything-else": "<script>alert(1)</script>"}),
        token=token(),
    )
    page = client_as(Role.LIBRARY_STAFF).get(reverse("pilots:themes", args=[copier_form.pilot.pk]))
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content and b"<script>alert(1)" not in page.content


def test_it_proposes_on_the_page_and_the_library_agrees(client, users, departments):
    client.force_login(users[Role.IT_STAFF])
    new = client.get(reverse("pilots:new"))
    key = new.context["form"]["idempotency_key"].value()
    today = dt.date.today()
    body = {
        "idempotency_key": key,
        "title": "Print release stations",
        "kind": "equipment",
        "summary": "Release-to-print stations by the copiers.",
        "it_department": departments["it"].pk,
        "library_department": departments["library"].pk,
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=30)).isoformat(),
        "devices": "Release station RS-1",
    }
    made = client.post(reverse("pilots:new"), body)
    assert made.status_code == 302
    client.post(reverse("pilots:new"), body)  # sent twice: saved once
    pilot = Pilot.objects.get()
    assert pilot.proposed_by == departments["it"] and pilot.devices == ["Release station RS-1"]
    refused = client.post(reverse("pilots:transition", args=[pilot.pk]), {"to_state": "agreed"})
    assert refused.status_code == 403
    client.force_login(users[Role.LIBRARY_STAFF])
    client.post(reverse("pilots:transition", args=[pilot.pk]), {"to_state": "agreed"})
    assert Pilot.objects.get().state == "agreed"


def test_a_bad_proposal_names_the_fields(client_as, departments):
    client = client_as(Role.IT_STAFF)
    key = client.get(reverse("pilots:new")).context["form"]["idempotency_key"].value()
    page = client.post(
        reverse("pilots:new"),
        {"idempotency_key": key, "title": "X", "kind": "equipment", "summary": "Y", "it_department": departments["it"].pk,
         "library_department": departments["library"].pk, "starts_on": "2026-05-01", "ends_on": "2026-04-01"},
    )  # fmt: skip
    assert page.status_code == 400
    assert page.context["form"].errors == {"ends_on": ["The pilot cannot end before it starts."]}
    assert not Pilot.objects.exists()


def test_a_desk_answer_without_its_one_time_key_is_refused(client_as, copier_form):
    url = reverse("pilots:desk_answer", args=[copier_form.pilot.pk, copier_form.pk])
    page = client_as(Role.STUDENT_WORKER).post(url, {"audience": "faculty", **answers(3)})
    assert page.status_code == 400 and b"reload the page" in page.content
    assert not Response.objects.exists()


def test_staff_record_an_answer_at_the_desk_once(client_as, copier_form, users):
    client = client_as(Role.STUDENT_WORKER)
    url = reverse("pilots:desk_answer", args=[copier_form.pilot.pk, copier_form.pk])
    key = client.get(url).context["idempotency_key"]
    body = {"idempotency_key": key, "audience": "faculty", **answers(3)}
    assert client.post(url, body).status_code == 302
    assert client.post(url, body).status_code == 302
    response = Response.objects.get()
    assert response.channel == "desk" and response.recorded_by == users[Role.STUDENT_WORKER]


def test_the_report_shows_answers_and_exports_pdf_and_xlsx(client_as, copier_form):
    for ease in (5, 4, 4, 5, 3):
        services.response_submit(actor=None, form=copier_form, audience="student", answers=answers(ease), token=token())
    client = client_as(Role.IT_STAFF)
    page = client.get(reverse("pilots:report", args=[copier_form.pilot.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "How easy was the copier to use?" in text and "Mean <strong>4.2</strong>" in text
    pdf = client.get(reverse("pilots:report_pdf", args=[copier_form.pilot.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("pilots:report_xlsx", args=[copier_form.pilot.pk]))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert "Questions" in book.sheetnames
    rows = list(book["Questions"].values)
    assert any(row[0] == "How easy was the copier to use?" and row[2] == 5 for row in rows)


def test_the_list_pages_in_a_fixed_number_of_queries(client_as, make_pilot, django_assert_max_num_queries):
    for i in range(8):
        make_pilot(title=f"Pilot {i}")
    client = client_as(Role.LIBRARY_STAFF)
    client.get(reverse("pilots:list"))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("pilots:list"))
    assert page.status_code == 200 and b"Pilot 7" in page.content


def test_the_poster_carries_a_qr_code_of_the_short_link(client_as, copier_form):
    page = client_as(Role.STUDENT_WORKER).get(
        reverse("pilots:form_poster", args=[copier_form.pilot.pk, copier_form.pk])
    )
    assert page.status_code == 200 and page.context["qr"].startswith("data:image/svg+xml")
    assert f"/p/{copier_form.code}/" in page.context["link"]


def test_the_home_page_points_the_desk_at_running_pilots(client_as, copier_form):
    page = client_as(Role.STUDENT_WORKER).get(reverse("core:home"))
    assert b"Pilots running in the library" in page.content
    assert reverse("pilots:desk_answer", args=[copier_form.pilot.pk, copier_form.pk]).encode() in page.content
