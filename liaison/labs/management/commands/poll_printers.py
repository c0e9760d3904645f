"""Ask every network printer how it is, once (IPP), and act on the answers: for cron, without
Redis or a task worker. `* * * * * manage.py poll_printers` gives the same as the periodic task."""

from django.core.management.base import BaseCommand

from liaison.labs import services


class Command(BaseCommand):
    help = "Poll every network printer over IPP once: faults open incidents, recoveries close them."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, help="Seconds per printer (default LIAISON_LABS_IPP_TIMEOUT, 5).")
        parser.add_argument("--concurrency", type=int, help="Printers asked at once (default 10).")

    def handle(self, *args, **options):
        poll = services.poll_options()
        if options.get("timeout"):
            poll.timeout = max(0.5, min(options["timeout"], 60.0))
        if options.get("concurrency"):
            poll.concurrency = max(1, min(options["concurrency"], 100))
        summary = services.printers_poll(options=poll)
        if summary.skipped:
            self.stdout.write("Another poll is running; nothing done.")
            return
        self.stdout.write(
            f"Asked {summary.asked} printer(s) in {summary.seconds:.1f} s: {summary.answering} answered, "
            f"{summary.no_signal} no signal, {summary.faults} with a fault; incidents opened {summary.opened}, "
            f"joined {summary.joined}, closed {summary.closed}; {summary.failed} failed."
        )
