from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ImportsConfig(AppConfig):
    name = "liaison.imports"
    label = "imports"
    verbose_name = "Imports"

    def ready(self):
        from liaison.core import navigation
        from liaison.imports.policy import IMPORT_RULE

        navigation.register("Imports", "imports:index", IMPORT_RULE, order=700)
        # Importers belong to the domain whose rows they write (`<app>/importers.py`) and
        # register themselves with liaison.imports.registry when imported: find them all.
        autodiscover_modules("importers")
