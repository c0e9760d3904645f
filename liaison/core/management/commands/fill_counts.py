"""Fill the count tables now (the task queue does it every five minutes)."""

from django.core.management.base import BaseCommand

from liaison.core import counts


class Command(BaseCommand):
    help = "Fill every declared stat's count table up to the last settled hour; safe to run at any time."

    def handle(self, *args, **options):
        for name, buckets in counts.fill_all().items():
            self.stdout.write(f"{name}: {buckets} bucket(s) written")
