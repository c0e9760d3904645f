"""Background work for pilots: the daily purge of free text after pilots close."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from liaison.pilots import services

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="4", minute="12"))
def purge_pilot_free_text() -> int:
    """Blank free-text answers PILOTS_FREE_TEXT_DAYS after their pilot closed (themes stay)."""
    blanked = services.free_text_purge_expired()
    logger.info("Blanked %d free-text pilot answer(s) past their retention.", blanked)
    return blanked
