from django.core.management.base import BaseCommand

from liaison.pilots.services import free_text_days, free_text_purge_expired


class Command(BaseCommand):
    help = (
        "Blank the free-text answers of pilots closed more than PILOTS_FREE_TEXT_DAYS days ago. Themes and every "
        "count stay. Safe to run again. The huey worker runs it daily."
    )

    def handle(self, *args, **options):
        blanked = free_text_purge_expired()
        self.stdout.write(
            self.style.SUCCESS(
                f"Blanked {blanked} free-text answer(s) of pilots closed over {free_text_days()} days ago."
            )
        )
