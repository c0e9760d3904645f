"""Background work for imports (huey, through the one task API of ADR 0004): a check or a
commit of one upload (ADR 0043), and the hourly housekeeping that restarts jobs a restart
killed and deletes uploads nobody finished."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from liaison.imports.services import import_files_purge, import_jobs_resume, import_run_job

logger = logging.getLogger(__name__)


@db_task()
def run_import_job(run_pk: int) -> None:
    import_run_job(run_pk=run_pk)


@db_periodic_task(crontab(minute="*/5"))
def resume_import_jobs():
    restarted = import_jobs_resume()
    if restarted:
        logger.info("Restarted %s import job(s) a restart had stopped.", restarted)
    return restarted


@db_periodic_task(crontab(minute="17"))
def purge_import_files():
    removed = import_files_purge()
    if removed:
        logger.info("Deleted %s kept import file(s).", removed)
    return removed
