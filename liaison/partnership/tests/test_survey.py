"""The partnership survey: IT's three questions, anonymous answers that keep no respondent,
one response per person, round-against-round comparison, and the desk evidence for question 2
with small counts suppressed."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from liaison.partnership import selectors, services
from liaison.partnership.models import SurveyAnswer, SurveyParticipation, SurveyResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_round(people):
    term = selectors.current_term()
    survey_round = services.survey_round_create(
        actor=people["library_boss"], title="This term", period_start=term.start, period_end=term.end
    )
    return services.survey_round_open(actor=people["library_boss"], survey_round=survey_round)


def questions(survey_round):
    return {q.key: q for q in survey_round.questions.all()}


def test_a_new_round_asks_its_three_questions_and_more_if_added(people):
    survey_round = services.survey_round_create(
        actor=people["it_boss"], title="Fall", period_start="2025-08-16", period_end="2026-01-01",
        extra_questions=["What should we stop doing?"],
    )  # fmt: skip
    assert [q.text for q in survey_round.questions.order_by("order")] == [
        "What about the other department do you want to know more about?",
        "What issues do our students face with technology?",
        "How can infrastructure better support you?",
        "What should we stop doing?",
    ]
    assert survey_round.status == "draft"
    assert questions(survey_round)["student_technology"].evidence == "tech_categories"


def test_only_supervisors_run_rounds_and_a_round_moves_draft_open_closed(people):
    with pytest.raises(PermissionDenied):
        services.survey_round_create(
            actor=people["library"], title="x", period_start="2025-01-01", period_end="2025-06-01"
        )
    survey_round = services.survey_round_create(
        actor=people["library_boss"], title="x", period_start="2025-01-01", period_end="2025-06-01"
    )
    with pytest.raises(ValidationError) as caught:
        services.survey_round_close(actor=people["library_boss"], survey_round=survey_round)
    assert caught.value.error_dict["status"][0].code == "partnership.round_transition"
    services.survey_round_open(actor=people["library_boss"], survey_round=survey_round)
    closed = services.survey_round_close(actor=people["library_boss"], survey_round=survey_round)
    assert closed.status == "closed" and closed.closed_at


def test_a_round_ends_after_it_starts(people):
    with pytest.raises(ValidationError) as caught:
        services.survey_round_create(
            actor=people["library_boss"], title="x", period_start="2025-06-01", period_end="2025-01-01"
        )
    assert caught.value.error_dict["period_end"][0].code == "partnership.period_invalid"


def test_an_anonymous_answer_keeps_no_respondent_and_no_department(open_round, people):
    q = questions(open_round)
    services.survey_respond(
        actor=people["it"], survey_round=open_round, anonymous=True,
        answers={q["know_more"].pk: "How do they choose databases?", q["infrastructure"].pk: ""},
    )  # fmt: skip
    response = SurveyResponse.objects.get()
    assert response.respondent is None and response.department is None and response.is_anonymous
    assert not hasattr(response, "submitted_at")  # the day only
    assert SurveyAnswer.objects.count() == 1  # blank answers are not stored
    assert SurveyParticipation.objects.filter(person=people["it"]).exists()  # took part; not which answer
    from liaison.audit.models import AuditEvent

    audit = AuditEvent.objects.get(action="partnership.survey_answered")
    assert audit.object_type == "partnership.surveyround" and str(response.pk) not in str(audit.after)
    results = selectors.survey_round_results(survey_round=open_round)
    assert results.questions[0].answers[0].who == "Anonymous"


def test_a_named_answer_shows_who_gave_it(open_round, people):
    q = questions(open_round)
    services.survey_respond(
        actor=people["library"], survey_round=open_round, answers={q["know_more"].pk: "Change windows"}
    )
    results = selectors.survey_round_results(survey_round=open_round)
    assert results.questions[0].answers[0].who == f"{people['library']} (Library)"


def test_one_response_per_person_anonymous_or_not(open_round, people):
    q = questions(open_round)
    services.survey_respond(
        actor=people["it"], survey_round=open_round, answers={q["know_more"].pk: "a"}, anonymous=True
    )
    with pytest.raises(ValidationError) as caught:
        services.survey_respond(actor=people["it"], survey_round=open_round, answers={q["know_more"].pk: "b"})
    assert caught.value.error_dict["round"][0].code == "partnership.already_answered"
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    ("answers", "field", "code"),
    [({}, "answers", "partnership.answer_required"), ({"999999": "x"}, "answers", "partnership.question_unknown")],
)
def test_empty_or_foreign_answers_are_refused(open_round, people, answers, field, code):
    if not answers:
        answers = {questions(open_round)["know_more"].pk: "   "}
    with pytest.raises(ValidationError) as caught:
        services.survey_respond(actor=people["it"], survey_round=open_round, answers=answers)
    assert caught.value.error_dict[field][0].code == code
    assert not SurveyParticipation.objects.exists()  # a refused answer leaves no trace


def test_a_closed_round_and_a_named_only_round_say_so(open_round, people):
    q = questions(open_round)
    open_round.allows_anonymous = False
    open_round.save()
    with pytest.raises(ValidationError) as caught:
        services.survey_respond(
            actor=people["it"], survey_round=open_round, answers={q["know_more"].pk: "x"}, anonymous=True
        )
    assert caught.value.error_dict["anonymous"][0].code == "partnership.anonymous_not_allowed"
    services.survey_round_close(actor=people["it_boss"], survey_round=open_round)
    with pytest.raises(ValidationError) as caught:
        services.survey_respond(actor=people["it"], survey_round=open_round, answers={q["know_more"].pk: "x"})
    assert caught.value.error_dict["round"][0].code == "partnership.round_not_open"


def test_student_workers_do_not_answer_the_staff_survey(open_round, people):
    with pytest.raises(PermissionDenied):
        services.survey_respond(actor=people["student"], survey_round=open_round, answers={"1": "x"})


def test_two_rounds_compare_question_by_question(people):
    first = services.survey_round_create(
        actor=people["library_boss"], title="Spring", period_start="2025-01-01", period_end="2025-06-01"
    )
    second = services.survey_round_create(
        actor=people["library_boss"], title="Fall", period_start="2025-08-16", period_end="2026-01-01",
        extra_questions=["New question"],
    )  # fmt: skip
    for survey_round, text in ((first, "Wi-Fi in the stacks"), (second, "Printing from phones")):
        services.survey_round_open(actor=people["library_boss"], survey_round=survey_round)
        q = questions(survey_round)
        services.survey_respond(
            actor=people["it"], survey_round=survey_round, answers={q["student_technology"].pk: text}
        )
    comparison = selectors.survey_round_comparison(user=people["library"], earlier_pk=second.pk, later_pk=first.pk)
    assert comparison.earlier.survey_round == first  # ordered by period, whatever was asked first
    students = next(q for q in comparison.questions if q.key == "student_technology")
    assert students.earlier.answers[0].body == "Wi-Fi in the stacks"
    assert students.later.answers[0].body == "Printing from phones"
    new = next(q for q in comparison.questions if q.text == "New question")
    assert new.earlier is None and new.later.count == 0


def test_question_two_is_prefilled_with_this_terms_top_categories_and_small_counts_suppressed(joint_desk, people):
    from liaison.desk.services import interaction_log

    term = selectors.current_term()
    previous = selectors.previous_term(term)
    now = timezone.now()
    last_term_moment = timezone.make_aware(dt.datetime.combine(previous.start + dt.timedelta(days=10), dt.time(12)))

    def log(category, n, when):
        for _ in range(n):
            interaction_log(
                actor=people["student"], service_point=joint_desk, kind="technology", read_level=1, mode="in_person",
                client_id=uuid.uuid4(), tech_category=category, occurred_at=when,
            )  # fmt: skip

    log("wifi-network", 7, now)
    log("printing", 5, now)
    log("lms-canvas", 2, now)  # a small group: must not be shown as "2"
    log("wifi-network", 3, last_term_moment)
    log("printing", 9, last_term_moment)
    evidence = selectors.tech_issue_evidence(term=term, previous=previous)
    rows = [(r.name, r.this_term_shown, r.last_term_shown, r.change_shown) for r in evidence.rows]
    assert rows == [
        ("Wi-Fi/network", "7", "fewer than 5", "–"),
        ("Printing", "5", "9", "-4"),
        ("LMS/Canvas", "fewer than 5", "fewer than 5", "–"),
    ]
