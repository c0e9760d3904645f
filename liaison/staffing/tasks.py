"""Background work for the pool: the solver run (which can take its full time limit) and the
mail that tells workers their schedule was published or a shift changed hands. Mail tasks
write nothing and re-raise a failed send so the queue retries."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from huey.contrib.djhuey import db_task

logger = logging.getLogger(__name__)


@db_task()
def run_solver(run_id: int) -> None:
    """Run one queued solver run (system job; the supervisor who asked is on the run)."""
    from liaison.staffing.services import schedule_run_execute

    schedule_run_execute(run_id=run_id)


def _addresses(user_ids: list[int]) -> list[str]:
    from liaison.accounts import selectors as accounts

    return [u.email for u in accounts.user_list().filter(pk__in=user_ids) if u.email]


@db_task(retries=3, retry_delay=60)
def mail_schedule_published(*, user_ids: list[int], term_name: str) -> None:
    for address in _addresses(user_ids):
        send_mail(
            f"Your shifts for {term_name} are published",
            "Your schedule is published in Liaison. See your shifts, offer one you cannot work, "
            "or subscribe to your calendar link under Shifts.",
            settings.DEFAULT_FROM_EMAIL,
            [address],
        )


@db_task(retries=3, retry_delay=60)
def mail_shift_changed_hands(*, user_ids: list[int], shift_label: str) -> None:
    for address in _addresses(user_ids):
        send_mail(
            "A shift changed hands",
            f"{shift_label}\n\nThe shift moved to its new worker; your calendar link follows within the hour.",
            settings.DEFAULT_FROM_EMAIL,
            [address],
        )
