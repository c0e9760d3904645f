from django.apps import AppConfig, apps


class ImportsConfig(AppConfig):
    name = "liaison.imports"
    label = "imports"
    verbose_name = "Imports"

    def ready(self):
        from liaison.core import navigation
        from liaison.imports.policy import IMPORT_RULE

        navigation.register("Imports", "imports:index", IMPORT_RULE, order=700)
        # Importers register themselves when their domain is installed.
        if apps.is_installed("liaison.desk"):
            from liaison.imports.importers import desk_interactions  # noqa: F401
