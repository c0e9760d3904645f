"""`manage.py run_periodic`: cron runs the periodic jobs when no task worker does."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from liaison.core.management.commands import run_periodic
from liaison.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def _old_key():
    return IdempotencyRecord.objects.create(
        scope="user:1", endpoint="tickets.create", key="k", fingerprint="f",
        created_at=timezone.now() - dt.timedelta(days=2),
    )  # fmt: skip


def test_every_app_job_is_found_as_a_worker_would_find_it():
    names = set(run_periodic.periodic_jobs())
    # the privacy register's purges, the count tables and the ledger must run without Redis
    assert {
        "purge_ticket_contacts_daily",
        "purge_idempotency_keys_daily",
        "fill_counts",
        "ledger_derive_recent",
    } <= names


def test_the_jobs_due_this_minute_are_the_ones_whose_schedule_matches():
    due_at_3_41 = {task.name for task in run_periodic.due_now(dt.datetime(2026, 11, 30, 3, 41))}
    due_at_3_42 = {task.name for task in run_periodic.due_now(dt.datetime(2026, 11, 30, 3, 42))}
    assert "purge_idempotency_keys_daily" in due_at_3_41
    assert "purge_idempotency_keys_daily" not in due_at_3_42


def test_a_named_job_runs_now():
    _old_key()
    out = StringIO()
    call_command("run_periodic", "--job", "purge_idempotency_keys_daily", stdout=out)
    assert not IdempotencyRecord.objects.exists()
    assert "ran purge_idempotency_keys_daily" in out.getvalue()


def test_an_unknown_job_is_named():
    with pytest.raises(CommandError, match="No periodic job named nightly_magic"):
        call_command("run_periodic", "--job", "nightly_magic")


def test_a_failing_job_is_reported_and_the_others_still_run(monkeypatch):
    _old_key()
    jobs = run_periodic.periodic_jobs()

    def broken(self):
        raise RuntimeError("the mail server is down")

    # huey makes a fresh task instance per read of its registry: patch the job's own class
    monkeypatch.setattr(type(jobs["directory_review_reminders"]), "execute", broken)
    with pytest.raises(CommandError, match="1 periodic job\\(s\\) failed: directory_review_reminders"):
        call_command(
            "run_periodic", "--job", "directory_review_reminders", "--job", "purge_idempotency_keys_daily",
            stdout=StringIO(),
        )  # fmt: skip
    assert not IdempotencyRecord.objects.exists()
