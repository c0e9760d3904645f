"""For demos and screens: play what the lab agents would say right now (`--every N` repeats)."""

import time

from django.core.management.base import BaseCommand

from liaison.labs.demo import simulate_agents


class Command(BaseCommand):
    help = "Demo only: move every lab workstation's last-seen time to now, as running agents would."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds until stopped.")

    def handle(self, *args, every: int = 0, **options):
        while True:
            self.stdout.write(f"{simulate_agents()} workstation(s) reported.")
            if not every:
                return
            time.sleep(every)
