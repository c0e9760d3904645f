from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "liaison.partnership"
    label = "partnership"
    verbose_name = "Partnership"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import role_rule
        from liaison.core.roles import STAFF_ROLES

        navigation.register("Partnership", "partnership:overview", role_rule(*STAFF_ROLES), order=400)
        from liaison.partnership import panels, tasks  # noqa: F401  (home panels; huey finds the tasks)
