"""Free text: staff group answers under themes for the report, and the text itself is purged
some time after the pilot closes (the themes and their counts stay)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from liaison.core.errors import reject
from liaison.pilots import events, policy
from liaison.pilots.models import Answer, Pilot, Question, Theme
from liaison.pilots.services._common import require

if TYPE_CHECKING:
    from liaison.accounts.models import User

DEFAULT_FREE_TEXT_DAYS = 180


def free_text_days() -> int:
    """Days after a pilot closes that its free-text answers are kept (PILOTS_FREE_TEXT_DAYS)."""
    return int(getattr(settings, "PILOTS_FREE_TEXT_DAYS", DEFAULT_FREE_TEXT_DAYS))


@transaction.atomic
def answer_set_theme(*, actor: User, pilot: Pilot, answer_id: str, theme_name: str) -> Answer:
    """File a free-text answer under a theme (made if new); an empty name takes it out."""
    require(policy.can_theme_answers(actor, pilot), "Only the library side groups answers into themes.")
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .filter(pk=answer_id, response__form__pilot=pilot)
        .select_related("question")
        .first()
        if _is_uuid(answer_id)
        else None
    )
    if answer is None or not (answer.text or answer.question.kind == Question.Kind.TEXT):
        raise reject("answer", "That answer is not a free-text answer of this pilot.", code="pilots.theme_invalid")
    name = " ".join((theme_name or "").split())
    if len(name) > 80:
        raise reject("theme", "Keep a theme's name under 80 characters.", code="pilots.theme_invalid")
    theme = Theme.objects.get_or_create(pilot=pilot, name=name)[0] if name else None
    if answer.theme_id != (theme.pk if theme else None):
        answer.theme = theme
        answer.save(update_fields=["theme"])
        events.theme_set(actor=actor, theme=theme, answer_id=str(answer.pk), pilot=pilot)
    return answer


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@transaction.atomic
def free_text_purge_expired(*, now: dt.datetime | None = None) -> int:
    """A system job (no actor): blank the free text of pilots closed more than
    PILOTS_FREE_TEXT_DAYS ago. Themes and every count stay. Returns answers blanked."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=free_text_days())
    return Answer.objects.filter(response__form__pilot__closed_at__lt=cutoff).exclude(text="").update(text="")
