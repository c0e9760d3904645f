"""Scheduled housekeeping: uploaded files are not kept longer than IMPORT_KEEP_HOURS."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from liaison.imports.services import import_files_purge

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="17"))
def purge_import_files():
    removed = import_files_purge()
    if removed:
        logger.info("Deleted %s kept import file(s).", removed)
    return removed
