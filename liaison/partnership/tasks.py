"""Background work for the partnership: keeping the ledger up to date, the daily flag for
rollouts without consultation, and its mail."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from liaison.partnership import services

logger = logging.getLogger(__name__)

FULL_HISTORY_START = dt.date(2000, 1, 1)


class LedgerFeedFailed(RuntimeError):
    """A feed failed; raised so the queue retries (the other feeds' work is committed)."""


def _run(**window) -> dict[str, int]:
    report = services.ledger_derive(**window)
    if report.failed:
        raise LedgerFeedFailed(report.summary())
    return report.totals


@db_periodic_task(crontab(minute="*/15"), retries=2, retry_delay=120)
def ledger_derive_recent() -> dict[str, int]:
    """Every quarter hour: the last DEFAULT_WINDOW_DAYS days (what changes in practice)."""
    return _run()


@db_periodic_task(crontab(hour="2", minute="41"), retries=2, retry_delay=600)
def ledger_derive_full_history() -> dict[str, int]:
    """Nightly: all history, so an old source record deleted or changed is caught too."""
    return _run(start=FULL_HISTORY_START)


@db_periodic_task(crontab(hour="7", minute="5"))
def flag_unconsulted_rollouts() -> int:
    flagged = services.rollouts_flag_unconsulted()
    logger.info("Flagged %d rollout(s) with no library consultation.", flagged)
    return flagged


@db_task(retries=3, retry_delay=60)
def send_rollout_flag_mail(*, subject: str, body: str, recipients: list[str]) -> int:
    """Everything it needs is passed in; it writes nothing and re-raises a failed send."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
