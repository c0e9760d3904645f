from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from liaison.demo.seed import DEMO_PASSWORD, DEMO_SIGN_INS, demo_is_loaded, seed_demo


class Command(BaseCommand):
    help = "Build a believable college's demo data (idempotent). Refuses to run unless DEBUG is on."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-sign-ins", action="store_true", help="Do not print the demo sign-ins.")
        parser.add_argument(
            "--once",
            action="store_true",
            help="Load only if this database has no demo data yet (what `make run` uses).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "The demo data has well-known passwords, so it is only for development: "
                "set DJANGO_DEBUG=1 to load it. It was not loaded."
            )
        if options["once"] and demo_is_loaded():
            from liaison.desk.demo import seed_desk

            # A demo opened days later still shows a working desk today: add the traffic since.
            added = seed_desk(lambda msg: None, top_up=True).get("desk interactions added", 0)
            self.stdout.write(f"Demo data is already loaded; desk traffic topped up to now ({added} new entries).")
        else:
            summary = seed_demo(log=lambda msg: self.stdout.write(f"  {msg}"))
            self.stdout.write(
                self.style.SUCCESS("Demo data is ready: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
            )
        # Without a task worker (make run) nothing fills the count tables on schedule; fill them
        # now so the demo's reports read the tables the way a production site's do.
        from liaison.core import counts

        filled = counts.fill_all()
        self.stdout.write("Count tables filled: " + ", ".join(f"{k} {v} bucket(s)" for k, v in filled.items()))
        if not options["quiet_sign_ins"]:
            self.stdout.write(f"\nDemo sign-ins (password for each: {DEMO_PASSWORD}):")
            for username, what in DEMO_SIGN_INS:
                self.stdout.write(f"  {username:<11} {what}")
