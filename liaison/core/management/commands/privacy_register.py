from django.core.management.base import BaseCommand, CommandError

from liaison.core import privacy


class Command(BaseCommand):
    help = (
        "Print the privacy register (every stored field: pii, sensitive or public, its purpose and retention) "
        "as Markdown. Regenerate the committed copy with "
        "`manage.py privacy_register > docs/privacy-register.md`. Refuses while a field has no entry."
    )

    def handle(self, *args, **options):
        problems = privacy.problems()
        if problems:
            raise CommandError(
                "The privacy register is incomplete; add these to the app's privacy.py:\n  " + "\n  ".join(problems)
            )
        self.stdout.write(privacy.as_markdown(), ending="")
