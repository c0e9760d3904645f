"""Collecting answers: from a phone by short link, at the desk, once per participation token,
within quotas, only while the pilot runs, and with every answer kept on the version it was
given on."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison.pilots import selectors, services
from liaison.pilots.models import Answer, Participation, Response
from liaison.pilots.tests.conftest import answers, token

pytestmark = pytest.mark.django_db


def codes(exc: ValidationError) -> set[str]:
    return {e.code for errors in exc.error_dict.values() for e in errors}


def submit(form, audience="student", **kw):
    return services.response_submit(actor=None, form=form, audience=audience, answers=answers(**kw), token=token())


def test_a_respondent_answers_anonymously(copier_form):
    result = submit(copier_form, audience="faculty", **{"anything-else": "Faster than the old one."})
    response = result.response
    assert not result.duplicate and response.audience == "faculty" and response.channel == "link"
    assert response.recorded_by is None and response.version == copier_form.current_version
    stored = {a.question.key: (a.number, a.choice, a.text) for a in response.answers.select_related("question")}
    assert stored["ease"] == (4, "", "")
    assert stored["anything-else"] == (None, "", "Faster than the old one.")
    # The participation row keeps only a hash, with nothing that points at the response.
    participation = Participation.objects.get()
    assert len(participation.token_hash) == 64 and {f.name for f in Participation._meta.fields} == {
        "id",
        "form",
        "token_hash",
    }


def test_the_same_token_twice_is_counted_once(copier_form):
    same = token()
    first = services.response_submit(actor=None, form=copier_form, audience="student", answers=answers(), token=same)
    again = services.response_submit(actor=None, form=copier_form, audience="student", answers=answers(2), token=same)
    assert first.response is not None and again.duplicate and again.response is None
    assert Response.objects.count() == 1 and Answer.objects.filter(number=2).count() == 0


def test_a_missing_or_made_up_token_is_refused(copier_form):
    with pytest.raises(ValidationError) as exc:
        services.response_submit(actor=None, form=copier_form, audience="student", answers=answers(), token="short")
    assert codes(exc.value) == {"pilots.token_invalid"}


def test_answers_after_the_pilot_has_closed_are_refused(copier_form, people):
    pilot = services.pilot_transition(actor=people["it"], pilot=copier_form.pilot, to_state="reporting")
    with pytest.raises(ValidationError) as exc:
        submit(copier_form)
    assert codes(exc.value) == {"pilots.not_collecting"}
    services.pilot_transition(actor=people["library"], pilot=pilot, to_state="closed", recommendation="Buy.")
    with pytest.raises(ValidationError):
        submit(copier_form)
    assert not Response.objects.exists()


def test_a_paused_form_takes_no_answers(copier_form, people):
    services.feedback_form_update(actor=people["library"], form=copier_form, data={"is_open": False})
    with pytest.raises(ValidationError) as exc:
        submit(copier_form)
    assert codes(exc.value) == {"pilots.not_collecting"}


def test_bad_answers_name_the_question_and_store_nothing(copier_form):
    with pytest.raises(ValidationError) as exc:
        services.response_submit(
            actor=None,
            form=copier_form,
            audience="alumni",
            answers={"ease": "9", "used-for": "Faxing", "want-more": "maybe", "scan-email": "sort of"},
            token=token(),
        )
    assert set(exc.value.error_dict) == {"audience", "ease", "used-for", "want-more", "scan-email"}
    with pytest.raises(ValidationError) as exc:
        services.response_submit(
            actor=None,
            form=copier_form,
            audience="student",
            answers={"ease": "9", "used-for": "Faxing", "want-more": "maybe", "scan-email": "sort of"},
            token=token(),
        )
    assert set(exc.value.error_dict) == {"ease", "used-for", "want-more", "scan-email"}
    with pytest.raises(ValidationError) as exc:
        services.response_submit(actor=None, form=copier_form, audience="student", answers={}, token=token())
    assert codes(exc.value) == {"pilots.answer_required"}  # "ease" is required
    assert not Response.objects.exists() and not Participation.objects.exists()


def test_script_in_free_text_is_kept_as_text(copier_form):
    text = '<script>alert("x")</script> =HYPERLINK("http://evil")'
    response = submit(copier_form, **{"anything-else": text}).response
    assert response.answers.get(question__key="anything-else").text == text  # shown escaped, never run


def test_quotas_stop_an_audience_once_met(copier_form, people):
    services.feedback_form_update(actor=people["it"], form=copier_form, data={"quota_faculty": 2})
    submit(copier_form, audience="faculty")
    submit(copier_form, audience="faculty")
    with pytest.raises(ValidationError) as exc:
        submit(copier_form, audience="faculty")
    assert codes(exc.value) == {"pilots.quota_reached"}
    assert submit(copier_form, audience="student").response is not None


def test_staff_record_an_answer_at_the_desk(copier_form, people):
    response = services.response_record_at_desk(
        actor=people["student"], form=copier_form, audience="staff", answers=answers(5)
    )
    assert response.channel == "desk" and response.recorded_by == people["student"]


def test_desk_answers_need_a_desk_role(copier_form, people, departments):
    from conftest import make_user

    nobody = make_user("library_staff", username="p_no_role", department=departments["library"], is_active=False)
    with pytest.raises(PermissionDenied):
        services.response_record_at_desk(actor=nobody, form=copier_form, audience="staff", answers=answers())


def test_editing_an_answered_form_makes_a_version_and_old_answers_stay_readable(copier_form, people):
    old = submit(copier_form).response
    first_version = copier_form.current_version
    lines = services.question_lines(first_version).replace("How easy was the copier to use?", "How easy was it?")
    lines += "\nyes_no [signs]: Did you see the signs?"
    form = services.feedback_form_update(
        actor=people["library"], form=copier_form, data={}, questions=services.parse_question_lines(lines)
    )
    assert form.current_version.number == 2 and form.current_version != first_version
    assert first_version.questions.order_by("order").first().text == "How easy was the copier to use?"
    new = services.response_submit(
        actor=None, form=form, audience="student", answers=answers(2, signs="no"), token=token()
    ).response
    assert old.version.number == 1 and new.version.number == 2
    results = selectors.pilot_results(form.pilot)
    ease = next(q for q in results.questions if q.key == "ease")
    assert ease.n == 2 and ease.text == "How easy was it?" and ease.versions == [1, 2]


def test_editing_an_unanswered_form_rewrites_its_version(copier_form, people):
    form = services.feedback_form_update(
        actor=people["library"], form=copier_form, data={}, questions=services.parse_question_lines("text: Thoughts?")
    )
    assert form.current_version.number == 1 and form.current_version.questions.count() == 1


def test_the_question_editor_names_the_bad_line(people):
    with pytest.raises(ValidationError) as exc:
        services.parse_question_lines("rating: Fine\nsmell: How did it smell?")
    assert "Line 2" in exc.value.message_dict["questions"][0]


def test_a_choice_needs_two_options(copier_form, people):
    with pytest.raises(ValidationError) as exc:
        services.feedback_form_update(
            actor=people["it"],
            form=copier_form,
            data={},
            questions=services.parse_question_lines("choice: Which? | One"),
        )
    assert codes(exc.value) == {"pilots.question_invalid"}


def test_the_rate_limit_counts_per_address_and_form(copier_form, settings):
    allowed = [services.submission_allowed(form=copier_form, address="10.0.0.1") for _ in range(31)]
    assert allowed[:30] == [True] * 30 and allowed[30] is False
    assert services.submission_allowed(form=copier_form, address="10.0.0.2")


def test_an_administrator_can_delete_an_answered_pilot_in_setup(copier_form, people):
    submit(copier_form, **{"anything-else": "Jammed"})
    copier_form.pilot.delete()  # Setup's delete: the pilot, its forms, versions, answers and tokens go together
    assert not Response.objects.exists() and not Answer.objects.exists() and not Participation.objects.exists()
