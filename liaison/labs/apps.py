from django.apps import AppConfig


class LabsConfig(AppConfig):
    name = "liaison.labs"
    label = "labs"
    verbose_name = "Labs and equipment"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import PUBLIC, role_rule
        from liaison.labs import signals  # noqa: F401 (connects the receivers)
        from liaison.labs.policy import STAFF_VIEW_ROLES

        navigation.register("Labs", "labs:home", role_rule(*STAFF_VIEW_ROLES), order=360)
        navigation.register("Lab status", "labs:board", PUBLIC, order=361)
