from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "liaison.staffing"
    label = "staffing"
    verbose_name = "Student-worker pool"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import role_rule
        from liaison.staffing import (
            panels,  # noqa: F401  (registers the home panel)
            policy,
        )

        navigation.register("Shifts", "staffing:home", role_rule(*policy.POOL_ROLES), order=360)
