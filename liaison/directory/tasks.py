"""Background work for the directory (huey): the review digest e-mail and the daily job that
decides who gets one. Tasks read, never write, and re-raise a failed send so huey retries it."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from liaison.directory import selectors

logger = logging.getLogger(__name__)


def digest_subject(count: int) -> str:
    return f"{count} directory {'entry is' if count == 1 else 'entries are'} due for review"


@db_task(retries=3, retry_delay=60)
def send_review_digest(address: str, name: str, entry_ids: list[int], today: str) -> int:
    """E-mail `address` the entries among `entry_ids` that are still past review-by (one
    reviewed since the digest was queued drops out). Returns the number of e-mails sent."""
    day = dt.date.fromisoformat(today)
    entries = list(selectors.entries_due_for_review(today=day).filter(pk__in=entry_ids))
    if not entries:
        logger.info("The directory review digest for %s is empty now (all reviewed or retired); not sent.", address)
        return 0
    context = {
        "name": name,
        "entries": entries,
        "today": day,
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
    }
    message = EmailMessage(
        subject=digest_subject(len(entries)),
        body=render_to_string("directory/email_review_digest.txt", context),
        to=[address],
    )
    try:
        message.send(fail_silently=False)
    except Exception:
        logger.exception("Could not send the directory review digest to %s; the queue will retry.", address)
        raise
    return 1


@db_periodic_task(crontab(hour="7", minute="15"))
def directory_review_reminders() -> int:
    """Every morning, queue each owner one digest of their entries past review-by."""
    # Imported here: services schedule this module's tasks (through events), so this module
    # cannot import services while it is itself being imported.
    from liaison.directory.services import review_reminders_enqueue

    queued = review_reminders_enqueue()
    logger.info("Directory review reminders: %s digest e-mail(s) queued.", queued)
    return queued
