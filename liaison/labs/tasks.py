"""Background work for labs: the daily purge of reporters' contacts."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from liaison.labs import services

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="3", minute="23"))
def purge_fault_report_contacts_daily() -> int:
    """Blank the optional contact on fault reports 30 days after their incident is resolved."""
    purged = services.fault_report_contacts_purge()
    logger.info("Blanked the contact on %d fault report(s).", purged)
    return purged


@db_periodic_task(crontab(minute="*"))
def flush_heartbeats_every_minute() -> int:
    """Carry the workstations' last heartbeats from the cache into their presence rows."""
    return services.heartbeats_flush()


@db_periodic_task(crontab(minute="*"))
def poll_printers_every_minute() -> dict:
    """Ask every network printer how it is over IPP (ADR 0057); `manage.py poll_printers` is
    the same for cron without a worker."""
    summary = services.printers_poll()
    logger.info("Polled printers: %s", summary.as_dict())
    return summary.as_dict()
