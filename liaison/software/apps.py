from django.apps import AppConfig


class SoftwareConfig(AppConfig):
    name = "liaison.software"
    label = "software"
    verbose_name = "Software access"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import role_rule
        from liaison.software.policy import READER_ROLES

        navigation.register("Software", "software:matrix", role_rule(*READER_ROLES), order=360)
        from liaison.software import panels  # noqa: F401  (the home panel)
