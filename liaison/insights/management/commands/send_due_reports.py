"""`manage.py send_due_reports`: queue (and, without a task worker, send) every scheduled
report whose period has ended and whose figures are in the count tables. Idempotent."""

from django.core.management.base import BaseCommand

from liaison.insights import services


class Command(BaseCommand):
    help = "Send scheduled insights reports that are due (never twice for one period)."

    def handle(self, *args, **options):
        queued = services.deliveries_queue_due()
        self.stdout.write(f"Queued {len(queued)} report(s).")
