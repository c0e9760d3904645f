from django.apps import AppConfig


class PilotsConfig(AppConfig):
    name = "liaison.pilots"
    label = "pilots"
    verbose_name = "Pilots"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import role_rule
        from liaison.pilots import panels, tasks  # noqa: F401  (home panel; huey finds the tasks)
        from liaison.pilots.policy import READER_ROLES

        navigation.register("Pilots", "pilots:list", role_rule(*READER_ROLES), order=360)
