from django.core.management.base import BaseCommand

from liaison.directory.selectors import entries_due_for_review
from liaison.directory.services import review_reminders_send


class Command(BaseCommand):
    help = "E-mail each owner a digest of their directory entries past the review-by date (also runs daily)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the overdue entries; send nothing.")

    def handle(self, *args, **options):
        if options["dry_run"]:
            for entry in entries_due_for_review():
                who = entry.owner.email if entry.owner else entry.department.contact_email or "(nobody)"
                self.stdout.write(f"{entry.review_by}  {entry.name}  → {who}")
            return
        sent = review_reminders_send()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} review digest e-mail(s)."))
