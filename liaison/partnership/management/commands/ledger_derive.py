"""manage.py ledger_derive [--days N | --since YYYY-MM-DD | --all] [--feed KEY ...]

Brings the partnership ledger up to date from every registered feed (the same job the
schedule runs every quarter hour). Safe to run at any time, twice, or beside the scheduled
job: it adds nothing that is already there."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from liaison.partnership import services
from liaison.partnership.tasks import FULL_HISTORY_START


class Command(BaseCommand):
    help = "Bring the partnership ledger up to date from the work (idempotent)."

    def add_arguments(self, parser):
        window = parser.add_mutually_exclusive_group()
        window.add_argument("--days", type=int, help=f"The last N days (default {services.DEFAULT_WINDOW_DAYS}).")
        window.add_argument("--since", help="From this date (YYYY-MM-DD).")
        window.add_argument("--all", action="store_true", help="All history.")
        parser.add_argument("--feed", action="append", dest="feeds", help="Only this feed (repeatable).")

    def handle(self, *args, days=None, since=None, all=False, feeds=None, **options):
        start = None
        if all:
            start = FULL_HISTORY_START
        elif since:
            try:
                start = dt.date.fromisoformat(since)
            except ValueError:
                raise CommandError(f"--since {since!r} is not a date (YYYY-MM-DD).") from None
        elif days is not None:
            if days < 1:
                raise CommandError("--days must be at least 1.")
            start = timezone.localdate() + dt.timedelta(days=1) - dt.timedelta(days=days)
        try:
            report = services.ledger_derive(start=start, feed_keys=feeds)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for result in report.feeds:
            line = (
                f"{result.feed_key}: {result.created} new, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.orphaned} orphaned"
            )
            if result.skipped:
                line += f", {result.skipped} skipped"
            if result.error:
                line += f" — FAILED: {result.error}"
            self.stdout.write(line)
        self.stdout.write(report.summary())
        if report.failed:
            raise CommandError("Some feeds failed; see above.")
