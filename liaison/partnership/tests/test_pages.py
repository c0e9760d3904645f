"""The partnership pages through the HTTP client: what each role sees, forms that refuse bad
input on the page, sending a form twice, htmx fragments, the exports, and user text that
renders inert everywhere (pages, PDF, XLSX)."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.utils import timezone

from liaison.core.roles import Role
from liaison.partnership import selectors, services
from liaison.partnership.models import LedgerEntry, ResourceRequest

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("pwned")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def signed_in(client, people):
    def sign_in(who):
        client.force_login(people[who])
        return client

    return sign_in


def test_the_partnership_page_shows_the_balance_with_its_chart_table_and_words(signed_in, handed_ticket, derive):
    handed_ticket()
    derive()
    response = signed_in("library").get("/partnership/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the chart, as an image: nothing in it can run
    assert "In words:" in html and "of 1 things asked and given" in html
    assert 'id="balance-table"' in html
    assert "/partnership/ledger/?direction=request&amp;receiver=library" in html  # the records, one click away
    assert "What students struggle with" in html and "Coming up from IT" in html


def test_student_workers_see_rollouts_and_skills_but_not_the_ledger(signed_in):
    client = signed_in("student")
    assert client.get("/partnership/").status_code == 403
    assert client.get("/partnership/ledger/").status_code == 403
    assert client.get("/partnership/rollouts/").status_code == 200
    assert client.get("/partnership/skills/").status_code == 200


def test_the_ledger_filters_and_answers_htmx_with_just_its_results(signed_in, handed_ticket, derive):
    handed_ticket()
    derive()
    client = signed_in("it")
    page = client.get("/partnership/ledger/?direction=contribution")
    assert page.status_code == 200
    assert "resolved by IT for Library" in page.content.decode()
    assert "handed from Library to IT" not in page.content.decode()
    fragment = client.get(
        "/partnership/ledger/?direction=request", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ledger-results"
    )
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="ledger-results">') and "<html" not in body
    assert "handed from Library to IT" in body
    assert client.get("/partnership/ledger/?start=yesterday").status_code == 400
    too_early = client.get("/partnership/ledger/?start=0001-01-01")
    assert too_early.status_code == 400
    assert "Start: 1 January 1 is outside the years Liaison keeps (2000–2100)." in too_early.content.decode()


def test_typing_an_entry_refuses_a_negative_count_on_the_form(signed_in):
    client = signed_in("library")
    form = {
        "label": "Committee", "kind": "committee_service", "direction": "contribution", "giver": "library",
        "receiver": "it", "occurred_on": timezone.localdate().isoformat(), "count": "-4", "hours": "",
        "idempotency_key": uuid.uuid4().hex,
    }  # fmt: skip
    response = client.post("/partnership/ledger/new/", form)
    assert response.status_code == 400
    assert "A count cannot be negative." in response.content.decode()
    assert LedgerEntry.objects.count() == 0


def test_sending_the_entry_form_twice_types_one_entry(signed_in):
    client = signed_in("library")
    form = {
        "label": "Shared orientation fair", "kind": "shared_event", "direction": "contribution", "giver": "library",
        "receiver": "it", "occurred_on": timezone.localdate().isoformat(), "count": "1", "hours": "3",
        "idempotency_key": uuid.uuid4().hex,
    }  # fmt: skip
    first = client.post("/partnership/ledger/new/", form)
    second = client.post("/partnership/ledger/new/", form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert LedgerEntry.objects.count() == 1


def test_a_correction_from_the_entry_page(signed_in, people):
    entry = services.ledger_entry_create(
        actor=people["library"], kind="other", direction="contribution", giver="library", receiver="it",
        occurred_on=timezone.localdate(), label="Loaned a projector",
    )  # fmt: skip
    client = signed_in("library")
    page = client.get(f"/partnership/ledger/{entry.pk}/")
    assert "Correct it" in page.content.decode()
    response = client.post(f"/partnership/ledger/{entry.pk}/", {"count": "0", "note": "Typed twice"})
    assert response.status_code == 302
    assert selectors.counted_entries().get().count == 0


def test_only_supervisors_update_the_ledger_by_hand(signed_in, handed_ticket):
    handed_ticket()
    assert signed_in("library").post("/partnership/ledger/update/").status_code == 403
    response = signed_in("library_boss").post("/partnership/ledger/update/", follow=True)
    assert "2 new" in response.content.decode()
    assert LedgerEntry.objects.count() == 2


def test_user_text_renders_inert_on_every_page(signed_in, people, departments):
    need = services.need_create(actor=people["it_boss"], department="it", title=SCRIPT, description=ATTRIBUTE)
    services.offer_create(actor=people["library"], need=need, description=SCRIPT)
    request = services.resource_request_create(actor=people["it"], kind="book", title=SCRIPT, details=ATTRIBUTE)
    skill = services.skill_create(actor=people["library"], title=SCRIPT, description=ATTRIBUTE)
    rollout = services.rollout_create(
        actor=people["it"], title=SCRIPT, kind="software", starts_on=timezone.localdate() + dt.timedelta(days=3),
        effect_on_library=ATTRIBUTE,
    )  # fmt: skip
    term = selectors.current_term()
    survey_round = services.survey_round_create(
        actor=people["library_boss"], title=SCRIPT, period_start=term.start, period_end=term.end
    )
    services.survey_round_open(actor=people["library_boss"], survey_round=survey_round)
    q = survey_round.questions.order_by("order").first()
    services.survey_respond(actor=people["it"], survey_round=survey_round, answers={q.pk: SCRIPT + ATTRIBUTE})
    services.ledger_entry_create(
        actor=people["library"], kind="other", direction="contribution", giver="library", receiver="it",
        occurred_on=timezone.localdate(), label=SCRIPT, note=ATTRIBUTE,
    )  # fmt: skip
    client = signed_in("library_boss")
    pages = [
        "/partnership/", "/partnership/ledger/", "/partnership/goals/", f"/partnership/needs/{need.pk}/",
        f"/partnership/requests/{request.pk}/", "/partnership/requests/", "/partnership/skills/",
        f"/partnership/skills/{skill.pk}/", "/partnership/rollouts/", f"/partnership/rollouts/{rollout.pk}/",
        "/partnership/survey/", f"/partnership/survey/{survey_round.pk}/", "/home/",
        f"/partnership/ledger/{LedgerEntry.objects.get(origin='manual').pk}/",
    ]  # fmt: skip
    for url in pages:
        html = client.get(url).content.decode()
        assert SCRIPT not in html, url
        assert "<img src=x onerror" not in html, url
    assert (
        "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"
        in client.get(f"/partnership/needs/{need.pk}/").content.decode()
    )
    api = client.get(f"/api/v1/partnership/surveys/{survey_round.pk}").json()
    assert api["questions"][0]["answers"] == [SCRIPT + ATTRIBUTE]  # JSON carries the text as text


def test_the_pdf_and_xlsx_carry_user_text_as_text(signed_in, people, handed_ticket, derive):
    from openpyxl import load_workbook

    services.need_create(actor=people["it_boss"], department="it", title=FORMULA, description="<b>bold?</b>")
    request = services.resource_request_create(actor=people["it"], kind="book", title=SCRIPT + "<para>")
    assert ResourceRequest.objects.filter(pk=request.pk).exists()
    handed_ticket()
    derive()
    client = signed_in("library")
    pdf = client.get("/partnership/partnership.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 5000
    xlsx = client.get("/partnership/partnership.xlsx")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.content))
    needs = workbook["Needs"]
    cell = needs.cell(row=2, column=2)
    assert cell.value == "'" + FORMULA and cell.data_type == "s"  # text, never a formula
    assert workbook["Open requests"].cell(row=2, column=4).value == SCRIPT + "<para>"
    assert [c.value for c in workbook["Balance"][1]][:4] == ["Department", "Asked", "Gave", "Share given (%)"]
    assert workbook["Ledger entries"].max_row == 3  # a header and the two entries


def test_the_survey_answer_page_shows_the_desk_evidence_beside_question_two(signed_in, people):
    term = selectors.current_term()
    survey_round = services.survey_round_create(
        actor=people["library_boss"], title="Round", period_start=term.start, period_end=term.end
    )
    services.survey_round_open(actor=people["library_boss"], survey_round=survey_round)
    client = signed_in("it")
    page = client.get(f"/partnership/survey/{survey_round.pk}/answer/").content.decode()
    assert "What issues do our students face with technology?" in page
    assert "Top technology categories at the desks" in page
    assert "Answer anonymously" in page
    fields = {f"question_{q.pk}": "An answer" for q in survey_round.questions.all()}
    response = client.post(
        f"/partnership/survey/{survey_round.pk}/answer/",
        {**fields, "anonymous": "on", "idempotency_key": uuid.uuid4().hex},
    )
    assert response.status_code == 302
    assert "You have answered" in client.get(f"/partnership/survey/{survey_round.pk}/").content.decode()


def test_the_calendar_link_is_shown_once(signed_in):
    client = signed_in("student")
    client.post("/partnership/rollouts/calendar/link/")
    page = client.get("/partnership/rollouts/calendar/").content.decode()
    assert "/partnership/rollouts/calendar/" in page and ".ics" in page
    again = client.get("/partnership/rollouts/calendar/").content.decode()
    assert ".ics" not in again and "It is not shown again" in again


def test_home_panels_show_coming_rollouts_and_the_terms_balance(signed_in, people):
    services.rollout_create(
        actor=people["it"], title="Canvas upgrade", kind="software", starts_on=timezone.localdate() + dt.timedelta(days=5),
        effect_on_library="Course reserves links change.",
    )  # fmt: skip
    html = signed_in("student").get("/home/").content.decode()
    assert "Coming up from IT" in html and "Canvas upgrade" in html and "not consulted" in html
    assert "Partnership this term" not in html  # students do not see the balance
    assert "Partnership this term" in signed_in("library").get("/home/").content.decode()


@pytest.mark.parametrize("role", [Role.LIBRARY_STAFF, Role.IT_STAFF, Role.SUPERVISOR])
def test_the_partnership_page_reads_in_a_fixed_number_of_queries(
    signed_in, role, handed_ticket, derive, django_assert_max_num_queries, users
):
    for n in range(3):
        handed_ticket(subject=f"T{n}")
    derive()
    client = signed_in(role)
    client.get("/partnership/")  # warm the chart renderer and caches
    with django_assert_max_num_queries(40):
        assert client.get("/partnership/").status_code == 200
