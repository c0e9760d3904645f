"""Collecting answers: from a respondent's phone (short link or QR code), or typed in by staff
at the desk for someone in front of them.

What is kept: the answers, the audience, the day, how it came in, and the form version it was
given on. Not kept: the address, the browser, the time of day, or a cookie beyond the
participation token. A public answer carries a random participation token (in a cookie for
that form): only its SHA-256 is stored, in a table with no time and no link to the answer, so
a repeat with the same token (a double tap on a bad connection, a second try) is counted once,
and nothing ties an answer to a person.

The rate limit (`submission_allowed`) counts attempts per address per form in the cache only,
under a salted hash of the address, for ten minutes; nothing of it reaches the database.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from liaison.core.errors import reject
from liaison.pilots import events, policy
from liaison.pilots.models import Answer, Audience, FeedbackForm, Participation, Pilot, Question, Response
from liaison.pilots.services._common import Problems, require
from liaison.pilots.services.forms import TASK_OUTCOMES, YES_NO

if TYPE_CHECKING:
    from liaison.accounts.models import User

MAX_TEXT = 2000
TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_-]{20,100}")
RATE_WINDOW_SECONDS = 600
RATE_LIMIT = 30  # per address per form per ten minutes: a class in a lab shares one address


@dataclass(frozen=True)
class Submitted:
    response: Response | None  # None when the token had already answered
    duplicate: bool


def _address_key(form_id: int, address: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:pilots:{address}".encode()).hexdigest()[:32]
    return f"pilots:rate:{form_id}:{digest}"


def submission_allowed(*, form: FeedbackForm, address: str) -> bool:
    """Count this attempt from `address` on `form`; False once over the limit (for a while)."""
    key = _address_key(form.pk, address or "unknown")
    if cache.add(key, 1, RATE_WINDOW_SECONDS):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, RATE_WINDOW_SECONDS)
        return True
    return count <= RATE_LIMIT


def collecting(form: FeedbackForm) -> tuple[bool, str]:
    """Does the form take answers now? (yes, "") or (no, why) in words for the respondent."""
    pilot = form.pilot
    if pilot.state in (Pilot.State.REPORTING, Pilot.State.CLOSED):
        return False, "This pilot has ended, so it no longer takes answers. Thank you for your interest."
    if pilot.state != Pilot.State.RUNNING:
        return False, "This pilot has not started yet: answers open when it does."
    if not form.is_open or form.current_version_id is None:
        return False, "This form is paused for now. Please try again later."
    return True, ""


def _clean_answers(questions: list[Question], raw: Mapping[str, Any]) -> list[Answer]:
    problems = Problems()
    answers: list[Answer] = []
    for q in questions:
        value = raw.get(q.key)
        if isinstance(value, (list, tuple)):
            value = value[-1] if value else None
        value = "" if value is None else str(value).strip()
        comment = str(raw.get(f"{q.key}-comment") or "").strip()
        field = q.key
        if q.kind == Question.Kind.TEXT:
            if len(value) > MAX_TEXT:
                problems.add(field, f"Keep your answer under {MAX_TEXT:,} characters.", code="pilots.answer_too_long")
                continue
            if value:
                answers.append(Answer(question=q, text=value))
            elif q.required:
                problems.add(field, "Please answer this question.", code="pilots.answer_required")
            continue
        if len(comment) > MAX_TEXT:
            problems.add(field, f"Keep your comment under {MAX_TEXT:,} characters.", code="pilots.answer_too_long")
            continue
        if not value:
            if q.required:
                problems.add(field, "Please answer this question.", code="pilots.answer_required")
            continue
        if q.kind == Question.Kind.RATING:
            number = int(value) if value.isascii() and value.isdigit() else 0
            if not 1 <= number <= q.scale_max:
                problems.add(field, f"Choose a rating from 1 to {q.scale_max}.", code="pilots.answer_invalid")
                continue
            answers.append(Answer(question=q, number=number))
        elif q.kind == Question.Kind.CHOICE:
            if value not in q.choices:
                problems.add(field, "Choose one of the options shown.", code="pilots.answer_invalid")
                continue
            answers.append(Answer(question=q, choice=value))
        elif q.kind == Question.Kind.YES_NO:
            if value not in dict(YES_NO):
                problems.add(field, "Answer yes or no.", code="pilots.answer_invalid")
                continue
            answers.append(Answer(question=q, choice=value))
        elif q.kind == Question.Kind.TASK:
            if value not in dict(TASK_OUTCOMES):
                problems.add(field, "Say whether it worked.", code="pilots.answer_invalid")
                continue
            answers.append(Answer(question=q, choice=value, text=comment))
    problems.raise_any()
    return answers


def _audience(audience: str) -> str:
    if audience not in Audience.values:
        raise reject("audience", "Say whether you are a student, faculty or staff.", code="pilots.audience_required")
    return audience


def _store(form: FeedbackForm, *, audience: str, raw: Mapping[str, Any], channel: str, recorded_by: Any) -> Response:
    ok, why = collecting(form)
    if not ok:
        raise reject("__all__", why, code="pilots.not_collecting")
    version = form.current_version
    assert version is not None  # collecting() checked
    found: dict[str, list[ValidationError]] = {}
    answers: list[Answer] = []
    try:
        audience = _audience(audience)
    except ValidationError as exc:
        found.update(exc.error_dict)
    try:
        answers = _clean_answers(list(version.questions.all()), raw)
    except ValidationError as exc:
        found.update(exc.error_dict)
    if found:  # every problem at once: the audience and each answer
        raise ValidationError(found)
    quota = form.quota_for(audience)
    if quota is not None and form.responses.filter(audience=audience).count() >= quota:
        raise reject(
            "audience",
            f"Thank you: we have all the answers we need from {Audience(audience).label.lower()} respondents.",
            code="pilots.quota_reached",
        )
    response = Response.objects.create(
        form=form,
        version=version,
        audience=audience,
        channel=channel,
        submitted_on=timezone.localdate(),
        recorded_by=recorded_by,
    )
    for answer in answers:
        answer.response = response
    Answer.objects.bulk_create(answers)
    return response


token_hash = Participation.hash_token


@transaction.atomic
def response_submit(
    *, actor: Any, form: FeedbackForm, audience: str, answers: Mapping[str, Any], token: str, via_qr: bool = False
) -> Submitted:
    """A respondent's answers from the short link or QR code: anyone may answer a running
    pilot's open form (`actor` is whoever is signed in, usually nobody, and is not stored).
    The same token answers once: a repeat stores nothing and says so."""
    if not TOKEN_FORMAT.fullmatch(token or ""):
        raise reject("token", "Reload the form and send it again.", code="pilots.token_invalid")
    form = (
        FeedbackForm.objects.select_for_update(of=("self",)).select_related("pilot", "current_version").get(pk=form.pk)
    )
    if Participation.objects.filter(form=form, token_hash=token_hash(token)).exists():
        return Submitted(response=None, duplicate=True)
    response = _store(form, audience=audience, raw=answers, channel="qr" if via_qr else "link", recorded_by=None)
    try:
        with transaction.atomic():
            Participation.objects.create(form=form, token_hash=token_hash(token))
    except IntegrityError:  # the same token, in a race the row lock did not see (another form row)
        transaction.set_rollback(True)
        return Submitted(response=None, duplicate=True)
    return Submitted(response=response, duplicate=False)


@transaction.atomic
def response_record_at_desk(*, actor: User, form: FeedbackForm, audience: str, answers: Mapping[str, Any]) -> Response:
    """Staff type in the answers of someone at the desk. The response names the member of
    staff (who typed it), never the respondent. Forms carry a one-time key so a double click
    records once (`core.idempotency.run_once_for_form` in the adapter)."""
    form = (
        FeedbackForm.objects.select_for_update(of=("self",)).select_related("pilot", "current_version").get(pk=form.pk)
    )
    require(policy.can_record_desk_answer(actor, form.pilot), "Only desk staff record answers for someone.")
    response = _store(form, audience=audience, raw=answers, channel=Response.Channel.DESK, recorded_by=actor)
    events.desk_answer_recorded(actor=actor, form=form)
    return response
