from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "liaison.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from liaison.core import checks, navigation  # noqa: F401  (checks registers the deploy checks)
        from liaison.core.access import role_rule
        from liaison.core.roles import Role

        # The Django admin is where an administrator sets Liaison up; the menu should say so.
        navigation.register("Setup", "admin:index", role_rule(Role.ADMINISTRATOR), order=990)
