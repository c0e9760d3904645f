from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "liaison.desk"
    label = "desk"
    verbose_name = "Desk interactions"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import role_rule
        from liaison.core.roles import DESK_ROLES, STAFF_ROLES

        navigation.register("Desk", "desk:choose", role_rule(*DESK_ROLES), order=10)
        navigation.register("Desk reports", "desk:report", role_rule(*STAFF_ROLES), order=15)
        from liaison.desk import panels  # noqa: F401  (registers home panels)
