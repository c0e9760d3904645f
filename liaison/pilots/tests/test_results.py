"""Results and the report: by audience, over time and by theme, with no breakdown of fewer than
five answers; free text only for the pilot's two sides; themes counted."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from liaison.pilots import selectors, services
from liaison.pilots.tests.conftest import answers, token

pytestmark = pytest.mark.django_db


def submit(form, audience, ease, **kw):
    return services.response_submit(
        actor=None, form=form, audience=audience, answers=answers(ease, **kw), token=token()
    ).response


def test_groups_of_fewer_than_five_are_suppressed(copier_form):
    for ease in (5, 4, 4, 3, 5, 4):
        submit(copier_form, "student", ease)
    for ease in (2, 1):
        submit(copier_form, "faculty", ease)
    results = selectors.pilot_results(copier_form.pilot)
    assert results.total == 8
    ease = next(q for q in results.questions if q.key == "ease")
    by = {g.label: g for g in ease.by_audience}
    assert by["Student"].value == 4.17 and not by["Student"].suppressed
    assert by["Faculty"].suppressed and by["Faculty"].n == 2
    assert by["Staff"].n == 0 and not by["Staff"].suppressed
    audiences = {g.label: g for g in results.audiences}
    assert audiences["Faculty"].suppressed and not audiences["Student"].suppressed
    assert ease.mean == 3.5


def test_a_question_with_fewer_than_five_answers_shows_no_distribution(copier_form):
    for _ in range(4):
        submit(copier_form, "student", 5)
    ease = next(q for q in selectors.pilot_results(copier_form.pilot).questions if q.key == "ease")
    assert ease.suppressed and ease.mean is None and ease.distribution == []


def test_themes_are_counted_and_free_text_is_for_the_two_sides(copier_form, people, departments):
    from conftest import make_user

    pilot = copier_form.pilot
    for text in ("Paper jam on day one", "Jammed again", "Where is the scan button?"):
        submit(copier_form, "student", 4, **{"anything-else": text})
    texts = selectors.free_text_for_user(user=people["library"], pilot=pilot)
    by_text = {a.text: a for a in texts}
    for text in ("Paper jam on day one", "Jammed again"):
        services.answer_set_theme(
            actor=people["library"], pilot=pilot, answer_id=str(by_text[text].pk), theme_name="Paper jams"
        )
    results = selectors.pilot_results(pilot)
    other = next(q for q in results.questions if q.key == "anything-else")
    assert [(g.label, g.n) for g in other.themes] == [("Paper jams", 2)] and other.unthemed == 1
    with pytest.raises(PermissionDenied):
        services.answer_set_theme(
            actor=people["it"], pilot=pilot, answer_id=str(by_text["Jammed again"].pk), theme_name="x"
        )
    facilities = departments["library"].__class__.objects.create(name="Facilities", code="fac", kind="other")
    with pytest.raises(PermissionDenied):
        selectors.free_text_for_user(user=make_user("it_staff", username="p_fac", department=facilities), pilot=pilot)


def test_free_text_is_purged_after_the_pilot_closes_and_themes_stay(copier_form, people, settings):
    import datetime as dt

    from django.utils import timezone

    from liaison.pilots.models import Answer

    pilot = copier_form.pilot
    response = submit(copier_form, "student", 4, **{"anything-else": "My name is Pat and it jammed"})
    answer = response.answers.get(question__key="anything-else")
    services.answer_set_theme(actor=people["library"], pilot=pilot, answer_id=str(answer.pk), theme_name="Jams")
    pilot = services.pilot_transition(actor=people["it"], pilot=pilot, to_state="reporting")
    services.pilot_transition(actor=people["library"], pilot=pilot, to_state="closed", recommendation="Buy.")
    assert services.free_text_purge_expired() == 0
    later = timezone.now() + dt.timedelta(days=services.free_text_days() + 1)
    assert services.free_text_purge_expired(now=later) == 1
    answer = Answer.objects.get(pk=answer.pk)
    assert answer.text == "" and answer.theme.name == "Jams"


def test_results_are_for_staff_only(copier_form, people):
    with pytest.raises(PermissionDenied):
        selectors.results_get_for_user(user=people["student"], pilot=copier_form.pilot)


def test_results_take_a_fixed_number_of_queries(copier_form, django_assert_max_num_queries):
    for i in range(12):
        submit(copier_form, ("student", "faculty", "staff")[i % 3], 1 + i % 5, **{"anything-else": f"note {i}"})
    with django_assert_max_num_queries(5):
        selectors.pilot_results(copier_form.pilot)
