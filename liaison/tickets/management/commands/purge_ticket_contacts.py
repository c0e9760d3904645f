from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from liaison.tickets.services import retention_days, tickets_purge_contacts


class Command(BaseCommand):
    help = (
        "Purge patron contact details (and status links) from tickets closed at least N days ago. "
        "Tickets, history and statistics stay. Safe to run again. The huey worker runs it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            help=f"Days after closing (default LIAISON_CONTACT_RETENTION_DAYS, now {retention_days()}).",
        )

    def handle(self, *args, **options):
        try:
            purged = tickets_purge_contacts(older_than_days=options["older_than_days"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Purged contact details from {purged} closed ticket(s)."))
