"""Background work that belongs to no domain: forgetting idempotency keys after 24 hours."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from liaison.core.idempotency import purge_expired

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="3", minute="41"))
def purge_idempotency_keys_daily() -> int:
    purged = purge_expired()
    logger.info("Forgot %d idempotency key(s) older than 24 hours.", purged)
    return purged


@db_periodic_task(crontab(minute="*/5"))
def fill_counts() -> dict[str, int]:
    """Fill every declared stat's count table up to the last settled hour (liaison/core/counts.py)."""
    from liaison.core import counts

    done = counts.fill_all()
    logger.info("Filled count tables: %s", done)
    return done
