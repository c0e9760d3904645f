from django.core.management.base import BaseCommand

from liaison.directory.selectors import entries_due_for_review
from liaison.directory.services import review_reminders_enqueue


class Command(BaseCommand):
    help = (
        "Queue each owner one digest e-mail of their directory entries past the review-by date "
        "(also runs daily). Without Redis the e-mails go at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the overdue entries; send nothing.")

    def handle(self, *args, **options):
        if options["dry_run"]:
            for entry in entries_due_for_review():
                who = entry.owner.email if entry.owner else entry.department.contact_email or "(nobody)"
                self.stdout.write(f"{entry.review_by}  {entry.name}  → {who}")
            return
        queued = review_reminders_enqueue()
        self.stdout.write(self.style.SUCCESS(f"Queued {queued} review digest e-mail(s)."))
