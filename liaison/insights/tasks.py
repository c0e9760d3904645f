"""Background work for insights: send scheduled reports whose period has ended and whose
figures are ready, once a day; each delivery is its own task, retried on failure."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from liaison.insights import services

logger = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=300)
def send_report_delivery(delivery_id: int) -> bool:
    """Mail one delivery (skipped when already sent). A failure re-raises, so huey retries."""
    return services.delivery_send(delivery_id=delivery_id)


@db_periodic_task(crontab(hour="6", minute="17"))
def send_due_reports_daily() -> int:
    """Queue every scheduled report whose period ended and whose count tables are filled."""
    queued = services.deliveries_queue_due()
    logger.info("Queued %d scheduled report(s).", len(queued))
    return len(queued)
