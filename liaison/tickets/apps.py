from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "liaison.tickets"
    label = "tickets"
    verbose_name = "Tickets"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import role_rule
        from liaison.core.roles import DESK_ROLES

        navigation.register("Tickets", "tickets:my_work", role_rule(*DESK_ROLES), order=200)
        from liaison.tickets import panels, tasks  # noqa: F401  (home panels; huey finds the tasks)
