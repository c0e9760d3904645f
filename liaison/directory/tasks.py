"""Scheduled work for the directory (run by the huey consumer)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from liaison.directory.services import review_reminders_send

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="7", minute="15"))
def directory_review_reminders():
    """Every morning, e-mail each owner a digest of their entries past review-by."""
    sent = review_reminders_send()
    logger.info("Directory review reminders: %s e-mail(s) sent.", sent)
    return sent
