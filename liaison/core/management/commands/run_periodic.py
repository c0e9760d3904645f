"""Run Liaison's periodic jobs from cron, for a site without a task worker.

Without `REDIS_URL` there is no `run_huey` worker, and so nothing would run the periodic jobs:
the retention purges the privacy register promises, the count tables, the ledger's derivation.
A crontab line runs this every minute; it runs the jobs whose schedule matches the current
minute, exactly as a worker's scheduler would:

    * * * * *  cd /srv/liaison && .venv/bin/python manage.py run_periodic

`--all` runs every periodic job now (after a restore, or to catch up); `--job NAME` runs one;
`--list` shows them with their schedules. A job that fails is logged with its traceback, the
others still run, and the command exits with status 1 so cron reports it; the next matching
minute tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY

logger = logging.getLogger("liaison.periodic")


def periodic_jobs() -> dict[str, Any]:
    """Every registered periodic job by name (huey's scheduler reads the same registry)."""
    autodiscover_modules("tasks")  # as run_huey does: each app's tasks.py registers its jobs
    return {task.name: task for task in HUEY._registry.periodic_tasks}


def due_now(now: dt.datetime | None = None) -> list[Any]:
    """The jobs whose schedule matches this minute (huey compares in UTC unless told not to)."""
    if now is None:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None) if HUEY.utc else dt.datetime.now()
    return HUEY.read_periodic(now)


class Command(BaseCommand):
    help = "Run the periodic jobs due this minute (for cron, when no run_huey worker runs)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Run every periodic job now.")
        parser.add_argument("--job", action="append", default=[], help="Run this job (repeatable); see --list.")
        parser.add_argument("--list", action="store_true", help="List the periodic jobs and their schedules.")

    def handle(self, *args, **options):
        jobs = periodic_jobs()
        if options["list"]:
            for name, task in sorted(jobs.items()):
                self.stdout.write(f"{name}: {_first_line(task)}")
            return
        if options["job"]:
            unknown = [name for name in options["job"] if name not in jobs]
            if unknown:
                raise CommandError(f"No periodic job named {', '.join(unknown)}; --list shows them.")
            tasks = [jobs[name] for name in options["job"]]
        elif options["all"]:
            tasks = list(jobs.values())
        else:
            tasks = due_now()
        failed = []
        for task in tasks:
            try:
                task.execute()
            except Exception:
                logger.exception("Periodic job %s failed; the next matching minute runs it again.", task.name)
                failed.append(task.name)
            else:
                self.stdout.write(f"ran {task.name}")
        if failed:
            raise CommandError(f"{len(failed)} periodic job(s) failed: {', '.join(failed)}.", returncode=1)


def _first_line(task: Any) -> str:
    doc = (type(task).__doc__ or getattr(getattr(task, "func", None), "__doc__", None) or "").strip()
    return doc.splitlines()[0] if doc else ""
