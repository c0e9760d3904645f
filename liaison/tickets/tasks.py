"""Background work for tickets: mail after commit, and the daily contact purge."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from liaison.tickets import notifications, services

logger = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=60)
def send_ticket_event_mail(event_id: int, status_token: str | None = None) -> int:
    """Send an event's mail. Writes nothing (the patron's link was minted with the event and
    comes as `status_token`); a failed send raises, so huey tries again, with the same link."""
    return notifications.deliver(event_id, status_token=status_token)


@db_periodic_task(crontab(hour="3", minute="17"))
def purge_ticket_contacts_daily() -> int:
    """Purge patron contact details LIAISON_CONTACT_RETENTION_DAYS after tickets close."""
    purged = services.tickets_purge_contacts()
    expired = services.status_links_delete_expired()
    logger.info(
        "Purged patron contact details from %d closed ticket(s); removed %d expired status link(s).", purged, expired
    )
    return purged
